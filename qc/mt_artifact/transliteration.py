"""mt-artifact/transliteration: source-language words left in Latin transliteration.

What it finds: runs of Latin tokens that are not English words but, mapped back through a
transliteration table, are words of the source language (Russian first): ``soobshchili v sude``
(сообщили в суде), ``Krome togo,`` (Кроме того), a lone ``Napomnim,`` opening a sentence. Any common
romanisation (BGN, GOST, ISO without diacritics, German ``sch``/``w``/``s``, French-style ``j`` for ж)
meets the same key, and ``-tsya`` is read both as ц+я and as т+ся.
Why it matters: a translation engine that could not translate a phrase leaves it transliterated; no
English writer does, so the text is broken and likely machine-translated.
Example: ``the label thought, soobshchili v sude.`` -> flagged, text unchanged (no safe rewrite).
How to tune: ``source_lang`` picks wordfreq's source list and ``mt_translit_<lang>.toml``;
``english_zipf`` is the Zipf frequency from which a token counts as English (names and loanwords are
frequent enough on the English web); ``min_source_zipf`` filters rare source words out of the index;
``mt_loanwords_<lang>.txt`` lists loanwords English keeps (dacha, siloviki); ``opener_*`` set what a
lone capitalised sentence opener must satisfy (rare in English, frequent in the source). Terms followed by a gloss
(``"sejm" (parliament)``), typos of English words (``probleem``) and runs inside foreign-language
sentences are left alone.
Character model: a lone word (and only a lone word: a phrase is evidence enough) must also read as Russian
to ``models/translit_<lang>.json``, a naive Bayes model of character 1-4-grams, romanised Russian words
(wordfreq's Russian list, Zipf >= 2, in five schemes: BGN/PCGN, GOST 7.79 B, ISO 9 without diacritics,
informal web, German) against English and Western European words (wordfreq en, es, it, de, fr, pt, nl);
held out by word: accuracy 0.93, AUC 0.98 (wordfreq 3.1.1). ``min_lone_score`` is its threshold (mean
n-gram log-odds). A run of capitalised words only (Pavlina Petkova) is a name and never flagged; a
capitalised word is flagged alone only in an oblique case after a preposition (``in Moskve`` = в Москве,
``from Rossii``: read-back ending -е/-и/-у/-ой/..., model score >= ``case_min_score``, the read-back
form at least ``case_source_zipf`` common in the source language), never a nominative
(Bryansk) or a surname form (Ivanova).
Retrain: ``PYTHONPATH=$PWD python bench/train_translit.py`` (deterministic for one wordfreq version).
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from qc.lexicon import locate
from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import (
    Transliterator,
    applies,
    english_typo,
    freeze_table,
    is_sentence_start,
    non_ascii_words,
    sentences,
    source_index,
    translit_model,
    word_zipf,
)
from qc.rule import Rule
from qc.text import split_offsets, word_pieces
from qc.untranslated._common import known_word_split


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # Zipf 2.0 = twice per 10^7 words: English names and loanwords (navalny 2.3, dacha 2.2) sit above,
    # transliterated function words and verbs (soobshchili, mezhdu, tolko) at 0 (measured, wordfreq 3.1).
    english_zipf: float = 2.0
    # Tokens this common in English (the, in, not: Zipf > 3.5) are never part of a run's edges.
    common_english_zipf: float = 3.5
    # Source words rarer than this are left out of the index (fewer accidental key collisions).
    min_source_zipf: float = 1.5
    # A lone token must match a source word at least this common (Zipf 2.5 ~ top 130k Russian forms).
    strong_source_zipf: float = 2.5
    min_strong_len: int = 4
    loose_min_len: int = 6
    # The sentence around a run must read as English: at least this share of its other tokens are
    # common English words (Zipf >= 3), and it holds at most one word with diacritics. Otherwise the
    # run is a foreign-language passage (Czech, Slovak shares Slavic roots), left to the untranslated
    # family. English news sentences score ~0.8 (measured on devdata mt_artifacts).
    min_english_share: float = 0.5
    # A lone capitalised sentence opener before a comma (Napomnim, = Напомним,): names also open
    # sentences before commas, so the token must be unknown to English (Zipf < 1: ivanov 2.8,
    # peskov 1.9) and a frequent source word (Zipf >= 3.5: напомним 3.9, впрочем 4.8; surnames that
    # are rare in English sit lower: кобзев 2.6), measured in wordfreq 3.1.
    opener_english_zipf: float = 1.0
    opener_source_zipf: float = 3.5
    min_opener_len: int = 5
    # A lone lower-case token must also read as Russian to the character model (score = mean n-gram
    # log-odds, see the module docstring): English and European word shapes that happen to meet a
    # Russian key (kube, redis, osso, granita, karri) score below 0.3; lone dev spans score 0.67-1.59.
    min_lone_score: float = 0.3
    # A capitalised word after a preposition whose read-back is an oblique case form (in Moskve = в
    # Москве, from Rossii = из России): rare in English (Zipf < english_zipf: rossii 1.8), a frequent
    # source form (Zipf >= 3: москве 4.4, россии 5.3) and Russian to the model (>= 0.8: moskve 0.94,
    # rossii 0.91; 0.2 % of held-out negatives score above 1.0, Western place names mostly below 0).
    case_source_zipf: float = 3.0
    case_min_score: float = 0.8


# Prepositions (English, or left transliterated) that put a Russian noun in an oblique case.
_PREPOSITION = re.compile(
    r"(?:^|[\s(])(?:[Ii]n|[Ff]rom|[Tt]o|[Oo]f|[Aa]t|[Nn]ear|[Aa]cross|[Ww]ith|v|vo|na|iz|po|k|ot|do|u|s) $")
# Oblique case endings of the read-back word (prepositional, genitive, dative, instrumental): a nominative
# (Bryansk, Tula) or a surname form (-ov, -in, -a) is not evidence.
_OBLIQUE = ("е", "и", "у", "ю", "ой", "ом", "ем", "ей", "ами", "ями", "ах", "ях", "ого", "его", "ому", "ему")

# A term followed by its gloss ("sejm" (parliament)) is quoted on purpose, not left untranslated.
_GLOSS = re.compile(r"[\"”’»]?\s*\(")


_UNSET = object()
# Distinct token texts whose kind a process keeps, per generation (two are kept: the current one and the
# one before, whose words move back on use): ~100 bytes each, so at most ~4 MB however large the corpus
# (a news vocabulary grows ~1,200 words per 1,000 documents; the words that recur stay in).
_KIND_MEMO_SIZE = 20_000
# Source-word matches of the tokens of documents past the fast path (~100 bytes each): emptied when full.
_SOURCE_MEMO_SIZE = 20_000
# The tokens with their offsets, from one split (no Python call per match): words at the odd places.
# TOKEN_RE with its first letter before the look-behind (``[A-Za-z](?<![^\W\d_][A-Za-z])`` is
# ``(?<![^\W\d_])[A-Za-z]``): a pattern that opens with a character class is scanned for it, one that
# opens with a look-behind is tried at every position.
_TOKEN_SPLIT = re.compile(r"([A-Za-z](?<![^\W\d_][A-Za-z])(?:[A-Za-z'’]*[A-Za-z])?(?![^\W\d_]))")


_ADJACENT_QUOTES = ("''", "'’", "’'", "’’")


@functools.lru_cache(maxsize=65536)
def _word_token_texts(word: str) -> tuple[str, ...]:
    return tuple(_TOKEN_SPLIT.findall(word))


def _token_texts(text: str, split: tuple[list[int], list[int], list[str]] | None
                 ) -> tuple[set[str], set[str]] | None:
    """``set(_TOKEN_SPLIT.findall(text))`` from ``split``, the text's ``WORD_RE`` words (the untranslated
    family's, when it has read them), and the tokens of its words that are not all ASCII letters; or None.
    A token is letters with single apostrophes between them (where the text has no two apostrophes side by
    side), so it lies inside one word (``WORD_RE`` joins word characters across one apostrophe), and a
    word's edges are non-letters to the token's look-arounds as the string's ends are: the tokens are the
    words' own, an all-letter ASCII word being one (:func:`qc.text.word_pieces`). A token that no other word holds
    stands where the words equal to it do."""
    if split is None or any(q in text for q in _ADJACENT_QUOTES):
        return None
    whole, inner = word_pieces(split[2], _word_token_texts)
    return whole | inner, inner


def _places(words: list[str], w: str) -> Iterator[int]:
    """The indices of ``w`` in ``words``, by C-level scans."""
    k = -1
    while True:
        try:
            k = words.index(w, k + 1)
        except ValueError:
            return
        yield k


class _Tok:
    """A token; its source-word match is looked up on first use (most tokens are never asked)."""

    __slots__ = ("_src", "en", "end", "low", "rule", "start", "text")

    def __init__(self, start: int, end: int, text: str, low: str, en: float, rule: Transliteration):
        self.start, self.end, self.text, self.low, self.en, self.rule = start, end, text, low, en, rule
        self._src: object = _UNSET

    def _lookup(self) -> tuple[str, float] | None:
        if self._src is _UNSET:
            self._src = self.rule._source_word(self)
        return self._src  # type: ignore[return-value]

    @property
    def src(self) -> str | None:
        hit = self._lookup()
        return hit[0] if hit else None

    @property
    def src_z(self) -> float:
        hit = self._lookup()
        return hit[1] if hit else 0.0


class Transliteration(Rule):
    id = "mt-artifact/transliteration"
    summary = "Source-language (Russian) words left in Latin transliteration in English text."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        o = self.options
        table = self.resources.toml(f"mt_translit_{o.source_lang}.toml")
        self.tr = Transliterator(table)
        self.exact, self.loose = source_index(o.source_lang, freeze_table(table), o.min_source_zipf)
        self.en = word_zipf("en")
        self.model = translit_model(str(locate(f"models/translit_{o.source_lang}.json", self.resources.search_path)))
        try:
            self.loanwords = {w.lower() for w in self.resources.lexicon(f"mt_loanwords_{o.source_lang}.txt")}
        except FileNotFoundError:
            self.loanwords = set()
        self._kinds: dict[str, int] = {}  # token text -> _word_kind, per process (this generation)
        self._kinds_old: dict[str, int] = {}  # the generation before
        self._placed: set[str] = set()  # the texts of this generation whose kind is not 0
        self._sources: dict[str, tuple[str, float] | None] = {}  # token text -> _source_word_of

    def _source_word(self, t: _Tok) -> tuple[str, float] | None:
        hit = self._sources.get(t.text, _UNSET)
        if hit is _UNSET:
            if len(self._sources) >= _SOURCE_MEMO_SIZE:
                self._sources.clear()
            hit = self._sources[t.text] = self._source_word_of(t.text, t.low, t.en)
        return hit  # type: ignore[return-value]

    def _source_word_of(self, text: str, low: str, en: float) -> tuple[str, float] | None:
        if en >= self.options.common_english_zipf and len(low) > 2:
            return None  # a common English word can neither start nor join a run
        if low in self.loanwords or (text.islower() and english_typo(low)):
            return None
        keys = [self.tr.latin_key(low)]
        if "ts" in low or "tz" in low:
            keys.append(self.tr.latin_key(low, split_ts=True))
        if "j" in low:  # French-style j for ж (predlojil = предложил)
            keys.append(self.tr.latin_key(low.replace("j", "zh")))
        for key in keys:
            if not key:
                continue
            hit = self.exact.get(key)
            if hit is None and len(low) >= self.options.loose_min_len:
                hit = self.loose.get(self.tr.loose(key))
            if hit:
                return hit
        return None

    def _russian_score(self, low: str) -> float:
        """The character model's score, also read with French-style j for ж (predlojil), as the keys are."""
        score = self.model.score(low)
        if "j" in low and self.exact.get(self.tr.latin_key(low) or "") is None:
            return max(score, self.model.score(low.replace("j", "zh")))
        return score

    def _case_form(self, text: str, t: _Tok) -> bool:
        """A capitalised word in an oblique case after a preposition (in Moskve, iz Rossii)."""
        o = self.options
        return (t.text[:1].isupper() and t.text[1:].islower() and len(t.text) >= 5 and t.en < o.english_zipf
                and t.src is not None and t.src.endswith(_OBLIQUE) and t.src_z >= o.case_source_zipf
                and not is_sentence_start(text, t.start)
                and bool(_PREPOSITION.search(text, max(0, t.start - 7), t.start))
                and self._russian_score(t.low) >= o.case_min_score)

    def _strong(self, t: _Tok) -> bool:
        o = self.options
        return (t.src is not None and t.text.islower() and len(t.text) >= o.min_strong_len
                and t.en < o.english_zipf and t.src_z >= o.strong_source_zipf)

    def _unknown(self, t: _Tok) -> bool:
        """A lowercase non-word next to a transliterated word: a misspelt transliteration (ettogo)."""
        return t.src is None and t.text.islower() and len(t.text) >= self.options.min_strong_len and t.en < 1.0

    def _word_kind(self, w: str) -> int:
        """What a token's text alone says about a run through it: 0 none (common English, or no source
        word), 1 it may hold one wherever it stands (lower case), 2 only where it opens a sentence or
        follows a preposition (a capitalised word inside a sentence is a name)."""
        low = w.lower().replace("’", "'")
        en = self.en.get(low, 0.0)
        return 0 if en >= self.options.english_zipf or not self._source_word_of(w, low, en) else (
            1 if w.islower() else 2)

    def _may_hold_run(self, text: str, starts: list[int], words: list[str]) -> set[str]:
        """The fast path: every accepted run holds a token rarer than ``english_zipf`` that reads as a
        source word and is lower case, opens a sentence or follows a preposition. Most English documents
        have none, and then no token objects are built. The verdict of a token's text is kept per
        process: a document costs a split, set operations in C against the memo and a look-up per word
        the memo does not hold yet; a placed word (kind 2) is looked at where it stands only. Returns
        the document's words of kind 1 or 2 (the only ones a run can start from), or nothing."""
        hits = self._placed_among(set(words))
        kinds = self._kinds
        if not hits or any(kinds[w] == 1 for w in hits):
            return hits
        return hits if self._placed_where_they_stand(text, starts, words, hits) else set()

    def _placed_where_they_stand(self, text: str, starts: list[int], words: list[str], hits: set[str]) -> bool:
        """Whether a token of ``hits`` (kind 2) opens a sentence or follows a preposition somewhere."""
        for w in sorted(hits):
            for k in _places(words, w):
                s = starts[k]
                if is_sentence_start(text, s) or _PREPOSITION.search(text, max(0, s - 7), s):
                    return True
        return False

    def _placed_among(self, distinct: set[str]) -> set[str]:
        """The texts of ``distinct`` of kind 1 or 2, their kinds looked up in the process's memo (and
        kept there)."""
        kinds, placed = self._kinds, self._placed
        new = distinct.difference(kinds)
        if new:
            if len(kinds) + len(new) > _KIND_MEMO_SIZE:  # a new generation: the old one is dropped
                self._kinds_old, kinds = kinds, {}
                self._kinds, placed = kinds, set()
                self._placed = placed
                new = distinct
            old = self._kinds_old
            for w in new:
                kind = old.get(w)
                if kind is None:
                    kind = self._word_kind(w)
                kinds[w] = kind
                if kind:
                    placed.add(w)
        return distinct & placed

    def warm(self) -> None:
        len(self.exact), len(self.loose)  # loads the source index

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        o = self.options
        en_get = self.en.get
        # No token of kind 1 or 2, or only capitalised ones (kind 2) standing where they say nothing, known
        # from the untranslated family's words (most documents): no split of the text.
        known = known_word_split(doc)
        texts = _token_texts(text, known)
        if texts is not None and known is not None:
            hits = self._placed_among(texts[0])
            if not hits:
                return
            kinds = self._kinds
            if not any(kinds[w] == 1 for w in hits) and hits.isdisjoint(texts[1]) \
                    and not self._placed_where_they_stand(text, known[0], known[2], hits):
                return  # each such token is a whole word: it stands where the words equal to it do
        starts, ends, words = split_offsets(_TOKEN_SPLIT, text)
        hits = self._may_hold_run(text, starts, words)
        if not hits:
            return
        n = len(words)
        toks: list[_Tok | None] = [None] * n  # built on first use: most are never looked at

        def tok(k: int) -> _Tok:
            t = toks[k]
            if t is None:
                w = words[k]
                low = w.lower().replace("’", "'")
                t = toks[k] = _Tok(starts[k], ends[k], w, low, en_get(low, 0.0), self)
            return t

        # A run starts at a token rarer than english_zipf with a source word: of kind 1 or 2, the
        # tokens whose texts are in ``hits`` (the others fail the test below); in text order.
        firsts = sorted(k for w in hits for k in _places(words, w))
        bounds: list[tuple[int, int]] = []  # sentence bounds, computed when a first run is found
        hi = -1
        for i in firsts:
            if i <= hi:  # inside the run before
                continue
            t = tok(i)
            if t.en >= o.english_zipf or not (self._strong(t) or t.src):
                continue
            # grow a run of candidate tokens separated by single spaces, both directions
            lo = hi = i
            while lo > 0 and self._joins(text, tok(lo - 1), tok(lo), left=True):
                lo -= 1
            while hi + 1 < n and self._joins(text, tok(hi), tok(hi + 1), left=False):
                hi += 1
            run = [tok(k) for k in range(lo, hi + 1)]
            # common English words never start or end a run (in, the, not)
            while run and run[0].en >= o.common_english_zipf:
                run = run[1:]
            while run and run[-1].en >= o.common_english_zipf:
                run = run[:-1]
            if run and self._accept(text, run) and not bounds:
                bounds = list(sentences(text))
            if run and self._accept(text, run) and self._english_around(starts, tok, run, bounds, text) \
                    and not _GLOSS.match(text, run[-1].end):
                # a one-word run is weaker evidence than a phrase (typos and rare names collide)
                source = " ".join(t.src or "?" for t in run)
                yield self.finding(
                    doc, run[0].start, run[-1].end,
                    f"transliterated {o.source_lang} left in English: {text[run[0].start:run[-1].end]!r} "
                    f"~ {source!r}",
                    data={"source": source, "weight": 1.0 if len(run) > 1 else 0.6},
                )

    def _english_around(self, starts: list[int], tok: Callable[[int], _Tok], run: list[_Tok],
                        bounds: list[tuple[int, int]], text: str) -> bool:
        """The sentence around ``run`` reads as English; ``tok(k)`` is the document's token ``k``, which
        starts at ``starts[k]`` (ascending), so only the sentence's tokens are looked at."""
        start, end = run[0].start, run[-1].end
        s, e = next(((a, b) for a, b in bounds if a <= start < b), (start, end))
        if non_ascii_words(text[s:e]) > 1:
            return False
        # lower-case words only: names (Mayer, Vox Media) say nothing about the sentence's language
        others = [t for t in map(tok, range(bisect.bisect_left(starts, s), bisect.bisect_left(starts, e)))
                  if not (start <= t.start < end) and t.text.islower()]
        if not others:
            return True
        english = sum(1 for t in others if t.en >= 3.0)
        return english >= self.options.min_english_share * len(others)

    def _joins(self, text: str, a: _Tok, b: _Tok, left: bool) -> bool:
        if text[a.end:b.start] != " ":
            return False
        other = a if left else b
        if other.text[:1].isupper():
            # a capital only starts a run, and only at a sentence start (Krome togo, Tem ne menee)
            return left and is_sentence_start(text, other.start) and other.src is not None \
                and other.en < self.options.common_english_zipf
        if other.src is not None:
            # one- and two-letter words (v, ne, po) join inside a run; common ones never end it
            return other.en < self.options.common_english_zipf or len(other.text) <= 2
        return self._unknown(other)

    def _accept(self, text: str, run: list[_Tok]) -> bool:
        o = self.options
        if len(run) == 1 and self._russian_score(run[0].low) < o.min_lone_score:
            return False  # a lone word that does not read as Russian (kube, redis): a collision
        if len(run) > 1 and all(t.text[:1].isupper() for t in run):
            return False  # capitalised words only: a name (Pavlina Petkova) or a heading, never alone
        if any(self._strong(t) for t in run):
            return True
        first = run[0]
        opener = first.text[:1].isupper() and is_sentence_start(text, first.start) and first.src is not None
        if len(run) == 1 and self._case_form(text, first):
            return True
        if len(run) == 1:
            # a lone capitalised source word opening a sentence before a comma (Napomnim, Vprochem, ...)
            return (opener and text.startswith(",", first.end) and len(first.text) >= o.min_opener_len
                    and first.en < o.opener_english_zipf and first.src_z >= o.opener_source_zipf)
        if not all(t.src for t in run):
            return False
        # one- and two-letter words inside the run (s, v, ne) are common in English too
        return (opener and first.en < o.english_zipf
                and all(t.en < o.common_english_zipf for t in run[1:] if len(t.text) > 2))

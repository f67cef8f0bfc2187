"""mt-artifact/transliteration: source-language words left in Latin transliteration.

What it finds: runs of Latin tokens that are not English words but, mapped back through a
transliteration table, are words of the source language (Russian first): ``soobshchili v sude``
(сообщили в суде), ``Krome togo,`` (Кроме того). Any common romanisation (BGN, GOST, German ``sch``)
meets the same key.
Why it matters: a translation engine that could not translate a phrase leaves it transliterated; no
English writer does, so the text is broken and likely machine-translated.
Example: ``the label thought, soobshchili v sude.`` -> flagged, text unchanged (no safe rewrite).
How to tune: ``source_lang`` picks wordfreq's source list and ``mt_translit_<lang>.toml``;
``english_zipf`` is the Zipf frequency from which a token counts as English (names and loanwords are
frequent enough on the English web); ``min_source_zipf`` filters rare source words out of the index;
``mt_loanwords_<lang>.txt`` lists loanwords English keeps (dacha, siloviki). Terms followed by a gloss
(``"sejm" (parliament)``), typos of English words (``probleem``) and runs inside foreign-language
sentences are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import (
    TOKEN_RE,
    Transliterator,
    applies,
    english_typo,
    freeze_table,
    is_sentence_start,
    non_ascii_words,
    sentences,
    source_index,
    word_zipf,
)
from qc.rule import Rule


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


# A term followed by its gloss ("sejm" (parliament)) is quoted on purpose, not left untranslated.
_GLOSS = re.compile(r"[\"”’»]?\s*\(")


class _Tok:
    __slots__ = ("en", "end", "src", "src_z", "start", "text")

    def __init__(self, start: int, end: int, text: str, en: float, src: str | None, src_z: float):
        self.start, self.end, self.text, self.en, self.src, self.src_z = start, end, text, en, src, src_z


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
        try:
            self.loanwords = {w.lower() for w in self.resources.lexicon(f"mt_loanwords_{o.source_lang}.txt")}
        except FileNotFoundError:
            self.loanwords = set()

    def _classify(self, start: int, end: int, text: str) -> _Tok:
        low = text.lower().replace("’", "'")
        en = self.en.get(low, 0.0)
        src, src_z = None, 0.0
        if en >= self.options.common_english_zipf and len(low) > 2:
            return _Tok(start, end, text, en, None, 0.0)  # a common English word can neither start nor join a run
        if low not in self.loanwords and not (text.islower() and english_typo(low)):
            key = self.tr.latin_key(low)
            if key:
                hit = self.exact.get(key)
                if hit is None and len(low) >= self.options.loose_min_len:
                    hit = self.loose.get(self.tr.loose(key))
                if hit:
                    src, src_z = hit
        return _Tok(start, end, text, en, src, src_z)

    def _strong(self, t: _Tok) -> bool:
        o = self.options
        return (t.src is not None and t.text.islower() and len(t.text) >= o.min_strong_len
                and t.en < o.english_zipf and t.src_z >= o.strong_source_zipf)

    def _unknown(self, t: _Tok) -> bool:
        """A lowercase non-word next to a transliterated word: a misspelt transliteration (ettogo)."""
        return t.src is None and t.text.islower() and len(t.text) >= self.options.min_strong_len and t.en < 1.0

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        toks = [self._classify(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text)]
        o = self.options
        bounds: list[tuple[int, int]] = []  # sentence bounds, computed when a first run is found
        i, n = 0, len(toks)
        while i < n:
            if not (self._strong(toks[i]) or (toks[i].src and toks[i].en < o.english_zipf)):
                i += 1
                continue
            # grow a run of candidate tokens separated by single spaces, both directions
            lo = hi = i
            while lo > 0 and self._joins(text, toks[lo - 1], toks[lo], left=True):
                lo -= 1
            while hi + 1 < n and self._joins(text, toks[hi], toks[hi + 1], left=False):
                hi += 1
            run = toks[lo:hi + 1]
            # common English words never start or end a run (in, the, not)
            while run and run[0].en >= o.common_english_zipf:
                run = run[1:]
            while run and run[-1].en >= o.common_english_zipf:
                run = run[:-1]
            i = hi + 1
            if run and self._accept(text, run) and not bounds:
                bounds = list(sentences(text))
            if run and self._accept(text, run) and self._english_around(text, toks, run, bounds) \
                    and not _GLOSS.match(text, run[-1].end):
                # a one-word run is weaker evidence than a phrase (typos and rare names collide)
                words = " ".join(t.src or "?" for t in run)
                yield self.finding(
                    doc, run[0].start, run[-1].end,
                    f"transliterated {o.source_lang} left in English: {text[run[0].start:run[-1].end]!r} "
                    f"~ {words!r}",
                    data={"source": words, "weight": 1.0 if len(run) > 1 else 0.6},
                )

    def _english_around(self, text: str, toks: list[_Tok], run: list[_Tok],
                        bounds: list[tuple[int, int]]) -> bool:
        start, end = run[0].start, run[-1].end
        s, e = next(((a, b) for a, b in bounds if a <= start < b), (start, end))
        if non_ascii_words(text[s:e]) > 1:
            return False
        others = [t for t in toks if s <= t.start < e and not (start <= t.start < end)]
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
        if any(self._strong(t) for t in run):
            return True
        if len(run) < 2 or not all(t.src for t in run):
            return False
        first = run[0]
        return (first.text[:1].isupper() and is_sentence_start(text, first.start)
                and first.en < self.options.english_zipf
                and all(t.en < self.options.common_english_zipf for t in run[1:]))

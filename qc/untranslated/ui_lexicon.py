"""The site-interface lexicon of the untranslated family: strings by language, matched in a document.

``untranslated/ui-string`` reports its matches; ``untranslated/foreign-script`` and
``untranslated/foreign-language`` leave them to it. All three read the lexicon the pack configures for
``untranslated/ui-string`` (``UiLexicon.configured``), so a pack's own lexicon reaches every rule.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from qc.model import Document
from qc.rule import Resources
from qc.text import WORD_RE
from qc.untranslated._common import doc_lower_words, enclosed, glossed, placement

UI_STRING_RULE = "untranslated/ui-string"
DEFAULT_LEXICON = "untranslated_ui_strings.toml"
# A word token runs on across ' and - (``Войти-то``) where an entry may stop; its head is looked up too.
_HEAD_RE = re.compile(r"['’\-]")
# (lexicon name, search path) -> the lexicon, for every rule of a process that asks (see UiLexicon.load)
_SHARED: dict[tuple[str, tuple[object, ...]], UiLexicon] = {}


@dataclass(frozen=True, slots=True)
class UiMatch:
    start: int
    end: int
    text: str
    langs: frozenset[str]


def _hit_starts(text: str, lower: str, hits: set[str]) -> list[int]:
    r"""Starts of ``re.finditer(rf"(?<!\w)(?:{alts})", text, re.IGNORECASE)``, ``alts`` the hits longest
    first. An ASCII text's are found by ``str.find`` in its lower case (~10x cheaper: the look-behind
    opening the pattern is tried at every position): there the hits are ASCII (its own words), case-folded
    matching is matching the lower case, and ``\w`` is the same character class. Overlaps are resolved as
    ``finditer`` does: the leftmost start takes the longest hit there (the alternation tries them longest
    first; two hits at one start are a word and its prefix), and the next match starts after it."""
    if not text.isascii():
        alts = "|".join(sorted(map(re.escape, hits), key=len, reverse=True))
        return [c.start() for c in re.finditer(rf"(?<!\w)(?:{alts})", text, re.IGNORECASE)]
    found: list[tuple[int, int]] = []
    for hit in hits:
        i = lower.find(hit)
        while i >= 0:
            if i == 0 or not (lower[i - 1].isalnum() or lower[i - 1] == "_"):  # ``\w`` of a str pattern
                found.append((i, -len(hit)))
            i = lower.find(hit, i + 1)
    found.sort()
    out: list[int] = []
    end = -1
    for i, minus_len in found:
        if i >= end:
            out.append(i)
            end = i - minus_len
    return out


class UiLexicon:
    """Interface strings by language. Matching looks the text's words up in the set of the entries' first
    words and tries the entries only where one stands: a flat alternation of ~300 strings tried at every
    position of the text cost ~2 ms per 3 KB document; this costs ~0.1 ms."""

    def __init__(self, by_lang: dict[str, list[str]], name: str = DEFAULT_LEXICON):
        self.name = name
        self.langs: dict[str, set[str]] = {}
        lowered: set[str] = set()
        for lang, entries in by_lang.items():
            for entry in entries:
                self.langs.setdefault(entry.casefold(), set()).add(lang)
                lowered.add(entry.lower())  # not casefold: ``schließen`` must still match ``Schließen``
        alts = sorted(lowered, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alts) or r"(?!x)x"
        self.pattern = re.compile(rf"(?:{body})(?![\w])", re.IGNORECASE)
        # Look-up keys: an entry's first two words (its only word for one-word entries).
        self.keys: set[str] = set()
        for entry in lowered:
            words = WORD_RE.findall(entry)
            if words:
                self.keys.add(" ".join(words[:2]))
        # The keys by kind: one word (matched by a word or a head) and two words (by a pair of neighbours,
        # built only after its first word: a 3 KB document has ~500 pairs and rarely one such word).
        self.single_keys = {k for k in self.keys if " " not in k}
        self.pair_keys = self.keys - self.single_keys
        self.pair_seconds: dict[str, set[str]] = {}
        for k in self.pair_keys:
            first, second = k.split(" ")
            self.pair_seconds.setdefault(first, set()).add(second)
        self.pair_firsts = set(self.pair_seconds)
        # Entries that do not start with a word (``© ...``) are tried at every position.
        self.bare = re.compile(
            rf"(?<!\w)(?:{'|'.join(re.escape(a) for a in alts if not a[:1].isalnum())})(?![\w])", re.IGNORECASE
        ) if any(not a[:1].isalnum() for a in alts) else None

    @classmethod
    def load(cls, resources: Resources, name: str = DEFAULT_LEXICON) -> UiLexicon:
        """The lexicon ``name`` of the pack's search path, built once per process: the three rules of the
        family share one (its patterns cost ~10 ms to compile; the object is never changed)."""
        key = (name, resources.search_path)
        lexicon = _SHARED.get(key)
        if lexicon is None:
            if len(_SHARED) >= 8:
                _SHARED.clear()
            lexicon = _SHARED[key] = cls._build(resources, name)
        return lexicon

    @classmethod
    def _build(cls, resources: Resources, name: str) -> UiLexicon:
        data = resources.toml(name)
        return cls({lang: [str(e) for e in entries] for lang, entries in data.items()}, name)

    @classmethod
    def configured(cls, resources: Resources) -> UiLexicon:
        """The lexicon the rule pack gives ``untranslated/ui-string`` (its ``lexicon`` option, whether
        or not that rule is selected), or the default one outside a pack."""
        options = resources.options_of(UI_STRING_RULE)
        return cls.load(resources, getattr(options, "lexicon", DEFAULT_LEXICON))

    def hits(self, lower: str, words: list[str] | None = None) -> set[str]:
        """First words of the keys found in the lower-cased text: where entries are tried. ``words``:
        ``WORD_RE.findall(lower)``, when already known."""
        words = WORD_RE.findall(lower) if words is None else words
        # a word without ' ’ - is alphanumeric (or holds ``_``): no regex call for it; and a text without
        # ' ’ - has no such word (three C scans: the regex ``\w['’\-]\w`` tried at every word character
        # cost ~60 us a document)
        seen = set(words)
        heads = {_HEAD_RE.split(w)[0] for w in seen if not w.isalnum() and _HEAD_RE.search(w)} \
            if "-" in lower or "'" in lower or "’" in lower else set()
        # ``{*words, *heads, *pairs} & self.keys`` (a key with a space is a pair, one without a word or a
        # head), with the pairs built only from the words that open a two-word key
        hits = {*(seen & self.single_keys), *(heads & self.single_keys)}
        # a pair needs both its words in the text (``a`` opens an entry, and nearly every English text)
        firsts = {a for a in seen & self.pair_firsts if not seen.isdisjoint(self.pair_seconds[a])}
        if firsts:
            hits.update(a for a, b in itertools.pairwise(words) if a in firsts and f"{a} {b}" in self.pair_keys)
        return hits

    def _raw(self, text: str, lowered: tuple[str, list[str]] | None = None) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        lower, words = (text.lower(), None) if lowered is None else lowered
        hits = self.hits(lower, words)
        if hits:  # most documents: none; the entries are tried only where a hit's first word stands
            for start in _hit_starts(text, lower, hits):
                if found and start < found[-1].end():
                    continue
                m = self.pattern.match(text, start)
                if m is not None:
                    found.append(m)
        if self.bare is not None:
            found = sorted([*found, *self.bare.finditer(text)], key=lambda m: m.start())
        return found

    def matches(self, text: str, doc_lang: str, lowered: tuple[str, list[str]] | None = None) -> list[UiMatch]:
        """Strings of another language than ``doc_lang``; single words only alone on their line.
        ``lowered``: ``text.lower()`` and its ``WORD_RE`` words, when already known."""
        out = []
        for m in self._raw(text, lowered):
            langs = self.langs.get(m.group().casefold(), set())
            if not langs or doc_lang in langs:
                continue
            if " " not in m.group().strip() and placement(text, m.start(), m.end()) != "line":
                continue
            if enclosed(text, m.start(), m.end()) and glossed(text, m.end()):
                continue  # a quoted term with its translation: “Лента новостей” (news feed)
            out.append(UiMatch(m.start(), m.end(), m.group(), frozenset(langs)))
        return out

    def spans(self, text: str, doc_lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.matches(text, doc_lang)]

    def doc_matches(self, doc: Document) -> list[UiMatch]:
        """``matches`` of a document, computed once for the three rules of the family."""
        key = ("untranslated", "ui", self.name)
        if key not in doc.memo:
            lower, _starts, words = doc_lower_words(doc)
            doc.memo[key] = self.matches(doc.text, doc.lang, (lower, words))
        return doc.memo[key]

    def doc_spans(self, doc: Document) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.doc_matches(doc)]


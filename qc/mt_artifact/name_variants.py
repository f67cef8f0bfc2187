"""mt-artifact/name-variants: one source-language name spelt two ways in the same text.

What it finds: capitalised words that are the same name under the transliteration key
(``Yablonsky`` / ``Jablonski``, ``Sergey`` / ``Sergei``, ``Primorsky`` / ``Primorski``); the first
occurrence of each later spelling is flagged.
Why it matters: a translation engine romanises a name afresh in each sentence (or copies an English
spelling from one context and transliterates in another); a human translator or editor keeps one
spelling. Two spellings also split the name for search and deduplication.
Example: ``Pawel Jablonski said ... According to Yablonsky,`` -> ``Yablonsky`` flagged.
How to tune: ``source_lang`` picks the transliteration table; ``english_zipf`` skips common English
words (Jury vs Yuri); ``min_len`` is the shortest name compared.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import Transliterator, applies, word_zipf
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # Words this frequent in English are words, not names being respelt (jury 4.5, maria 4.3; common
    # Russian first names sit at 2-3.6: aleksey 2.1, sergei 3.5, yuri 3.6; measured in wordfreq 3.1).
    english_zipf: float = 4.0
    min_len: int = 4


# ``\b[A-Z][a-z]+\b`` opening with its capital (scanned for it; a leading ``\b`` is tried at every position).
_NAME = re.compile(r"[A-Z](?<=\b[A-Z])[a-z]+\b")
# Distinct names whose key a process keeps (a corpus's capitalised words), per generation: two are kept
# (the current one and the one before, whose names move back on use), so the memo stays under ~3 MB
# however large the corpus while the names that recur stay in.
_KEY_MEMO_SIZE = 16_000
_UNSET = object()


def _squeeze(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _house_style(a: str, b: str) -> bool:
    """-sky / -skiy / -skyy: English outlets' own conventions for -ский (Reuters writes Zelenskiy),
    so a quote from another outlet brings the other ending; not a translation trace."""
    stem = re.compile(r"(?:iy|yy|y|ii|i)$")
    return stem.sub("", a) == stem.sub("", b) and len(stem.sub("", a)) >= 4 and (a.endswith("iy") or b.endswith("iy")
                                                                               or a.endswith("yy") or b.endswith("yy"))


class NameVariants(Rule):
    id = "mt-artifact/name-variants"
    summary = "One source-language name transliterated two ways in the same text (Yablonsky / Jablonski)."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        self.tr = Transliterator(self.resources.toml(f"mt_translit_{self.options.source_lang}.toml"))
        self.en = word_zipf("en")
        self._keys: dict[str, str | None] = {}  # name -> _key(name), per process (this generation)
        self._keys_old: dict[str, str | None] = {}  # the generation before

    def _key(self, w: str) -> str | None:
        """The loose transliteration key of name ``w``; None for a short word, an English word or one
        without a key. Kept per distinct name and process (the same names recur across a corpus)."""
        key = self._keys.get(w, _UNSET)
        if key is not _UNSET:
            return key  # type: ignore[return-value]
        key = self._keys_old.get(w, _UNSET)
        if key is _UNSET:
            key = None
            if len(w) >= self.options.min_len and self.en.get(w.lower(), 0.0) < self.options.english_zipf:
                raw = self.tr.latin_key(w.lower())
                key = self.tr.loose(raw) if raw else None
        if len(self._keys) >= _KEY_MEMO_SIZE:  # a new generation: the old one is dropped
            self._keys_old, self._keys = self._keys, {}
        self._keys[w] = key  # type: ignore[assignment]
        return key  # type: ignore[return-value]

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        first: dict[str, str] = {}
        flagged: set[str] = set()
        for m in _NAME.finditer(doc.text):
            w = m.group()
            key = self._key(w)
            if key is None:
                continue
            seen = first.setdefault(key, w)
            if seen != w and w not in flagged and not _house_style(seen, w) \
                    and _squeeze(seen.lower()) != _squeeze(w.lower()):  # Scooteer: a typo, not a respelling
                flagged.add(w)
                yield self.finding(doc, m.start(), m.end(),
                                   f"{w!r} and {seen!r} spell one name two ways (inconsistent transliteration)",
                                   data={"variants": [seen, w]})

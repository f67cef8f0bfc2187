"""encoding/homoglyph: mixed-script words: Cyrillic or Greek look-alikes inside Latin words and back.

What it finds: a word whose letters come from two scripts, where every letter of the minority script is
a look-alike (Unicode UTS #39 confusables) of a letter of the dominant one: Cyrillic ``а е о р с і`` in
``іssuе``, or Latin ``a o p c`` inside a Russian word (``миллионa``). Words of one script (``Москва``,
``iPhone``) are never flagged, nor mixed words with a letter that has no look-alike (``Alfaбанк``):
those are real words or names, not disguised ones.
Why it matters: a homoglyph makes a word a different token for search, dedup and language ID, and is a
classic way to evade filters; it also survives every other normalisation.
Example: ``іssuе`` (Cyrillic і, е) -> ``issue``; ``миллионa`` (Latin a) -> ``миллиона``.
How it decides: the dominant script is the one with more letters in the word (on a tie, the one with
more letters on the line); the fix replaces each minority letter by its look-alike in that script.
How to tune: the lexicon ``encoding_confusables.txt`` (LOOKALIKE LATIN [both]; ``both`` pairs are also
used to put Latin letters back into Cyrillic words). ``min_word`` (default 2) is the shortest word checked.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from qc.encoding._scan import all_repairs
from qc.model import Document, Finding, Severity
from qc.rule import Rule

_CYR = "\u0400-\u052f"
_GRK = "\u0370-\u03ff"
OTHER_SCRIPT_RE = re.compile(f"[{_CYR}{_GRK}]")
# A word (letters only) holding at least one ASCII Latin letter and one Cyrillic or Greek letter.
MIXED_RE = re.compile(rf"(?<![^\W\d_])(?=[^\W\d_]*[A-Za-z])(?=[^\W\d_]*[{_CYR}{_GRK}])[^\W\d_]+")
_CYR_LETTERS_RE = re.compile(f"[{_CYR}]")
_LAT_LETTERS_RE = re.compile("[A-Za-z]")


@dataclass(frozen=True, slots=True, kw_only=True)
class HomoglyphOptions:
    min_word: int = 2


def _script(ch: str) -> str:
    """``lat``, ``cyr``, ``grk``, ``mark`` (a combining mark: it belongs to the letter before it, whatever
    block it is in, e.g. the Cyrillic U+0486 after a Latin ``K``) or ``other``."""
    cp = ord(ch)
    if cp >= 0x300 and unicodedata.category(ch).startswith("M"):
        return "mark"
    if 0x400 <= cp <= 0x52F:
        return "cyr"
    if 0x370 <= cp <= 0x3FF:
        return "grk"
    if cp < 0x250:
        return "lat"
    return "other"


class Homoglyph(Rule):
    id = "encoding/homoglyph"
    needs_lang = False
    summary = "Mixed-script words: Cyrillic/Greek look-alikes in Latin words (UTS #39) and back."
    severity = Severity.WARNING
    fixes = True
    Options = HomoglyphOptions

    def setup(self) -> None:
        self.to_latin: dict[str, str] = {}
        self.to_cyr: dict[str, str] = {}
        for line in self.resources.lexicon("encoding_confusables.txt"):
            parts = line.split()
            look, latin = parts[0], parts[1]
            self.to_latin[look] = latin
            if len(parts) > 2 and parts[2] == "both" and _script(look) == "cyr":
                self.to_cyr[latin] = look

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if text.isascii() or not OTHER_SCRIPT_RE.search(text):
            return
        mojibake: list[tuple[int, int]] | None = None
        for m in MIXED_RE.finditer(text):
            word = m.group()
            if len(word) < self.options.min_word:
                continue
            if mojibake is None:  # a mojibake run (``cГі`` = ``có`` read as cp1251) is not a homoglyph
                mojibake = [(r.start, r.end) for r in all_repairs(text)]
            if any(s < m.end() and m.start() < e for s, e in mojibake):
                continue
            scripts = [_script(ch) for ch in word]
            if "other" in scripts:
                continue
            lat = scripts.count("lat")
            nonlat = len(scripts) - lat - scripts.count("mark")
            # Latin back from Cyrillic and Greek look-alikes, or Cyrillic back from Latin ones (only in a
            # word with no Greek). The dominant script first (on a tie, the line's); if its look-alikes
            # cannot spell the word (``tһе``: Latin t has no Cyrillic twin), the other one.
            if lat != nonlat:
                order = ["lat", "cyr"] if lat > nonlat else ["cyr", "lat"]
            else:
                order = ["lat", "cyr"] if self._line_script(text, m.start(), "cyr") == "lat" else ["cyr", "lat"]
            for dominant in order:
                if dominant == "cyr" and "grk" in scripts:
                    continue
                table = self.to_latin if dominant == "lat" else self.to_cyr
                idx = [i for i, s in enumerate(scripts) if s not in (dominant, "mark")]
                if all(word[i] in table for i in idx):
                    break
            else:
                continue
            if not idx:  # one script once the marks are set aside
                continue
            a, b = idx[0], idx[-1] + 1
            fixed = "".join(table.get(ch, ch) if scripts[a + k] not in (dominant, "mark") else ch
                            for k, ch in enumerate(word[a:b]))
            name = "Latin" if dominant == "lat" else "Cyrillic"
            yield self.finding(doc, m.start() + a, m.start() + b,
                               f"look-alike letters of another script in {name} word {word!r}", fix=fixed)

    @staticmethod
    def _line_script(text: str, pos: int, other: str) -> str:
        ls = text.rfind("\n", 0, pos) + 1
        le = text.find("\n", pos)
        line = text[ls:le if le >= 0 else len(text)]
        n_other = len(_CYR_LETTERS_RE.findall(line)) if other == "cyr" else 0
        return other if n_other > len(_LAT_LETTERS_RE.findall(line)) else "lat"

"""encoding/control-char: control characters, BOMs and invisible zero-width characters inside text.

What it finds: C0 controls other than tab and line breaks, DEL, C1 controls (U+0080-U+009F), byte-order
marks (U+FEFF), zero-width spaces and word joiners, soft hyphens, and stray bidi controls in text with no
right-to-left script. Zero-width joiners inside emoji sequences and ZWNJ/ZWJ between letters of scripts
that use them (Persian, Indic) are legitimate and left alone.
Why it matters: invisible characters split words for tokenisers and search (``pass\\u200bword`` is not
``password``), and C1 controls are almost always Windows-1252 punctuation decoded as latin-1.
Example: ``the man\\x92s house`` -> ``the man’s house``; ``pass\\u200bword`` -> ``password``.
How it repairs: a C1 control that cp1252 defines as punctuation (``\\x91``-``\\x97``, ``\\x80`` = ``€``...) is
replaced by that character, the way ftfy's ``fix_c1_controls`` does; ``\\x85`` becomes ``…`` only where an
ellipsis fits (end of a clause: before a line end, a closing quote or a capitalised word), cp1252 letters
(``\\x8a`` = ``Š``...) only between letters (``Ko\\x9aice`` = ``Košice``); every other control and
invisible character is removed. C1 controls that belong to a longer mojibake run (``â\\x80\\x94``) are
left to ``encoding/mojibake``.
How to tune: ``c1_as_cp1252`` (default true) turns the cp1252 reading of C1 controls off (remove them all);
``soft_hyphen`` (default true) also removes U+00AD.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from qc.encoding._scan import all_repairs
from qc.model import Document, Finding, Severity
from qc.rule import Rule

# Controls and invisibles (soft hyphen handled by option): C0 but \t \n \r, DEL, C1, ZWSP, ZWNJ, ZWJ,
# LRM/RLM, bidi embeddings/overrides/isolates, word joiner and invisible operators, BOM.
CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u200b-\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\ufeff]+")
_RTL_RE = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
_NAMES = {"\ufeff": "byte-order mark", "\u200b": "zero-width space", "\u00ad": "soft hyphen",
          "\u2060": "word joiner", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner"}
_CP1252_PUNCT = {b: bytes([b]).decode("cp1252") for b in (0x80, 0x82, 0x84, 0x86, 0x87, 0x89, 0x8B, 0x91,
                                                           0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x99, 0x9B)}
_CP1252_LETTER = {b: bytes([b]).decode("cp1252") for b in (0x83, 0x88, 0x8A, 0x8C, 0x8E, 0x98, 0x9A, 0x9C,
                                                            0x9E, 0x9F)}


@dataclass(frozen=True, slots=True, kw_only=True)
class ControlCharOptions:
    c1_as_cp1252: bool = True
    soft_hyphen: bool = True


def _is_emoji(ch: str) -> bool:
    cp = ord(ch)
    return cp >= 0x1F000 or 0x2600 <= cp <= 0x27BF or ch == "\ufe0f"


def _joining_script(ch: str) -> bool:
    """Letters of scripts where ZWNJ/ZWJ shape words (not Latin, Greek or Cyrillic)."""
    return ch.isalpha() and ord(ch) >= 0x0590


class ControlChar(Rule):
    id = "encoding/control-char"
    needs_lang = False
    summary = "Control characters, BOMs and zero-width characters inside text."
    severity = Severity.WARNING
    fixes = True
    Options = ControlCharOptions

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if text.isascii() and text.isprintable():
            return
        matches = list(CONTROL_RE.finditer(text))
        if not matches:
            return
        mojibake = None
        rtl = None
        for m in matches:
            for i in range(m.start(), m.end()):
                ch = text[i]
                if "\x80" <= ch <= "\xad":  # C1 or soft hyphen: may be a byte of a mojibake run
                    if mojibake is None:
                        mojibake = [(r.start, r.end) for r in all_repairs(text)]
                    if any(s <= i < e for s, e in mojibake):
                        continue
                if "\x80" <= ch <= "\x9f":
                    fix = self._c1_fix(text, i)
                    label = f"C1 control U+{ord(ch):04X}"
                elif ch in "\u200c\u200d":
                    prev = text[i - 1] if i else ""
                    nxt = text[i + 1] if i + 1 < len(text) else ""
                    if (prev and nxt and (_is_emoji(prev) or _is_emoji(nxt))) or (
                            prev and nxt and _joining_script(prev) and _joining_script(nxt)):
                        continue
                    fix, label = "", _NAMES[ch]
                elif ch in "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069":
                    if rtl is None:
                        rtl = bool(_RTL_RE.search(text))
                    if rtl:
                        continue
                    fix, label = "", f"bidi control U+{ord(ch):04X}"
                elif ch == "\u00ad":
                    if not self.options.soft_hyphen:
                        continue
                    fix, label = "", _NAMES[ch]
                else:
                    fix = ""
                    label = _NAMES.get(ch) or f"control U+{ord(ch):04X} ({unicodedata.name(ch, 'control')})"
                yield self.finding(doc, i, i + 1, f"{label} in text", fix=fix)

    def _c1_fix(self, text: str, i: int) -> str:
        if not self.options.c1_as_cp1252:
            return ""
        b = ord(text[i])
        if b in _CP1252_PUNCT:
            return _CP1252_PUNCT[b]
        prev = text[i - 1] if i else ""
        nxt = text[i + 1] if i + 1 < len(text) else ""
        if b in _CP1252_LETTER:
            return _CP1252_LETTER[b] if (prev.isalpha() and nxt.isalpha()) else ""
        if b == 0x85:  # … where a clause ends; junk elsewhere (``concern\x85 to``)
            after = text[i + 1:i + 3]
            if not after or after[0] in "\n\"'”’»)" or (after[0] == " " and after[1:2].isupper()):
                return "…"
        return ""

"""mt-artifact/number-format: source-locale number and date conventions in English text.

What it finds: decimal commas (``$1,5 trillion``, ``25,2%``), thousands grouped with spaces
(``250 000``), Russian unit abbreviations (``mln``, ``mlrd.``, ``thous.``) after a number, digits with
the word ``thousand`` (``86.5 thousand``, from тыс.), dd.mm.yyyy dates (``12.12.2019``) and the
numero sign ``№``.
Why it matters: English writes 1.5, 250,000, million/billion, "December 12, 2019" and "No."; the
source-locale forms are a trace of translation (by machine, or by a careless hand) and can be misread
(1,5 is not fifteen hundred).
Example: ``total $1,5 trillion`` -> flagged (English: 1.5); text unchanged.
How to tune: ``abbreviations`` lists the unit abbreviations; ``dates``/``space_groups``/
``decimal_comma``/``thousand_word``/``numero`` switch the checks off one by one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies, cyrillic_near
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    # Russian сокращения as machine translation leaves them; "bln" is left out: Reuters-style English
    # headlines use it.
    abbreviations: tuple[str, ...] = ("mln", "mlrd", "mlrds", "trln", "thous", "tys", "tyis", "thsd")
    decimal_comma: bool = True
    space_groups: bool = True
    dates: bool = True
    numero: bool = True
    # "640 thousand", "86.5 thousand" (тыс.): English news writes 640,000 / 86,500.
    thousand_word: bool = True


# The number patterns open with the digit and look behind it (``\d(?<![\w.,]\d)`` is ``(?<![\w.,])\d``):
# a pattern that starts with a character class is scanned for that class by the regex engine, one that
# starts with a look-behind is tried at every position (~2x slower on a 3 KB document).
_DECIMAL = re.compile(r"\d(?<![\w.,]\d)\d{0,2},\d{1,2}(?![\d]|,\d)")
_SP = "[ \u00a0\u2009\u202f]"  # space, no-break space, thin space, narrow no-break space
_GROUPS = re.compile(rf"\d(?<![\w.,+(]\d)(?<![\d)] \d)\d{{0,2}}(?:{_SP}\d{{3}})+(?![\w]|[,.]\d|{_SP}\d)")
# ``(?<![\w.])(?:0?[1-9]|[12]\d|3[01])\.`` opening with its first digit (the look-behind and the day's
# alternatives read behind it): scanned for a digit, ~3x faster than tried at every position, which also
# makes a hint search for ``\d\.\d`` first cost more than it spares. At most one day string can be
# followed by the full stop at a given start, so the matches are the same.
_DATE = re.compile(r"[0-9](?<![\w.][0-9])(?:(?<=0)[1-9]|(?<=[12])\d|(?<=3)[01]|(?<=[1-9]))"
                   r"\.(?:0[1-9]|1[0-2])\.(?:\d{4}|\d{2})(?![\w]|\.\d)")
# The characters other than A-Z and a-z that a case-folded pattern matches to an ASCII letter (re's case
# equivalences, checked over all of Unicode in the tests): İ ı (i), ſ (s), the Kelvin sign (k).
_FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"
_SPACES = re.compile(_SP)
_THOUSAND = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)?[ \u00a0](thousand)\b(?! (?:and|or|of)\b)")
_NUMERO = re.compile(r"№\s?(?:\d[\w/-]*\w|\d)?")


def _line_start(text: str, pos: int) -> bool:
    i = pos - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    return i < 0 or text[i] == "\n"


class NumberFormat(Rule):
    id = "mt-artifact/number-format"
    summary = "Source-locale numbers in English: decimal commas, space-grouped thousands, mln/mlrd, dd.mm.yyyy, №."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        abbr = "|".join(re.escape(a) for a in sorted(self.options.abbreviations, key=len, reverse=True))
        self.abbr = re.compile(rf"\d(?:[\d,.]*\d)?[ \u00a0]?({abbr})\b\.?", re.IGNORECASE) if abbr else None
        # ASCII abbreviations: a text can match only where its lower case holds one (see _may_abbreviate)
        ascii_abbr = all(a.isascii() for a in self.options.abbreviations)
        self._abbr_lower = tuple({a.lower() for a in self.options.abbreviations}) if ascii_abbr else None

    def _may_abbreviate(self, text: str) -> bool:
        """Whether ``self.abbr`` may match in ``text``: its group, case-folded, is one of the abbreviations,
        which (ASCII) only A-Z, a-z and ``_FOLDS_TO_ASCII`` fold to; without those four, in the text's lower
        case. A few substring scans instead of the pattern's attempt at every digit (~3x cheaper)."""
        if self._abbr_lower is None or (not text.isascii() and any(c in text for c in _FOLDS_TO_ASCII)):
            return True
        low = text.lower()
        return any(a in low for a in self._abbr_lower)

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        for f in self._check(doc):
            if not cyrillic_near(doc.text, f.start, f.end):  # a number inside a Cyrillic passage
                yield f

    def _check(self, doc: Document) -> Iterator[Finding]:
        text, o = doc.text, self.options
        if o.decimal_comma:
            for m in _DECIMAL.finditer(text):
                yield self.finding(doc, m.start(), m.end(),
                                   f"decimal comma {m.group()!r}; English writes {m.group().replace(',', '.')}",
                                   data={"kind": "decimal-comma", "weight": 1.0})
        if o.space_groups:
            for m in _GROUPS.finditer(text):
                english = _SPACES.sub(",", m.group())
                yield self.finding(doc, m.start(), m.end(),
                                   f"thousands grouped with spaces {m.group()!r}; English writes {english}",
                                   data={"kind": "space-groups", "weight": 0.6})
        if self.abbr and self._may_abbreviate(text):
            for m in self.abbr.finditer(text):
                yield self.finding(doc, m.start(), m.end(),
                                   f"source-language unit abbreviation {m.group(1)!r} after a number; "
                                   "English writes million/billion/thousand",
                                   data={"kind": "abbreviation", "weight": 0.2})
        if o.dates:
            for m in _DATE.finditer(text):
                if _line_start(text, m.start()):
                    continue  # "29.03.2017 - Press release ..." is a site's listing, not translated prose
                yield self.finding(doc, m.start(), m.end(),
                                   f"dd.mm.yyyy date {m.group()!r}; English news writes the month name",
                                   data={"kind": "date", "weight": 0.6})
        if o.numero:
            for m in _NUMERO.finditer(text):
                yield self.finding(doc, m.start(), m.end(), "numero sign '№'; English writes 'No.'",
                                   data={"kind": "numero", "weight": 0.8})
        if o.thousand_word and "thousand" in text:  # every match holds the word
            for m in _THOUSAND.finditer(text):
                yield self.finding(doc, m.start(), m.end(),
                                   f"number with the word 'thousand' {m.group()!r} (Russian тыс.); English "
                                   "news writes the digits (640,000)", data={"kind": "thousand", "weight": 0.6})

"""Lines of a page: folded and normalised forms (computed once per document), the classified ``Line``
and the page ``Layout`` every rule of the family reads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from qc.boilerplate.evidence import Evidence
from qc.model import Document
from qc.text import WORD_RE, iter_lines

# Typographic quotes straightened (chained str.replace: str.translate with a dict looks every character up
# in Python and was the classifier's largest single cost).
_QUOTE_PAIRS = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'), ("\u00a0", " "))
EDGE_PUNCT = " \t\"'()[]{}<>|•·*#>:;,.!?…-–—/\\_=+~"  # stripped from a folded line to normalise it


def ascii_twin(rx: re.Pattern[str]) -> re.Pattern[str]:
    """``rx`` compiled with ``re.ASCII``, for a folded line that is ASCII (``str.isascii`` reads a flag, no
    scan). There it matches what ``rx`` matches: ``\\w`` and ``\\d`` agree on ASCII characters, and ``\\s``
    differs only on U+001C-U+001F, which folding removes with all white space but single spaces; ``rx`` must
    not ignore case (a non-ASCII letter of the pattern may then match an ASCII one). Why: Unicode ``\\w`` asks
    the Unicode database for every character tried, and the word, digit and date patterns ran on every line."""
    if rx.flags & re.IGNORECASE:
        raise ValueError("ascii_twin: a case-insensitive pattern may match differently in ASCII mode")
    return re.compile(rx.pattern, (rx.flags & ~re.UNICODE) | re.ASCII)


WORD_RE_ASCII = ascii_twin(WORD_RE)  # WORD_RE for an ASCII folded line
# WORD_RE joins words at ' ’ and -: a line without them has its runs of word characters as words, which
# ``re`` finds without the pattern's repeated group (a sixth cheaper on news text, where ~6 % of lines have one)
_PLAIN_WORD_RE = re.compile(r"\w+")
_PLAIN_WORD_RE_ASCII = ascii_twin(_PLAIN_WORD_RE)
_JOINERS = ("-", "'", "’")


def words_of(folded: str) -> list[str]:
    """``WORD_RE.findall(folded)`` for a folded line, by the cheapest pattern that finds the same words."""
    if any(j in folded for j in _JOINERS):
        return (WORD_RE_ASCII if folded.isascii() else WORD_RE).findall(folded)
    return (_PLAIN_WORD_RE_ASCII if folded.isascii() else _PLAIN_WORD_RE).findall(folded)


def straighten(line: str) -> str:
    """The line with typographic quotes and no-break spaces made plain."""
    if line.isascii():
        return line
    for a, b in _QUOTE_PAIRS:
        if a in line:
            line = line.replace(a, b)
    return line


def fold(line: str) -> str:
    """Case-folded line with quotes straightened and whitespace folded (an ASCII line whose only white space
    is single inner spaces is folded already once lowered: no split and join)."""
    low = straighten(line).lower()
    if low.isascii() and low.isprintable() and "  " not in low and low[:1] != " " and low[-1:] != " ":
        return low
    return " ".join(low.split())


def normalise(line: str) -> str:
    """Case-folded line with quotes straightened, whitespace folded and edge punctuation stripped."""
    return fold(line).strip(EDGE_PUNCT)


LineKind = Literal["blank", "prose", "short", "furniture"]
# (start, end, line, folded, normalised, words of the folded line); "" folds and no words for blank lines
LineRow = tuple[int, int, str, str, str, list[str]]


def line_table(doc: Document) -> list[LineRow]:
    """Every line of the document with its folded and normalised forms and its folded words, computed once
    per document (kept in ``doc.memo``) for the classifier, its line model, ``repeated-block`` and
    ``cross-document``."""
    key = ("boilerplate-lines",)
    table = doc.memo.get(key)
    if table is None:
        table = doc.memo[key] = build_line_table(doc.text)
    return table


def build_line_table(text: str) -> list[LineRow]:
    out: list[LineRow] = []
    for s, e, line in iter_lines(text):
        if line.strip():
            folded = fold(line)
            out.append((s, e, line, folded, folded.strip(EDGE_PUNCT), words_of(folded)))
        else:
            out.append((s, e, line, "", "", []))
    return out


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a document, classified. ``start``/``end`` exclude the newline."""

    index: int
    start: int
    end: int
    words: int
    score: float
    kind: LineKind
    evidence: tuple[Evidence, ...]  # why it is furniture (empty for prose)
    region: str = ""  # "lead" | "core" | "trail"


def region_of(index: int, core: tuple[int, int] | None) -> str:
    """``lead``, ``core`` or ``trail``: where line ``index`` lies relative to the article core (no core:
    every line leads)."""
    if core is None or index < core[0]:
        return "lead"
    return "trail" if index > core[1] else "core"


@dataclass(frozen=True, slots=True)
class Layout:
    lines: tuple[Line, ...]
    core: tuple[int, int] | None  # indices of the first and last core line (inclusive); None: no article
    text_len: int
    doubt: str = ""  # why the core was widened to keep prose-like lines (the line model's loss guard)

    def region(self, name: str) -> list[Line]:
        return [ln for ln in self.lines if ln.region == name]


def line_span(text: str, start: int, end: int) -> tuple[int, int]:
    """A line's span with its newline and the blank lines after it, so removing it leaves no debris."""
    if end >= len(text):
        return start, end
    pos = end + 1
    while pos < len(text):
        nl = text.find("\n", pos)
        seg_end = len(text) if nl < 0 else nl
        if text[pos:seg_end].strip():
            break
        pos = len(text) if nl < 0 else nl + 1
    return start, pos

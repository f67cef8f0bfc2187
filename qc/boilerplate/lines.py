"""Lines of a page: folded and normalised forms (computed once per document), the classified ``Line``
and the page ``Layout`` every rule of the family reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from qc.boilerplate.evidence import Evidence
from qc.model import Document
from qc.text import WORD_RE, iter_lines

# Typographic quotes straightened (chained str.replace: str.translate with a dict looks every character up
# in Python and was the classifier's largest single cost).
_QUOTE_PAIRS = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("«", '"'), ("»", '"'), ("\u00a0", " "))
EDGE_PUNCT = " \t\"'()[]{}<>|•·*#>:;,.!?…-–—/\\_=+~"  # stripped from a folded line to normalise it


def straighten(line: str) -> str:
    """The line with typographic quotes and no-break spaces made plain."""
    if line.isascii():
        return line
    for a, b in _QUOTE_PAIRS:
        if a in line:
            line = line.replace(a, b)
    return line


def fold(line: str) -> str:
    """Case-folded line with quotes straightened and whitespace folded."""
    return " ".join(straighten(line).lower().split())


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
            out.append((s, e, line, folded, folded.strip(EDGE_PUNCT), WORD_RE.findall(folded)))
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

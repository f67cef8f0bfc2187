"""The classifier's working row per line: the line's verdict, revised in place by the passes
(``corrections``, ``story_lists``) before the core is found (``core``) and the rows become ``Line``s."""

from __future__ import annotations

from dataclasses import dataclass

from qc.boilerplate.evidence import Evidence
from qc.boilerplate.lines import LineKind


@dataclass(slots=True)
class Row:
    index: int
    start: int
    end: int
    words: int
    score: float  # in words of evidence: prose scores its word count, furniture a negative penalty
    kind: LineKind
    evidence: tuple[Evidence, ...]
    dated: int  # 0 no date, 1 a date/time line, 2 a dated headline (story-list item)
    norm: str  # the normalised line ("" for a blank one): the key of in-page repetition


def nonblank(rows: list[Row]) -> list[int]:
    """Positions of the non-blank rows."""
    return [k for k, r in enumerate(rows) if r.kind != "blank"]


def close_runs(positions: list[int], max_gap: int) -> list[list[int]]:
    """Increasing positions grouped into runs whose neighbours are at most ``max_gap`` apart."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and p - runs[-1][-1] <= max_gap:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs

"""Cleaning as a linter's fix loop: apply findings' fixes to the original text, record every edit.

Edits are chosen against the original coordinates: removals first (longest first), then replacements
in position order; an edit overlapping one already chosen is skipped (and reported as skipped). The
edit log holds original offsets and the old and new text, so ``rebuild`` restores the input exactly.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qc.model import Finding


@dataclass(frozen=True, slots=True)
class Edit:
    start: int
    end: int
    old: str
    new: str
    rule: str

    def to_dict(self) -> dict[str, object]:
        return {"start": self.start, "end": self.end, "old": self.old, "new": self.new, "rule": self.rule}


def choose_edits(findings: Iterable[Finding], text: str) -> tuple[list[Edit], list[Finding]]:
    """Non-overlapping edits from fixable findings (sorted by start), and the findings skipped."""
    cands = [f for f in findings if f.fix is not None and 0 <= f.start <= f.end <= len(text)]
    cands = [f for f in cands if not (f.start == f.end and f.fix == "")]
    cands.sort(key=lambda f: (f.fix != "", -(f.end - f.start), f.start, f.end, f.rule, f.fix or ""))
    starts: list[int] = []
    ends: list[int] = []
    chosen: list[Edit] = []
    skipped: list[Finding] = []
    for f in cands:
        i = bisect.bisect_right(starts, f.start)
        left_overlaps = i > 0 and ends[i - 1] > f.start
        right_overlaps = i < len(starts) and (starts[i] < f.end or (starts[i] == f.start == f.end))
        if left_overlaps or right_overlaps or (i > 0 and starts[i - 1] == f.start and f.start == f.end):
            skipped.append(f)
            continue
        starts.insert(i, f.start)
        ends.insert(i, f.end)
        chosen.insert(i, Edit(f.start, f.end, text[f.start:f.end], f.fix or "", f.rule))
    return chosen, skipped


def apply_edits(text: str, edits: Sequence[Edit]) -> str:
    """Apply non-overlapping edits sorted by start."""
    parts = []
    pos = 0
    for e in edits:
        parts.append(text[pos:e.start])
        parts.append(e.new)
        pos = e.end
    parts.append(text[pos:])
    return "".join(parts)


def rebuild(clean: str, edits: Sequence[Edit]) -> str:
    """Invert ``apply_edits``: the original text from the cleaned text and the edit log."""
    parts = []
    pos = 0  # position in clean
    shift = 0  # clean offset - original offset so far
    for e in edits:
        cstart = e.start + shift
        parts.append(clean[pos:cstart])
        parts.append(e.old)
        pos = cstart + len(e.new)
        shift += len(e.new) - (e.end - e.start)
    parts.append(clean[pos:])
    return "".join(parts)

"""Findings from classified lines: neighbouring lines grouped into runs, and a run's evidence as message text."""

from __future__ import annotations

from qc.boilerplate.evidence import GENERIC_KINDS, Evidence, EvidenceKind
from qc.boilerplate.lines import Line


def evidence_key(line: Line) -> str:
    """The kind of evidence a line carries, for grouping neighbouring lines into one finding."""
    return "prose" if line.kind == "prose" else "furniture"


def describe(lines: list[Line], text: str, limit: int = 4) -> str:
    """Evidence of a run of lines, most frequent first, e.g. ``call-to-action phrase "sign up"; short``."""
    counts: dict[Evidence, int] = {}
    for ln in lines:
        if ln.kind == "prose":
            counts[Evidence(EvidenceKind.PROSE_OUTSIDE, str(ln.words))] = 1
        for ev in ln.evidence:
            counts[ev] = counts.get(ev, 0) + 1
    # named evidence (a phrase, a date, a list) before the generic kind (short, unpunctuated)
    top = sorted(counts, key=lambda e: (e.kind in GENERIC_KINDS, -counts[e]))[:limit]
    return "; ".join(map(str, top)) if top else "no article evidence"


def runs(lines: list[Line]) -> list[list[Line]]:
    """Group consecutive non-blank lines with the same evidence kind (blank lines are skipped; the
    caller's spans give them to the run before)."""
    out: list[list[Line]] = []
    last_key = None
    for ln in lines:
        if ln.kind == "blank":
            continue
        key = evidence_key(ln)
        if out and key == last_key:
            out[-1].append(ln)
        else:
            out.append([ln])
        last_key = key
    return out

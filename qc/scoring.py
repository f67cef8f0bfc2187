"""The document quality score: 1 for a clean document, towards 0 as weighted findings cover more of it."""

from __future__ import annotations

from collections.abc import Sequence

from qc.model import Finding, Severity

# Penalty per unit of text covered, by severity; document-level findings weigh by their own score.
_WEIGHT = {Severity.INFO: 0.1, Severity.WARNING: 0.5, Severity.ERROR: 1.0}
_MIN_COVERAGE = 0.02  # even a one-character glitch costs something


def score_of(findings: Sequence[Finding], chars: int, error: str | None = None) -> float:
    if error or chars == 0:
        return 0.0
    penalty = 0.0
    for f in findings:
        cover = max((f.end - f.start) / chars, _MIN_COVERAGE)
        weight = _WEIGHT[f.severity] * (f.score if f.score is not None else 1.0)
        penalty += weight * cover
    return round(max(0.0, 1.0 - penalty), 4)

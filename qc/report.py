"""Report rows: verdict and score from findings, and the corpus summary.

The row schema is a public contract, described by ``qc/schema/report.schema.json``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from qc.model import Finding, Severity
from qc.pack import VerdictPolicy
from qc.scoring import score_of

SEVERITY_RANK = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}


def verdict_of(findings: Sequence[Finding], policy: VerdictPolicy, error: str | None) -> str:
    if error:
        return "fail"
    worst = max((SEVERITY_RANK[f.severity] for f in findings), default=-1)
    if worst >= SEVERITY_RANK[policy.fail_at]:
        return "fail"
    if worst >= SEVERITY_RANK[policy.warn_at]:
        return "warn"
    return "pass"


def report_row(*, doc_id: str, source: str, lang: str, chars: int, findings: Sequence[Finding],
               policy: VerdictPolicy, error: str | None, cluster: str | None, duplicate_of: str | None,
               removed_chars: int, dropped: bool) -> dict[str, Any]:
    return {
        "id": doc_id,
        "source": source,
        "lang": lang,
        "chars": chars,
        "score": score_of(findings, chars, error),
        "verdict": verdict_of(findings, policy, error),
        "findings": [f.to_dict() for f in findings],
        "cluster": cluster,
        "duplicate_of": duplicate_of,
        "error": error,
        "removed_chars": removed_chars,
        "dropped": dropped,
    }


@dataclass
class Summary:
    """Counts gathered while rows are written (bounded memory: counters only)."""

    documents_in: int = 0
    documents_out: int = 0
    errors: int = 0
    verdicts: Counter = field(default_factory=Counter)
    by_rule: Counter = field(default_factory=Counter)
    by_family: Counter = field(default_factory=Counter)
    by_severity: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    chars_in: int = 0
    removed_chars: int = 0
    duplicates: int = 0
    docs_with_rule: Counter = field(default_factory=Counter)

    def add(self, row: dict[str, Any]) -> None:
        self.documents_in += 1
        self.verdicts[row["verdict"]] += 1
        if row["error"]:
            self.errors += 1
        if not row["dropped"] and not row["error"]:
            self.documents_out += 1
        if row["duplicate_of"] is not None:
            self.duplicates += 1
        self.languages[row["lang"]] += 1
        self.chars_in += row["chars"]
        self.removed_chars += row["removed_chars"]
        for f in row["findings"]:
            self.by_rule[f["rule"]] += 1
            self.by_family[f["family"]] += 1
            self.by_severity[f["severity"]] += 1
        for rule in {f["rule"] for f in row["findings"]}:
            self.docs_with_rule[rule] += 1

    def to_dict(self) -> dict[str, Any]:
        n = max(1, self.documents_in)
        return {
            "documents_in": self.documents_in,
            "documents_out": self.documents_out,
            "errors": self.errors,
            "verdicts": {v: self.verdicts.get(v, 0) for v in ("pass", "warn", "fail")},
            "by_rule": dict(sorted(self.by_rule.items())),
            "documents_by_rule": dict(sorted(self.docs_with_rule.items())),
            "by_family": dict(sorted(self.by_family.items())),
            "by_severity": dict(sorted(self.by_severity.items())),
            "languages": dict(sorted(self.languages.items())),
            "chars_in": self.chars_in,
            "removed_chars": self.removed_chars,
            "duplicate_rate": round(self.duplicates / n, 6),
        }

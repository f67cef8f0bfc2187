"""The data model: documents in, findings out.

Spans are half-open ``[start, end)`` Python ``str`` indices (code points) into the text as read,
before any fix is applied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

FAMILIES: tuple[str, ...] = ("encoding", "untranslated", "mt-artifact", "boilerplate", "near-duplicate")


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Document:
    """One input document. ``lang`` is filled by the engine before rules run."""

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    source: str = ""
    lang: str = "und"
    # (start, end, raw bytes) of byte runs that were not valid UTF-8, as decoded to U+FFFD.
    decode_errors: tuple[tuple[int, int, bytes], ...] = ()
    # Per-document scratch space for work several rules share (the engine records each rule's findings
    # here, so a rule that builds on others reads them instead of running them again). Never reported.
    memo: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one span. ``fix`` is the replacement cleaning may apply (``""`` removes, ``None``
    only flags); ``score`` carries a rule's confidence where it has one (document-level verdicts)."""

    rule: str
    family: str
    severity: Severity
    start: int
    end: int
    excerpt: str
    message: str
    fix: str | None = None
    score: float | None = None
    data: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "family": self.family,
            "severity": str(self.severity),
            "start": self.start,
            "end": self.end,
            "excerpt": self.excerpt,
            "message": self.message,
            "fix": self.fix,
        }
        if self.score is not None:
            out["score"] = round(self.score, 4)
        if self.data:
            out["data"] = dict(self.data)
        return out


EXCERPT_CHARS = 160


def excerpt(text: str, start: int, end: int, limit: int = EXCERPT_CHARS) -> str:
    """The flagged text, shortened in the middle when long so both ends stay visible."""
    s = text[start:end]
    if len(s) <= limit:
        return s
    half = (limit - 1) // 2
    return s[:half] + "…" + s[-half:]

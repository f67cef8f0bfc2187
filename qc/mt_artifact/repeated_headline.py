"""mt-artifact/repeated-headline: the headline repeated as the next line of the text.

What it finds: one of the first lines of a document (a headline: 5+ words) repeated right after itself,
with at most blank lines between; the span is the second copy.
Why it matters: machine-translated news feeds translate the title field and the first heading of the
body separately and concatenate them, so the headline appears twice; it duplicates text in training data.
Example: ``Floods hit the north\n\nFloods hit the north\n\nRain fell ...`` -> second headline flagged.
How to tune: ``head_lines`` is how many non-empty lines at the top count as the headline zone;
``min_words`` the shortest line that counts as a headline.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies
from qc.rule import Rule
from qc.text import iter_lines


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    # The headline is the first line in all devdata cases; page furniture may precede it.
    head_lines: int = 3
    # Short lines repeat in page furniture ("Photo: Jane Doe, AP", spec lists); headlines in devdata
    # have 8+ words.
    min_words: int = 5


def _norm(line: str) -> str:
    return " ".join(line.split()).casefold()


class RepeatedHeadline(Rule):
    id = "mt-artifact/repeated-headline"
    summary = "The headline repeated as the next line (title and heading translated and joined twice)."
    severity = Severity.WARNING
    Options = Options

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        prev: str | None = None
        seen = 0
        for start, _end, line in iter_lines(doc.text):
            if not line.strip():
                continue
            seen += 1
            if seen > self.options.head_lines:
                return
            norm = _norm(line)
            if prev is not None and norm == prev and len(norm.split()) >= self.options.min_words:
                lead = len(line) - len(line.lstrip())
                end = start + len(line.rstrip())
                yield self.finding(doc, start + lead, end, "headline repeated on the next line")
                return
            prev = norm

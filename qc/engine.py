"""The audit engine: pure functions over documents and batches of documents.

Data flows one way: a document is prepared (language), document rules produce findings, the enabled
fixes make the cleaned text, and corpus rules emit sketch rows. Corpus rules resolve over all rows
after the pass. Executors (``qc.executor``) only decide where these functions run.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Sequence

import numpy as np
import polars as pl

from qc.fixes import Edit, apply_edits, choose_edits
from qc.lang import detect_language
from qc.model import Document, Finding
from qc.readers import BadInput
from qc.rule import CorpusRule, Rule
from qc.scoring import score_of


def finding_order(f: Finding) -> tuple[int, int, str, str]:
    return (f.start, f.end, f.rule, f.message)


def prepare(doc: Document) -> Document:
    """Fill what every rule may read: the document's language."""
    if doc.lang and doc.lang != "und":
        return doc
    return dataclasses.replace(doc, lang=detect_language(doc.text))


def check_document(doc: Document, rules: Sequence[Rule]) -> tuple[list[Finding], list[str]]:
    """Findings of every document rule, sorted; a rule that crashes is reported, not raised."""
    findings: list[Finding] = []
    errors: list[str] = []
    for rule in rules:
        if isinstance(rule, CorpusRule):
            continue
        try:
            found = list(rule.check(doc))
            doc.memo[("findings", rule.id)] = found
            findings.extend(found)
        except Exception as exc:  # one bad rule or document never stops a corpus run
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            errors.append(f"rule {rule.id} crashed: {type(exc).__name__}: {exc} "
                          f"({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})")
    findings.sort(key=finding_order)
    return findings, errors


def clean_text(text: str, findings: Sequence[Finding], fix_rules: set[str]) -> tuple[str, list[Edit]]:
    """Apply the fixes of the findings whose rule has fixing enabled."""
    edits, _skipped = choose_edits([f for f in findings if f.rule in fix_rules], text)
    return apply_edits(text, edits), edits


def sketch_document(doc: Document, clean: str, rules: Sequence[Rule]) -> dict[str, pl.DataFrame]:
    """Sketch rows of every corpus rule for one document (the runner adds the ``doc`` ordinal column
    once per batch: cheaper than a column per document)."""
    out: dict[str, pl.DataFrame] = {}
    for rule in rules:
        if not isinstance(rule, CorpusRule):
            continue
        rows = rule.sketch(doc, clean)
        if rows is not None and rows.height:
            out[rule.id] = rows
    return out


@dataclasses.dataclass(slots=True)
class DocResult:
    """Everything the per-document pass learns about one record (the text is carried for pass two)."""

    ordinal: int
    id: str
    source: str
    text: str
    meta: dict
    lang: str
    findings: list[Finding]
    errors: list[str]
    input_error: str | None
    sketches: dict[str, pl.DataFrame]


def audit_document(record: Document | BadInput, ordinal: int, rules: Sequence[Rule],
                   fix_rules: set[str]) -> DocResult:
    """Pass one for a single record: language, document findings, provisional cleaning, sketches."""
    if isinstance(record, BadInput):
        return DocResult(ordinal, record.id, record.source, "", dict(record.meta), "und", [], [],
                         record.error, {})
    doc = prepare(record) if any(r.needs_lang for r in rules) else record
    findings, errors = check_document(doc, rules)
    sketches: dict[str, pl.DataFrame] = {}
    if any(isinstance(r, CorpusRule) for r in rules):
        clean, _ = clean_text(doc.text, findings, fix_rules)
        # the quality so far (document rules only), for corpus rules that prefer the better copy
        doc.memo["quality"] = score_of(findings, len(doc.text))
        try:
            sketches = sketch_document(doc, clean, rules)
        except Exception as exc:
            errors.append(f"corpus sketch crashed: {type(exc).__name__}: {exc}")
    return DocResult(ordinal, doc.id, doc.source, doc.text, dict(doc.meta), doc.lang, findings, errors,
                     None, sketches)


@dataclasses.dataclass(slots=True)
class BatchResult:
    """Pass one over a batch: each record's result, and each corpus rule's sketch rows of the whole
    batch in one frame with the ``doc`` ordinal column (one frame per batch ships and merges much
    faster than one per document: the driver of a cluster handles every batch)."""

    results: list[DocResult]
    sketches: dict[str, pl.DataFrame]


def tag_ordinals(items: list[tuple[int, pl.DataFrame]]) -> pl.DataFrame:
    """One frame of sketch rows, with the ``doc`` column holding each row's document ordinal."""
    frame = pl.concat([f for _, f in items], how="diagonal_relaxed")
    doc = np.repeat(np.array([o for o, _ in items], dtype=np.int64), [f.height for _, f in items])
    return frame.with_columns(pl.Series("doc", doc, dtype=pl.Int64))


def audit_batch(batch: Sequence[tuple[int, Document | BadInput]], rules: Sequence[Rule],
                fix_rules: set[str]) -> BatchResult:
    """Pass one over a batch; pure, so any executor (process pool, Ray) can run it."""
    results = [audit_document(rec, ordinal, rules, fix_rules) for ordinal, rec in batch]
    per_rule: dict[str, list[tuple[int, pl.DataFrame]]] = {}
    for res in results:
        for rid, frame in res.sketches.items():
            per_rule.setdefault(rid, []).append((res.ordinal, frame))
        res.sketches = {}
    return BatchResult(results, {rid: tag_ordinals(items) for rid, items in per_rule.items()})

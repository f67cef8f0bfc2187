"""near-duplicate/exact: documents whose normalised text is identical to another document's.

What it finds: exact copies after normalisation (NFKC, casefold, punctuation and whitespace folded),
so a copy that only differs in quotes, case, spacing or line breaks counts. The cheap first pass:
one 64-bit hash per document, grouped with polars.
Why it matters: verbatim copies are the most common duplicate in scraped news and cost nothing to find.
Example: ``Rain in Spain.`` and ``RAIN  in “Spain”`` -> the second is ``duplicate_of`` the first.
How to tune: ``text`` (``clean``: after the per-document fixes; ``raw``: as read), ``min_clean_fraction``
(when the fixes kept less than this share of the text, the text as read is compared), ``fold_digits``,
``keep`` (``first`` | ``longest`` | ``best-score``).
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from qc.model import Document, Finding, Severity
from qc.near_duplicate.cluster import KEEP_POLICIES, keepers
from qc.near_duplicate.near_duplicate import quality, summary_stats, text_to_compare
from qc.near_duplicate.shingle import Shingler
from qc.rule import CorpusResult, CorpusRule, ResolveTasks, RuleConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    text: str = "clean"  # "clean" (after per-document fixes) or "raw"
    min_clean_fraction: float = 0.3  # below it, the text as read (see near-duplicate/near-duplicate)
    fold_digits: bool = False
    keep: str = "first"


class ExactDuplicate(CorpusRule):
    id = "near-duplicate/exact"
    needs_lang = False
    summary = "Exact copies of another document after normalisation."
    severity = Severity.ERROR
    Options = Options

    def setup(self) -> None:
        if self.options.keep not in KEEP_POLICIES:
            raise RuleConfigError(f"{self.id}: keep must be one of {', '.join(KEEP_POLICIES)}")
        if self.options.text not in ("clean", "raw"):
            raise RuleConfigError(f"{self.id}: text must be clean or raw")
        self.shingler = Shingler(1, fold_digits=self.options.fold_digits)

    def sketch(self, doc: Document, clean: str) -> pl.DataFrame | None:
        frame = self.sketch_batch([doc], [clean])
        return None if frame is None else frame.drop("doc")

    def sketch_batch(self, docs: Sequence[Document], cleans: Sequence[str]) -> pl.DataFrame | None:
        o = self.options
        texts = [text_to_compare(doc, clean, o.text, o.min_clean_fraction)
                 for doc, clean in zip(docs, cleans, strict=True)]
        exact = self.shingler.exacts(texts, [doc.memo for doc in docs])
        rows = [i for i, e in enumerate(exact) if e is not None]
        if not rows:
            return None
        return pl.DataFrame([pl.Series("exact", np.array([exact[i] for i in rows], dtype=np.uint64)),
                             pl.Series("chars", np.array([len(docs[i].text) for i in rows], dtype=np.int64)),
                             pl.Series("score", np.array([docs[i].memo.get("quality", 1.0) for i in rows],
                                                         dtype=np.float32)),
                             pl.Series("doc", np.array(rows, dtype=np.int64))])

    def resolve(self, rows: pl.DataFrame, ids: list[str], tasks: ResolveTasks | None = None) -> CorpusResult:
        if rows.height == 0:
            return CorpusResult(stats=summary_stats(len(ids), collections.Counter()))
        rows = rows.sort("doc").with_columns(pl.int_range(pl.len()).alias("row"))
        labels = rows.select(pl.col("row").min().over("exact"))["row"].to_numpy()
        docs = rows["doc"].to_numpy()
        chars = rows["chars"].to_numpy()
        kept = keepers(labels, self.options.keep, chars, quality(rows))
        counts = np.bincount(labels, minlength=labels.size)
        result = CorpusResult()
        for r in np.flatnonzero(counts[labels] > 1).tolist():
            k = int(kept[r])
            result.cluster[int(docs[r])] = ids[int(docs[k])]
            if k != r:
                result.duplicate_of[int(docs[r])] = int(docs[k])
                result.findings[int(docs[r])] = [Finding(
                    rule=self.id, family=self.family, severity=self.level, start=0, end=int(chars[r]),
                    excerpt="", message=f"exact duplicate of {ids[int(docs[k])]} (after normalisation)",
                    score=1.0, data={"duplicate_of": ids[int(docs[k])], "similarity": 1.0})]
        sizes = collections.Counter(int(x) for x in labels[counts[labels] > 1])
        result.stats = summary_stats(len(ids), sizes)
        return result

"""near-duplicate/near-duplicate: documents that are near-copies of another document of the corpus.

What it finds: the same story copied with small edits — another site's header and footer, edited
numbers and dates, typos, a changed sentence, truncation, swapped paragraphs, other quotes and
whitespace — and, with ``index``, copies of documents indexed before. Every member of a cluster gets
the cluster id (the kept document's id); every member but the kept one gets a document-level finding
with ``duplicate_of`` and the similarity.
Why it matters: duplicated stories over-weight one text in training data and analytics, and inflate
counts; the gate needs to catch syndicated copies inside a batch and against what was accepted before.
Example: a story and its syndicated copy in another site's wrapper -> the copy is flagged
``duplicate_of`` the story.
How to tune: ``shingle_size`` (word n-grams), ``num_perm``/``seed``/``scheme``/``hash`` (signatures,
bit-identical to datasketch for the same settings), ``threshold`` and ``lsh_recall`` (the band layout
is derived from them; ``bands``/``rows`` override it), ``jaccard_min`` and ``containment_min`` (the
verification of candidates), ``text`` (``clean``: after the per-document fixes such as boilerplate
removal; ``raw``: the text as read), ``min_clean_fraction`` (below it the raw text is used),
``fold_digits``, ``keep`` (``first`` | ``longest`` | ``best-score``: the copy whose document rules found
least, e.g. the one without mojibake or site furniture), ``index``.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass

import numpy as np
import polars as pl

from qc.model import Document, Finding, Severity
from qc.near_duplicate.cluster import KEEP_POLICIES, cluster_signatures, keepers, signature_similarity
from qc.near_duplicate.lsh import choose_bands
from qc.near_duplicate.minhash import SCHEMES, MinHasher
from qc.near_duplicate.shingle import Shingler
from qc.rule import CorpusResult, CorpusRule, ResolveTasks, RuleConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    shingle_size: int = 5  # word 5-grams: the common choice for web dedup (Gopher, RefinedWeb, datasketch docs)
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"  # datasketch >= 2.0 default; "legacy" for sketches made by datasketch < 2.0
    hash: str = "tokens"  # "tokens": vectorised token polynomial; "sha1": datasketch's default sha1_hash32
    text: str = "clean"  # "clean" (after per-document fixes, e.g. boilerplate removal) or "raw"
    # With text = "clean": when the fixes kept less than this share of the characters, shingle the text
    # as read instead. A boilerplate detector that took the article for page furniture leaves a
    # remnant that is empty or alike across unrelated pages (devdata/neardup with boilerplate: ~10 %
    # of documents keep < 20 %, the rest 60-90 %); raw text still matches a cleaned copy by containment.
    min_clean_fraction: float = 0.3
    fold_digits: bool = False
    # LSH: catch a pair at Jaccard `threshold` with probability `lsh_recall`. On devdata/neardup, true
    # pairs on raw text (other site wrappers) go down to J = 0.30; 0.4 -> 21 x 2 (P = 0.86 at 0.30, and
    # clusters connect through their closer members: dev recall 1.0 from 0.3 to 0.5).
    threshold: float = 0.4
    lsh_recall: float = 0.97
    bands: int = 0  # 0 = derived from threshold and lsh_recall
    rows: int = 0
    # Verification on signatures, each threshold mid-gap on devdata/neardup raw text (all 35,778 pairs,
    # 128-permutation estimates): true pairs J >= 0.32, containment >= 0.54; different stories, even
    # in the same site template, J <= 0.125, containment <= 0.355.
    jaccard_min: float = 0.22
    containment_min: float = 0.45
    # Containment only counts when the smaller text has this many shingles (~35 words): below that it
    # is a caption or a teaser, and a 128-permutation estimate of its containment is mostly noise.
    min_shingles: int = 30
    keep: str = "first"
    index: str = ""  # directory of a persistent index (qc index build); empty = this corpus only


class NearDuplicate(CorpusRule):
    id = "near-duplicate/near-duplicate"
    needs_lang = False
    summary = "Near-copies of another document (MinHash LSH, verified, clustered)."
    severity = Severity.ERROR
    Options = Options

    def setup(self) -> None:
        o = self.options
        if o.scheme not in SCHEMES:
            raise RuleConfigError(f"{self.id}: scheme must be one of {', '.join(SCHEMES)}")
        if o.keep not in KEEP_POLICIES:
            raise RuleConfigError(f"{self.id}: keep must be one of {', '.join(KEEP_POLICIES)}")
        if o.text not in ("clean", "raw"):
            raise RuleConfigError(f"{self.id}: text must be clean or raw")
        if o.hash not in ("tokens", "sha1"):
            raise RuleConfigError(f"{self.id}: hash must be tokens or sha1")
        self.shingler = Shingler(o.shingle_size, fold_digits=o.fold_digits, hash=o.hash)
        self.hasher = MinHasher(o.num_perm, o.seed, o.scheme)
        if o.bands and o.rows:
            if o.bands * o.rows > o.num_perm:
                raise RuleConfigError(f"{self.id}: bands x rows exceeds num_perm")
            self.bands, self.rows = o.bands, o.rows
        else:
            self.bands, self.rows = choose_bands(o.threshold, o.num_perm, o.lsh_recall)

    def sketch(self, doc: Document, clean: str) -> pl.DataFrame | None:
        o = self.options
        hashes, exact = self.shingler.analyse(text_to_compare(doc, clean, o.text, o.min_clean_fraction))
        if hashes.size == 0:
            return None
        sig = self.hasher.signature(hashes).astype(np.uint32)
        return sketch_frame(sig, hashes.size, exact, len(doc.text), doc.memo.get("quality", 1.0))

    def resolve(self, rows: pl.DataFrame, ids: list[str], tasks: ResolveTasks | None = None) -> CorpusResult:
        o = self.options
        if rows.height == 0:
            return CorpusResult(stats=summary_stats(len(ids), {}))
        if not rows["doc"].is_sorted():
            rows = rows.sort("doc")
        docs = rows["doc"].to_numpy()
        sigs = signatures(rows)
        sizes = rows["n"].to_numpy()
        labels, stats = cluster_signatures(
            sigs, sizes, rows["exact"].to_numpy(), bands=self.bands, rows=self.rows,
            jaccard_min=o.jaccard_min, containment_min=o.containment_min, min_shingles=o.min_shingles, tasks=tasks)
        kept = keepers(labels, o.keep, rows["chars"].to_numpy(), quality(rows))
        chars = rows["chars"].to_numpy()
        exact = rows["exact"].to_numpy()
        result = CorpusResult()
        counts = np.bincount(labels, minlength=labels.size)
        members = np.flatnonzero(counts[labels] > 1)
        dropped = members[kept[members] != members]
        sim = signature_similarity(sigs, dropped, kept[dropped])
        for r in members.tolist():
            result.cluster[int(docs[r])] = ids[int(docs[kept[r]])]
        for r, s in zip(dropped.tolist(), sim.tolist(), strict=True):
            k = int(kept[r])
            kind = "exact duplicate" if exact[r] == exact[k] else "near-duplicate"
            result.duplicate_of[int(docs[r])] = int(docs[k])
            result.findings[int(docs[r])] = [self._finding(
                int(chars[r]), ids[int(docs[k])], s, f"{kind} of {ids[int(docs[k])]} (estimated Jaccard {s:.2f})")]
        sizes_by_cluster = collections.Counter(int(x) for x in labels[members])
        result.stats = summary_stats(len(ids), sizes_by_cluster)
        result.stats.update({"lsh_bands": self.bands, "lsh_rows": self.rows, **stats})
        if o.index:
            self._against_index(rows, ids, labels, chars, result)
        return result

    def _finding(self, chars: int, other: str, similarity: float, message: str, **extra: object) -> Finding:
        return Finding(rule=self.id, family=self.family, severity=self.level, start=0, end=chars, excerpt="",
                       message=message, score=float(similarity),
                       data={"duplicate_of": other, "similarity": round(float(similarity), 4), **extra})

    def _against_index(self, rows: pl.DataFrame, ids: list[str], labels: np.ndarray, chars: np.ndarray,
                       result: CorpusResult) -> None:
        """Batch clusters with a member matching an indexed document are copies of that document:
        every member is flagged ``duplicate_of`` it (data ``indexed: true``) and takes its id as cluster.
        A match with the document's own id (the same document indexed before) does not count."""
        from qc.near_duplicate import index as nd_index

        matches = nd_index.query(self.options.index, rows, nd_index.settings_of(self))
        result.stats["index_matches"] = 0
        if matches.height == 0:
            return
        row_of = {int(d): r for r, d in enumerate(rows["doc"].to_list())}
        best: dict[int, tuple[float, str]] = {}
        for d, mid, sim in matches.select("doc", "match_id", "similarity").iter_rows():
            if mid == ids[d]:
                continue  # the document itself, indexed by an earlier run: not a copy of something else
            lab = int(labels[row_of[d]])
            if lab not in best or (-sim, mid) < (-best[lab][0], best[lab][1]):
                best[lab] = (sim, mid)
        if not best:
            return
        docs = rows["doc"].to_numpy()
        flagged = 0
        for r in np.flatnonzero(np.isin(labels, list(best))).tolist():
            sim, mid = best[int(labels[r])]
            d = int(docs[r])
            result.cluster[d] = mid
            result.duplicate_of.pop(d, None)  # the kept copy is the indexed one, outside this batch
            result.findings[d] = [self._finding(int(chars[r]), mid, sim,
                                                f"near-duplicate of indexed document {mid} "
                                                f"(estimated Jaccard {sim:.2f})", indexed=True)]
            flagged += 1
        result.stats["index_matches"] = flagged
        total = len(result.findings)
        result.stats["duplicates"] = total
        result.stats["duplicate_rate"] = round(total / len(ids), 6) if ids else 0.0

def text_to_compare(doc: Document, clean: str, mode: str, min_clean_fraction: float) -> str:
    """The cleaned text, unless ``mode`` is ``raw`` or the fixes kept less than ``min_clean_fraction``
    of the characters (then the text as read)."""
    if mode == "clean" and len(clean) >= min_clean_fraction * len(doc.text):
        return clean
    return doc.text


def sketch_frame(sig: np.ndarray, n: int, exact: int, chars: int, score: float = 1.0) -> pl.DataFrame:
    """One sketch row: the signature (Array of uint32), shingle count, exact hash, document length and
    the document rules' quality score (for ``keep = "best-score"``)."""
    return pl.DataFrame([
        pl.Series("sig", sig[None, :]),
        pl.Series("n", np.array([n], dtype=np.uint32)),
        pl.Series("exact", np.array([exact], dtype=np.uint64)),
        pl.Series("chars", np.array([chars], dtype=np.int64)),
        pl.Series("score", np.array([score], dtype=np.float32)),
    ])


def quality(rows: pl.DataFrame) -> np.ndarray | None:
    """The ``score`` column when the sketches carry it (sketches from older index parts may not)."""
    return rows["score"].to_numpy() if "score" in rows.columns else None


def signatures(rows: pl.DataFrame) -> np.ndarray:
    """The ``sig`` column as an ``(N, num_perm)`` uint32 matrix."""
    col = rows["sig"]
    if isinstance(col.dtype, pl.Array):
        return col.to_numpy().astype(np.uint32, copy=False).reshape(rows.height, -1)
    return np.vstack(col.to_list()).astype(np.uint32)


def summary_stats(n_docs: int, cluster_sizes: collections.Counter) -> dict:
    """Duplicate rate and cluster-size histogram for summary.json."""
    hist = collections.Counter(cluster_sizes.values())
    dropped = sum(s - 1 for s in cluster_sizes.values())
    return {
        "documents": n_docs,
        "clusters": len(cluster_sizes),
        "duplicates": dropped,
        "duplicate_rate": round(dropped / n_docs, 6) if n_docs else 0.0,
        "cluster_size_histogram": {str(k): hist[k] for k in sorted(hist)},
    }

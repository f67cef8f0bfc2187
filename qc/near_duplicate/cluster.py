"""Candidates, verification and clusters over signatures of a whole corpus.

Band keys are grouped one band at a time (polars keeps the rows whose key repeats; sorted, a bucket is
a run, and neighbours within a run are paired with numpy), every
candidate pair is verified on its signatures, and verified pairs are joined into clusters by
connected components (union-find done as vectorised label propagation). Everything is sorted by
document ordinal, so the outcome does not depend on batch boundaries or the number of processes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import polars as pl

from qc.distributed import partition_ids
from qc.near_duplicate.lsh import band_key
from qc.rule import ResolveTasks

KEEP_POLICIES = ("first", "longest", "best-score")
# Rows paired with at most this many following rows of the same bucket. Clusters on devdata/neardup
# have up to 21 members (all pairs kept); a larger bucket is still connected, by a chain, at a cost
# linear in its size (the 1M-document resolve in bench/ stays at ~5 s).
BUCKET_CAP = 24
# With workers (``--executor ray``), corpora of at least this many signatures find and verify their
# candidates as one task per (band, bucket-hash partition); below it, shipping the signatures to the
# workers costs more than the driver's few seconds (1M signatures resolve in ~5 s in one process).
PARTITION_MIN_ROWS = 500_000
# Connected components of up to this many edges run on the driver (numpy, ~1 s per 10M edges);
# larger edge lists go to the executor (iterated min-label propagation over edge partitions).
DRIVER_MAX_EDGES = 50_000_000


def candidate_pairs(keys: np.ndarray | Callable[[int], np.ndarray], cap: int = BUCKET_CAP, *,
                    n: int = 0, bands: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of row indices ``(a < b)`` sharing a band key; ``keys`` is an ``(N, bands)`` array or a
    function giving band ``b``'s N keys (so all keys never sit in memory at once). One band at a
    time, polars keeps the rows whose key occurs more than once (a hash pass over one column); sorted
    by (key, row), a bucket is a run, and each row is paired with the next ``cap - 1`` rows of its
    run: all pairs in buckets of up to ``cap`` rows, a connected chain in larger ones (a bucket of
    thousands would otherwise cost millions of pairs)."""
    if isinstance(keys, np.ndarray):
        n, bands = keys.shape
        array = keys

        def keys(b: int) -> np.ndarray:
            return array[:, b]

    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    codes = [band_pair_codes(keys(band), n, cap) for band in range(bands)]
    code = np.unique(np.concatenate(codes))
    return code // n, code % n


def band_pair_codes(keys: np.ndarray, n: int, cap: int = BUCKET_CAP, rows: np.ndarray | None = None) -> np.ndarray:
    """Pairs of one band as codes ``a * n + b`` (``a < b``): rows sharing a key, each paired with the
    next ``cap - 1`` rows of its bucket. ``rows`` are the rows the keys belong to (default: 0..len-1)."""
    frame = pl.DataFrame({"key": keys, "row": np.arange(keys.shape[0], dtype=np.int64) if rows is None else rows})
    dup = frame.filter(pl.col("key").is_duplicated()).sort("key", "row")
    key = dup["key"].to_numpy()
    row = dup["row"].to_numpy().astype(np.int64)
    codes = [np.empty(0, dtype=np.int64)]
    for k in range(1, min(cap, row.shape[0])):
        same = key[k:] == key[:-k]
        if not same.any():  # no bucket longer than k: none longer than k + 1 either
            break
        codes.append(row[:-k][same] * n + row[k:][same])
    return np.concatenate(codes)


@dataclass(frozen=True, slots=True)
class BandWork:
    """What every (band, partition) task of a partitioned resolve shares: sent to the workers once."""

    sigs: np.ndarray  # (n, num_perm) signatures of the rows taking part in LSH
    sizes: np.ndarray
    rows: int  # signature rows per band
    partitions: int
    cap: int
    jaccard_min: float
    containment_min: float
    min_shingles: int


def band_partition_pairs(work: BandWork, task: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """One task: the candidate pairs (codes) of one band's buckets whose key falls in one partition,
    and which of them pass verification. Every bucket lies whole in one partition, so the union over
    partitions is exactly ``candidate_pairs``' band."""
    band, part = task
    n = work.sigs.shape[0]
    keys = band_key(work.sigs[:, band * work.rows:(band + 1) * work.rows])
    rows = np.flatnonzero(partition_ids(pl.DataFrame({"key": keys}), ["key"], work.partitions) == part)
    codes = band_pair_codes(keys[rows], n, work.cap, rows)
    ok, _ = verify(work.sigs, work.sizes, codes // n, codes % n, work.jaccard_min, work.containment_min,
                   work.min_shingles)
    return codes, ok


def signature_similarity(sigs: np.ndarray, a: np.ndarray, b: np.ndarray, chunk: int = 1 << 15) -> np.ndarray:
    """Signature Jaccard estimates of row pairs, in chunks to bound memory."""
    out = np.empty(a.shape[0], dtype=np.float64)
    for lo in range(0, a.shape[0], chunk):
        sa, sb = sigs[a[lo:lo + chunk]], sigs[b[lo:lo + chunk]]
        out[lo:lo + chunk] = np.count_nonzero(sa == sb, axis=1) / sigs.shape[1]
    return out


def containment(j: np.ndarray, n_a: np.ndarray, n_b: np.ndarray) -> np.ndarray:
    """Containment of the smaller set in the larger from a Jaccard estimate and the set sizes:
    ``|A & B| = J / (1 + J) * (|A| + |B|)``, divided by ``min(|A|, |B|)``, capped at 1."""
    n_a = n_a.astype(np.float64)
    n_b = n_b.astype(np.float64)
    inter = j / (1.0 + j) * (n_a + n_b)
    return np.minimum(1.0, inter / np.maximum(1.0, np.minimum(n_a, n_b)))


def verify(sigs: np.ndarray, sizes: np.ndarray, a: np.ndarray, b: np.ndarray, jaccard_min: float,
           containment_min: float, min_shingles: int) -> tuple[np.ndarray, np.ndarray]:
    """``(accepted mask, similarity)`` of candidate pairs: accepted when the estimated Jaccard reaches
    ``jaccard_min`` or the estimated containment of the smaller document reaches ``containment_min``
    (truncated copies, one story in a larger page) and the smaller has ``min_shingles`` shingles."""
    j = signature_similarity(sigs, a, b)
    ok = j >= jaccard_min
    if containment_min < 1.0:
        c = containment(j, sizes[a], sizes[b])
        ok |= (c >= containment_min) & (np.minimum(sizes[a], sizes[b]) >= min_shingles)
    return ok, j


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes and edges ``(a, b)``: each node's label is the smallest
    node of its component."""
    labels = np.arange(n, dtype=np.int64)
    if a.size == 0:
        return labels
    while True:
        m = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, m)
        np.minimum.at(labels, b, m)
        labels = labels[labels]  # pointer jumping
        if np.array_equal(labels, before):
            return labels


def keepers(labels: np.ndarray, policy: str, lengths: np.ndarray, scores: np.ndarray | None = None) -> np.ndarray:
    """The kept row of each row's cluster: the first in input order, the longest, or the one with the best
    quality score from the document rules (``best-score``); ties go to the first."""
    if policy == "first":
        return labels.copy()
    if policy == "longest":
        key = -lengths.astype(np.float64)
    elif policy == "best-score":
        key = -(scores if scores is not None else np.ones(labels.shape[0])).astype(np.float64)
    else:
        raise ValueError(f"unknown keep policy {policy!r}; known: {', '.join(KEEP_POLICIES)}")
    n = labels.shape[0]
    # sort by (cluster, key, row) and take each cluster's first
    order = np.lexsort((np.arange(n), key, labels))
    first = np.ones(n, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    best = np.zeros(n, dtype=np.int64)  # indexed by label (a row number)
    best[labels[order][first]] = order[first]
    return best[labels]


def cluster_signatures(sigs: np.ndarray, sizes: np.ndarray, exact: np.ndarray, *, bands: int, rows: int,
                       jaccard_min: float, containment_min: float, min_shingles: int,
                       bucket_cap: int = BUCKET_CAP,
                       tasks: ResolveTasks | None = None) -> tuple[np.ndarray, dict[str, int]]:
    """Cluster labels (smallest row of each cluster) of the rows, in row order. Exact duplicates
    (same ``exact`` hash) are joined first and only one of each goes through LSH. With ``tasks``
    (workers) and a large corpus, candidates are found and verified partition-parallel and a huge
    edge list is labelled on the executor; the labels are the same either way."""
    n = sigs.shape[0]
    stats = {"candidates": 0, "verified": 0, "exact_pairs": 0}
    if n == 0:
        return np.empty(0, dtype=np.int64), stats
    # exact pass: each row joined to the first row with the same hash
    _, first_of, inverse = np.unique(exact, return_index=True, return_inverse=True)
    first = first_of[inverse.ravel()].astype(np.int64)  # np.unique's index is each value's first row
    dup = first != np.arange(n)
    ea, eb = first[dup], np.flatnonzero(dup)
    stats["exact_pairs"] = int(ea.size)
    reps = np.flatnonzero(~dup)
    all_reps = reps.size == n

    if tasks is not None and tasks.task_workers > 1 and reps.size >= PARTITION_MIN_ROWS:
        work = BandWork(sigs if all_reps else sigs[reps], sizes if all_reps else sizes[reps], rows,
                        2 * tasks.task_workers, bucket_cap, jaccard_min, containment_min, min_shingles)
        found = tasks.map_tasks(band_partition_pairs, [(b, p) for b in range(bands) for p in range(work.partitions)],
                                work)
        del work
        codes, first = np.unique(np.concatenate([c for c, _ in found]), return_index=True)
        ok = np.concatenate([k for _, k in found])[first]
        ca, cb = reps[codes // reps.size], reps[codes % reps.size]
    else:
        def keys(b: int) -> np.ndarray:
            block = sigs[:, b * rows:(b + 1) * rows]
            return band_key(block if all_reps else block[reps])

        la, lb = candidate_pairs(keys, bucket_cap, n=int(reps.size), bands=bands)
        ca, cb = reps[la], reps[lb]
        ok, _ = verify(sigs, sizes, ca, cb, jaccard_min, containment_min, min_shingles)
    stats["candidates"] = int(ca.size)
    stats["verified"] = int(ok.sum())
    a = np.concatenate([ea, ca[ok]])
    b = np.concatenate([eb, cb[ok]])
    if tasks is not None and tasks.task_workers > 1 and a.size > DRIVER_MAX_EDGES:
        labelled = tasks.connected_components(pl.DataFrame({"a": a, "b": b}))
        labels = np.arange(n, dtype=np.int64)
        labels[labelled["node"].to_numpy()] = labelled["label"].to_numpy()
        return labels, stats
    return components(n, a, b), stats

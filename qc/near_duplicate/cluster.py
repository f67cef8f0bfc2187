"""Candidates, verification and clusters over the sketch rows of a whole corpus.

LSH only proposes: band keys are grouped one band at a time (polars keeps the rows whose key
repeats; sorted by (key, keep priority), a bucket is a run, paired with numpy), and a cheap
signature estimate drops candidates that cannot be copies. Candidates are joined into *candidate
components*; in a component of up to ``DIRECT_MAX`` rows every pair is measured, in a larger one
every candidate pair and every row against the component's first row in keep priority. Pairs are
measured on exact shingle evidence (``evidence.ShingleSets``: shared template shingles do not
count; a pair where each side has a long passage of its own is refused, see ``measure``), and
clusters are stars, not connected components: rows are taken
in keep-priority order (``first`` | ``longest`` | ``best-score``), an unassigned row becomes a kept
copy K and takes every unassigned row whose pair *with K itself* passed verification; the rest are
examined again with their own keepers. So A~B~C with A !~ C never makes C a copy of A. Everything
is ordered by document ordinal and priority, so the outcome does not depend on batch boundaries,
the number of processes or the executor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from qc.distributed import partition_ids
from qc.near_duplicate.evidence import Occurrences, Overlap, ShingleSets, in_background, map_parallel, ranges
from qc.near_duplicate.lsh import band_key
from qc.rule import ResolveTasks

KEEP_POLICIES = ("first", "longest", "best-score")
# Rows paired with at most this many following rows of the same bucket (in keep-priority order).
# Clusters on devdata/neardup have up to 21 members (all pairs kept); in a larger bucket every row is
# also paired with the bucket's first BUCKET_CAP rows, its likeliest kept copies, so a copy in a
# bucket of thousands is still measured against its keeper, at a cost linear in the bucket's size.
BUCKET_CAP = 24
# Candidate components of up to this many rows have every pair measured (a copy reachable from its
# keeper only through a chain of candidates is still compared with it directly); larger ones (a
# site template that made thousands of articles candidates of each other) measure candidate pairs.
DIRECT_MAX = 64
# With workers (``--executor ray``), corpora of at least this many signatures find and verify their
# candidates as one task per (band, bucket-hash partition); below it, shipping the signatures to the
# workers costs more than the driver's few seconds (1M signatures resolve in ~5 s in one process).
PARTITION_MIN_ROWS = 500_000
# Connected components of up to this many edges run on the driver (numpy, ~1 s per 10M edges);
# larger edge lists go to the executor (iterated min-label propagation over edge partitions).
DRIVER_MAX_EDGES = 50_000_000
_VERIFY_CHUNK = 1 << 20  # candidate pairs per step of ``verify``'s containment estimate
# band pairs per step of ``prefiltered_pairs`` (two signatures each: 2 x 512 bytes at 128 permutations;
# 1 << 16 was ~80 MB of gathered signatures while the whole signature matrix is alive)
_PAIR_CHUNK = 1 << 14
_PRINTS_MAX_ROWS = 1 << 19  # LSH compares one-byte prints of the signatures first up to this many rows


def candidate_pairs(keys: np.ndarray | Callable[[int], np.ndarray], cap: int = BUCKET_CAP, *,
                    n: int = 0, bands: int = 0, rank: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Pairs of row indices ``(a < b)`` sharing a band key; ``keys`` is an ``(N, bands)`` array or a
    function giving band ``b``'s N keys (so all keys never sit in memory at once). See
    ``band_pair_codes``; the pairs of each band are merged into the running set before the next
    band is keyed, so memory is bounded by the distinct pairs, not bands times pairs."""
    if isinstance(keys, np.ndarray):
        n, bands = keys.shape
        array = keys

        def keys(b: int) -> np.ndarray:
            return array[:, b]

    if n < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    code = np.empty(0, dtype=np.int64)
    for band in range(bands):
        new = band_pair_codes(keys(band), n, cap, rank=rank)
        new.sort()
        code = np.concatenate([code, new])
        code.sort(kind="stable")  # two sorted runs: merged in linear time
        code = code[np.r_[True, code[1:] != code[:-1]]] if code.size else code
    return code // n, code % n


def band_pair_codes(keys: np.ndarray, n: int, cap: int = BUCKET_CAP, rows: np.ndarray | None = None,
                    rank: np.ndarray | None = None) -> np.ndarray:
    """Pairs of one band as codes ``a * n + b`` (``a < b``): rows sharing a key, sorted by keep
    priority ``rank[row]`` (default: the row), each paired with the next ``cap - 1`` rows of its
    bucket and, in buckets longer than ``cap``, with the bucket's first ``cap`` rows too. ``rows``
    are the rows the keys belong to (default: 0..len-1)."""
    return np.concatenate([np.empty(0, dtype=np.int64), *BandBuckets.of(keys, cap, rows, rank).pair_codes(n)])


@dataclass(frozen=True, slots=True)
class BandBuckets:
    """One band's buckets: the rows sharing a key, sorted by (key, keep priority), and where each
    row of a bucket longer than ``cap`` stands in it (what decides which of its pairs are
    candidates, see ``band_pair_codes``)."""

    key: np.ndarray  # uint64, sorted
    row: np.ndarray  # int64, by (key, rank)
    cap: int
    long_rows: np.ndarray  # rows of buckets longer than cap, sorted
    long_place: np.ndarray  # their place in their bucket (0: first in keep priority)

    @classmethod
    def of(cls, keys: np.ndarray, cap: int, rows: np.ndarray | None = None,
           rank: np.ndarray | None = None) -> BandBuckets:
        row_all = np.arange(keys.shape[0], dtype=np.int64) if rows is None else rows.astype(np.int64)
        frame = pl.DataFrame({"key": keys, "row": row_all,
                              "rank": row_all if rank is None else rank[row_all].astype(np.int64)})
        dup = frame.filter(pl.col("key").is_duplicated()).sort("key", "rank")
        del frame
        key = dup["key"].to_numpy()
        row = dup["row"].to_numpy().astype(np.int64)
        long_rows, long_place = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        if row.shape[0] > cap:
            start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            length = np.diff(np.r_[start, key.shape[0]])
            long = np.flatnonzero(length > cap)
            if long.size:
                at = ranges(start[long], length[long])
                place = at - np.repeat(start[long], length[long])
                order = np.argsort(row[at], kind="stable")
                long_rows, long_place = row[at][order], place[order]
        return cls(key, row, cap, long_rows, long_place)

    def pair_codes(self, n: int) -> Iterator[np.ndarray]:
        """The band's pairs (see ``band_pair_codes``) as codes, a batch at a time: each row with the
        next ``cap - 1`` of its bucket, then in long buckets the first ``cap`` rows with the rest."""
        key, row, cap = self.key, self.row, self.cap

        def codes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
            return np.minimum(x, y) * n + np.maximum(x, y)

        for k in range(1, min(cap, row.shape[0])):
            same = key[k:] == key[:-k]
            if not same.any():  # no bucket longer than k: none longer than k + 1 either
                break
            yield codes(row[:-k][same], row[k:][same])
        if row.shape[0] > cap:
            start = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
            length = np.diff(np.r_[start, key.shape[0]])
            for b in np.flatnonzero(length > cap).tolist():  # few: buckets longer than cap
                s, m = int(start[b]), int(length[b])
                for h in range(cap):
                    if m - h - cap > 0:
                        yield codes(np.full(m - h - cap, row[s + h]), row[s + h + cap:s + m])

    def paired(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Which pairs of rows *sharing this band's key* are among its candidates: all of a bucket
        of up to ``cap`` rows; in a longer one, places less than ``cap`` apart or one of the first
        ``cap``."""
        out = np.ones(a.shape[0], dtype=bool)
        if self.long_rows.size == 0 or a.size == 0:
            return out
        at = np.minimum(np.searchsorted(self.long_rows, a), self.long_rows.shape[0] - 1)
        long = self.long_rows[at] == a  # b shares a's key, so it is in the same long bucket
        if long.any():
            pa = self.long_place[at[long]]
            pb = self.long_place[np.searchsorted(self.long_rows, b[long])]
            lo, hi = np.minimum(pa, pb), np.maximum(pa, pb)
            out[long] = (hi - lo < self.cap) | (lo < self.cap)
        return out


def prefiltered_pairs(sigs: np.ndarray, sizes: np.ndarray, reps: np.ndarray, rank: np.ndarray, *, bands: int,
                      rows: int, cap: int, jaccard_min: float, containment_min: float,
                      min_shingles: int) -> tuple[np.ndarray, np.ndarray, int]:
    """``(a, b, candidates)``: the LSH candidate pairs among the ``reps`` rows (rows of ``sigs``)
    that pass the signature prefilter, sorted, and how many distinct candidates there were: the
    same as ``candidate_pairs`` then ``verify``, without ever holding every candidate. Each band's
    pairs are taken ``_PAIR_CHUNK`` at a time and a pair counts only in the first band that makes it
    a candidate (its keys of the earlier bands are compared on the two signatures, and
    ``BandBuckets.paired`` tells whether that band paired them), so nothing needs the set of pairs
    seen so far; only the pairs that pass are kept."""
    m = int(reps.size)
    empty = np.empty(0, dtype=np.int64)
    if m < 2:
        return empty, empty, 0
    all_reps = m == sigs.shape[0]
    local_rank = rank[reps]
    earlier: list[BandBuckets] = []
    passed: list[np.ndarray] = [empty]
    count = 0
    width = sigs.shape[1]
    # one byte of each signature value: the pairs' signatures are compared on these first (a quarter
    # of the gathered bytes; 50k bench corpus: LSH 1.0 -> 0.67 s CPU), and on the full values only for
    # the pairs and bands whose bytes agree. Above _PRINTS_MAX_ROWS the values are their own prints
    # (no copy: 1 byte x num_perm a row, 128 MB at 1M documents, where the resolve's budget is 2 GB),
    # and with more than two rows a band (whose key is a fold of the values, see ``band_key``).
    small = sigs.shape[0] <= _PRINTS_MAX_ROWS and rows <= 2
    prints = (sigs & np.uint32(0xFF)).astype(np.uint8) if small else sigs
    for band in range(bands):
        block = sigs[:, band * rows:(band + 1) * rows]
        buckets = BandBuckets.of(band_key(block if all_reps else block[reps]), cap, rank=local_rank)
        del block
        for codes in _batches(buckets.pair_codes(m), _PAIR_CHUNK):
            a, b = codes // m, codes % m
            ga, gb = (a, b) if all_reps else (reps[a], reps[b])
            fa, fb = prints[ga], prints[gb]
            maybe = fa == fb  # every equal position of the two signatures, and ~1/256 of the others
            new = ~_paired_before(maybe, fa, fb, sigs, ga, gb, a, b, earlier, rows)
            del fa, fb
            bound = np.count_nonzero(maybe[new], axis=1)  # at least the equal positions
            del maybe
            codes, ga, gb = codes[new], ga[new], gb[new]
            count += int(codes.size)
            # _prefilter is monotone in the estimate (Jaccard, and the containment derived from it), so a pair
            # that fails it on the upper bound fails it on the equal positions too
            if prints is not sigs:
                could = np.flatnonzero(_prefilter(bound / width, sizes[ga], sizes[gb], jaccard_min, containment_min,
                                                  min_shingles))
                codes, ga, gb = codes[could], ga[could], gb[could]
                bound = np.count_nonzero(sigs[ga] == sigs[gb], axis=1)  # now the equal positions
            passed.append(codes[_prefilter(bound / width, sizes[ga], sizes[gb], jaccard_min, containment_min,
                                           min_shingles)])
        earlier.append(BandBuckets(empty.astype(np.uint64), empty, cap, buckets.long_rows, buckets.long_place))
        del buckets
    code = np.concatenate(passed)
    del passed
    code.sort()
    return reps[code // m], reps[code % m], count


def _batches(parts: Iterator[np.ndarray], size: int) -> Iterator[np.ndarray]:
    """The arrays of ``parts`` end to end, cut into pieces of ``size`` (the last one shorter)."""
    held: list[np.ndarray] = []
    total = 0
    for part in parts:
        for lo in range(0, part.shape[0], size):
            piece = part[lo:lo + size]
            held.append(piece)
            total += piece.shape[0]
            if total >= size:
                joined = np.concatenate(held)
                yield joined[:size]
                held, total = ([joined[size:]], total - size) if total > size else ([], 0)
    if total:
        yield np.concatenate(held)


def _paired_before(maybe: np.ndarray, fa: np.ndarray, fb: np.ndarray, sigs: np.ndarray, ga: np.ndarray,
                   gb: np.ndarray, a: np.ndarray, b: np.ndarray, earlier: list[BandBuckets], rows: int) -> np.ndarray:
    """Which pairs (rows ``a``, ``b``; signatures ``sigs[ga]``, ``sigs[gb]``) an earlier band
    (``earlier``, in band order) already made candidates: the pair shares that band's key and the
    band paired it (``BandBuckets.paired``). Keys are compared on the prints ``fa``, ``fb`` (one byte of
    each value, or the values) first (``maybe``: where they agree), then on the full values where
    all the band's prints agree."""
    seen = np.zeros(a.shape[0], dtype=bool)
    t = len(earlier)
    if t == 0:
        return seen
    if rows == 1:  # the key is the value itself
        shared = maybe[:, :t]
    elif rows == 2 and fa.shape[1] % 2 == 0:  # the key's two prints as one value of twice the width
        pair_type = np.uint16 if fa.dtype == np.uint8 else np.uint64
        shared = fa.view(pair_type)[:, :t] == fb.view(pair_type)[:, :t]
    elif rows == 2:
        shared = maybe[:, :2 * t].reshape(a.shape[0], t, 2).all(axis=2)
    else:  # the prints are the values: their keys (a fold, whose collisions share a bucket too)
        shared = np.stack([band_key(fa[:, i * rows:(i + 1) * rows]) == band_key(fb[:, i * rows:(i + 1) * rows])
                           for i in range(t)], axis=1)
    band, pair = np.nonzero(shared.T)  # by band
    del shared
    if band.size and fa.dtype != sigs.dtype:  # one-byte prints (one or two rows: the key is the values)
        cols = band[:, None] * rows + np.arange(rows)
        equal = (sigs[ga[pair][:, None], cols] == sigs[gb[pair][:, None], cols]).all(axis=1)
        band, pair = band[equal], pair[equal]
    if band.size == 0:
        return seen
    start = np.flatnonzero(np.r_[True, band[1:] != band[:-1]])
    for lo, hi in zip(start.tolist(), np.r_[start[1:], band.size].tolist(), strict=True):
        sel = pair[lo:hi]
        seen[sel[earlier[int(band[lo])].paired(a[sel], b[sel])]] = True
    return seen


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
    rank: np.ndarray | None = None  # keep priority of each row (bucket order); None: the row


def band_partition_pairs(work: BandWork, task: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """One task: the candidate pairs (codes) of one band's buckets whose key falls in one partition,
    and which of them pass the signature prefilter. Every bucket lies whole in one partition, so the
    union over partitions is exactly ``candidate_pairs``' band."""
    band, part = task
    n = work.sigs.shape[0]
    keys = band_key(work.sigs[:, band * work.rows:(band + 1) * work.rows])
    rows = np.flatnonzero(partition_ids(pl.DataFrame({"key": keys}), ["key"], work.partitions) == part)
    codes = np.unique(band_pair_codes(keys[rows], n, work.cap, rows, work.rank))
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
    ok = np.empty(a.shape[0], dtype=bool)
    for lo in range(0, a.shape[0], _VERIFY_CHUNK):  # bounds the float temporaries of many candidates
        sl = slice(lo, lo + _VERIFY_CHUNK)
        ok[sl] = _prefilter(j[sl], sizes[a[sl]], sizes[b[sl]], jaccard_min, containment_min, min_shingles)
    return ok, j


def _prefilter(j: np.ndarray, na: np.ndarray, nb: np.ndarray, jaccard_min: float, containment_min: float,
               min_shingles: int) -> np.ndarray:
    """``verify``'s bars on estimates ``j`` of pairs of sizes ``na``, ``nb``."""
    ok = j >= jaccard_min
    if containment_min < 1.0:
        ok |= (containment(j, na, nb) >= containment_min) & (np.minimum(na, nb) >= min_shingles)
    return ok


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
    """The kept row of each row's cluster (``labels``): its first in keep priority (``priority_rank``)."""
    n = labels.shape[0]
    order = np.lexsort((priority_rank(policy, lengths, scores), labels))  # by (cluster, priority)
    first = np.ones(n, dtype=bool)
    first[1:] = labels[order][1:] != labels[order][:-1]
    best = np.zeros(n, dtype=np.int64)  # indexed by label (a row number)
    best[labels[order][first]] = order[first]
    return best[labels]


def priority_rank(policy: str, lengths: np.ndarray, scores: np.ndarray | None = None) -> np.ndarray:
    """Each row's place in keep-priority order (0 is kept first), the one place the keep policy is
    read: input order (``first``), the longest first, or the best quality score from the document
    rules first (``best-score``); ties go to the first."""
    n = lengths.shape[0]
    if policy == "first":
        return np.arange(n, dtype=np.int64)
    if policy == "longest":
        key = -lengths.astype(np.float64)
    elif policy == "best-score":
        key = -(scores if scores is not None else np.ones(n)).astype(np.float64)
    else:
        raise ValueError(f"unknown keep policy {policy!r}; known: {', '.join(KEEP_POLICIES)}")
    rank = np.empty(n, dtype=np.int64)
    rank[np.lexsort((np.arange(n), key))] = np.arange(n)
    return rank


def stars(n: int, a: np.ndarray, b: np.ndarray, ok: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(kept, via)``: rows in ``rank`` order; an unassigned row keeps itself and takes every
    unassigned row it has an accepted pair with (``kept`` = that row, ``via`` = the pair's index;
    ``-1`` for rows that keep themselves)."""
    kept = np.arange(n, dtype=np.int64)
    via = np.full(n, -1, dtype=np.int64)
    idx = np.flatnonzero(ok)
    if idx.size == 0:
        return kept, via
    src = np.concatenate([a[idx], b[idx]])
    dst = np.concatenate([b[idx], a[idx]])
    pair = np.concatenate([idx, idx])
    order = np.lexsort((rank[dst], src))
    src, dst, pair = src[order], dst[order], pair[order]
    nodes, start = np.unique(src, return_index=True)
    end = np.r_[start[1:], src.shape[0]]
    assigned = np.zeros(n, dtype=bool)
    for i in np.argsort(rank[nodes], kind="stable").tolist():
        v = int(nodes[i])
        if assigned[v]:
            continue
        assigned[v] = True
        nb, pe = dst[start[i]:end[i]], pair[start[i]:end[i]]
        free = ~assigned[nb]
        kept[nb[free]] = v
        via[nb[free]] = pe[free]
        assigned[nb[free]] = True
    return kept, via


def component_pairs(labels: np.ndarray, members: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(a < b)`` of ``members`` with the same label (components of at most ``DIRECT_MAX``)."""
    m = members[np.lexsort((members, labels[members]))]
    lab = labels[m]
    a, b = [np.empty(0, dtype=np.int64)], [np.empty(0, dtype=np.int64)]
    for k in range(1, m.shape[0]):
        same = lab[k:] == lab[:-k]
        if not same.any():
            break
        a.append(m[:-k][same])
        b.append(m[k:][same])
    return np.concatenate(a), np.concatenate(b)


def leader_pairs(labels: np.ndarray, members: np.ndarray, rank: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every row of ``members`` paired ``(a < b)`` with the first row in keep priority of its
    component (its likeliest kept copy): in a large component (a story copied onto hundreds of
    sites) a copy that LSH proposed only with other copies is still measured against the keeper."""
    if members.size == 0:
        return members, members
    m = members[np.lexsort((rank[members], labels[members]))]
    head = np.r_[True, labels[m][1:] != labels[m][:-1]]
    lead = m[head][np.cumsum(head) - 1]
    other = lead != m
    return np.minimum(lead, m)[other], np.maximum(lead, m)[other]


@dataclass(frozen=True, slots=True, kw_only=True)
class Verification:
    """The bars of a pair: a signature prefilter, the sure pairs that group copies for counting
    template shingles, and the acceptance bars on exact non-template evidence."""

    prefilter_jaccard: float
    prefilter_containment: float
    sure_jaccard: float
    sure_containment: float
    template_groups: int
    template_docs: int
    template_edge: float
    jaccard_min: float
    containment_min: float
    min_shingles: int
    own_passage: int = 0  # 0: no veto (settings of an index built before it)


@dataclass(slots=True)
class Clusters:
    """Outcome of ``cluster_rows``: each row's kept row (itself when kept or alone), the measured
    pair that made it a copy (``via``, an index into ``evidence``; ``-1``: kept, alone, or an exact
    copy of its kept row), and the evidence of every measured pair (zero for pairs that could not
    pass, see ``measure``)."""

    kept: np.ndarray
    via: np.ndarray
    evidence: Overlap
    stats: dict[str, int]


def _min_run(bars: Verification) -> int:
    """Occurrences of a value fewer than this change no template count (see ``ShingleSets.occurrences``)."""
    return min(bars.template_groups, bars.template_docs) + 1


def document_templates(sets: ShingleSets, occurrences: Occurrences, bars: Verification) -> np.ndarray:
    """The first template step, which needs no pair: which occurrences lie at an edge of their text,
    and the stored hashes at the edges of more than ``template_docs`` documents flagged (left out when
    sure copies are found). Returns the edge flags."""
    edges = sets.at_edges(occurrences, bars.template_edge, bars.template_groups, bars.min_shingles)
    sets.mark_templates(None, occurrences, bars.template_docs, edges)
    return edges


def _early_templates(sets: ShingleSets, reps: np.ndarray, bars: Verification) -> tuple[Occurrences, np.ndarray]:
    occurrences = sets.one_sort_occurrences(reps, _min_run(bars))
    return occurrences, document_templates(sets, occurrences, bars)


def start_templates(sets: ShingleSets, reps: np.ndarray, bars: Verification) -> Future | None:
    """On a corpus small enough for the one-sort occurrences, template counting depends on the rows
    only, not on the pairs: started on a resolve thread while LSH finds the candidates (``measure``
    uses it when the pairs want most of the corpus, as ``occurrences`` would; else it is dropped).
    Until it is joined, nothing else may read or write ``sets``' template flags."""
    if not sets.one_sort_possible(_min_run(bars)):
        return None
    return in_background(_early_templates, sets, reps, bars)


def measure(sets: ShingleSets, pa: np.ndarray, pb: np.ndarray, n: int, reps: np.ndarray,
            bars: Verification, early: Future | None = None) -> tuple[Overlap, np.ndarray, int]:
    """``(evidence, accepted, template hashes)`` of pairs ``(pa, pb)`` of ``n`` rows: template shingles
    counted over the ``reps`` rows (see ``evidence``), then every pair that could pass measured on
    exact non-template shingles and held against the acceptance bars (the evidence of a pair that
    cannot pass, by a bound from its first measure, is left zero). A pair that passes is still
    refused when *each* side has a passage of its own of ``own_passage`` shingles that the other
    lacks (``evidence.own``: the shorter of the two longest, see ``ShingleSets.own_passage``): two
    different articles around one shared block. A truncated copy has no such passage, an edited
    one only a few shingles around each edit."""
    wanted = np.union1d(pa, pb)
    # sure copies group documents for counting; shingles of more than template_docs documents are
    # left out of that test, so a large site's template cannot make its short articles "sure"
    # sorted once for the edges and both counts; a value in no more documents than every count
    # it is held against is left out (it can be neither frequent nor "not rare")
    done = early.result() if early is not None else None  # ``start_templates``' work, always joined
    if done is not None and sets.one_sort_applies(reps, wanted, _min_run(bars)):
        occurrences, edges = done  # the same occurrences and flags, made beside LSH
    else:
        occurrences = sets.occurrences(reps, wanted, _min_run(bars))
        edges = document_templates(sets, occurrences, bars)  # (resets the flags an early run set)
    del done
    raw = sets.overlap(pa, pb)
    sure = raw.accepted(bars.sure_jaccard, bars.sure_containment, bars.min_shingles)
    groups = components(n, pa[sure], pb[sure])
    templates = sets.mark_templates(groups, occurrences, bars.template_groups, edges)
    del occurrences, edges, groups  # not needed past here (an int and a flag per occurrence and more)
    evidence = sets.overlap_where(pa, pb, sets.could_pass(pa, pb, raw, bars.jaccard_min, bars.containment_min,
                                                          bars.min_shingles))
    del raw
    accepted = evidence.accepted(bars.jaccard_min, bars.containment_min, bars.min_shingles)
    own = np.zeros(pa.shape[0], dtype=np.int64)
    sel = np.flatnonzero(accepted)
    if sel.size:
        a, b, level = pa[sel], pb[sel], evidence.level[sel]
        there, back = map_parallel(lambda ab: sets.own_passage(ab[0], ab[1], level), [(a, b), (b, a)])
        own[sel] = np.minimum(there, back)
        if bars.own_passage:
            accepted &= own < bars.own_passage
    return replace(evidence, own=own), accepted, templates


def prefiltered_candidates(sigs: np.ndarray, sizes: np.ndarray, reps: np.ndarray, rank: np.ndarray, *, bands: int,
                           rows: int, bars: Verification, bucket_cap: int,
                           tasks: ResolveTasks | None) -> tuple[np.ndarray, np.ndarray, int]:
    """``(a, b, candidates)``: the LSH candidate pairs among the ``reps`` rows that pass the signature
    prefilter, in code order, and how many candidates there were (partition-parallel on ``tasks``
    for a large corpus, see ``cluster_rows``; else ``prefiltered_pairs``)."""
    all_reps = reps.size == sigs.shape[0]
    if tasks is not None and tasks.task_workers > 1 and reps.size >= PARTITION_MIN_ROWS:
        work = BandWork(sigs if all_reps else sigs[reps], sizes if all_reps else sizes[reps], rows,
                        2 * tasks.task_workers, bucket_cap, bars.prefilter_jaccard, bars.prefilter_containment,
                        bars.min_shingles, rank[reps])
        found = tasks.map_tasks(band_partition_pairs, [(b, p) for b in range(bands) for p in range(work.partitions)],
                                work)
        del work
        codes, first = np.unique(np.concatenate([c for c, _ in found]), return_index=True)
        ok = np.concatenate([k for _, k in found])[first]
        del found, first
        codes = codes[ok]
        return reps[codes // reps.size], reps[codes % reps.size], int(ok.size)
    return prefiltered_pairs(sigs, sizes, reps, rank, bands=bands, rows=rows, cap=bucket_cap,
                             jaccard_min=bars.prefilter_jaccard, containment_min=bars.prefilter_containment,
                             min_shingles=bars.min_shingles)


def cluster_rows(sigs: np.ndarray, sizes: np.ndarray, exact: np.ndarray, sets: ShingleSets, rank: np.ndarray, *,
                 bands: int, rows: int, bars: Verification, bucket_cap: int = BUCKET_CAP,
                 tasks: ResolveTasks | None = None) -> Clusters:
    """Exact copies (same ``exact`` hash) go with their group's first row in priority order, and only
    that row goes through LSH; candidates (signature-prefiltered) form candidate components, whose
    pairs are measured exactly and resolved into stars (module docstring). With ``tasks`` (workers)
    and a large corpus, candidates are found partition-parallel and a huge edge list is labelled on
    the executor; the outcome is the same either way."""
    n = sigs.shape[0]
    stats = {"candidates": 0, "measured": 0, "verified": 0, "exact_pairs": 0, "template_shingles": 0,
             "own_passage_vetoes": 0}
    empty = np.empty(0, dtype=np.int64)
    if n == 0:
        return Clusters(empty, empty, sets.overlap(empty, empty), stats)
    order = np.lexsort((rank, exact))
    head = np.r_[True, exact[order][1:] != exact[order][:-1]]
    rep_of = np.empty(n, dtype=np.int64)
    rep_of[order] = order[head][np.cumsum(head) - 1]
    reps = np.flatnonzero(rep_of == np.arange(n))
    stats["exact_pairs"] = int(n - reps.size)
    early = start_templates(sets, reps, bars)  # beside LSH, on a second core
    ca, cb, stats["candidates"] = prefiltered_candidates(sigs, sizes, reps, rank, bands=bands, rows=rows,
                                                         bars=bars, bucket_cap=bucket_cap, tasks=tasks)
    del sigs  # a caller's temporary matrix is freed here (4 bytes x num_perm per row), before measuring
    if tasks is not None and tasks.task_workers > 1 and ca.size > DRIVER_MAX_EDGES:
        labelled = tasks.connected_components(pl.DataFrame({"a": ca, "b": cb}))
        comp = np.arange(n, dtype=np.int64)
        comp[labelled["node"].to_numpy()] = labelled["label"].to_numpy()
    else:
        comp = components(n, ca, cb)
    count = np.bincount(comp, minlength=n)
    small = count[comp] <= DIRECT_MAX
    sa, sb = component_pairs(comp, np.flatnonzero(small & (count[comp] > 1)))
    big = ~small[ca]
    la, lb = leader_pairs(comp, np.flatnonzero(~small), rank)
    code = np.unique(np.concatenate([ca[big] * n + cb[big], la * n + lb]))
    pa, pb = np.concatenate([sa, code // n]), np.concatenate([sb, code % n])
    stats["measured"] = int(pa.size)
    evidence, accepted, stats["template_shingles"] = measure(sets, pa, pb, n, reps, bars, early)
    stats["verified"] = int(accepted.sum())
    stats["own_passage_vetoes"] = int(np.count_nonzero(evidence.own >= bars.own_passage)) if bars.own_passage else 0
    kept_rep, via_rep = stars(n, pa, pb, accepted, rank)
    kept = kept_rep[rep_of]
    via = np.where(rep_of == np.arange(n), via_rep, via_rep[rep_of])
    via[(rep_of != np.arange(n)) & (kept == rep_of)] = -1  # an exact copy of its kept row
    return Clusters(kept, via, evidence, stats)

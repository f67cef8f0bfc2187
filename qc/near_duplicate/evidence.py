"""Exact shingle evidence for candidate pairs: stored shingle sets, template shingles, overlaps.

Every sketch row keeps the document's distinct 32-bit shingle hashes (sorted). A document with more
than ``cap`` shingles keeps a *consistent subsample* instead: the hashes whose lowest ``level`` bits
are zero, with the smallest level that leaves at most ``cap`` (a 3 KB news text of ~450 shingles
keeps ~225 at level 1). Two documents are compared at the higher of their two levels, so both sides
are the same sample of the same hash space: the intersection of the samples is the sample of the
intersection, and Jaccard and containment are exact for documents up to ``cap`` shingles and an
unbiased sample of 1 in ``2^level`` above it (bounded memory: ``5 * cap`` bytes per document with the
positions).

Template shingles: shingles shared by many *different* documents (a site's header, footer, cookie
banner, story list; agency boilerplate) are no evidence that two documents are copies. Counting
plain document frequency cannot tell them from the body of a story syndicated twenty times, so
documents are first grouped by *sure* pairs (exact Jaccard or containment on all shingles far above
anything two different articles in one template reach), and a shingle is a template shingle when it
occurs in more than ``template_groups`` groups. Copies of one story fall into one group and keep their
shared body; different articles of one site stay apart and their shared header and footer become
template. Only occurrences at an *edge* of their text count (``ShingleSets.at_edges``; each stored
hash keeps its relative first position, 1 byte): furniture frames the article, while a story copied
onto hundreds of sites (too many, and too differently wrapped, for its copies to be sure pairs) has
its body in the middle of every copy, where it stays evidence.
The grouping is only used to count: findings are never made from it. With ``text = "clean"``, a
document whose cleaning kept too little is compared on its raw text; the shingles its cleaning
removed are remembered, and a shingle that *both* documents of a pair had removed is template too
(the other documents of that site were cleaned, so counting alone would not see their furniture),
when each cleaning still kept an article's worth of shingles (else the cleaning, not the page, failed).

Own passages (``ShingleSets.own_passage``): the same positions order a document's non-template
hashes in its text, so the hashes it does not share with the other document of a pair show whether
they are scattered (a few around each edit of a copy) or one long run (a paragraph of its own).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

_CHUNK = 1 << 20  # stored hashes scanned per step of the per-hash loops (bounds their temporaries)
# stored hashes of both sides gathered per step of ``overlap`` and ``own_passage``: each gathered hash
# costs ~60 bytes of int64 temporaries there (keys, pair numbers, merges), 240 MB at 1 << 22
_PAIR_HASHES = 1 << 20
_SORT_SLICE = 1 << 24  # template occurrences sorted per step (see ``Occurrences.of``)
# Up to this many stored hashes (~70k 3 KB documents) the frequent ones are found and ordered by one
# sort of them all (``ShingleSets._frequent_one_sort``, ~25 bytes a hash of temporaries): on the 50k
# bench corpus (24.5M stored hashes) 1.5 against 3.0-3.6 s CPU for the sliced two-sort path, which
# bounds memory at millions of documents.
_ONE_SORT = 1 << 25


# Threads for resolve steps that split into independent numpy work (pair chunks, two directions, the
# template counting beside LSH): numpy's sorts, gathers and ufunc loops release the GIL, so on two
# cores they run side by side. The results are the same whatever the count (each step writes its
# own slice; nothing depends on which thread ran it).
RESOLVE_THREADS = max(1, min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                             else os.cpu_count() or 1))
_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=RESOLVE_THREADS, thread_name_prefix="qc-resolve")
    return _POOL


_IN_POOL = threading.local()


def _on_pool_thread(fn: Callable[..., Any], *args: Any) -> Any:
    _IN_POOL.busy = True
    try:
        return fn(*args)
    finally:
        _IN_POOL.busy = False


def _inline() -> bool:
    """One core, or already on a resolve thread (a task waiting for tasks queued behind it on the
    same pool would deadlock: nested work runs in the calling thread)."""
    return RESOLVE_THREADS == 1 or getattr(_IN_POOL, "busy", False)


def in_background(fn: Callable[..., Any], *args: Any) -> Future | None:
    """``fn(*args)`` started on a resolve thread (``None`` with one core: the caller runs it itself)."""
    return None if _inline() else _pool().submit(_on_pool_thread, fn, *args)


def map_parallel(fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
    """``[fn(x) for x in items]``, on the resolve threads when there are several items and cores
    (the calling thread takes the last item itself)."""
    if _inline() or len(items) < 2:
        return [fn(x) for x in items]
    futures = [_pool().submit(_on_pool_thread, fn, x) for x in items[:-1]]
    last = _on_pool_thread(fn, items[-1])
    return [f.result() for f in futures] + [last]


def _chunk_bounds(cost: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` pieces of pairs whose cumulative ``cost`` (gathered hashes) stays within ``budget``
    a piece (at least one pair each): the chunks the pair loops always cut."""
    out, lo, n = [], 0, cost.shape[0]
    while lo < n:
        hi = max(lo + 1, int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + budget, side="right")))
        out.append((lo, hi))
        lo = hi
    return out


def subsample(hashes: np.ndarray, cap: int) -> tuple[np.ndarray, int]:
    """``(kept hashes, level)``: all of them up to ``cap``, else those whose lowest ``level`` bits are 0
    for the smallest level that keeps at most ``cap``."""
    level = 0
    kept = hashes
    while kept.size > cap and level < 31:
        level += 1
        kept = kept[(kept & np.uint32((1 << level) - 1)) == 0]
    return kept, level


def _bitmap(values: np.ndarray) -> np.ndarray:
    """A 2^27-bit bitmap (16 MB) of uint32 ``values``: bit ``v >> 5`` set (see ``_in_bitmap``)."""
    bitmap = np.zeros(1 << 24, dtype=np.uint8)
    np.bitwise_or.at(bitmap, values >> np.uint32(8),
                     np.left_shift(1, (values >> np.uint32(5)) & np.uint32(7)).astype(np.uint8))
    return bitmap


def _in_bitmap(bitmap: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Whether each uint32 of ``v`` may be in ``bitmap`` (``_bitmap``): no false negatives."""
    return ((bitmap[v >> np.uint32(8)] >> ((v >> np.uint32(5)) & np.uint32(7)).astype(np.uint8)) & 1).view(bool)


def in_long_runs(values: np.ndarray, min_run: int) -> np.ndarray:
    """Which elements of sorted ``values`` lie in a run of at least ``min_run`` equal values: an element
    is in one exactly when a window of ``min_run`` consecutive elements around it starts and ends on
    the same value (sorted: all of it is). ``min_run`` shifted ORs of one comparison over the array,
    ~4x faster than the run heads, lengths and ``np.repeat`` of them (22M stored hashes, min_run 4)."""
    n = values.shape[0]
    out = np.zeros(n, dtype=bool)
    if min_run <= 1:
        out[:] = True
        return out
    if n < min_run:
        return out
    window = values[min_run - 1:] == values[:n - min_run + 1]
    for d in range(min_run):
        out[d:d + window.shape[0]] |= window
    return out


# Below this many keys numpy's in-place sort is as fast as polars' (whose call costs ~20 us).
_POLARS_SORT_MIN = 1 << 16


def sorted_keys(key: np.ndarray) -> np.ndarray:
    """``np.sort(key)`` of 1-D integer keys (read-only for a large one): polars' single-threaded sort
    takes a third of numpy's CPU on the 2-core bench machine (the 50k bench corpus's 24.5M template
    keys: 0.55 against 1.8 s; numpy 2.4 there sorts 4M random uint64 at 58 ns a key), and leaves the
    other core to the resolve thread beside it. Keys are distinct or order-free where it is used, so
    any sort is the same one."""
    if key.shape[0] < _POLARS_SORT_MIN:
        return np.sort(key)
    return pl.Series(key).sort(multithreaded=False).to_numpy()


def ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated ``arange(start, start + length)`` for every pair of entries, vectorised."""
    total = int(lengths.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    before = np.cumsum(lengths) - lengths
    return np.repeat(starts - before, lengths) + np.arange(total, dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Overlap:
    """Exact overlap of pairs ``(a, b)`` at their common sample level."""

    shared: np.ndarray  # shared shingles (template ones excluded)
    template: np.ndarray  # shared template shingles (not counted as evidence)
    size_a: np.ndarray  # non-template shingles of a, of b
    size_b: np.ndarray
    level: np.ndarray  # sample level (0: every shingle)
    own: np.ndarray | None = None  # the shorter of the two sides' longest own passages (``ShingleSets.own_passage``)

    @property
    def jaccard(self) -> np.ndarray:
        union = self.size_a + self.size_b - self.shared
        return np.where(union > 0, self.shared / np.maximum(union, 1), 0.0)

    @property
    def containment(self) -> np.ndarray:
        small = np.minimum(self.size_a, self.size_b)
        return np.where(small > 0, self.shared / np.maximum(small, 1), 0.0)

    def accepted(self, jaccard_min: float, containment_min: float, min_shingles: int) -> np.ndarray:
        """Jaccard reaches ``jaccard_min``, or containment of the smaller set reaches
        ``containment_min`` and the smaller has ``min_shingles`` (sampled sizes scaled back)."""
        small = np.minimum(self.size_a, self.size_b) * (1 << self.level.astype(np.int64))
        return (self.jaccard >= jaccard_min) | ((self.containment >= containment_min) & (small >= min_shingles))


class ShingleSets:
    """The stored shingle sets of all rows, flat (CSR), with an optional template flag per hash."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray, levels: np.ndarray,
                 removed: np.ndarray | None = None, positions: np.ndarray | None = None) -> None:
        self.flat = flat.astype(np.uint32, copy=False)
        self.offsets = offsets.astype(np.int64, copy=False)
        self.levels = levels.astype(np.int64, copy=False)
        # per stored hash: a template shingle (one bit each, see ``is_template``)
        self.template_bits = np.zeros((self.flat.shape[0] + 7) >> 3, dtype=np.uint8)
        # per stored hash: removed by the cleaning of a document compared on its raw text; held only
        # when some hash was (a bool per stored hash of nothing was 225 MB over 1M documents)
        self.any_removed = removed is not None and bool(removed.any())
        self.removed = removed if self.any_removed else np.zeros(0, dtype=bool)
        # per stored hash: where it first occurs in its text (uint8, 0 = start; None: unknown)
        self.positions = positions

    @property
    def template(self) -> np.ndarray:
        """The template flag of every stored hash as a bool array (a copy: set it whole)."""
        return np.unpackbits(self.template_bits, count=self.flat.shape[0], bitorder="little").view(bool)

    @template.setter
    def template(self, flags: np.ndarray) -> None:
        self.template_bits = np.packbits(np.asarray(flags, dtype=bool), bitorder="little")

    def is_template(self, idx: np.ndarray) -> np.ndarray:
        """Template flags of the stored hashes at ``idx``: held as bits, one eighth of a bool per stored
        hash (over a 1M-document corpus's 225M stored hashes, 28 instead of 225 MB, all touched)."""
        return ((self.template_bits[idx >> 3] >> (idx & 7).astype(np.uint8)) & np.uint8(1)).view(bool)

    def _template_counts(self, rows: np.ndarray) -> np.ndarray:
        """Template hashes of each of the non-empty ``rows`` (ascending), the bits unpacked a block of
        rows of about ``_CHUNK`` hashes at a time."""
        out = []
        starts = self.offsets[rows]
        lo = 0
        while lo < rows.shape[0]:
            hi = max(lo + 1, int(np.searchsorted(starts, starts[lo] + _CHUNK, side="right")))
            f, e = int(starts[lo]), int(self.offsets[rows[hi - 1] + 1])
            flags = np.unpackbits(self.template_bits[f >> 3:(e + 7) >> 3], bitorder="little")[f & 7:(f & 7) + e - f]
            out.append(np.add.reduceat(flags, starts[lo:hi] - f, dtype=np.int64))
            lo = hi
        return np.concatenate(out) if out else np.empty(0, dtype=np.int64)

    @classmethod
    def from_rows(cls, rows: pl.DataFrame, min_kept: int = 0) -> ShingleSets:
        """From the ``sh`` (list of uint32), ``lvl``, ``rm`` and ``pos`` columns of sketch rows, in row
        order. Removed-by-cleaning flags count only for documents whose cleaning still kept ``min_kept``
        shingles (an article of its own: the rest was furniture, not a failed extraction). Without
        ``pos`` (older sketches) every occurrence counts as an edge one."""
        col = rows["sh"]
        lengths = col.list.len().fill_null(0).to_numpy().astype(np.int64)
        offsets = np.zeros(lengths.shape[0] + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        flat = col.explode().drop_nulls().to_numpy() if offsets[-1] else np.empty(0, dtype=np.uint32)
        removed = None
        if "rm" in rows.columns:
            rm_len = rows["rm"].list.len().fill_null(0).to_numpy().astype(np.int64)
            kept = (lengths - rm_len) << rows["lvl"].to_numpy().astype(np.int64)
            rm_len = np.where(kept >= min_kept, rm_len, 0)
            if rm_len.any():
                row = np.repeat(np.arange(rm_len.shape[0], dtype=np.uint64), rm_len)
                rm_all = rows["rm"].list.len().fill_null(0).to_numpy().astype(np.int64)
                vals = rows["rm"].explode().drop_nulls().to_numpy()[np.repeat(rm_len > 0, rm_all)]
                rm = (row << np.uint64(32)) | vals.astype(np.uint64)
                removed = _removed_flags(flat, offsets, rm)
        positions = None
        if "pos" in rows.columns and offsets[-1]:
            positions = rows["pos"].explode().drop_nulls().to_numpy()
            if positions.shape[0] != flat.shape[0]:
                raise ValueError("sketch rows whose pos and sh lists differ in length")
        return cls(flat, offsets, rows["lvl"].to_numpy(), removed, positions)

    def overlap(self, a: np.ndarray, b: np.ndarray, use_template: bool = True) -> Overlap:
        """Exact overlap of each pair, in chunks of at most ``_PAIR_HASHES`` gathered hashes."""
        n = a.shape[0]
        out = {k: np.zeros(n, dtype=np.int64) for k in ("shared", "template", "size_a", "size_b")}
        level = np.maximum(self.levels[a], self.levels[b]) if n else np.zeros(0, dtype=np.int64)
        lengths = self.offsets[1:] - self.offsets[:-1]
        cost = np.cumsum(lengths[a] + lengths[b]) if n else np.zeros(0, dtype=np.int64)
        if n >= 1 << 30:
            raise ValueError("too many pairs for one overlap call")
        # the chunks write disjoint slices of ``out``: run side by side on the resolve threads
        map_parallel(lambda c: self._overlap_chunk(a[c[0]:c[1]], b[c[0]:c[1]], level[c[0]:c[1]], use_template,
                                                   out, c[0]), _chunk_bounds(cost, _PAIR_HASHES))
        return Overlap(out["shared"], out["template"], out["size_a"], out["size_b"], level)

    def could_pass(self, a: np.ndarray, b: np.ndarray, measured: Overlap, jaccard_min: float,
                   containment_min: float, min_shingles: int) -> np.ndarray:
        """Which pairs could pass the bars on the current template flags, given an earlier
        ``measured`` overlap of the same pairs: the pair shares at most the hashes it shared then
        (``shared + template``) and at most each side's non-template hashes, and Jaccard and
        containment grow with the shared count. Exact only where both rows are stored at the pair's
        level and no cleaning removed hashes (else every pair could)."""
        if self.any_removed or a.size == 0:
            return np.ones(a.shape[0], dtype=bool)
        lengths = self.offsets[1:] - self.offsets[:-1]
        own = np.zeros(lengths.shape[0], dtype=np.int64)
        rows = np.flatnonzero(lengths > 0)
        own[rows] = lengths[rows] - self._template_counts(rows)
        sa, sb = own[a], own[b]
        s = np.minimum(measured.shared + measured.template, np.minimum(sa, sb))
        bound = Overlap(s, np.zeros_like(s), sa, sb, measured.level)
        tol = 1e-9  # the bound is exact arithmetic on the same formulas: keep ties
        possible = bound.accepted(jaccard_min - tol, containment_min - tol, min_shingles)
        deeper = (self.levels[a] != measured.level) | (self.levels[b] != measured.level)
        return possible | deeper

    def overlap_where(self, a: np.ndarray, b: np.ndarray, which: np.ndarray) -> Overlap:
        """``overlap`` of the pairs ``which`` selects; the others' counts are zero."""
        if which.all():
            return self.overlap(a, b)
        sel = np.flatnonzero(which)
        part = self.overlap(a[sel], b[sel])
        level = np.maximum(self.levels[a], self.levels[b]) if a.size else np.zeros(0, dtype=np.int64)
        out = {k: np.zeros(a.shape[0], dtype=np.int64) for k in ("shared", "template", "size_a", "size_b")}
        for k in out:
            out[k][sel] = getattr(part, k)
        return Overlap(out["shared"], out["template"], out["size_a"], out["size_b"], level)

    def own_passage(self, kept: np.ndarray, dropped: np.ndarray, level: np.ndarray) -> np.ndarray:
        """For each pair, the longest passage of ``dropped``'s own text: the most non-template hashes
        not shared with ``kept`` (at the pair's sample ``level``, scaled back by ``2^level``) whose
        positions in the text follow each other with no shared hash between them. Positions are
        1/256 of the text, so a position holding a shared hash ends a passage. An edited copy's
        unshared shingles come a few around each edit and a truncated copy has hardly any; a
        different article that shares one long block with ``kept`` has its own paragraphs around it.
        All zero without positions (older sketches)."""
        n = kept.shape[0]
        out = np.zeros(n, dtype=np.int64)
        if self.positions is None or n == 0:
            return out
        lengths = self.offsets[1:] - self.offsets[:-1]
        cost = np.cumsum(lengths[kept] + lengths[dropped])

        def chunk(c: tuple[int, int]) -> None:
            out[c[0]:c[1]] = self._own_passage_chunk(kept[c[0]:c[1]], dropped[c[0]:c[1]], level[c[0]:c[1]])

        map_parallel(chunk, _chunk_bounds(cost, _PAIR_HASHES))
        return out

    def _own_passage_chunk(self, kept: np.ndarray, dropped: np.ndarray, level: np.ndarray) -> np.ndarray:
        m = kept.shape[0]
        ik, pk = self._sampled(kept, level)
        idx, pair = self._sampled(dropped, level)
        # (pair, hash) keys: sorted, as each row's hashes are
        kk = (pk.astype(np.uint64) << np.uint64(32)) | self.flat[ik].astype(np.uint64)
        kd = (pair.astype(np.uint64) << np.uint64(32)) | self.flat[idx].astype(np.uint64)
        at = np.minimum(np.searchsorted(kk, kd), max(kk.shape[0] - 1, 0))
        shared = (kk[at] == kd) if kk.size else np.zeros(kd.shape[0], dtype=bool)
        own = ~self.is_template(idx)
        pair, shared, pos = pair[own], shared[own], self.positions[idx[own]].astype(np.int64)
        if pair.size == 0:
            return np.zeros(m, dtype=np.int64)
        # sorted by (pair, position) as one key with the shared flag below it: a plain sort, ~10x faster
        # than an arg-sort; the order within a bucket does not matter to anything taken from it
        key = sorted_keys(((pair * 256 + pos) << 1) | shared)
        del pos
        shared = (key & 1).astype(bool)
        bucket = key >> 1
        del key
        pair = bucket >> 8
        head = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
        b_shared = np.maximum.reduceat(shared.view(np.uint8), head).astype(bool)
        b_count = np.diff(np.r_[head, bucket.shape[0]])
        b_pair = pair[head]
        # a passage: consecutive positions of one pair holding no shared hash
        brk = b_shared | np.r_[True, b_pair[1:] != b_pair[:-1]]
        run = np.cumsum(brk)
        sizes = np.bincount(run, weights=np.where(b_shared, 0, b_count)).astype(np.int64)
        best = np.zeros(m, dtype=np.int64)
        np.maximum.at(best, b_pair, sizes[run])
        return best << level.astype(np.int64)

    def _sampled(self, rows: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(flat indices, pair numbers)`` of the hashes of ``rows`` at each pair's sample ``level``,
        row after row, each row's in hash order."""
        starts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - starts
        idx = ranges(starts, lengths)
        pair = np.repeat(np.arange(rows.shape[0], dtype=np.int64), lengths)
        if np.any(level != self.levels[rows]):  # a row sampled deeper for its pair (else stored = sampled)
            mask = (np.uint32(1) << level[pair].astype(np.uint32)) - np.uint32(1)
            keep = (self.flat[idx] & mask) == 0
            idx, pair = idx[keep], pair[keep]
        return idx, pair

    def _side(self, rows: np.ndarray, level: np.ndarray,
              use_template: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One side's sampled hashes as sorted keys ``pair << 34 | hash << 2 | removed << 1 | template``,
        their pair numbers and template flags."""
        idx, pair = self._sampled(rows, level)
        keys = pair.astype(np.uint64) << np.uint64(34)
        keys |= self.flat[idx].astype(np.uint64) << np.uint64(2)
        template = self.is_template(idx) if use_template else np.zeros(idx.shape[0], dtype=bool)
        if use_template:
            keys |= template.astype(np.uint64)
            if self.any_removed:
                keys |= self.removed[idx].astype(np.uint64) << np.uint64(1)
        return keys, pair, template

    def _overlap_chunk(self, a: np.ndarray, b: np.ndarray, level: np.ndarray, use_template: bool,
                       out: dict[str, np.ndarray], lo: int) -> None:
        m = a.shape[0]
        ka, pa, ta = self._side(a, level, use_template)
        kb, pb, tb = self._side(b, level, use_template)
        both = np.concatenate([ka, kb])
        both.sort(kind="stable")  # two sorted runs: timsort merges them in linear time
        same = (both[1:] >> np.uint64(2)) == (both[:-1] >> np.uint64(2))
        first, second = both[:-1][same], both[1:][same]
        # template: either copy of the hash is template, or both documents' cleaning removed it
        f1, f2 = first & np.uint64(3), second & np.uint64(3)
        tmpl = ((f1 | f2) & np.uint64(1)).astype(bool) | ((f1 & f2) & np.uint64(2)).astype(bool)
        pair = (first >> np.uint64(34)).astype(np.int64)
        sl = slice(lo, lo + m)
        out["shared"][sl] = np.bincount(pair[~tmpl], minlength=m)
        out["template"][sl] = np.bincount(pair[tmpl], minlength=m)
        # a hash removed by both cleanings is template on both sides
        both_removed = np.bincount(pair[tmpl & ~((f1 | f2) & np.uint64(1)).astype(bool)], minlength=m)
        out["size_a"][sl] = np.bincount(pa[~ta], minlength=m) - both_removed
        out["size_b"][sl] = np.bincount(pb[~tb], minlength=m) - both_removed

    def occurrences(self, rows: np.ndarray, wanted: np.ndarray, min_run: int = 1) -> Occurrences:
        """The stored hashes of ``rows`` whose value occurs in a ``wanted`` row (all that template
        counting for the wanted rows needs), sorted by value; with ``min_run``, only the values that
        occur at least that often (a value in fewer documents than every count it is held against
        changes nothing: ``at_edges`` takes hashes no occurrence lists as rare, ``mark_templates``
        never flags them), which keeps the list to the shared hashes of the corpus. The corpus is
        scanned in chunks through a bitmap of the wanted values (2^27 bits), so work and memory
        follow the wanted rows and the hashes they share, not the corpus."""
        none = np.empty(0, dtype=np.int64)
        if wanted.size == 0 or self.flat.size == 0:
            return Occurrences.of(self.flat, none, none)
        if self.one_sort_applies(rows, wanted, min_run):
            return self.one_sort_occurrences(rows, min_run)
        if rows.size == self.levels.shape[0]:  # every row (no exact copies left out)
            rows = None
        if wanted.size * 4 >= (self.levels.shape[0] if rows is None else rows.size):
            # most of the corpus is wanted: every stored hash (of ``rows``), no bitmap
            if rows is None:
                return self._frequent(None, None, min_run)
            lengths = self.offsets[rows + 1] - self.offsets[rows]
            return self._frequent(ranges(self.offsets[rows], lengths).astype(self.position_dtype),
                                  np.repeat(rows.astype(self.position_dtype), lengths) if min_run <= 1 else None,
                                  min_run)
        bitmap = _bitmap(self._distinct(wanted))
        counted = None
        if rows is not None:
            counted = np.zeros(self.levels.shape[0], dtype=bool)
            counted[rows] = True

        def hits(lo: int, hi: int) -> np.ndarray:
            # the bitmap's false positives only add counts of hashes no wanted row holds: harmless
            hit = np.flatnonzero(_in_bitmap(bitmap, self.flat[lo:hi]))
            return hit if counted is None else hit[counted[self._row_block(lo, hi)[hit]]]

        n_flat, index = self.flat.shape[0], self.position_dtype
        chunks = [(lo, min(n_flat, lo + _CHUNK)) for lo in range(0, n_flat, _CHUNK)]
        if min_run <= 1:
            # positions and rows filled a chunk at a time, in the position dtype, the chunks' hits
            # counted first (an int64 array per matched hash, then a flag per stored hash, were the
            # largest temporaries of a 1M-document resolve)
            pos = np.empty(sum(hits(lo, hi).size for lo, hi in chunks), dtype=index)
            row = np.empty(pos.shape[0], dtype=index)
            done = 0
            for lo, hi in chunks:
                hit = hits(lo, hi)
                pos[done:done + hit.size] = hit + lo
                row[done:done + hit.size] = self._row_block(lo, hi)[hit]
                done += hit.size
            return Occurrences.of(self.flat, pos, row)
        # with ``min_run``: no rows (found from the positions where needed), and the matched hashes
        # (the wanted rows' own, most of them seen once, and the templates of every row) are taken a
        # slice of the hash space at a time, each slice's positions cut to those of its values seen
        # min_run times before the next (all of them at once were 465 MB over 1M documents); a value
        # lies in one slice, so the kept positions are those of all the matched hashes at once
        total = sum(hits(lo, hi).size for lo, hi in chunks)
        bits = min(4, max(0, int(np.ceil(np.log2(max(1, total) / _SORT_SLICE)))))
        kept = [np.empty(0, dtype=index)]
        for part in range(1 << bits):
            found = [np.empty(0, dtype=index)]
            for lo, hi in chunks:
                hit = hits(lo, hi)
                if bits:
                    hit = hit[(self.flat[lo:hi][hit] >> np.uint32(32 - bits)) == part]
                found.append((hit + lo).astype(index))
            pos = np.concatenate(found)
            del found
            kept.append(pos[Occurrences.frequent(self.flat, pos, min_run, index)])
            del pos
        pos = np.concatenate(kept)
        del kept
        pos.sort()
        return Occurrences.of(self.flat, pos, None)

    def one_sort_possible(self, min_run: int) -> bool:
        """Whether ``occurrences`` with this ``min_run`` takes the one-sort path for some ``wanted``
        (a small enough corpus): then its result depends on ``rows`` and ``min_run`` only, and can be
        computed before the wanted rows are known (``one_sort_occurrences``)."""
        return self.flat.size > 0 and min_run > 1 and self.flat.shape[0] <= _ONE_SORT

    def one_sort_applies(self, rows: np.ndarray, wanted: np.ndarray, min_run: int) -> bool:
        """Whether ``occurrences(rows, wanted, min_run)`` is ``one_sort_occurrences(rows, min_run)``:
        most of the corpus is wanted (every stored hash is read, no bitmap) and it is small enough."""
        return (wanted.size > 0 and self.one_sort_possible(min_run)
                and wanted.size * 4 >= min(rows.size, self.levels.shape[0]))

    def one_sort_occurrences(self, rows: np.ndarray, min_run: int) -> Occurrences:
        """``occurrences`` on the one-sort path (see ``one_sort_applies``)."""
        return self._frequent_one_sort(None if rows.size == self.levels.shape[0] else rows, min_run)

    def _distinct(self, rows: np.ndarray) -> np.ndarray:
        """The distinct stored hashes of ``rows``, sorted; gathered a block of rows of about ``_CHUNK``
        hashes at a time (their flat indices at once were 8 bytes per hash, 360 MB at 1M documents)."""
        starts = self.offsets[rows]
        lengths = self.offsets[rows + 1] - starts
        cost = np.cumsum(lengths)
        values = np.empty(int(cost[-1]) if cost.size else 0, dtype=np.uint32)
        lo = 0
        while lo < rows.shape[0]:
            hi = max(lo + 1, int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + _CHUNK, side="right")))
            values[cost[lo - 1] if lo else 0:cost[hi - 1]] = self.flat[ranges(starts[lo:hi], lengths[lo:hi])]
            lo = hi
        values.sort()
        return values[np.r_[True, values[1:] != values[:-1]]] if values.size else values

    def _frequent(self, pos: np.ndarray | None, row: np.ndarray | None, min_run: int) -> Occurrences:
        """``Occurrences.of`` the hashes at ``pos`` (rows ``row``; ``None``: every stored hash) whose
        value occurs at least ``min_run`` times among them."""
        if min_run <= 1:
            return Occurrences.of(self.flat, pos, row)
        keep = Occurrences.frequent(self.flat, pos, min_run, self.position_dtype)
        # without rows: they are found from the positions where needed (``Occurrences.rows_at``), not
        # held as an int per occurrence
        return Occurrences.of(self.flat, keep if pos is None else pos[keep], None)

    def _frequent_one_sort(self, rows: np.ndarray | None, min_run: int) -> Occurrences:
        """``_frequent`` of the stored hashes of ``rows`` (``None``: every row) for a corpus of up to
        ``_ONE_SORT`` stored hashes, by one sort of ``hash << 32 | flat position`` keys: the runs of
        the sorted keys are both the counts and the value order, where ``Occurrences.frequent`` then
        ``Occurrences.of`` sort twice, a slice of the hash space at a time (bounded memory at
        millions of documents; here ~25 bytes a stored hash). The same occurrences, order and run
        starts (ties in flat order in both), each occurrence's row held (later steps read rows
        instead of searching them)."""
        index = self.position_dtype
        total = self.flat.shape[0]
        key = np.empty(total, dtype=np.uint64)
        words = key.view(np.uint32).reshape(total, 2)  # little-endian: [low, high]
        words[:, 1] = self.flat
        words[:, 0] = np.arange(total, dtype=np.uint32)
        del words
        if rows is not None:
            counted = np.zeros(self.levels.shape[0], dtype=bool)
            counted[rows] = True
            key = key[np.repeat(counted, np.diff(self.offsets))]
            del counted
        key = sorted_keys(key)
        words = key.view(np.uint32).reshape(key.shape[0], 2)
        kept = in_long_runs(words[:, 1], min_run)
        kept_values = words[:, 1][kept]
        hit = words[:, 0][kept]  # flat positions of the kept, in value order
        del key, words, kept
        # run starts among the kept only (their count is a fraction of the corpus's)
        head = np.ones(kept_values.shape[0], dtype=bool)
        np.not_equal(kept_values[1:], kept_values[:-1], out=head[1:])
        starts = np.flatnonzero(head).astype(index)
        del kept_values, head
        mark = np.zeros(total, dtype=bool)
        mark[hit] = True
        pos = np.flatnonzero(mark).astype(index)  # the same, in flat order
        del mark
        rank = np.empty(total, dtype=index)
        rank[pos] = np.arange(pos.shape[0], dtype=index)
        order = rank[hit]
        del hit, rank
        # rows from how many kept positions each row's span holds (pos is increasing): one search
        # per row, not one per occurrence
        per_row = np.diff(np.searchsorted(pos, self.offsets.astype(index)))
        row = np.repeat(np.arange(self.levels.shape[0], dtype=index), per_row)
        return Occurrences(pos, row, order, starts)

    @property
    def position_dtype(self) -> type:
        """The integer type of positions in ``flat`` (int32 while they fit: half the memory)."""
        return np.int32 if self.flat.shape[0] < 1 << 31 else np.int64

    def _row_block(self, lo: int, hi: int) -> np.ndarray:
        """The row of every stored hash ``lo <= i < hi`` of ``flat``."""
        r0 = int(np.searchsorted(self.offsets, lo, side="right")) - 1
        r1 = int(np.searchsorted(self.offsets, hi, side="left"))
        counts = np.minimum(self.offsets[r0 + 1:r1 + 1], hi) - np.maximum(self.offsets[r0:r1], lo)
        return np.repeat(np.arange(r0, r1, dtype=self.position_dtype), counts)

    def at_edges(self, occ: Occurrences, edge: float, rare_docs: int, min_rare: int) -> np.ndarray:
        """Which occurrences (in value order, ``occ.order``) lie at an edge of their text: in its
        first or last ``edge`` share, or before the first or after the last of its *own* shingles
        (stored hashes of at most ``rare_docs`` documents, and those no occurrence lists), when it
        has ``min_rare`` of them (scaled by its sample level: fewer, e.g. one typo, do not mark where
        an article is). A site's header and footer lie there even around a short article; a story's
        body copied into many sites lies in the middle of each copy. All of them without positions."""
        pos = occ.pos  # in flat order: sequential gathers; the result is permuted once
        if self.positions is None or edge >= 0.5 or occ.size == 0:
            return np.ones(occ.size, dtype=bool)
        counts = occ.run_lengths()
        rare = np.empty(occ.size, dtype=bool)  # in flat order
        rare[occ.order] = np.repeat(counts <= rare_docs, counts)
        del counts
        lengths = self.offsets[1:] - self.offsets[:-1]
        rows = np.flatnonzero(lengths > 0)
        p = self.positions
        first = np.full(self.levels.shape[0], 256, dtype=np.int16)
        last = np.full(self.levels.shape[0], -1, dtype=np.int16)
        many = np.zeros(self.levels.shape[0], dtype=bool)
        first[rows], last[rows], n_own = self._own_span(rows, rare, pos)
        del rare
        many[rows] = (n_own << self.levels[rows]) >= min_rare
        many[rows] &= first[rows] <= last[rows]
        cut = round(256 * edge)
        out = np.empty(occ.size, dtype=bool)
        for lo in range(0, occ.size, _CHUNK):  # bounds the per-occurrence temporaries
            hi = min(occ.size, lo + _CHUNK)
            at = (p[lo:hi] if pos is None else p[pos[lo:hi]]).astype(np.int16)
            if occ.row is not None:
                row = occ.row[lo:hi]
            else:
                row = self._row_block(lo, hi) if pos is None else np.searchsorted(self.offsets, pos[lo:hi], "right") - 1
            out[lo:hi] = (at < cut) | (at >= 256 - cut) | (many[row] & ((at < first[row]) | (at > last[row])))
        return out[occ.order]

    def _own_span(self, rows: np.ndarray, rare: np.ndarray,
                  pos: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(first, last, count)`` of each of the non-empty ``rows``' own stored hashes: the positions
        in its text of the first and last (255 / 0 when it has none) and how many. Own: an
        occurrence that is ``rare`` (in flat order, at ``pos``, increasing; ``None``: every stored
        hash) or a hash no occurrence lists. The own flags are built a block of rows of about
        ``_CHUNK`` hashes at a time, never one per stored hash of the corpus."""
        firsts, lasts, counts = [], [], []
        offsets, p = self.offsets, self.positions
        starts = offsets[rows]
        lo = 0
        while lo < rows.shape[0]:
            hi = max(lo + 1, int(np.searchsorted(starts, starts[lo] + _CHUNK, side="right")))
            f, e = int(starts[lo]), int(offsets[rows[hi - 1] + 1])
            if pos is None:
                own = rare[f:e]
            else:
                own = np.ones(e - f, dtype=bool)
                # the bounds in pos's own dtype: a Python int made numpy convert all of pos to int64
                # for every block (8 bytes per occurrence and most of at_edges' time at 1M documents)
                i, j = np.searchsorted(pos, np.array([f, e], dtype=pos.dtype)).tolist()
                own[pos[i:j] - f] = rare[i:j]
            at = starts[lo:hi] - f
            block = p[f:e]  # type: ignore[index]
            firsts.append(np.minimum.reduceat(np.where(own, block, 255), at))
            lasts.append(np.maximum.reduceat(np.where(own, block, 0), at))
            counts.append(np.add.reduceat(own.view(np.uint8), at, dtype=np.int64))
            lo = hi
        if not firsts:
            empty = np.empty(0, dtype=np.int64)
            return empty, empty, empty
        return np.concatenate(firsts), np.concatenate(lasts), np.concatenate(counts)

    def mark_templates(self, groups: np.ndarray | None, occ: Occurrences, max_groups: int,
                       counted: np.ndarray | None = None) -> int:
        """Flag the stored hashes (of ``occ``, see ``occurrences``) that occur in more than
        ``max_groups`` groups (``groups[row]``; ``None``: every document its own group), counting only
        the ``counted`` occurrences (in value order, see ``at_edges``; default all); every occurrence
        of such a hash is flagged. Returns how many distinct hashes are template."""
        self.template_bits = np.zeros((self.flat.shape[0] + 7) >> 3, dtype=np.uint8)
        if occ.size == 0:
            return 0
        lengths = occ.run_lengths()
        # a document stores a hash once: its count of documents is the count of its occurrences
        if counted is None:
            frequent = lengths > max_groups
        else:  # counted occurrences per run: a prefix sum read at the run boundaries (~5x reduceat),
            # a block of runs of about _CHUNK occurrences at a time (not an int per occurrence)
            frequent = np.zeros(lengths.shape[0], dtype=bool)
            ends = np.r_[occ.starts[1:], occ.size]
            r = 0
            while r < lengths.shape[0]:
                r1 = max(r + 1, int(np.searchsorted(ends, int(occ.starts[r]) + _CHUNK, side="right")))
                s0, s1 = int(occ.starts[r]), int(ends[r1 - 1])
                before = np.zeros(s1 - s0 + 1, dtype=np.int64)
                np.cumsum(counted[s0:s1], out=before[1:])
                frequent[r:r1] = np.diff(before[np.r_[occ.starts[r:r1] - s0, s1 - s0]]) > max_groups
                r = r1
            del ends
        if groups is not None and frequent.any():
            # groups are at most documents: only those values can be in more than max_groups groups;
            # their (value, group) keys a batch of runs of about _CHUNK occurrences at a time
            runs = np.flatnonzero(frequent)
            frequent = np.zeros(lengths.shape[0], dtype=bool)
            cost = np.cumsum(lengths[runs])
            lo = 0
            while lo < runs.shape[0]:
                hi = max(lo + 1, int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + _CHUNK, side="right")))
                batch = runs[lo:hi]
                lo = hi
                at = ranges(occ.starts[batch], lengths[batch])  # their occurrences, in value order
                run = np.repeat(batch.astype(np.uint64), lengths[batch])
                if counted is not None:
                    keep = counted[at]
                    at, run = at[keep], run[keep]
                key = sorted_keys((run << np.uint64(32))
                                  | groups[occ.rows_at(occ.order[at], self.offsets)].astype(np.uint64))
                del at, run
                distinct = (key[np.r_[True, key[1:] != key[:-1]]] >> np.uint64(32)).astype(np.int64)
                del key
                # sorted: each value's groups are one run
                head = np.flatnonzero(np.r_[True, distinct[1:] != distinct[:-1]])
                count = np.diff(np.r_[head, distinct.shape[0]])
                frequent[distinct[head][count > max_groups]] = True
        runs = np.flatnonzero(frequent)
        cost = np.cumsum(lengths[runs])
        lo = 0
        while lo < runs.shape[0]:  # a batch of runs of about _CHUNK occurrences at a time
            hi = max(lo + 1, int(np.searchsorted(cost, (cost[lo - 1] if lo else 0) + _CHUNK, side="right")))
            batch = runs[lo:hi]
            at = occ.positions_at(occ.order[ranges(occ.starts[batch], lengths[batch])])
            np.bitwise_or.at(self.template_bits, at >> 3, np.left_shift(1, at & 7).astype(np.uint8))
            lo = hi
        return int(runs.size)


@dataclass(frozen=True, slots=True)
class Occurrences:
    """Stored hashes that template counting looks at (``ShingleSets.occurrences``): their positions
    in the flat array and their rows, in flat order (``None``: every stored hash), and the
    permutation that sorts them by value (``order``) with the start of each distinct value's run in
    that order."""

    pos: np.ndarray | None
    row: np.ndarray | None
    order: np.ndarray
    starts: np.ndarray

    @classmethod
    def of(cls, flat: np.ndarray, pos: np.ndarray | None, row: np.ndarray | None) -> Occurrences:
        """Sorted by value, one slice of the hash space at a time (the values whose top bits are
        equal: ~``_SORT_SLICE`` each), so sorting needs a slice's temporary memory, not the
        corpus's; within a slice a polars arg-sort (multi-threaded). The order among equal values
        does not matter to anything counted from it."""
        total = flat.shape[0] if pos is None else pos.shape[0]
        index = np.int32 if total < 1 << 31 else np.int64
        if total == 0:
            return cls(pos, row, np.empty(0, dtype=index), np.empty(0, dtype=index))
        # a quarter of _SORT_SLICE per slice: a slice's temporaries are ~25 bytes per occurrence
        bits = min(8, max(0, int(np.ceil(np.log2(4 * total / _SORT_SLICE)))))
        order = np.empty(total, dtype=index)
        starts = []  # each slice's run starts (an array of one int per occurrence was most of them unused)
        done = 0
        for idx, sub, head in _sorted_slices(flat, pos, bits, index):
            order[done:done + sub.shape[0]] = sub if idx is None else idx[sub]
            starts.append((np.flatnonzero(head) + done).astype(index))
            done += sub.shape[0]
        return cls(pos, row, order, np.concatenate(starts))

    @staticmethod
    def frequent(flat: np.ndarray, pos: np.ndarray | None, min_run: int, index: type = np.int64) -> np.ndarray:
        """The indices (ascending, as ``index``) of the values ``flat[pos]`` (``None``: ``flat``) that
        occur at least ``min_run`` times, found one slice of the hash space at a time like ``of``
        (so with a slice's temporaries, not ``order`` for every value, and one int per frequent
        value, not a flag per value: most of a corpus's hashes are its own)."""
        total = flat.shape[0] if pos is None else pos.shape[0]
        if total == 0:
            return np.empty(0, dtype=index)
        # slices of ~_SORT_SLICE / 16 values: a slice's temporaries (its indices, keys, runs, hits and
        # their bit arithmetic) are ~90 bytes a value, 320 MB at a quarter of _SORT_SLICE
        bits = min(8, max(0, int(np.ceil(np.log2(16 * total / _SORT_SLICE)))))
        # marked in a bitmap (a bit per value), then read out in ascending order: the indices once,
        # not a list of them, its concatenation and its sorted copy
        marks = np.zeros((total + 7) >> 3, dtype=np.uint8)
        for idx, sub, head in _sorted_slices(flat, pos, bits, np.int32 if total < 1 << 31 else np.int64):
            start = np.flatnonzero(head)
            del head
            length = np.diff(np.r_[start, sub.shape[0]])
            hit = sub[np.repeat(length >= min_run, length)]
            at = hit if idx is None else idx[hit]
            np.bitwise_or.at(marks, at >> 3, np.left_shift(1, at & 7).astype(np.uint8))
        out = np.empty(int(np.bitwise_count(marks).sum(dtype=np.int64)), dtype=index)
        done = 0
        for lo in range(0, total, _CHUNK):
            hi = min(total, lo + _CHUNK)
            bits_at = np.unpackbits(marks[lo >> 3:(hi + 7) >> 3], bitorder="little")
            hit = np.flatnonzero(bits_at[lo & 7:(lo & 7) + hi - lo])
            out[done:done + hit.size] = hit + lo
            done += hit.size
        return out

    @property
    def size(self) -> int:
        return self.order.shape[0]

    def run_lengths(self) -> np.ndarray:
        """Occurrences of each distinct value, in value order."""
        return np.diff(np.r_[self.starts, self.size])

    def positions_at(self, idx: np.ndarray) -> np.ndarray:
        """Flat positions of the occurrences ``idx`` (indices in flat order)."""
        return idx if self.pos is None else self.pos[idx]

    def rows_at(self, idx: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """Rows of the occurrences ``idx`` (indices in flat order): held, or found from their positions."""
        if self.row is not None:
            return self.row[idx]
        return np.searchsorted(offsets, self.positions_at(idx), side="right") - 1


def _removed_flags(flat: np.ndarray, offsets: np.ndarray, rm: np.ndarray) -> np.ndarray:
    """Which stored hashes are among their row's removed ones (``rm``: ``row << 32 | hash`` keys in
    row order), a block of rows of about ``_CHUNK`` hashes at a time: one ``np.isin`` over every
    stored hash sorted ~5 arrays of 8 bytes per hash at once, the largest allocation of a default-pack
    resolve (+530 MB over a 140 MB driver at 20k documents)."""
    removed = np.zeros(flat.shape[0], dtype=bool)
    rm_row = rm >> np.uint64(32)
    n_rows = offsets.shape[0] - 1
    r0 = 0
    while r0 < n_rows:
        r1 = max(r0 + 1, int(np.searchsorted(offsets, offsets[r0] + _CHUNK, side="right")) - 1)
        r1 = min(r1, n_rows)
        lo, hi = int(offsets[r0]), int(offsets[r1])
        want = rm[np.searchsorted(rm_row, r0):np.searchsorted(rm_row, r1)]
        if want.size and hi > lo:
            own = np.repeat(np.arange(r0, r1, dtype=np.uint64), np.diff(offsets[r0:r1 + 1]))
            removed[lo:hi] = np.isin((own << np.uint64(32)) | flat[lo:hi].astype(np.uint64), want)
        r0 = r1
    return removed


def _sorted_slices(flat: np.ndarray, pos: np.ndarray | None, bits: int,
                   index: type) -> Iterator[tuple[np.ndarray | None, np.ndarray, np.ndarray]]:
    """For each slice of the hash space (the values ``flat[pos]`` whose top ``bits`` bits are equal;
    ``pos`` ``None``: all of ``flat``), ``(idx, sub, head)``: the slice's indices into the values
    (``None``: all of them), the permutation sorting them by value (a polars arg-sort,
    multi-threaded), and where each distinct value's run starts. The values are gathered a slice at
    a time and the top bits a chunk at a time: ``flat[pos]`` or ``flat >> shift`` whole were 4 bytes
    per value (900 MB over a 1M-document corpus's stored hashes)."""
    total = flat.shape[0] if pos is None else pos.shape[0]

    def values(sel: np.ndarray | slice) -> np.ndarray:
        return flat[sel] if pos is None else flat[pos[sel]]

    top = None
    if bits:
        top = np.empty(total, dtype=np.uint8)
        for lo in range(0, total, _CHUNK):
            top[lo:lo + _CHUNK] = values(slice(lo, lo + _CHUNK)) >> np.uint32(32 - bits)
    for part in range(1 << bits):
        idx = None
        if top is not None:
            idx = np.concatenate([np.empty(0, dtype=index)] + [
                (np.flatnonzero(top[lo:lo + _CHUNK] == part) + lo).astype(index, copy=False)
                for lo in range(0, total, _CHUNK)])
            if idx.size == 0:
                continue
        v = values(slice(None)) if idx is None else values(idx)
        sub, v = _argsort_u32(v, index)
        head = np.empty(v.shape[0], dtype=bool)
        head[0] = True
        np.not_equal(v[1:], v[:-1], out=head[1:])
        del v  # a slice's sorted values are not needed past its run heads
        yield idx, sub, head


def _argsort_u32(values: np.ndarray, index: type) -> tuple[np.ndarray, np.ndarray]:
    """``(order, sorted values)`` of uint32 ``values`` (fewer than 2^32; ties in index order): one
    ``np.sort`` of ``value << 32 | index`` keys, ~8x faster than an arg-sort (numpy's and polars') on
    a machine with a SIMD sort (x86-simd-sort), for 8 bytes per value of temporary."""
    key = values.astype(np.uint64) << np.uint64(32)
    key |= np.arange(values.shape[0], dtype=np.uint64)
    key.sort()
    order = (key & np.uint64(0xFFFFFFFF)).astype(index)
    key >>= np.uint64(32)
    return order, key.astype(np.uint32)

"""The template-counting structures of qc.near_duplicate.evidence: value runs sorted in slices, row blocks."""

from __future__ import annotations

import collections
from collections.abc import Callable

import numpy as np
import pytest

from qc.near_duplicate import evidence
from qc.near_duplicate.evidence import Occurrences, ShingleSets


@pytest.mark.parametrize("with_positions", [False, True])
def test_occurrences_sorted_in_slices_equal_one_sort(monkeypatch: pytest.MonkeyPatch, with_positions: bool) -> None:
    rng = np.random.default_rng(3)
    flat = rng.choice(rng.integers(0, 1 << 32, size=300, dtype=np.uint32), size=5000)
    pos = np.sort(rng.choice(5000, size=3000, replace=False)).astype(np.int32) if with_positions else None
    whole = Occurrences.of(flat, pos, None)
    monkeypatch.setattr(evidence, "_SORT_SLICE", 64)  # 2^6 slices
    sliced = Occurrences.of(flat, pos, None)
    values = flat if pos is None else flat[pos]
    for occ in (whole, sliced):
        v = values[occ.order]
        assert np.all(v[1:] >= v[:-1])  # sorted by value
        assert np.array_equal(np.sort(occ.order), np.arange(values.size))  # a permutation
    assert np.array_equal(values[whole.order][whole.starts], values[sliced.order][sliced.starts])
    assert np.array_equal(whole.run_lengths(), sliced.run_lengths())
    assert np.array_equal(whole.run_lengths(), np.unique(values, return_counts=True)[1])


def test_row_block_gives_the_row_of_each_stored_hash_with_empty_rows() -> None:
    offsets = np.array([0, 0, 3, 3, 3, 7, 8, 8, 12])
    sets = ShingleSets(np.zeros(12, dtype=np.uint32), offsets, np.zeros(8))
    full = np.repeat(np.arange(8), np.diff(offsets))
    for lo in range(12):
        for hi in range(lo + 1, 13):
            assert np.array_equal(sets._row_block(lo, hi), full[lo:hi]), (lo, hi)


def test_occurrences_of_few_wanted_rows_are_every_stored_hash_of_a_counted_row_sharing_a_wanted_value() -> None:
    """The bitmap path (few wanted rows): its positions and rows are filled a chunk at a time."""
    rng = np.random.default_rng(1)
    offsets = np.r_[0, np.cumsum(rng.integers(0, 40, size=500))]
    flat = rng.integers(0, 3000, size=offsets[-1]).astype(np.uint32)
    sets = ShingleSets(flat, offsets, np.zeros(500))
    rows = np.sort(rng.choice(500, 300, replace=False))
    wanted = rows[:20]
    occ = sets.occurrences(rows, wanted)
    held = set(np.concatenate([flat[offsets[w]:offsets[w + 1]] for w in wanted]).tolist())
    row_of = np.repeat(np.arange(500), np.diff(offsets))
    expect = [i for i in range(flat.size) if int(flat[i]) in held and row_of[i] in set(rows.tolist())]
    # the bitmap may add hashes no wanted row holds (harmless to counting), never miss one
    assert set(expect) <= set(occ.pos.tolist())
    assert np.array_equal(occ.row, row_of[occ.pos]) and np.all(np.isin(occ.row, rows))


def test_a_sketch_row_without_positions_counts_every_occurrence_at_the_start() -> None:
    from qc.near_duplicate.near_duplicate import sketch_frame

    sh = np.array([3, 8, 21], dtype=np.uint32)
    frame = sketch_frame(np.zeros(4, dtype=np.uint32), 3, 1, 10, shingles=sh)
    assert frame["pos"].to_list() == [[0, 0, 0]]
    sets = ShingleSets.from_rows(frame)  # no length mismatch error
    assert sets.flat.tolist() == [3, 8, 21]


def _wire_resolve(seed: int) -> Callable[[], tuple]:
    """A function resolving the same 40-document wire corpus (one story in six site templates) each
    call, returning its ``duplicate_of``, clusters and finding messages."""
    import random

    from qc.near_duplicate.near_duplicate import NearDuplicate
    from tests.test_near_duplicate_cluster import sketch_rows
    from tests.test_near_duplicate_wire import wire_corpus

    texts = wire_corpus(random.Random(seed), 40, wrapped=True, sites=6)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    rows = sketch_rows(rule, texts)
    ids = [f"d{i}" for i in range(len(texts))]

    def outcome() -> tuple:
        res = rule.resolve(rows, ids)
        return res.duplicate_of, res.cluster, {d: [f.message for f in fs] for d, fs in res.findings.items()}

    return outcome


def test_resolve_in_small_chunks_equals_resolve_in_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every chunked loop of resolve (bitmap membership, overlap, occurrences, edges, verify) gives
    the same clusters and evidence when its chunks are tiny, so bounding memory changes nothing."""
    from qc.near_duplicate import cluster

    outcome = _wire_resolve(5)
    want = outcome()
    assert len(want[0]) == 39  # the copies of the story
    monkeypatch.setattr(evidence, "_CHUNK", 37)
    monkeypatch.setattr(cluster, "_VERIFY_CHUNK", 53)
    assert outcome() == want


@pytest.mark.parametrize("wanted_all", [True, False])
def test_template_counts_on_frequent_values_only_equal_counts_on_all(monkeypatch: pytest.MonkeyPatch,
                                                                     wanted_all: bool) -> None:
    """Leaving out of the occurrences the values in no more documents than every count they are
    held against (``min_run``) changes no edge, template flag or count, in slices or not."""
    rng = np.random.default_rng(11)
    n = 300
    lengths = rng.integers(0, 60, size=n)
    offsets = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    template = rng.integers(0, 1 << 32, size=40, dtype=np.uint32)
    rows = []
    story = rng.integers(0, 1 << 32, size=(n // 15 + 1, 8), dtype=np.uint32)
    quote = rng.integers(0, 1 << 32, size=(n // 5 + 1, 4), dtype=np.uint32)
    for d, m in enumerate(lengths.tolist()):  # hashes of a shared pool (template), of a story (copied
        # into 15 documents, 3 groups), a quote (5 documents: not rare, never template) and its own
        h = np.where(rng.random(m) < 0.4, rng.choice(template, m), rng.integers(0, 1 << 32, size=m, dtype=np.uint32))
        rows.append(np.unique(np.concatenate([h, story[d // 15], quote[d // 5]])))
    offsets[1:] = np.cumsum([r.size for r in rows])
    flat = np.concatenate(rows)
    positions = rng.integers(0, 256, size=flat.size).astype(np.uint8)
    sets = ShingleSets(flat, offsets, np.zeros(n, dtype=np.int64), positions=positions)
    reps = np.arange(n)[rng.random(n) < 0.9]
    wanted = reps if wanted_all else reps[:20]
    groups = np.arange(n) // 5

    def flags(min_run: int) -> tuple:
        occ = sets.occurrences(reps, wanted, min_run)
        edges = sets.at_edges(occ, 0.25, 3, 5)
        first = sets.mark_templates(None, occ, 6, edges)
        t1 = sets.template.copy()
        second = sets.mark_templates(groups, occ, 3, edges)
        return occ.size, first, t1.tolist(), second, sets.template.tolist(), int(edges.sum())

    want = flags(1)
    for one_sort, slice_size in ((evidence._ONE_SORT, 1 << 24), (0, 1 << 24), (0, 8)):  # 0: always sliced
        monkeypatch.setattr(evidence, "_ONE_SORT", one_sort)
        monkeypatch.setattr(evidence, "_SORT_SLICE", slice_size)
        monkeypatch.setattr(evidence, "_CHUNK", 29)
        got = flags(4)
        assert got[0] < want[0] and got[1:5] == want[1:5] and 0 < want[3] < want[1]


@pytest.mark.parametrize("subset", [False, True])
@pytest.mark.parametrize("min_run", [2, 4, 9])
def test_frequent_occurrences_by_one_sort_equal_the_sliced_two_sorts(monkeypatch: pytest.MonkeyPatch,
                                                                     subset: bool, min_run: int) -> None:
    """The small-corpus path (``_frequent_one_sort``: one sort of every stored hash) gives the same
    occurrences, value order, run starts and dtypes as the sliced path, with every occurrence's row."""
    rng = np.random.default_rng(min_run)
    n = 500
    pool = rng.integers(0, 1 << 32, size=2000, dtype=np.uint32)
    rows = [np.unique(rng.choice(pool, size=int(rng.integers(0, 80)))) for _ in range(n)]
    offsets = np.zeros(n + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([r.size for r in rows])
    flat = np.concatenate(rows)
    positions = rng.integers(0, 256, flat.size).astype(np.uint8)
    sets = ShingleSets(flat, offsets, np.zeros(n, dtype=np.int64), positions=positions)
    reps = np.sort(rng.choice(n, size=n - 37, replace=False)) if subset else np.arange(n)

    def occ() -> Occurrences:
        return sets.occurrences(reps, reps, min_run)

    one = occ()
    monkeypatch.setattr(evidence, "_ONE_SORT", 0)
    for slice_size in (1 << 24, 64):
        monkeypatch.setattr(evidence, "_SORT_SLICE", slice_size)
        sliced = occ()
        assert sliced.row is None and one.row is not None
        for a, b in ((one.pos, sliced.pos), (one.order, sliced.order), (one.starts, sliced.starts)):
            assert a.dtype == b.dtype and np.array_equal(a, b)
    assert one.size > 0 and np.array_equal(one.row, np.searchsorted(offsets, one.pos, side="right") - 1)
    counted = np.concatenate([rows[r] for r in reps.tolist()])
    values, counts = np.unique(counted, return_counts=True)
    assert np.array_equal(np.unique(flat[one.pos]), values[counts >= min_run])


@pytest.mark.parametrize("chunk", [1 << 22, 7, 1])
def test_removed_flags_in_row_blocks_equal_each_rows_own_set(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """A stored hash is flagged removed exactly when it is among its own row's removed hashes (not
    another row's), whatever the block size; rows below ``min_kept`` count nothing removed."""
    import polars as pl

    monkeypatch.setattr(evidence, "_CHUNK", chunk)
    rng = np.random.default_rng(5)
    sh, rm = [], []
    for i in range(60):
        row = sorted(set(rng.integers(0, 50, size=int(rng.integers(0, 12))).tolist()))
        sh.append(row)
        # removed hashes: some of the row's own, and hashes only other rows hold (must not count)
        rm.append([h for h in row if rng.random() < 0.4] + ([99] if i % 7 == 0 else []))
    rows = pl.DataFrame({"sh": sh, "rm": rm, "lvl": [0] * len(sh)},
                        schema={"sh": pl.List(pl.UInt32), "rm": pl.List(pl.UInt32), "lvl": pl.UInt8})
    sets = ShingleSets.from_rows(rows, min_kept=3)
    assert sets.removed is not None
    for i, (row, gone) in enumerate(zip(sh, rm, strict=True)):
        lo, hi = sets.offsets[i], sets.offsets[i + 1]
        counts = len(row) - len(gone) >= 3  # the kept share as the sketch states it
        want = [counts and h in set(gone) for h in row]
        assert sets.removed[lo:hi].tolist() == want


@pytest.mark.parametrize("with_positions", [False, True])
def test_frequent_gives_the_indices_of_the_values_seen_min_run_times_in_any_slicing(
        monkeypatch: pytest.MonkeyPatch, with_positions: bool) -> None:
    """``Occurrences.frequent`` returns ascending indices of exactly the values that occur at least
    ``min_run`` times, whether the top bits and slices are taken in one piece or in tiny chunks."""
    rng = np.random.default_rng(8)
    flat = rng.choice(rng.integers(0, 1 << 32, size=900, dtype=np.uint32), size=6000)
    pos = np.sort(rng.choice(6000, size=4000, replace=False)).astype(np.int32) if with_positions else None
    values = flat if pos is None else flat[pos]
    _, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    want = np.flatnonzero(counts[inverse] >= 9)
    assert 0 < want.size < values.size
    for slice_size, chunk in ((1 << 24, 1 << 22), (1 << 10, 13), (8, 97)):
        monkeypatch.setattr(evidence, "_SORT_SLICE", slice_size)
        monkeypatch.setattr(evidence, "_CHUNK", chunk)
        got = Occurrences.frequent(flat, pos, 9, np.int32)
        assert got.dtype == np.int32 and np.array_equal(got, want), (slice_size, chunk)


@pytest.mark.parametrize("chunk", [1 << 22, 5, 1])
def test_template_bits_read_and_count_like_a_bool_per_hash(monkeypatch: pytest.MonkeyPatch, chunk: int) -> None:
    """Template flags held as bits: each flag reads back as set, and per-row counts equal summing a
    bool per stored hash, for rows that start anywhere inside a byte and blocks of any size."""
    monkeypatch.setattr(evidence, "_CHUNK", chunk)
    rng = np.random.default_rng(4)
    lengths = rng.integers(0, 13, size=80)
    offsets = np.r_[0, np.cumsum(lengths)]
    sets = ShingleSets(np.zeros(offsets[-1], dtype=np.uint32), offsets, np.zeros(80))
    flags = rng.random(offsets[-1]) < 0.3
    sets.template = flags
    assert sets.template_bits.size == (flags.size + 7) // 8
    assert np.array_equal(sets.template, flags)
    idx = rng.permutation(flags.size)
    assert np.array_equal(sets.is_template(idx), flags[idx])
    rows = np.flatnonzero(lengths)
    assert np.array_equal(sets._template_counts(rows), np.add.reduceat(flags.astype(np.int64), offsets[rows]))


def test_resolve_with_tiny_pair_hash_chunks_equals_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """``overlap`` and ``own_passage`` gather ``_PAIR_HASHES`` hashes of pairs at a time; a single pair
    per step (and tiny slices and blocks elsewhere) gives the same clusters, findings and statistics."""
    import random

    from qc.near_duplicate.near_duplicate import NearDuplicate
    from tests.test_near_duplicate_cluster import sketch_rows
    from tests.test_near_duplicate_wire import wire_corpus

    texts = wire_corpus(random.Random(9), 30, wrapped=True, sites=5)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    rows = sketch_rows(rule, texts)
    ids = [f"d{i}" for i in range(len(texts))]

    def outcome() -> tuple:
        res = rule.resolve(rows, ids)
        return (res.duplicate_of, res.cluster, {d: [(f.message, f.data) for f in fs] for d, fs in res.findings.items()},
                res.stats)

    monkeypatch.setattr(evidence, "_PAIR_HASHES", 1 << 30)
    want = outcome()
    assert len(want[0]) >= 20 and want[3]["template_shingles"] > 0
    monkeypatch.setattr(evidence, "_PAIR_HASHES", 1)
    assert outcome() == want
    monkeypatch.setattr(evidence, "_SORT_SLICE", 1 << 10)
    monkeypatch.setattr(evidence, "_CHUNK", 101)
    assert outcome() == want
    monkeypatch.setattr(evidence, "_ONE_SORT", 0)  # the sliced occurrences, as at millions of documents
    assert outcome() == want


@pytest.mark.parametrize("slice_size", [1 << 30, 40, 7])
def test_occurrences_of_few_wanted_rows_with_min_run_in_hash_slices_equal_all_at_once(
        monkeypatch: pytest.MonkeyPatch, slice_size: int) -> None:
    """The bitmap path with ``min_run`` (the 1M-document resolve's): taking the matched hashes one
    slice of the hash space at a time keeps exactly the positions of the wanted values that occur
    ``min_run`` times in the corpus, sorted, as one pass over all of them would."""
    rng = np.random.default_rng(7)
    # each row a sorted set of values spread over the whole 32-bit space (every top-bit slice holds some)
    pool = rng.integers(0, 1 << 32, size=900, dtype=np.uint64).astype(np.uint32)
    rows_sets = [np.unique(rng.choice(pool, size=int(k))).astype(np.uint32) for k in rng.integers(0, 40, size=400)]
    flat = np.concatenate(rows_sets)
    offsets = np.r_[0, np.cumsum([r.size for r in rows_sets])]
    sets = ShingleSets(flat, offsets, np.zeros(400))
    wanted = np.arange(0, 400, 37)  # few: the bitmap path
    held = set(flat[np.concatenate([np.arange(offsets[w], offsets[w + 1]) for w in wanted])].tolist())
    counts = collections.Counter(flat.tolist())
    expect = [i for i in range(flat.size) if int(flat[i]) in held and counts[int(flat[i])] >= 4]
    monkeypatch.setattr(evidence, "_SORT_SLICE", slice_size)
    occ = sets.occurrences(np.arange(400), wanted, min_run=4)
    # the bitmap may add values no wanted row holds (harmless to counting), never miss or drop one
    got = occ.pos.tolist()
    assert got == sorted(got) and set(expect) <= set(got)
    assert all(counts[int(flat[i])] >= 4 for i in got)
    runs = np.split(flat[occ.pos[occ.order]], occ.starts[1:])
    assert all(r.size and np.all(r == r[0]) for r in runs)  # value order, one run per value
    assert [r[0] for r in runs] == sorted(r[0] for r in runs)


def test_argsort_u32_keys_equal_a_stable_argsort() -> None:
    rng = np.random.default_rng(3)
    for n in (0, 1, 17, 5000):
        v = rng.integers(0, 50, size=n).astype(np.uint32) * np.uint32(85_000_000)  # ties and high values
        order, values = evidence._argsort_u32(v, np.int32)
        assert order.dtype == np.int32
        assert np.array_equal(order, np.argsort(v, kind="stable"))
        assert np.array_equal(values, np.sort(v))


def test_resolve_of_rows_handed_over_equals_resolve_of_rows_kept_and_leaves_them_whole() -> None:
    """Resolve drops its own reference to the signatures once LSH is done (freed when the caller
    handed the rows over): the outcome is the same, and a caller that keeps the rows still has every
    column (``qc index add`` stores the signatures after resolve)."""
    import gc
    import random

    from qc.near_duplicate.near_duplicate import NearDuplicate
    from tests.test_near_duplicate_cluster import sketch_rows
    from tests.test_near_duplicate_wire import wire_corpus

    texts = wire_corpus(random.Random(8), 30, wrapped=True, sites=5)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    rows = sketch_rows(rule, texts)
    ids = [f"d{i}" for i in range(len(texts))]
    columns, sigs = rows.columns, rows["sig"].to_list()
    kept = rule.resolve(rows, ids)
    assert rows.columns == columns and rows["sig"].to_list() == sigs
    handed = [rows.clone()]
    gc.collect()
    res = rule.resolve(handed.pop(), ids)
    assert (res.duplicate_of, res.cluster) == (kept.duplicate_of, kept.cluster) and len(kept.duplicate_of) == 29
    assert {d: [f.data for f in fs] for d, fs in res.findings.items()} == \
        {d: [f.data for f in fs] for d, fs in kept.findings.items()}


@pytest.mark.parametrize(("few_wanted", "large"), [(False, False), (True, False), (False, True)])
def test_resolve_on_threads_equals_resolve_in_one_thread(monkeypatch: pytest.MonkeyPatch, few_wanted: bool,
                                                          large: bool) -> None:
    """Resolve's threads (pair chunks of ``overlap`` and ``own_passage`` side by side, both directions of
    the own passage, template counting started beside LSH) give the same clusters, findings and
    statistics as one thread; with few wanted rows the early template counting is dropped and made
    again from the pairs (``one_sort_applies`` false), still the same outcome; a corpus too large for
    the one-sort path (``large``, as at 100k documents) starts nothing early."""
    import random

    from qc.near_duplicate import cluster
    from qc.near_duplicate.near_duplicate import NearDuplicate
    from tests.test_near_duplicate_cluster import sketch_rows
    from tests.test_near_duplicate_wire import wire_corpus

    texts = wire_corpus(random.Random(13), 30, wrapped=True, sites=5)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    rows = sketch_rows(rule, texts)
    ids = [f"d{i}" for i in range(len(texts))]
    monkeypatch.setattr(evidence, "_PAIR_HASHES", 64)  # many pair chunks
    if large:
        monkeypatch.setattr(evidence, "_ONE_SORT", 0)
    started, dropped = [], []
    if few_wanted:  # every pair "wants" too little of the corpus for the one-sort path
        monkeypatch.setattr(ShingleSets, "one_sort_applies", lambda self, rows, wanted, min_run: False)
    real = ShingleSets.occurrences

    def occurrences(self: ShingleSets, *args: object) -> Occurrences:
        dropped.append(True)
        return real(self, *args)

    monkeypatch.setattr(ShingleSets, "occurrences", occurrences)
    real_start = cluster.start_templates

    def start(*args: object) -> object:
        out = real_start(*args)
        started.append(out is not None)
        return out

    monkeypatch.setattr(cluster, "start_templates", start)

    def outcome(threads: int) -> tuple:
        monkeypatch.setattr(evidence, "RESOLVE_THREADS", threads)
        started.clear()
        dropped.clear()
        res = rule.resolve(rows, ids)
        return (res.duplicate_of, res.cluster, {d: [(f.message, f.data) for f in fs] for d, fs in res.findings.items()},
                res.stats)

    want = outcome(1)
    assert started == [False] and len(dropped) == 1  # one thread: nothing started early
    assert len(want[0]) >= 20 and want[3]["template_shingles"] > 0 and want[3]["own_passage_vetoes"] == 0
    got = outcome(2)
    assert started == [not large] and len(dropped) == (1 if few_wanted or large else 0)
    assert got == want


def test_map_parallel_keeps_order_and_runs_nested_calls_inline(monkeypatch: pytest.MonkeyPatch) -> None:
    """A task on a resolve thread that maps again runs its items itself (a pool waiting on itself
    would never finish) and the results come in item order."""
    monkeypatch.setattr(evidence, "RESOLVE_THREADS", 2)

    def inner(x: int) -> list[int]:
        return evidence.map_parallel(lambda y: x * 10 + y, [1, 2, 3])

    assert evidence.map_parallel(inner, [1, 2, 3, 4]) == [[x * 10 + y for y in (1, 2, 3)] for x in (1, 2, 3, 4)]


@pytest.mark.parametrize("min_run", [1, 2, 4, 9])
def test_in_long_runs_flags_exactly_the_runs_of_min_run(min_run: int) -> None:
    """``in_long_runs`` flags an element exactly when its run of equal sorted values is at least
    ``min_run`` long (the run heads, lengths and ``np.repeat`` of the old path), runs at both ends,
    shorter arrays and an empty one included."""
    from qc.near_duplicate.evidence import in_long_runs

    rng = np.random.default_rng(min_run)
    cases = [np.empty(0, dtype=np.uint32), np.zeros(min_run - 1, dtype=np.uint32), np.zeros(min_run, dtype=np.uint32),
             np.sort(rng.integers(0, 40, 300).astype(np.uint32)),
             np.repeat(np.arange(6, dtype=np.uint32), [min_run, 1, min_run + 3, max(min_run - 1, 1), 2, min_run])]
    for values in cases:
        head = np.flatnonzero(np.r_[True, values[1:] != values[:-1]]) if values.size else np.empty(0, dtype=np.int64)
        length = np.diff(np.r_[head, values.size])
        want = np.repeat(length >= min_run, length)
        assert np.array_equal(in_long_runs(values, min_run), want)
    assert in_long_runs(cases[3], min_run).any()


@pytest.mark.parametrize("dtype", [np.uint64, np.int64])
def test_sorted_keys_by_polars_equal_numpys_sort(monkeypatch: pytest.MonkeyPatch, dtype: type) -> None:
    """The polars sort (any size above ``_POLARS_SORT_MIN``) orders keys as ``np.sort``, also unsigned
    keys past 2^63 (a hash in the high word) and repeated ones."""
    monkeypatch.setattr(evidence, "_POLARS_SORT_MIN", 1)
    rng = np.random.default_rng(4)
    high = 1 << 32 if dtype is np.uint64 else 1 << 31
    for n in (1, 2, 3000):
        key = (rng.integers(0, high, size=n).astype(dtype) << dtype(32)) | rng.integers(0, 9, size=n).astype(dtype)
        key[: n // 3] = key[-1]  # ties
        got = evidence.sorted_keys(key)
        assert got.dtype == dtype
        assert np.array_equal(got, np.sort(key))


def test_resolve_with_polars_sorts_equals_resolve_with_numpys(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every sort of resolve that ``sorted_keys`` does gives the same clusters and evidence whichever
    library sorts (a small corpus takes numpy's below ``_POLARS_SORT_MIN``; forced to polars here)."""
    outcome = _wire_resolve(6)
    want = outcome()
    assert len(want[0]) == 39  # the copies of the story
    monkeypatch.setattr(evidence, "_POLARS_SORT_MIN", 1)
    assert outcome() == want

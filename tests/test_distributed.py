"""The partition-parallel resolve helpers: bucket partitioning, candidate pairs, connected components."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest

from qc.distributed import (
    combine_labels,
    connected_components,
    hash_partition,
    min_label_step,
    partition_ids,
)


def _reference_components(edges: list[tuple[int, int]]) -> dict[int, int]:
    """Union-find, the obvious way: node -> smallest node of its component."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {n: find(n) for n in list(parent)}


def _band_rows(rng: random.Random, docs: int, bands: int, keyspace: int) -> pl.DataFrame:
    return pl.DataFrame({
        "doc": [d for d in range(docs) for _ in range(bands)],
        "band": [b for _ in range(docs) for b in range(bands)],
        "key": np.array([rng.randrange(keyspace) * 0x9E3779B1 for _ in range(docs * bands)], dtype=np.uint64),
    })


def test_every_bucket_lies_whole_in_one_partition() -> None:
    rows = _band_rows(random.Random(1), docs=400, bands=8, keyspace=60)
    parts = hash_partition(rows, ["band", "key"], 5)
    assert sum(p.height for p in parts) == rows.height
    owner: dict[tuple[int, int], int] = {}
    for i, p in enumerate(parts):
        for band, key in p.select("band", "key").unique().iter_rows():
            assert owner.setdefault((band, key), i) == i
    assert sum(1 for p in parts if p.height) == 5  # and the load is spread, not all in one partition
    assert max(p.height for p in parts) < 0.4 * rows.height


def test_partition_ids_are_deterministic_and_order_free() -> None:
    rows = _band_rows(random.Random(2), docs=50, bands=4, keyspace=1000)
    ids = partition_ids(rows, ["band", "key"], 7)
    shuffled = rows.with_row_index("i").sample(fraction=1.0, shuffle=True, seed=3)
    again = partition_ids(shuffled, ["band", "key"], 7)
    assert (ids[shuffled["i"].to_numpy()] == again).all()
    # fixed mixing: this exact assignment is part of the contract across processes and machines
    one = pl.DataFrame({"band": [0, 1], "key": np.array([12345, 12345], dtype=np.uint64)})
    assert partition_ids(one, ["band", "key"], 1000).tolist() == partition_ids(one, ["band", "key"], 1000).tolist()
    assert len(set(partition_ids(one, ["band", "key"], 1 << 20).tolist())) == 2  # the band matters


def test_hash_partition_strings_groups_equal_values() -> None:
    lines = pl.DataFrame({"line": ["Share this article", "Read more", "Share this article", "x", "Read more"],
                          "doc": [0, 0, 1, 2, 3]})
    parts = hash_partition(lines, ["line"], 3)
    counts = pl.concat([p.group_by("line").len() for p in parts])  # counted per partition, never merged
    assert dict(counts.iter_rows()) == {"Share this article": 2, "Read more": 2, "x": 1}


def test_band_partitions_give_exactly_the_in_process_candidates() -> None:
    """The partitioned resolve's tasks (one per band and bucket-hash partition), run here, find and
    verify the same pairs as the in-process candidate search, including chained large buckets."""
    from qc.near_duplicate.cluster import BandWork, band_partition_pairs, candidate_pairs, verify
    from qc.near_duplicate.lsh import band_keys

    rng = np.random.default_rng(5)
    sigs = rng.integers(0, 6, size=(300, 8), dtype=np.uint32)  # few values: many shared buckets
    sizes = np.full(300, 50, dtype=np.int64)
    work = BandWork(sigs, sizes, rows=2, partitions=3, cap=4, jaccard_min=0.5, containment_min=0.9, min_shingles=10)
    found = [band_partition_pairs(work, (band, part)) for band in range(4) for part in range(3)]
    codes, first = np.unique(np.concatenate([c for c, _ in found]), return_index=True)
    ok = np.concatenate([k for _, k in found])[first]
    a, b = candidate_pairs(band_keys(sigs, 4, 2), 4)
    assert np.array_equal(codes // 300, a) and np.array_equal(codes % 300, b) and codes.size > 300
    assert np.array_equal(ok, verify(sigs, sizes, a, b, 0.5, 0.9, 10)[0])


def test_components_match_union_find_on_random_graphs() -> None:
    rng = random.Random(4)
    for _ in range(5):
        edges = [(rng.randrange(300), rng.randrange(300)) for _ in range(250)]
        got = connected_components(pl.DataFrame(edges, schema=["a", "b"], orient="row"))
        assert dict(got.iter_rows()) == _reference_components(edges)


def test_long_chain_converges_in_few_rounds() -> None:
    n = 4096
    order = list(range(n))
    random.Random(5).shuffle(order)  # a path visiting the nodes in random order
    edges = pl.DataFrame({"a": order[:-1], "b": order[1:]})
    labels = pl.DataFrame({"node": sorted(order), "label": sorted(order)})
    rounds = 0
    while True:
        new = combine_labels(labels, [min_label_step(edges, labels)])
        rounds += 1
        if new.equals(labels):
            break
        labels = new
    assert labels["label"].unique().to_list() == [0]
    # plain propagation needs up to n rounds on a path; hooking + pointer jumping took 10 here (13 at
    # n = 100,000): about log2(n), with margin
    assert rounds <= 20


def test_partitioned_steps_equal_the_local_result() -> None:
    rng = random.Random(6)
    edges = pl.DataFrame([(rng.randrange(500), rng.randrange(500)) for _ in range(400)], schema=["a", "b"],
                         orient="row")

    def step_map(e: pl.DataFrame, labels: pl.DataFrame) -> list[pl.DataFrame]:
        # what a Ray task per edge partition would run; the driver only combines
        return [min_label_step(p, labels) for p in hash_partition(e, ["a"], 4) if p.height]

    assert connected_components(edges, step_map=step_map).equals(connected_components(edges))


def test_components_edge_cases() -> None:
    empty = connected_components(pl.DataFrame(schema={"a": pl.Int64, "b": pl.Int64}))
    assert empty.height == 0
    loops = connected_components(pl.DataFrame({"x": [3, 3], "y": [3, 1]}), "x", "y")
    assert loops.rows() == [(1, 1), (3, 1)]
    with pytest.raises(ValueError):
        partition_ids(pl.DataFrame({"k": [1]}), ["k"], 0)

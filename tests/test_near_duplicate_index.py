"""The persistent index: build, add, query, stats, one writer at a time, damaged parts reported."""

from __future__ import annotations

import random
from pathlib import Path

import polars as pl
import pytest

from qc.near_duplicate import index
from qc.near_duplicate.near_duplicate import NearDuplicate
from tests.test_near_duplicate_cluster import edit, sketch_rows, story


@pytest.fixture
def stories() -> list[str]:
    rng = random.Random(9)
    return [story(rng) for _ in range(12)]


def built(tmp_path: Path, texts: list[str]) -> tuple[Path, NearDuplicate]:
    rule = NearDuplicate()
    d = tmp_path / "idx"
    index.build(d, sketch_rows(rule, texts), [f"old{i}" for i in range(len(texts))], index.settings_of(rule))
    return d, rule


def test_build_stats_add(tmp_path: Path, stories: list[str]) -> None:
    d, rule = built(tmp_path, stories[:8])
    st = index.stats(d)
    assert st["documents"] == 8 and st["parts"] == 1 and st["settings"]["bands"] == rule.bands
    st = index.add(d, sketch_rows(rule, stories[8:]), [f"new{i}" for i in range(4)], index.settings_of(rule))
    assert st["documents"] == 12 and st["parts"] == 2
    with pytest.raises(index.IndexUnusable, match="already holds an index"):
        index.build(d, sketch_rows(rule, stories[:1]), ["x"], index.settings_of(rule))


def test_query_finds_copies_of_indexed_documents_only(tmp_path: Path, stories: list[str]) -> None:
    d, rule = built(tmp_path, stories[:6])
    rng = random.Random(1)
    batch = [edit(stories[2], rng, 0.97), stories[9], stories[4]]
    m = index.query(d, sketch_rows(rule, batch), index.settings_of(rule))
    assert m.select("doc", "match_id").rows() == [(0, "old2"), (2, "old4")]
    assert m["similarity"][1] == 1.0 and 0.5 < m["similarity"][0] < 1.0


def test_query_sees_parts_added_later(tmp_path: Path, stories: list[str]) -> None:
    d, rule = built(tmp_path, stories[:3])
    index.add(d, sketch_rows(rule, stories[3:6]), ["p0", "p1", "p2"])
    m = index.query(d, sketch_rows(rule, [stories[5], stories[1]]))
    assert m.select("doc", "match_id").rows() == [(0, "p2"), (1, "old1")]


def test_rule_with_index_flags_batch_copies_of_indexed_documents(tmp_path: Path, stories: list[str]) -> None:
    d, _ = built(tmp_path, stories[:6])
    rule = NearDuplicate(options=NearDuplicate.options_from({"index": str(d)}))
    rng = random.Random(2)
    batch = [stories[10], edit(stories[1], rng, 0.97), stories[1], stories[11]]
    res = rule.resolve(sketch_rows(rule, batch), ["b0", "b1", "b2", "b3"])
    assert sorted(res.findings) == [1, 2]
    for d_ in (1, 2):
        (f,) = res.findings[d_]
        assert f.data["duplicate_of"] == "old1" and f.data["indexed"] is True
        assert res.cluster[d_] == "old1"
    assert 1 not in res.duplicate_of and 2 not in res.duplicate_of  # the kept copy is outside the batch
    assert res.stats["index_matches"] == 2


def test_second_writer_is_refused(tmp_path: Path, stories: list[str]) -> None:
    d, rule = built(tmp_path, stories[:2])
    with index._writer(d), pytest.raises(index.IndexLocked, match="another process"):
        index.add(d, sketch_rows(rule, stories[2:3]), ["x"])
    index.add(d, sketch_rows(rule, stories[2:3]), ["x"])  # released afterwards
    assert index.stats(d)["documents"] == 3


def test_corrupted_part_is_reported(tmp_path: Path, stories: list[str]) -> None:
    d, rule = built(tmp_path, stories[:4])
    index.add(d, sketch_rows(rule, stories[4:6]), ["a", "b"])
    part = d / "part-000002.parquet"
    part.write_bytes(part.read_bytes()[:100])
    with pytest.raises(index.IndexCorrupt, match=r"part-000002\.parquet is unreadable"):
        index.stats(d)
    lookup = d / "part-000001.lookup.npy"
    lookup.write_bytes(b"not numpy at all")
    with pytest.raises(index.IndexCorrupt, match=r"part-000001\.lookup\.npy is unreadable"):
        index.query(d, sketch_rows(rule, stories[:1]))
    lookup.unlink()  # without its lookup file a part is read from its keys file
    keys = d / "part-000001.keys.parquet"
    keys.write_bytes(b"not parquet at all")
    with pytest.raises(index.IndexCorrupt, match=r"part-000001\.keys\.parquet is unreadable"):
        index.query(d, sketch_rows(rule, stories[:1]))


def test_lookup_files_and_keys_files_give_the_same_matches(tmp_path: Path, stories: list[str]) -> None:
    d, rule = built(tmp_path, stories[:6])
    rng = random.Random(3)
    batch = sketch_rows(rule, [edit(stories[0], rng, 0.95), stories[7], stories[3], stories[3]])
    fast = index.query(d, batch)
    for p in d.glob("*.lookup.npy"):
        p.unlink()
    slow = index.query(d, batch)
    assert fast.rows() == slow.rows() and fast.height == 3


def test_other_settings_are_refused(tmp_path: Path, stories: list[str]) -> None:
    d, _ = built(tmp_path, stories[:2])
    other = NearDuplicate(options=NearDuplicate.options_from({"shingle_size": 3}))
    with pytest.raises(index.IndexUnusable, match="shingle_size"):
        index.query(d, sketch_rows(other, stories[:1]), index.settings_of(other))
    with pytest.raises(index.IndexUnusable, match="not a near-duplicate index"):
        index.stats(tmp_path / "nothing")


def test_empty_batch_and_empty_index(tmp_path: Path, stories: list[str]) -> None:
    rule = NearDuplicate()
    d = tmp_path / "empty"
    index.build(d, pl.DataFrame(), [], index.settings_of(rule))
    assert index.stats(d)["documents"] == 0
    assert index.query(d, sketch_rows(rule, stories[:2])).height == 0


def test_a_document_is_not_a_copy_of_itself_indexed_before(tmp_path: Path, stories: list[str]) -> None:
    d, _ = built(tmp_path, stories[:3])
    rule = NearDuplicate(options=NearDuplicate.options_from({"index": str(d)}))
    res = rule.resolve(sketch_rows(rule, [stories[0], stories[1]]), ["old0", "again"])
    assert sorted(res.findings) == [1] and res.findings[1][0].data["duplicate_of"] == "old1"

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
    lookup = d / "run-000001-000002.lookup.npy"  # the two parts' lookups, merged by add
    lookup.write_bytes(b"not numpy at all")
    with pytest.raises(index.IndexCorrupt, match=r"run-000001-000002\.lookup\.npy is unreadable"):
        index.query(d, sketch_rows(rule, stories[:1]))
    lookup.unlink()  # without a lookup a part is read from its keys file
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


def test_an_index_of_the_format_before_shingle_positions_is_refused_with_a_rebuild_hint(
        tmp_path: Path, stories: list[str]) -> None:
    import json

    d, rule = built(tmp_path, stories[:2])
    assert pl.read_parquet(next(d.glob("part-*[0-9].parquet")))["pos"].dtype == pl.List(pl.UInt8)
    meta = json.loads((d / "index.json").read_text(encoding="utf-8"))
    (d / "index.json").write_text(json.dumps({**meta, "format": 2}), encoding="utf-8")
    with pytest.raises(index.IndexUnusable, match=r"format 2 is not supported.*rebuild the index"):
        index.query(d, sketch_rows(rule, stories[:1]), index.settings_of(rule))


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


def _grown(d: Path, rule: NearDuplicate, stories: list[str]) -> pl.DataFrame:
    """An index grown by one build and five adds; returns a batch with copies of indexed stories."""
    rng = random.Random(4)
    index.build(d, sketch_rows(rule, stories[:2]), ["s0", "s1"], index.settings_of(rule))
    for k in range(2, 12, 2):
        index.add(d, sketch_rows(rule, stories[k:k + 2]), [f"s{k}", f"s{k + 1}"])
    return sketch_rows(rule, [edit(stories[0], rng, 0.95), stories[5], edit(stories[10], rng, 0.9), story(rng)])


def test_adds_merge_lookups_and_queries_do_not_change(tmp_path: Path, stories: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    rule = NearDuplicate()
    monkeypatch.setattr(index, "MERGE_RATIO", 0)  # never merge: one lookup per part
    batch = _grown(tmp_path / "flat", rule, stories)
    flat = index.query(tmp_path / "flat", batch)
    assert index.stats(tmp_path / "flat")["lookups"] == 6
    monkeypatch.setattr(index, "MERGE_RATIO", 4)
    monkeypatch.setattr(index, "MERGE_CHUNK", 5)  # many merge steps, so chunk boundaries are exercised
    _grown(tmp_path / "lsm", rule, stories)
    st = index.stats(tmp_path / "lsm")
    assert st["parts"] == 6 and st["lookups"] < 6
    merged = index.query(tmp_path / "lsm", batch)
    assert merged.rows() == flat.rows() and sorted(merged["match_id"]) == ["s0", "s10", "s5"]
    for lookup in (tmp_path / "lsm").glob("*.lookup.npy"):  # the keys files give the same answer
        lookup.unlink()
    assert index.query(tmp_path / "lsm", batch).rows() == flat.rows()


def test_merged_lookup_is_sorted_with_every_reference(tmp_path: Path, stories: list[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    rule = NearDuplicate()
    monkeypatch.setattr(index, "MERGE_CHUNK", 3)
    _grown(tmp_path / "lsm", rule, stories)
    (run,) = (tmp_path / "lsm").glob("run-*.lookup.npy")
    keys, refs = np.load(run)
    assert np.all(keys[1:] >= keys[:-1])
    first, last = int(run.name[4:10]), int(run.name[11:17])
    want = set()
    for number in range(first, last + 1):
        kf = pl.read_parquet(tmp_path / "lsm" / f"part-{number:06d}.keys.parquet")
        want |= {(int(k), (number << 32) | int(r)) for k, r in
                 zip(index._lookup_keys(kf["key"].to_numpy(), kf["band"].to_numpy()), kf["row"], strict=True)}
    assert set(zip(keys.tolist(), refs.tolist(), strict=True)) == want and len(keys) == len(want)


def test_interrupted_merge_is_ignored_then_cleaned(tmp_path: Path, stories: list[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    rule = NearDuplicate()
    monkeypatch.setattr(index, "MERGE_RATIO", 0)
    d = tmp_path / "idx"
    batch = _grown(d, rule, stories)
    before = index.query(d, batch)
    # a merge that died after writing its output, before removing its inputs, and one that died earlier
    parts = index._parts(d)
    lookups, _ = index._lookups(d, parts)
    index._merge(d, lookups[0], lookups[1])
    (d / ".run-000003-000004.lookup.npy.tmp").write_bytes(b"half written")
    assert index.query(d, batch).rows() == before.rows()
    assert index.stats(d)["lookups"] == 5  # the merged run shadows the two part lookups
    index.add(d, sketch_rows(rule, [story(random.Random(8))]), ["late"])  # the next writer cleans up
    assert not (d / "part-000001.lookup.npy").exists() and not (d / "part-000002.lookup.npy").exists()
    assert not list(d.glob(".run-*.tmp"))
    assert index.query(d, batch).rows() == before.rows()


@pytest.mark.parametrize("size", [0, 1, 5, 1000, 50_000])
def test_directory_search_equals_searchsorted(tmp_path: Path, size: int) -> None:
    import numpy as np

    rng = np.random.default_rng(size)
    keys = np.sort(np.concatenate([rng.integers(0, 1 << 64, size=size, dtype=np.uint64),
                                   np.repeat(rng.integers(0, 1 << 64, size=3, dtype=np.uint64), 4)]))
    lookup = tmp_path / "part-000001.lookup.npy"
    index._write_directory(keys, lookup)
    starts = np.load(index._directory_path(lookup))
    probes = np.sort(np.concatenate([keys[::7], rng.integers(0, 1 << 64, size=500, dtype=np.uint64),
                                     np.array([0, (1 << 64) - 1], dtype=np.uint64)]))
    for side in ("left", "right"):
        assert np.array_equal(index._search(keys, starts, probes, side), np.searchsorted(keys, probes, side=side))


def test_directories_speed_up_but_do_not_change_queries(tmp_path: Path, stories: list[str]) -> None:
    rule = NearDuplicate()
    d = tmp_path / "idx"
    batch = _grown(d, rule, stories)
    with_directories = index.query(d, batch)
    directories = sorted(d.glob("*.dir.npy"))
    assert len(directories) == index.stats(d)["lookups"]  # one per lookup
    directories[0].write_bytes(b"not numpy")
    with pytest.raises(index.IndexCorrupt, match=r"\.dir\.npy is unreadable"):
        index.query(d, batch)
    for directory in directories:
        directory.unlink()
    assert index.query(d, batch).rows() == with_directories.rows() and with_directories.height == 3

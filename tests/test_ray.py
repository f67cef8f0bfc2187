"""The audit on Ray gives byte-identical outputs to the local executor (same findings, clusters, verdicts).

These tests start Ray (a few seconds): they carry the ``ray`` marker and share one Ray instance per
session. Outside CI they are skipped when Ray is not installed; in CI (``CI`` set) Ray must be there.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from qc.cli import main

if not os.environ.get("CI"):
    pytest.importorskip("ray")

import ray

pytestmark = pytest.mark.ray

WORDS = ("the", "council", "said", "on", "monday", "that", "new", "budget", "would", "fund", "schools", "roads",
         "and", "hospitals", "across", "region", "while", "critics", "argued", "plan", "left", "rural", "towns",
         "behind", "asked", "ministers", "to", "explain", "how", "money", "be", "spent", "before", "vote", "next",
         "week", "a", "of", "in", "for", "police", "court", "minister", "told", "reporters", "river", "bridge")
MOJIBAKE = ("They donâ€™t expect the cafÃ© to reopen.", "The mayorâ€™s office declined to comment.",
            "Residents of SÃ£o Paulo waited for hours.")


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 16))]
    return " ".join(words).capitalize() + "."


def _doc(rng: random.Random) -> str:
    return "\n\n".join(" ".join(_sentence(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(2, 5)))


def make_corpus(path: Path, n: int = 300, seed: int = 7) -> Path:
    """``n`` short English news-like documents, some with mojibake, some exact and near duplicates."""
    rng = random.Random(seed)
    docs: list[str] = []
    for i in range(n):
        if i >= 20 and i % 25 == 0:  # exact duplicate of an earlier document
            text = docs[rng.randrange(len(docs))]
        elif i >= 20 and i % 25 == 7:  # near duplicate: an earlier document with one sentence added
            text = docs[rng.randrange(len(docs))] + " " + _sentence(rng)
        else:
            text = _doc(rng)
        if i % 10 == 3:
            text = text + "\n\n" + rng.choice(MOJIBAKE)
        docs.append(text)
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(docs):
            fh.write(json.dumps({"id": f"doc-{i:04d}", "text": text}) + "\n")
    return path


@pytest.fixture(scope="session")
def ray_session() -> Iterator[None]:
    """One local Ray instance with 2 CPUs for every test of the session; the executor reuses it."""
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_corpus(tmp_path_factory.mktemp("ray-corpus") / "corpus.jsonl")


def test_ray_reports_identical_to_local(ray_session: None, corpus: Path, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import qc.executor_ray

    # blocks of ~16 KB: the one JSONL file becomes ~20 blocks spread over both workers
    monkeypatch.setattr(qc.executor_ray, "BLOCK_BYTES", 16 << 10)
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main(["audit", str(corpus), "--out", str(local), "--quiet", "--jobs", "1", "--no-html"]) == 0
    assert main(["audit", str(corpus), "--out", str(on_ray), "--quiet", "--jobs", "2", "--no-html",
                 "--executor", "ray"]) == 0
    for name in ("reports.jsonl", "edits.jsonl", "clean.jsonl"):
        assert (on_ray / name).read_bytes() == (local / name).read_bytes(), name
    rows = [json.loads(line) for line in (local / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    # the corpus exercises what must match: findings, duplicate clusters and every verdict
    assert len(rows) == 300
    assert any(f["rule"] == "encoding/mojibake" for r in rows for f in r["findings"])
    assert any(r["duplicate_of"] for r in rows) and any(r["cluster"] for r in rows)
    assert json.loads((on_ray / "timings.json").read_text())["jobs"] == 2


def test_ray_data_reads_splits_in_parallel_in_input_order(ray_session: None, tmp_path: Path) -> None:
    """A directory cut into many splits, with unreadable files among them: the workers read and audit
    the splits, and the driver gets the same records, numbered and reported as a local read."""
    from qc.executor import LocalExecutor
    from qc.executor_ray import RayExecutor
    from qc.pack import load_pack
    from qc.readers import ReadOptions, input_splits

    rng = random.Random(5)
    corpus = tmp_path / "dir"
    for i in range(40):
        (corpus / f"s{i % 4}").mkdir(parents=True, exist_ok=True)
        path = corpus / f"s{i % 4}" / f"{i:03d}.txt"
        if i == 9:
            path.write_bytes(b"")  # empty
        elif i == 17:
            path.write_bytes(b"caf\xe9 au lait is served " * 3)  # invalid UTF-8
        elif i == 23:
            path.write_bytes(b"\x00\x01binary")
        else:
            path.write_text(_doc(rng) + ("\n\n" + MOJIBAKE[0] if i % 5 == 0 else ""), encoding="utf-8")
    pack = load_pack(None, select=["encoding"])
    splits = input_splits(corpus, ReadOptions(), files_per_split=3)
    assert len(splits) == 14

    def outcome(ex) -> list[tuple]:
        try:
            return [(r.ordinal, r.id, r.input_error, [(f.rule, f.start, f.end) for f in r.findings])
                    for batch in ex.map_splits(splits, ReadOptions(), 4) for r in batch.results]
        finally:
            ex.close()

    on_ray = RayExecutor(pack, 2, address=None)
    got = outcome(on_ray)
    want = outcome(LocalExecutor(pack, 1))
    assert got == want
    assert [o for o, *_ in got] == list(range(40))
    assert sum(1 for _, _, err, _ in got if err) == 2  # empty and binary are input errors
    assert any(rule == "encoding/invalid-utf8" for *_, fs in got for rule, *_ in fs)
    assert on_ray.worker_peak_rss_mb and all(m > 0 for m in on_ray.worker_peak_rss_mb)
    assert ray.is_initialized()  # the session's instance is reused, not shut down by the executor


def test_components_on_ray_equal_local(ray_session: None) -> None:
    import random

    import polars as pl

    from qc.distributed import connected_components
    from qc.executor_ray import ray_connected_components

    rng = random.Random(3)
    edges = pl.DataFrame({"x": [rng.randrange(400) for _ in range(300)], "y": [rng.randrange(400) for _ in range(300)]})
    assert ray_connected_components(edges, 3, "x", "y").equals(connected_components(edges, "x", "y"))


def test_unreachable_address_is_a_quick_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on: bind, then close
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    src = tmp_path / "a.txt"
    src.write_text("Ministers met on Monday.\n", encoding="utf-8")
    code = main(["audit", str(src), "--out", str(tmp_path / "out"), "--quiet", "--executor", "ray",
                 "--address", f"127.0.0.1:{port}"])
    assert code == 2
    assert f"cannot reach Ray at 127.0.0.1:{port}" in capsys.readouterr().err


def test_partitioned_resolve_on_ray_equals_local(ray_session: None, corpus: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Forced partitioned resolves (near-duplicate candidates per (band, bucket-hash partition) as Ray
    tasks, connected components by min-label propagation on Ray, cross-document line counts per
    partition): the same reports and corpus statistics as the local executor's in-process resolve."""
    import qc.boilerplate.cross_document as cross_document
    import qc.near_duplicate.cluster as cluster

    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main(["audit", str(corpus), "--out", str(local), "--quiet", "--jobs", "1", "--no-html"]) == 0
    calls: list[str] = []
    from qc.executor_ray import RayExecutor

    real_map, real_cc = RayExecutor.map_tasks, RayExecutor.connected_components

    def map_tasks(self, fn, items, shared=None):
        calls.append(f"{fn.__name__}:{len(items)}")
        return real_map(self, fn, items, shared)

    def components(self, edges):
        calls.append(f"components:{edges.height}")
        return real_cc(self, edges)

    monkeypatch.setattr(RayExecutor, "map_tasks", map_tasks)
    monkeypatch.setattr(RayExecutor, "connected_components", components)
    monkeypatch.setattr(cluster, "PARTITION_MIN_ROWS", 0)
    monkeypatch.setattr(cluster, "DRIVER_MAX_EDGES", 0)
    monkeypatch.setattr(cross_document, "PARTITION_MIN_ROWS", 0)
    assert main(["audit", str(corpus), "--out", str(on_ray), "--quiet", "--jobs", "2", "--no-html",
                 "--executor", "ray"]) == 0
    # 2 workers: 2 x 2 partitions per band; cross-document lines in 4 partitions; edges labelled on Ray
    assert any(c.startswith("band_partition_pairs:") and int(c.split(":")[1]) % 4 == 0 for c in calls), calls
    assert "repeated_lines:4" in calls, calls
    assert any(c.startswith("components:") and int(c.split(":")[1]) > 0 for c in calls), calls
    for name in ("reports.jsonl", "edits.jsonl", "clean.jsonl"):
        assert (on_ray / name).read_bytes() == (local / name).read_bytes(), name
    corpus_stats = [json.loads((d / "summary.json").read_text())["corpus"] for d in (local, on_ray)]
    assert corpus_stats[0] == corpus_stats[1]


def make_site_corpus(root: Path, seed: int = 11) -> Path:
    """A directory of pages from 6 sites, each page inside its site's header and footer: different
    articles, and stories syndicated onto other sites with edits (one file per page, one folder per site)."""
    rng = random.Random(seed)
    stories = [_doc(rng) for _ in range(30)]
    for s in range(6):
        site = root / f"site{s}"
        site.mkdir(parents=True)
        header = f"Site {s} News | Home | World | Business | Sport\nSubscribe to the site {s} newsletter\n"
        footer = f"\nRead more stories on site {s}\nCopyright site {s} media group. All rights reserved."
        for i in range(12):
            k = (s * 5 + i) % len(stories) if i < 5 else rng.randrange(len(stories)) if i < 8 else None
            body = _doc(rng) if k is None else stories[k].replace(" said ", " told reporters ", 1)
            (site / f"page{i:02d}.txt").write_text(header + body + footer, encoding="utf-8")
    return root


def test_site_corpus_on_ray_with_2_workers_equals_local(ray_session: None, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages in their sites' templates, with syndicated copies: on Ray with 2 workers, with pass one
    spread over small blocks and every resolve partitioned, the reports match local ones."""
    import qc.boilerplate.cross_document as cross_document
    import qc.executor_ray
    import qc.near_duplicate.cluster as cluster

    docs = make_site_corpus(tmp_path / "sites")
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main(["audit", str(docs), "--out", str(local), "--quiet", "--jobs", "1", "--no-html"]) == 0
    monkeypatch.setattr(qc.executor_ray, "BLOCK_BYTES", 4 << 10)
    monkeypatch.setattr(cluster, "PARTITION_MIN_ROWS", 0)
    monkeypatch.setattr(cluster, "DRIVER_MAX_EDGES", 0)
    monkeypatch.setattr(cross_document, "PARTITION_MIN_ROWS", 0)
    assert main(["audit", str(docs), "--out", str(on_ray), "--quiet", "--jobs", "2", "--no-html",
                 "--executor", "ray"]) == 0
    assert (on_ray / "reports.jsonl").read_bytes() == (local / "reports.jsonl").read_bytes()
    assert (on_ray / "edits.jsonl").read_bytes() == (local / "edits.jsonl").read_bytes()
    rows = [json.loads(line) for line in (local / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sum(1 for r in rows if r["duplicate_of"]) > 10  # syndicated copies found across sites
    rules = {f["rule"] for r in rows for f in r["findings"]}
    assert {"boilerplate/leading", "boilerplate/trailing"} & rules  # the site templates were seen


def test_input_errors_come_before_ray_starts(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    import polars as pl

    import qc.executor_ray

    def no_ray(*args: object, **kwargs: object) -> None:
        raise AssertionError("Ray started before the input was checked")

    monkeypatch.setattr(qc.executor_ray.RayExecutor, "__init__", no_ray)
    src = tmp_path / "a.parquet"
    pl.DataFrame({"body": ["Ministers met on Monday."]}).write_parquet(src)
    code = main(["audit", str(src), "--out", str(tmp_path / "out"), "--quiet", "--executor", "ray"])
    assert code == 2
    assert "no column 'text'" in capsys.readouterr().err


def test_a_document_over_its_budget_on_ray_is_reported_and_the_run_goes_on(ray_session: None,
                                                                           tmp_path: Path) -> None:
    """Ray runs batches in an actor's worker thread (no SIGALRM there): the watchdog still stops a
    document past ``document_seconds``, which is reported, and the other documents are audited."""
    rng = random.Random(2)
    src = tmp_path / "in.jsonl"
    # ~4 MB: over ten seconds of auditing on a quiet machine; the 3 s budget leaves the small documents a
    # margin for a loaded one (a 1 s budget timed a one-line document out at load ~15)
    huge = "\n\n".join(_doc(rng) for _ in range(6000))
    with src.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(["The council met on Monday.", huge, "The bridge reopened."]):
            fh.write(json.dumps({"id": f"d{i}", "text": text}) + "\n")
    pack = tmp_path / "pack.toml"
    pack.write_text('[pack]\nselect = ["ALL"]\ndocument_seconds = 3\n', encoding="utf-8")
    out = tmp_path / "out"
    main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "2", "--no-html", "--executor", "ray",
          "--pack", str(pack)])
    rows = {r["id"]: r for r in map(json.loads, (out / "reports.jsonl").read_text(encoding="utf-8").splitlines())}
    assert sorted(rows) == ["d0", "d1", "d2"]
    assert "time budget exceeded" in (rows["d1"]["error"] or "")
    assert not rows["d0"]["error"] and not rows["d2"]["error"]

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


def test_ray_reports_identical_to_local(ray_session: None, corpus: Path, tmp_path: Path) -> None:
    local, on_ray = tmp_path / "local", tmp_path / "ray"
    assert main(["audit", str(corpus), "--out", str(local), "--quiet", "--jobs", "1", "--no-html"]) == 0
    # 300 documents are 5 batches of 64: both workers get several, in flight at once
    assert main(["audit", str(corpus), "--out", str(on_ray), "--quiet", "--jobs", "2", "--no-html",
                 "--executor", "ray"]) == 0
    for name in ("reports.jsonl", "edits.jsonl", "clean.jsonl"):
        assert (on_ray / name).read_bytes() == (local / name).read_bytes(), name
    rows = [json.loads(line) for line in (local / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    # the corpus exercises what must match: findings, duplicate clusters and every verdict
    assert len(rows) == 300
    assert any(f["rule"] == "encoding/mojibake" for r in rows for f in r["findings"])
    assert any(r["duplicate_of"] for r in rows) and any(r["cluster"] for r in rows)
    summary = json.loads((on_ray / "summary.json").read_text())
    assert summary["timings"]["jobs"] == 2


def test_ray_executor_keeps_input_order_with_bounded_window(ray_session: None, corpus: Path) -> None:
    from qc.executor_ray import WINDOW_PER_WORKER, RayExecutor
    from qc.pack import load_pack
    from qc.readers import read_input

    pack = load_pack(None, select=["encoding"])
    records = list(enumerate(read_input(corpus)))
    batches = [records[i:i + 7] for i in range(0, len(records), 7)]
    submitted = 0

    def feed() -> Iterator[list]:
        nonlocal submitted
        for b in batches:
            submitted += 1
            yield b

    ex = RayExecutor(pack, 2, address=None)
    try:
        seen = []
        for k, results in enumerate(ex.map(feed())):
            # never more than the window ahead of what has been yielded
            assert submitted - k <= WINDOW_PER_WORKER * ex.jobs
            seen.extend(r.ordinal for r in results)
        assert seen == list(range(len(records)))
    finally:
        ex.close()
    assert len(ex.worker_peak_rss_mb) == 2 and all(m > 0 for m in ex.worker_peak_rss_mb)
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

"""The persistent index's incremental cost, as a user pays it: a batch gated against N indexed documents.

    python bench/bench_index_cost.py [--index-docs 10000000] [--batch 20000] [--jobs 2] [--work DIR]

Builds (or reuses) in ``DIR``:

- ``batch.jsonl``: the scale bench's templated news crawl (``bench_near_duplicate_scale.generate``,
  seed 1, ``--batch`` documents) — the batch a gate checks;
- an index of ``--index-docs`` documents: ``qc index build`` over a history crawl of the same sites
  (seed 2, ``--history`` documents, so the batch shares the sites' templates with the index) plus
  synthetic sketch rows added in parts of 250,000 (random signatures and shingle hashes: they occupy
  the lookups and the disk as real rows would, and match nothing).

Then, in the same run, it times two whole processes, outputs written:
``qc audit batch.jsonl --select near-duplicate --no-html --jobs N`` without and with ``--index DIR``,
and prints (JSON) both wall times, their ratio (the incremental cost; issue target <= 1.2 at 10M),
peak RSS, the index's size on disk and its lookups, and how long building it took.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_near_duplicate_scale import _timed, generate  # noqa: E402

PART = 250_000


def _write(path: Path, n: int, seed: int) -> None:
    if path.exists():
        return
    docs, _ = generate(n, 200, seed=seed)
    with open(path, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"id": f"s{seed}-{d['id']}", "text": d["text"]}) + "\n")


def _synthetic_part(rng: np.random.Generator, m: int, shingles: int = 450) -> pl.DataFrame:
    """Sketch rows shaped like a 3 KB document's (128-permutation signature, 450 shingle hashes and
    their positions), drawn at random."""
    sh = np.sort(rng.integers(0, 1 << 32, size=(m, shingles), dtype=np.uint32), axis=1)
    pos = rng.integers(0, 256, size=(m, shingles), dtype=np.uint8)
    return pl.DataFrame([
        pl.Series("sig", rng.integers(0, 1 << 32, size=(m, 128), dtype=np.uint32)),
        pl.Series("sh", sh.ravel()).reshape((m, shingles)).cast(pl.List(pl.UInt32)),
        pl.Series("rm", [[]] * m, dtype=pl.List(pl.UInt32)),
        pl.Series("pos", pos.ravel()).reshape((m, shingles)).cast(pl.List(pl.UInt8)),
        pl.Series("lvl", np.zeros(m, dtype=np.uint8)),
        pl.Series("n", np.full(m, shingles, dtype=np.uint32)),
        pl.Series("exact", rng.integers(0, 1 << 63, size=m, dtype=np.uint64)),
        pl.Series("chars", np.full(m, 3000, dtype=np.int64)),
        pl.Series("score", np.ones(m, dtype=np.float32)),
        pl.Series("doc", np.arange(m, dtype=np.int64))])


def build_index(directory: Path, history: Path, total: int) -> dict:
    from qc.near_duplicate import index
    from qc.near_duplicate.near_duplicate import NearDuplicate

    t = time.perf_counter()
    if not (directory / "index.json").exists():
        _timed([sys.executable, "-m", "qc.cli", "index", "build", str(directory), str(history), "--quiet"])
    st = index.stats(directory)
    rng = np.random.default_rng(st["documents"])
    settings = index.settings_of(NearDuplicate())
    while st["documents"] < total:
        m = min(PART, total - st["documents"])
        st = index.add(directory, _synthetic_part(rng, m), [f"syn{st['documents'] + i}" for i in range(m)], settings)
        print(f"index: {st['documents']:,} documents, {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return {**st, "build_seconds": round(time.perf_counter() - t, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--index-docs", type=int, default=10_000_000)
    ap.add_argument("--batch", type=int, default=20_000)
    ap.add_argument("--history", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsqc-index-cost"))
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    batch, history = a.work / f"batch-{a.batch}.jsonl", a.work / f"history-{a.history}.jsonl"
    _write(batch, a.batch, 1)
    _write(history, a.history, 2)
    idx = a.work / f"index-{a.index_docs}"
    st = build_index(idx, history, a.index_docs)
    audit = [sys.executable, "-m", "qc.cli", "audit", str(batch), "--select", "near-duplicate", "--no-html",
             "--quiet", "--jobs", str(a.jobs)]
    fresh_s, fresh_mb, _ = _timed([*audit, "--out", str(a.work / "out-fresh")])
    index_s, index_mb, _ = _timed([*audit, "--out", str(a.work / "out-index"), "--index", str(idx)])
    timings = json.loads((a.work / "out-index" / "timings.json").read_text(encoding="utf-8"))
    print(json.dumps({
        "batch_docs": a.batch, "index": st,
        "fresh": {"wall_seconds": round(fresh_s, 2), "peak_mb": round(fresh_mb)},
        "with_index": {"wall_seconds": round(index_s, 2), "peak_mb": round(index_mb),
                       "resolve_seconds": timings.get("corpus_seconds")},
        "incremental_cost": round(index_s / fresh_s, 3),
    }, indent=2))


if __name__ == "__main__":
    main()

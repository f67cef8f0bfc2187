"""Resolve memory and time at scale: ``NearDuplicate.resolve`` alone on N synthetic sketch rows.

    python bench/bench_near_duplicate_resolve_memory.py [--docs 1000000] [--shingles 225] [--sites 2000]

The rows are what the rule stores for ~3 KB news documents: ``--shingles`` distinct shingle hashes
with their positions (a 3 KB text has ~450 shingles; 225 is a 1-in-2 sample of them), a
128-permutation signature computed from those hashes, each document inside its site's template
(40 header and footer hashes at the edges of the text, one template per site), 10 % planted copies
(85 % of an earlier document's own hashes, half of them on another site) and one wire story copied
onto 200 sites. The rows are generated in one child process and written to parquet (one row group,
so they load as one chunk, as ``qc.spool.join_rows`` hands them to the rule); ``resolve`` runs in a
fresh child that prints its peak RSS (``ru_maxrss``) with the rows loaded and after resolve, its RSS
right after reading the rows (``rss_mb_rows_read``) and once the allocator has returned what the
parquet reader freed (``rss_mb_rows_loaded``: polars' jemalloc gives back its dirty pages a few
seconds after they are freed; at 1M rows 3.3 GB right after reading, 1.7 GB settled, the rows
being 1.6 GB), the peak during ``resolve`` alone (``VmHWM`` reset once settled: reading a parquet
file has its own transient peak, and its freed pages are no memory of the resolve; the rows are
handed over as ``qc.runner`` hands them, no reference kept, so the rule can free the columns it is
done with), the seconds and the rule's statistics (JSON).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TEMPLATE = 40  # header + footer hashes per site


def generate(n: int, k: int, sites: int, path: Path, seed: int = 1) -> dict:
    """Write N sketch rows to ``path`` (see the module docstring); returns the planted counts."""
    from qc.near_duplicate.minhash import MinHasher, fmix32

    rng = np.random.default_rng(seed)
    own_k = k - TEMPLATE
    own = rng.integers(0, 1 << 32, size=(n, own_k), dtype=np.uint32)
    site = rng.integers(0, sites, size=n)
    template = rng.integers(0, 1 << 32, size=(sites, TEMPLATE), dtype=np.uint32)
    copies = np.flatnonzero(rng.random(n) < 0.10)
    copies = copies[copies > 0]
    src = (rng.random(copies.size) * copies).astype(np.int64)  # an earlier document
    for lo in range(0, copies.size, 50_000):
        d, s = copies[lo:lo + 50_000], src[lo:lo + 50_000]
        own[d] = np.where(rng.random((d.size, own_k)) < 0.85, own[s], own[d])
        site[d] = np.where(rng.random(d.size) < 0.5, site[s], site[d])
    wire = rng.choice(np.setdiff1d(np.arange(n // 2, n), copies), size=min(200, n // 4), replace=False)
    own[wire[1:]] = np.where(rng.random((wire.size - 1, own_k)) < 0.97, own[wire[0]], own[wire[1:]])
    site[wire] = rng.permutation(sites)[np.arange(wire.size) % sites]
    hasher = MinHasher(128, 1)
    a, b = hasher.a[None, :, None], hasher.b[None, :, None]
    layout = (np.arange(k) * 256 // k).astype(np.uint8)  # header, own text, footer
    frames = []
    half = TEMPLATE // 2
    for lo in range(0, n, 20_000):
        hi = min(n, lo + 20_000)
        t = template[site[lo:hi]]
        h = np.concatenate([t[:, :half], own[lo:hi], t[:, half:]], axis=1)
        order = np.argsort(h, axis=1)
        sh = np.take_along_axis(h, order, axis=1)
        pos = layout[order]
        fm = fmix32(sh)[:, None, :]
        sig = np.empty((hi - lo, 128), dtype=np.uint32)
        for p in range(0, 128, 16):
            sig[:, p:p + 16] = (a[:, p:p + 16] * fm + b[:, p:p + 16]).min(axis=2)
        m = hi - lo
        frames.append(pl.DataFrame([
            pl.Series("sh", sh.ravel()).reshape((m, k)).cast(pl.List(pl.UInt32)),
            pl.Series("rm", [[]] * m, dtype=pl.List(pl.UInt32)),
            pl.Series("pos", pos.ravel()).reshape((m, k)).cast(pl.List(pl.UInt8)),
            pl.Series("lvl", np.zeros(m, dtype=np.uint8)),
            pl.Series("sig", sig.ravel()).reshape((m, 128)),
            pl.Series("n", np.full(m, k, dtype=np.uint32)),
            pl.Series("exact", rng.integers(0, 1 << 63, size=m, dtype=np.uint64)),
            pl.Series("chars", np.full(m, 3000, dtype=np.int64)),
            pl.Series("score", np.ones(m, dtype=np.float32)),
            pl.Series("doc", np.arange(lo, hi, dtype=np.int64)),
        ]))
    rows = pl.concat(frames).rechunk()
    del frames
    rows.write_parquet(path, row_group_size=rows.height)
    return {"planted_copies": int(copies.size), "wire_copies": int(wire.size - 1)}


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def _status_mb(field: str) -> int:
    """``VmRSS`` or ``VmHWM`` of this process, in MB."""
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) // 1024 for line in fh if line.startswith(field + ":"))


def _settle(most_seconds: float = 60.0) -> None:
    """Wait until the RSS stops falling (the allocator returning pages the parquet reader freed: jemalloc
    purges them on its own decay clock, ticked by allocations), at most ``most_seconds``."""
    low, steady, t = _status_mb("VmRSS"), 0, time.perf_counter()
    while steady < 3 and time.perf_counter() - t < most_seconds:  # 3 s without falling
        time.sleep(1.0)
        pl.Series(np.arange(1000)).sort()  # an allocation, so jemalloc looks at its decay clock
        now = _status_mb("VmRSS")
        steady = steady + 1 if now >= low - 1 else 0
        low = min(low, now)


def resolve(path: Path) -> dict:
    """Resolve the rows of ``path`` in this (fresh) process."""
    from qc.near_duplicate.near_duplicate import NearDuplicate

    rows = pl.read_parquet(path)
    if rows.n_chunks() > 1:  # rows written before they were one row group
        rows = rows.rechunk()
    loaded = _peak_mb()
    read = _status_mb("VmRSS")
    _settle()
    ids = [str(i) for i in range(rows.height)]
    rule = NearDuplicate()
    with open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")  # VmHWM := VmRSS, so it measures resolve from here
    rss = _status_mb("VmRSS")
    t, c = time.perf_counter(), time.process_time()
    docs = rows.height
    handed = [rows]  # handed over as the runner hands them (no reference kept during resolve)
    del rows
    res = rule.resolve(handed.pop(), ids)
    resolve_peak = _status_mb("VmHWM")
    stats = {k: v for k, v in res.stats.items() if k != "cluster_size_histogram"}
    return {"docs": docs, "seconds": round(time.perf_counter() - t, 1),
            "cpu_seconds": round(time.process_time() - c, 1), "peak_mb_rows_loaded": loaded,
            "rss_mb_rows_read": read, "rss_mb_rows_loaded": rss, "peak_mb_resolve": resolve_peak, "peak_mb": _peak_mb(),
            "largest_cluster": max(map(int, res.stats["cluster_size_histogram"]), default=1),
            "rule_stats": stats}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=1_000_000)
    ap.add_argument("--shingles", type=int, default=225)
    ap.add_argument("--sites", type=int, default=2000)
    ap.add_argument("--rows", type=Path, help="keep the generated rows here (default: a temporary file)")
    # the children's entry points (Linux keeps a process's peak RSS across fork and exec, so both
    # run in children of this small parent)
    ap.add_argument("--resolve", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.resolve or a.generate:
        print(json.dumps(resolve(a.resolve) if a.resolve else generate(a.docs, a.shingles, a.sites, a.generate)))
        return

    def child(*args: str) -> dict:
        out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
        return json.loads(out.stdout)

    with tempfile.TemporaryDirectory() as tmp:
        path = a.rows or Path(tmp) / "rows.parquet"
        t = time.perf_counter()
        if not path.exists():
            planted = child("--generate", str(path), "--docs", str(a.docs), "--shingles", str(a.shingles),
                            "--sites", str(a.sites))
        else:
            planted = {"reused": str(path)}
        gen = time.perf_counter() - t
        print(json.dumps({"shingles": a.shingles, "sites": a.sites, **planted, "generate_seconds": round(gen, 1),
                          **child("--resolve", str(path))}, indent=2))


if __name__ == "__main__":
    main()

"""Near-duplicate speed: newsqc vs datasketch on the same corpus, in one run.

    python bench/bench_near_duplicate.py [--docs 20000] [--jsonl FILE] [--jobs 2] [--resolve-only N]

The corpus (unless ``--jsonl``) is ~3 KB English documents made of sentences drawn from a text pool
(``--source DIR`` of .txt files; default: ``seeds/`` plus ``../shared/devdata/*/docs`` when present),
with 15 % of words replaced at random so unrelated documents share few 5-grams, and 10 % planted
near-duplicates (typos, edited numbers, a swapped or replaced sentence, truncation, another site's
header and footer). Each measurement runs in its own forked process, which reports its peak RSS:

- newsqc signatures: ``NearDuplicate.sketch`` per document (what the engine calls), 1 process and
  ``--jobs`` processes;
- newsqc end to end: sketches in ``--jobs`` processes, the rows concatenated, ``resolve``;
Besides wall-clock docs/s, each phase reports docs per CPU-second (its own and its workers'), which
does not depend on how busy a shared machine is.

- datasketch: the same shingles, ``MinHash.bulk`` (sha1_hash32, 128 permutations), then
  ``MinHashLSH(threshold=0.5)`` insert + query and connected components (one process: its API).

``--resolve-only N`` times ``resolve`` alone on N random signatures (10 % planted copies) to measure
the corpus step's memory at scale (e.g. 1,000,000). With ``--resolve-on ray`` the same resolve runs
partitioned on a local Ray instance of ``--jobs`` workers (candidates per (band, bucket-hash
partition) as Ray tasks, components on Ray), and the duplicates found are compared with the local run.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import re
import resource
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def devdata_docs() -> list[Path]:
    """The ``shared/devdata/*/docs`` folders of the nearest ancestor of the checkout that has them (the
    main checkout and a worktree under ``wt/`` sit at different depths: the same corpus from both)."""
    for up in REPO.parents:
        if (up / "shared" / "devdata").is_dir():
            return sorted((up / "shared" / "devdata").glob("*/docs"))
    return []


from qc.model import Document  # noqa: E402
from qc.near_duplicate.near_duplicate import NearDuplicate  # noqa: E402

ENGLISH_PUNCT = set("\u2019\u2018\u201c\u201d\u2014\u2013\u2026\u00a0")
WRAPPERS = [
    ("Home | World | Business | Sport\nSubscribe to our newsletter", "Share this article\nRead more stories"),
    ("The Daily Ledger — Latest news\nSign in", "© The Daily Ledger. All rights reserved.\nPrivacy policy"),
    ("Menu\nSearch\nTrending now", "Related articles\nComments are closed."),
]


def _pool(source: list[Path]) -> tuple[list[str], list[str]]:
    texts = []
    for d in source:
        texts += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(d.glob("*.txt"))]
    sents = {s.strip() for t in texts for s in re.split(r"(?<=[.!?])\s+|\n+", t) if len(s.split()) >= 8}
    # English news sentences: ASCII apart from typographic quotes and dashes
    pool = sorted(s for s in sents if all(c.isascii() or c in ENGLISH_PUNCT for c in s))
    vocab = sorted({w for s in pool for w in s.split() if w.isalpha()})
    return pool, vocab


def generate(n: int, source: list[Path], seed: int = 1) -> list[str]:
    rng = random.Random(seed)
    pool, vocab = _pool(source)
    docs: list[str] = []
    for _ in range(n):
        if docs and rng.random() < 0.10:
            docs.append(_variant(rng.choice(docs[-2000:]), rng, pool))
            continue
        out, size = [], 0
        while size < 3000:
            words = [w if rng.random() > 0.15 else rng.choice(vocab) for w in rng.choice(pool).split()]
            s = " ".join(words)
            out.append(s)
            size += len(s) + 1
        paras = [" ".join(out[i:i + 4]) for i in range(0, len(out), 4)]
        docs.append("\n\n".join(paras))
    return docs


def edit_text(text: str, rng: random.Random, new_sentence: Callable[[], str], ops: list[str]) -> str:
    """The body edits of a planted copy (``swap``, ``sentence``, ``truncate``, ``typos``, ``numbers``),
    in that order; shared with bench_near_duplicate_scale so both plant the same kinds of copies."""
    sents = re.split(r"(?<=[.!?])\s+", text)
    if "swap" in ops and len(sents) > 3:
        i = rng.randrange(len(sents) - 1)
        sents[i], sents[i + 1] = sents[i + 1], sents[i]
    if "sentence" in ops:
        sents[rng.randrange(len(sents))] = new_sentence()
    if "truncate" in ops:
        sents = sents[: max(3, int(len(sents) * rng.uniform(0.6, 0.9)))]
    out = " ".join(sents)
    if "typos" in ops:
        chars = list(out)
        for _ in range(8):
            chars[rng.randrange(len(chars))] = rng.choice("etaoinshr")
        out = "".join(chars)
    if "numbers" in ops:
        out = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), out)
    return out


def _variant(text: str, rng: random.Random, pool: list[str]) -> str:
    ops = rng.sample(["typos", "numbers", "swap", "sentence", "truncate", "wrapper"], k=rng.randint(1, 3))
    out = edit_text(text, rng, lambda: rng.choice(pool), ops)
    if "wrapper" in ops:
        head, foot = rng.choice(WRAPPERS)
        out = f"{head}\n{out}\n{foot}"
    return out


# ---------------------------------------------------------------- measured phases (each forked)

def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024.0


_RULE: NearDuplicate | None = None
_TEXTS: list[str] = []


def _sketch_range(bounds: tuple[int, int]) -> pl.DataFrame | None:
    """Sketch rows of documents ``lo..hi`` (one ``sketch`` call per document, as the engine does);
    the ``doc`` column is added once per chunk, not per document."""
    lo, hi = bounds
    rule = _RULE
    frames, ordinals = [], []
    for i in range(lo, hi):
        d = Document(id=str(i), text=_TEXTS[i])
        f = rule.sketch(d, d.text)  # type: ignore[union-attr]
        if f is not None:
            frames.append(f)
            ordinals.append(i)
    if not frames:
        return None
    return pl.concat(frames).with_columns(pl.Series("doc", ordinals, dtype=pl.Int64))


def _sketch_all(n: int, jobs: int) -> list[pl.DataFrame]:
    step = 1000
    chunks = [(lo, min(n, lo + step)) for lo in range(0, n, step)]
    if jobs <= 1:
        parts = [_sketch_range(c) for c in chunks]
    else:
        pool = mp.get_context("fork").Pool(jobs)
        parts = list(pool.imap(_sketch_range, chunks))
        pool.close()
        pool.join()  # reaped, so their CPU time shows in RUSAGE_CHILDREN
    return [p for p in parts if p is not None]


def _cpu() -> float:
    """CPU seconds of this process and its reaped children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def phase_newsqc_signatures(n: int, jobs: int) -> dict:
    t, c = time.perf_counter(), _cpu()
    frames = _sketch_all(n, jobs)
    dt = time.perf_counter() - t
    return {"docs_per_s": n / dt, "docs_per_cpu_s": n / (_cpu() - c), "seconds": dt,
            "rows": sum(f.height for f in frames), "peak_mb": _peak_mb()}


def phase_newsqc_end_to_end(n: int, jobs: int) -> dict:
    t, c = time.perf_counter(), _cpu()
    frames = _sketch_all(n, jobs)
    rows = pl.concat(frames)
    t1 = time.perf_counter()
    res = _RULE.resolve(rows, [str(i) for i in range(n)])  # type: ignore[union-attr]
    dt = time.perf_counter() - t
    return {"docs_per_s": n / dt, "docs_per_cpu_s": n / (_cpu() - c), "seconds": dt,
            "resolve_seconds": time.perf_counter() - t1,
            "duplicates": res.stats["duplicates"], "clusters": res.stats["clusters"],
            "candidates": res.stats["candidates"], "peak_mb": _peak_mb()}


def _ds_shingles(text: str) -> list[bytes]:
    return [s.encode("utf-8") for s in _RULE.shingler.shingles(text)]  # type: ignore[union-attr]


def phase_datasketch_signatures(n: int) -> dict:
    from datasketch import MinHash

    t, c = time.perf_counter(), _cpu()
    sigs = MinHash.bulk((_ds_shingles(x) for x in _TEXTS[:n]), num_perm=128)
    dt = time.perf_counter() - t
    return {"docs_per_s": n / dt, "docs_per_cpu_s": n / (_cpu() - c), "seconds": dt, "sigs": len(sigs),
            "peak_mb": _peak_mb()}


def datasketch_duplicates(shingles: Iterable[list[bytes]], threshold: float) -> int:
    """Documents a plain datasketch pipeline flags: ``MinHash.bulk`` (128 permutations), ``MinHashLSH``
    at ``threshold``, union-find over every candidate pair (what users write instead of newsqc)."""
    from datasketch import MinHash, MinHashLSH

    sigs = MinHash.bulk(shingles, num_perm=128)
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    parent = list(range(len(sigs)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, m in enumerate(sigs):
        for j in lsh.query(m):
            a, b = find(i), find(int(j))
            if a != b:
                parent[max(a, b)] = min(a, b)
        lsh.insert(i, m)
    return len(sigs) - len({find(i) for i in range(len(sigs))})


def phase_datasketch_end_to_end(n: int) -> dict:
    t, c = time.perf_counter(), _cpu()
    duplicates = datasketch_duplicates((_ds_shingles(x) for x in _TEXTS[:n]), 0.5)
    dt = time.perf_counter() - t
    return {"docs_per_s": n / dt, "docs_per_cpu_s": n / (_cpu() - c), "seconds": dt,
            "duplicates": duplicates, "peak_mb": _peak_mb()}


def _resolve_rows(n: int, path: Path) -> None:
    """Write N random sketch rows (10 % planted copies sharing ~80 % of the signature and of the 450
    stored shingle hashes of a 3 KB document) to ``path``."""
    rng = np.random.default_rng(1)
    sigs = rng.integers(0, 1 << 32, size=(n, 128), dtype=np.uint32)
    sh = rng.integers(0, 1 << 32, size=(n, 450), dtype=np.uint32)
    dup = np.flatnonzero(rng.random(n) < 0.10)
    src = rng.integers(0, n, size=dup.size)
    for lo in range(0, dup.size, 10_000):
        d, s_ = dup[lo:lo + 10_000], src[lo:lo + 10_000]
        keep = rng.random((d.size, 128)) < 0.8
        sigs[d] = np.where(keep, sigs[s_], sigs[d])
        keep = rng.random((d.size, 450)) < 0.8
        sh[d] = np.where(keep, sh[s_], sh[d])
    sh.sort(axis=1)
    shingles = pl.Series("sh", sh.ravel()).reshape((n, 450)).cast(pl.List(pl.UInt32))
    pl.DataFrame([pl.Series("sig", sigs), shingles, pl.Series("lvl", np.zeros(n, dtype=np.uint8)),
                  pl.Series("n", np.full(n, 450, dtype=np.uint32)),
                  pl.Series("exact", rng.integers(0, 1 << 63, size=n, dtype=np.uint64)),
                  pl.Series("chars", np.full(n, 3000, dtype=np.int64)),
                  pl.Series("doc", np.arange(n, dtype=np.int64))]).write_parquet(path)


def phase_resolve_only(path: Path, on: str = "local", jobs: int = 2) -> dict:
    """``resolve`` in a fresh process that only holds the rows: its peak RSS is rows + resolve."""
    rows = pl.read_parquet(path)
    n = rows.height
    ids = [str(i) for i in range(n)]
    tasks = None
    if on == "ray":
        import qc.near_duplicate.cluster as cluster
        from qc.executor_ray import RayExecutor
        from qc.pack import load_pack

        cluster.PARTITION_MIN_ROWS = 0
        cluster.DRIVER_MAX_EDGES = 0
        tasks = RayExecutor(load_pack(None, select=["near-duplicate/near-duplicate"]), jobs)
    base = _peak_mb()
    t = time.perf_counter()
    res = NearDuplicate().resolve(rows, ids, tasks)
    dt = time.perf_counter() - t
    if tasks is not None:
        tasks.close()
    return {"on": on, "docs": n, "seconds": dt, "docs_per_s": n / dt, "duplicates": res.stats["duplicates"],
            "clusters": res.stats["clusters"], "peak_mb_rows_loaded": base, "peak_mb": _peak_mb()}


def _build_index(directory: Path, n: int, part_size: int = 250_000) -> dict:
    """An index of N random signatures, added in parts of ``part_size`` (as batches would be)."""
    from qc.near_duplicate import index

    rule = NearDuplicate()
    rng = np.random.default_rng(2)
    st: dict = {}
    for lo in range(0, n, part_size):
        m = min(part_size, n - lo)
        sh = np.sort(rng.integers(0, 1 << 32, size=(m, 450), dtype=np.uint32), axis=1)
        rows = pl.DataFrame([pl.Series("sig", rng.integers(0, 1 << 32, size=(m, 128), dtype=np.uint32)),
                             pl.Series("sh", sh.ravel()).reshape((m, 450)).cast(pl.List(pl.UInt32)),
                             pl.Series("lvl", np.zeros(m, dtype=np.uint8)),
                             pl.Series("n", np.full(m, 450, dtype=np.uint32)),
                             pl.Series("exact", rng.integers(0, 1 << 63, size=m, dtype=np.uint64)),
                             pl.Series("chars", np.full(m, 3000, dtype=np.int64)),
                             pl.Series("doc", np.arange(m, dtype=np.int64))])
        ids = [f"idx{lo + i}" for i in range(m)]
        settings = index.settings_of(rule)
        st = index.build(directory, rows, ids, settings) if lo == 0 else index.add(directory, rows, ids, settings)
    return st


def _run(fn, *args) -> dict:
    ctx = mp.get_context("fork")
    q = ctx.Queue()

    def target() -> None:
        q.put(fn(*args) or {})

    p = ctx.Process(target=target)
    p.start()
    out = q.get()
    p.join()
    return out


def main() -> None:
    global _RULE, _TEXTS
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=20000)
    ap.add_argument("--jsonl", type=Path, help="read {id, text} documents instead of generating")
    ap.add_argument("--source", type=Path, action="append", help="folders of .txt files for the generator")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--skip-datasketch", action="store_true")
    ap.add_argument("--resolve-only", type=int, default=0, metavar="N")
    ap.add_argument("--resolve-on", choices=("local", "ray"), default="local",
                    help="with --resolve-only: also run the partitioned resolve on Ray and compare")
    ap.add_argument("--index-docs", type=int, default=0, metavar="N",
                    help="also time the run against a persistent index of N documents (incremental cost)")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    _RULE = NearDuplicate()
    if a.resolve_only:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "rows.parquet"
            _run(_resolve_rows, a.resolve_only, path)
            runs = [_run(phase_resolve_only, path)]
            if a.resolve_on == "ray":
                runs.append(_run(phase_resolve_only, path, "ray", a.jobs))
                same = all(r[k] == runs[0][k] for r in runs for k in ("duplicates", "clusters"))
                print(f"same duplicates and clusters on both: {same}")
            print(json.dumps({"resolve_only": runs if len(runs) > 1 else runs[0]}, indent=2))
        return
    if a.jsonl:
        with open(a.jsonl, encoding="utf-8") as fh:
            _TEXTS = [json.loads(line)["text"] for line in fh if line.strip()][: a.docs]
    else:
        source = a.source or [REPO / "seeds", *devdata_docs()]
        _TEXTS = generate(a.docs, [s for s in source if s.is_dir()])
    n = len(_TEXTS)
    out: dict = {"docs": n, "avg_chars": round(sum(map(len, _TEXTS)) / max(1, n)), "jobs": a.jobs,
                 "lsh": f"{_RULE.bands} x {_RULE.rows}"}
    out["newsqc_signatures_1proc"] = _run(phase_newsqc_signatures, n, 1)
    out["newsqc_signatures"] = _run(phase_newsqc_signatures, n, a.jobs)
    out["newsqc_end_to_end"] = _run(phase_newsqc_end_to_end, n, a.jobs)
    if a.index_docs:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            st = _run(_build_index, Path(tmp) / "idx", a.index_docs)
            _RULE = NearDuplicate(options=NearDuplicate.options_from({"index": str(Path(tmp) / "idx")}))
            out["index"] = {"documents": st["documents"], "parts": st["parts"], "mb": st["bytes"] / 2**20}
            out["newsqc_end_to_end_with_index"] = _run(phase_newsqc_end_to_end, n, a.jobs)
            _RULE = NearDuplicate()
        out["incremental_cost"] = (out["newsqc_end_to_end_with_index"]["seconds"]
                                   / out["newsqc_end_to_end"]["seconds"])
    if not a.skip_datasketch:
        out["datasketch_bulk_signatures"] = _run(phase_datasketch_signatures, n)
        out["datasketch_end_to_end"] = _run(phase_datasketch_end_to_end, n)
        speed = {k: v["docs_per_s"] for k, v in out.items() if isinstance(v, dict) and "docs_per_s" in v}
        out["ratio_signatures"] = speed["newsqc_signatures"] / speed["datasketch_bulk_signatures"]
        out["ratio_end_to_end"] = speed["newsqc_end_to_end"] / speed["datasketch_end_to_end"]
        cpu = {k: v["docs_per_cpu_s"] for k, v in out.items() if isinstance(v, dict) and "docs_per_cpu_s" in v}
        # per CPU-second: independent of how busy the machine is, and of the number of processes
        out["ratio_signatures_per_cpu_s"] = cpu["newsqc_signatures"] / cpu["datasketch_bulk_signatures"]
        out["ratio_end_to_end_per_cpu_s"] = cpu["newsqc_end_to_end"] / cpu["datasketch_end_to_end"]
    if a.json:
        print(json.dumps(out, sort_keys=True))
        return
    for k, v in out.items():
        if isinstance(v, dict):
            print(f"{k:28s} " + "  ".join(f"{kk}={vv:.1f}" if isinstance(vv, float) else f"{kk}={vv}"
                                          for kk, vv in v.items()))
        else:
            print(f"{k:28s} {v:.2f}" if isinstance(v, float) else f"{k:28s} {v}")


if __name__ == "__main__":
    main()

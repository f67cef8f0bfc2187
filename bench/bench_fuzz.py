"""Fuzz at scale: hostile documents through the reader, every rule and ``qc audit``; prints one table.

Usage: PYTHONPATH=. python bench/bench_fuzz.py [-n 100000] [--seed 17] [--scale 20000] [--jobs N]
The documents come from ``tests/test_fuzz.py``'s generators (three quarters JSONL lines, one quarter
files in a directory; ``--scale`` bounds the longest text in characters). Two passes:

1. timed: each document read, its language identified and each document rule run on it, timed one by
   one in ``--jobs`` worker processes: crashes (rule and message) and the slowest documents and rules;
2. ``qc audit`` on the JSONL file and on the directory (``--jobs``, the default pack): lost, duplicated or
   reordered documents, rows whose error says a rule crashed or the time budget ran out.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.test_fuzz import Hostile, hostile_files, hostile_jsonl, report_rows, write_files, write_jsonl

_RULES: list[Any] = []


def _init() -> None:
    from qc.pack import load_pack
    from qc.rule import CorpusRule

    _RULES.extend(r for r in load_pack().build() if not isinstance(r, CorpusRule))


def _time_split(args: tuple[str, str]) -> list[tuple[str, float, str, float, list[str]]]:
    """(id, seconds, slowest step, its seconds, crashes) of every record of one input."""
    from qc.engine import prepare
    from qc.readers import BadInput, read_input

    _kind, path = args
    out = []
    for rec in read_input(Path(path)):
        if isinstance(rec, BadInput):
            out.append((rec.id, 0.0, "reader", 0.0, []))
            continue
        steps: list[tuple[float, str]] = []
        crashes: list[str] = []
        t = time.perf_counter()
        doc = prepare(rec)
        steps.append((time.perf_counter() - t, "language identification"))
        for rule in _RULES:
            t = time.perf_counter()
            try:
                list(rule.check(doc))
            except Exception as exc:  # counted, not raised: the table reports them
                crashes.append(f"{rule.id}: {type(exc).__name__}: {exc}")
            steps.append((time.perf_counter() - t, rule.id))
        worst = max(steps)
        out.append((rec.id, sum(s for s, _ in steps), worst[1], worst[0], crashes))
    return out


def _chunks(items: list[Hostile], root: Path, kind: str, size: int) -> list[tuple[str, str]]:
    """Write ``items`` as JSONL files (or directories) of ``size`` each: the timed pass's tasks."""
    tasks = []
    for k in range(0, len(items), size):
        part = items[k:k + size]
        if kind == "jsonl":
            path = root / f"t{k:08d}.jsonl"
            write_jsonl(path, part)
        else:
            path = root / f"t{k:08d}"
            write_files(path, part)
        tasks.append((kind, str(path)))
    return tasks


def _audit(path: Path, out: Path, jobs: int) -> tuple[int, list[dict], float]:
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "qc.cli", "audit", str(path), "--out", str(out), "--quiet",
                           "--no-html", "--jobs", str(jobs)], capture_output=True, text=True)
    dt = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        print(proc.stderr[-3000:], file=sys.stderr)
        return proc.returncode, [], dt
    return proc.returncode, report_rows(out), dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=17)
    ap.add_argument("--scale", type=int, default=20_000)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    n_files = a.n // 4
    lines = list(hostile_jsonl(a.n - n_files, a.seed, a.scale))
    files = list(hostile_files(n_files, a.seed + 1, a.scale))
    kinds = Counter(h.kind.split(":")[0] for h in [*lines, *files])
    with tempfile.TemporaryDirectory(prefix="bench-fuzz-") as tmp:
        root = Path(tmp)
        (root / "timed").mkdir()
        tasks = [*_chunks(lines, root / "timed", "jsonl", 500), *_chunks(files, root / "timed", "dir", 500)]
        t0 = time.perf_counter()
        with mp.get_context("spawn").Pool(a.jobs, initializer=_init) as pool:
            timed = [r for part in pool.imap(_time_split, tasks) for r in part]
        timed_s = time.perf_counter() - t0
        write_jsonl(root / "fuzz.jsonl", lines)
        write_files(root / "fuzz", files)
        code_j, rows_j, secs_j = _audit(root / "fuzz.jsonl", root / "out-jsonl", a.jobs)
        code_d, rows_d, secs_d = _audit(root / "fuzz", root / "out-dir", a.jobs)

    crashes = [(doc_id, c) for doc_id, _s, _w, _ws, cs in timed for c in cs]
    slow = sorted(timed, key=lambda r: -r[1])[:5]
    by_rule: Counter[str] = Counter()
    for _id, _s, worst, secs, _c in timed:
        by_rule[worst] += secs
    rows = [*rows_j, *rows_d]
    want = [h.id for h in lines], [h.id for h in files]
    got = [r["id"] for r in rows_j], [r["id"] for r in rows_d]
    lost = sum(len(set(w) - set(g)) for w, g in zip(want, got, strict=True))
    dup = sum(len(g) - len(set(g)) for g in got)
    in_order = all(w == g for w, g in zip(want, got, strict=True))
    audit_crashed = sum(1 for r in rows if r["error"] and "crashed" in r["error"])
    over_budget = [r for r in rows if r["error"] and "time budget" in r["error"]]

    print(f"{'inputs tried':38s} {a.n:>10,}  ({len(lines):,} JSONL lines, {len(files):,} files; seed {a.seed}, "
          f"texts up to {a.scale:,} chars)")
    print(f"{'kinds':38s} " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
    print(f"{'runs that failed (exit not 0/1)':38s} {(code_j not in (0, 1)) + (code_d not in (0, 1)):>10}")
    print(f"{'rule crashes (timed pass)':38s} {len(crashes):>10}")
    for doc_id, c in crashes[:10]:
        print(f"    {doc_id}: {c[:150]}")
    print(f"{'rows with a crash error (audit)':38s} {audit_crashed:>10}")
    print(f"{'lost documents':38s} {lost:>10}   duplicated {dup}, in input order: {in_order}")
    print(f"{'documents over the time budget':38s} {len(over_budget):>10}")
    for r in over_budget[:5]:
        print(f"    {r['id']}: {r['error'][:150]}")
    print(f"{'timed pass':38s} {timed_s:>9.1f}s   audit: JSONL {secs_j:.1f}s, directory {secs_d:.1f}s "
          f"(--jobs {a.jobs})")
    print("slowest documents (all document rules, one process):")
    for doc_id, secs, worst, wsecs, _c in slow:
        print(f"    {secs:8.3f}s  {doc_id:40s} slowest step {worst} ({wsecs:.3f}s)")
    print("steps that were a document's slowest, total seconds:")
    for rule, secs in by_rule.most_common(5):
        print(f"    {secs:8.2f}s  {rule}")
    print(json.dumps({"inputs": a.n, "crashes": len(crashes) + audit_crashed, "lost": lost, "duplicated": dup,
                      "in_order": in_order, "over_budget": len(over_budget),
                      "slowest_seconds": round(slow[0][1], 3) if slow else 0.0,
                      "slowest_step": slow[0][2] if slow else ""}))


if __name__ == "__main__":
    main()

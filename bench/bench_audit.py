"""Time the `qc audit` process as a user runs it, on a generated JSONL corpus, and print its budget.

    python bench/bench_audit.py [--docs 100000] [--jobs 2] [--select FAMILIES] [--keep DIR] [--skip-html]

The corpus comes from ``bench/news_corpus.py`` (seeded, ~3 KB news-like documents, see its docstring).
The audit runs twice: with ``--no-html`` (the headline figure) and with the default outputs (the HTML
report's cost is the difference). Printed: wall documents/s, pack build seconds per process, seconds
per family and per rule and writing seconds (from the run's ``timings.json``), and peak RSS of the
driver and of each worker (``VmHWM`` from ``/proc``, polled over the process tree every 50 ms; psutil
is not in the venv), and the workers' CPU seconds (``/proc/PID/stat``, last value polled: up to 50 ms
short per worker), whose documents per CPU second move less than wall time when others share the
machine. Per-rule seconds are summed over workers: seconds of work, not wall. The machine is shared
and noisy: compare figures of one sitting. The HTML run also pays for ``texts.jsonl``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from news_corpus import write_corpus

REPO = Path(__file__).resolve().parent.parent


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            out += [int(c) for c in (task / "children").read_text().split()]
    return out


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (``/proc/PID/stat`` fields 14 and 15), 0 when gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@dataclass
class Run:
    wall: float
    driver_peak_kb: int
    worker_peak_kb: dict[int, int] = field(default_factory=dict)  # pool workers only
    worker_cpu: dict[int, float] = field(default_factory=dict)  # last CPU seconds seen per pool worker


def run_measured(cmd: list[str]) -> Run:
    """Run ``cmd``; poll the peak RSS (VmHWM) of it and of its pool workers until it exits."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO)
    driver = 0
    workers: dict[int, int] = {}
    cpu: dict[int, float] = {}
    while proc.poll() is None:
        driver = max(driver, _status_kb(proc.pid, "VmHWM"))
        stack = _children(proc.pid)
        while stack:
            pid = stack.pop()
            stack += _children(pid)
            cmd = _cmdline(pid)
            if "multiprocessing" not in cmd or "resource_tracker" in cmd:  # pool workers only
                continue
            workers[pid] = max(workers.get(pid, 0), _status_kb(pid, "VmHWM"))
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: the gate failed, which is an answer, not a crash
        raise SystemExit(f"qc audit exited {proc.returncode}")
    return Run(wall, driver, {p: kb for p, kb in workers.items() if kb}, cpu)


def _mb(kb: int) -> str:
    return f"{kb / 1024:.0f} MB"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--select", default=None, help="families/rules to run (default: the pack's)")
    ap.add_argument("--keep", type=Path, help="keep the corpus and outputs here (a corpus there is reused)")
    ap.add_argument("--skip-html", action="store_true", help="only the --no-html run")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="qc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / f"corpus-{a.docs}.jsonl"
    if not corpus.exists():
        write_corpus(corpus, a.docs)
    base = [sys.executable, "-m", "qc.cli", "audit", str(corpus), "--quiet", "--jobs", str(a.jobs)]
    if a.select:
        base += ["--select", a.select]
    out = work / "out-no-html"
    run = run_measured([*base, "--out", str(out), "--no-html"])
    t = json.loads((out / "timings.json").read_text())
    n = json.loads((out / "summary.json").read_text())["documents_in"]

    rows = [
        ("documents", f"{n:,} ({corpus.stat().st_size / 1e6:.1f} MB)"),
        ("jobs", str(a.jobs)),
        ("select", a.select or "pack default"),
        ("wall seconds (--no-html)", f"{run.wall:.2f} (whole process, interpreter start included)"),
        ("wall docs/s", f"{n / run.wall:,.0f}"),
        ("pack build s, driver", f"{t['pack_build_seconds']['driver']:.2f}"),
        ("pack build s, workers", ", ".join(f"{s:.2f}" for s in t["pack_build_seconds"]["workers"]) or "-"),
        ("pass one s (wall)", f"{t['per_document_seconds']:.2f}"),
        ("  driver CPU s in pass one", f"{t['driver_cpu_seconds_pass_one']:.2f} (reading, shipping, spooling)"),
        ("  language ID s", f"{t['language_seconds']:.2f}"),
        ("corpus resolve s", f"{t['corpus_seconds']:.2f}"),
        ("writing s (pass two)", f"{t['write_seconds']:.2f}"),
        ("workers' CPU s", f"{sum(run.worker_cpu.values()):.2f} (user + system, polled; "
                           f"{n / max(sum(run.worker_cpu.values()), 1e-9):,.0f} docs per CPU second: "
                           "steadier than wall on a shared machine)"),
        ("peak RSS driver", _mb(run.driver_peak_kb)),
        ("peak RSS workers", ", ".join(_mb(kb) for _, kb in sorted(run.worker_peak_kb.items())) or "-"),
    ]
    if not a.skip_html:
        html_out = work / "out-html"
        html = run_measured([*base, "--out", str(html_out)])
        page = html_out / "report.html"
        written = (page.stat().st_mtime - (html_out / "summary.json").stat().st_mtime) if page.exists() else 0.0
        rows += [("wall seconds (default outputs)", f"{html.wall:.2f}"),
                 ("HTML cost s", f"{html.wall - run.wall:.2f} wall difference of the two runs; "
                                 f"{written:.2f} writing report.html after summary.json"),
                 ("peak RSS driver (default)", _mb(html.driver_peak_kb))]
    width = max(max(len(k) for k, _ in rows), *map(len, t["per_rule_seconds"]))
    for k, v in rows:
        print(f"{k:<{width}}  {v}")
    work_s = sum(t["per_family_seconds"].values()) + t["language_seconds"]
    print(f"\n{'family':<{width}}  {'seconds':>8}  {'share':>6}  {'docs/s/core':>11}")
    for fam, sec in sorted(t["per_family_seconds"].items(), key=lambda kv: -kv[1]):
        print(f"{fam:<{width}}  {sec:8.2f}  {sec / work_s:6.1%}  {n / max(sec, 1e-9):11,.0f}")
    print(f"{'language ID':<{width}}  {t['language_seconds']:8.2f}  {t['language_seconds'] / work_s:6.1%}  "
          f"{n / max(t['language_seconds'], 1e-9):11,.0f}")
    print(f"\n{'rule':<{width}}  {'seconds':>8}  {'share':>6}")
    for rid, sec in sorted(t["per_rule_seconds"].items(), key=lambda kv: -kv[1]):
        print(f"{rid:<{width}}  {sec:8.2f}  {sec / work_s:6.1%}")


if __name__ == "__main__":
    main()

"""Throughput of the untranslated family: `qc audit` docs/s with the family and with it ignored.

Usage: python bench/bench_untranslated.py [CORPUS.jsonl] [--repeat N]
Default corpus: ../shared/devdata/perf/corpus.jsonl (~3,000-character English news documents). Runs with
``--jobs 1`` (the machine is shared); prints one line per configuration and the family's cost.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "devdata" / "perf" / "corpus.jsonl"


def run(corpus: Path, extra: list[str]) -> float:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "qc.cli", "audit", str(corpus), "--out", out, "--jobs", "1", "--quiet",
               "--no-html", *extra]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if proc.returncode not in (0, 1):
            raise SystemExit(proc.stderr[-2000:])
    return dt


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--repeat", type=int, default=1, help="concatenate the corpus this many times")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = a.corpus
        rows = [json.loads(x) for x in corpus.read_text(encoding="utf-8").splitlines() if x.strip()]
        if a.repeat > 1:
            corpus = Path(tmp) / "corpus.jsonl"
            with open(corpus, "w", encoding="utf-8") as fh:
                for r in range(a.repeat):
                    for row in rows:
                        fh.write(json.dumps({**row, "id": f"{row['id']}-{r}"}, ensure_ascii=False) + "\n")
        n = len(rows) * a.repeat
        configs = {
            "all rules": [],
            "all, --ignore untranslated": ["--ignore", "untranslated"],
            "--select untranslated": ["--select", "untranslated"],
            "--select encoding (baseline cost of reading+writing)": ["--select", "encoding"],
        }
        secs = {}
        for name, extra in configs.items():
            secs[name] = run(corpus, extra)
            print(f"{name:55s} {n / secs[name]:8.1f} docs/s ({secs[name]:.2f} s, {n} docs)")
        ratio = secs["all, --ignore untranslated"] / secs["all rules"]
        print(f"throughput with the family / without it: {ratio:.2f}")


if __name__ == "__main__":
    main()

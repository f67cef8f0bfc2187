"""Size and build time of report.html for N news-sized (~3 KB) generated documents.

    PYTHONPATH=$PWD python bench/bench_html_report.py --docs 20000 [--out DIR]

Documents come from the HTML report tests' ``generated_corpus`` (every family, clusters, astral
characters, errors), each padded to news length with a seeded filler paragraph after its findings.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from qc.html_report import write_html_report
from tests.browser.corpus import generated_corpus, write_audit_dir

FILLER = ("the", "council", "said", "on", "monday", "that", "new", "budget", "would", "fund", "schools", "roads",
          "and", "hospitals")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=20_000)
    ap.add_argument("--out", type=Path)
    a = ap.parse_args()
    out = a.out or Path(tempfile.mkdtemp(prefix="qc-bench-html-"))
    rng = random.Random(1)
    docs = generated_corpus(a.docs)
    for d in docs:
        d["text"] += "\n" + " ".join(rng.choice(FILLER) for _ in range(430))
    write_audit_dir(out, docs)
    t0 = time.perf_counter()
    page = write_html_report(out)
    side = out / "report_files"
    side_mb = sum(p.stat().st_size for p in side.iterdir()) / 1e6 if side.exists() else 0.0
    print(f"documents {a.docs}  texts.jsonl {(out / 'texts.jsonl').stat().st_size / 1e6:.1f} MB  "
          f"report.html {page.stat().st_size / 1e6:.1f} MB  report_files {side_mb:.1f} MB  "
          f"{time.perf_counter() - t0:.1f} s  ({out})")


if __name__ == "__main__":
    main()

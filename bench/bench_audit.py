"""Time `qc audit` end to end on a generated JSONL corpus and print documents/second.

    python bench/bench_audit.py --docs 10000 [--jobs 2] [--select FAMILIES] [--keep DIR]

The corpus is built from the sentences of `seeds/` (shuffled per document, ~3 KB each) with planted
damage: mojibake, no-break spaces, a subscribe line, a Cyrillic UI string, and 10 % near-duplicates.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FURNITURE = ["Subscribe to our newsletter", "Read more", "Share this article", "Заголовок открываемого материала"]


def sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("*.txt")))
    parts = re.split(r"(?<=[.!?])\s+", text.replace("\n", " "))
    return [s.strip() for s in parts if len(s.split()) >= 6]


def generate(path: Path, n: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    pool = sentences()
    docs: list[str] = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            if docs and rng.random() < 0.10:
                body = rng.choice(docs[-500:]).replace(" the ", " a ", 2)
            else:
                paras = []
                while sum(map(len, paras)) < 3000:
                    paras.append(" ".join(rng.sample(pool, 3)))
                body = "\n\n".join(paras)
                if rng.random() < 0.2:
                    body = body.replace("’", "â€™")
                if rng.random() < 0.2:
                    body = body.replace(" the ", " the\xa0", 5)
                docs.append(body)
            text = rng.choice(FURNITURE) + "\n" + body + "\n" + rng.choice(FURNITURE)
            fh.write(json.dumps({"id": f"doc{i:07d}", "text": text}, ensure_ascii=False) + "\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--select", default=None, help="families/rules to run (default: the pack's)")
    ap.add_argument("--keep", type=Path, help="keep the corpus and output here")
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="qc-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    corpus = work / "corpus.jsonl"
    if not corpus.exists():
        generate(corpus, a.docs)
    cmd = [sys.executable, "-m", "qc.cli", "audit", str(corpus), "--out", str(work / "out"), "--quiet",
           "--jobs", str(a.jobs), "--no-html"]
    if a.select:
        cmd += ["--select", a.select]
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    dt = time.perf_counter() - t0
    summary = json.loads((work / "out" / "summary.json").read_text())
    mb = corpus.stat().st_size / 1e6
    print(f"documents      {summary['documents_in']}")
    print(f"corpus MB      {mb:.1f}")
    print(f"jobs           {a.jobs}")
    print(f"select         {a.select or 'pack default'}")
    print(f"wall seconds   {dt:.2f}  (includes interpreter start)")
    print(f"docs/s         {summary['documents_in'] / dt:.0f}")
    print(f"timings        {(work / 'out' / 'timings.json').read_text().strip()}")


if __name__ == "__main__":
    main()

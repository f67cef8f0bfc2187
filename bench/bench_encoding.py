"""Cost of the encoding family: seconds it adds per 1,000 documents (in-process, one core).

Usage: python bench/bench_encoding.py [--docs N]
Corpora: the perf sample (~3,000-character English news, mostly ASCII with curly quotes), the same
documents with Russian-CMS no-break spaces after short words, and the encoding development set (English
and Russian documents full of mojibake, entities, homoglyphs). Each is cycled to N documents. Times
``check_document`` with the encoding rules plus ``clean_text`` with their fixes (what ``qc audit`` adds
for the family; language detection and I/O are not included). The per-rule figures run each rule alone,
so the mojibake scan the rules share (memoised within a document) is counted in each of them.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import time
from pathlib import Path

from qc.engine import check_document, clean_text
from qc.model import Document
from qc.registry import RULES

DEVDATA = Path(__file__).resolve().parents[2] / "shared" / "devdata"


def corpora() -> dict[str, list[str]]:
    perf = [json.loads(x)["text"] for x in (DEVDATA / "perf" / "corpus.jsonl").read_text("utf-8").splitlines()
            if x.strip()]
    nbsp = [re.sub(r"\b(of|in|the|to|on|a|and|for|by) ", "\\1\xa0", t) for t in perf]
    enc = [p.read_text("utf-8") for p in sorted((DEVDATA / "encoding" / "docs").glob("*.txt"))]
    return {"perf (English news)": perf, "perf + NBSP after short words": nbsp, "encoding devset": enc}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=1000)
    a = ap.parse_args()
    rules = [r() for r in RULES if r.id.startswith("encoding/")]
    fixing = {r.id for r in rules if r.fixes}
    for name, texts in corpora().items():
        docs = [Document(id=str(i), text=t, lang="en")
                for i, t in enumerate(itertools.islice(itertools.cycle(texts), a.docs))]
        chars = sum(len(d.text) for d in docs)
        per_rule = dict.fromkeys((r.id for r in rules), 0.0)
        t0 = time.perf_counter()
        n_find = 0
        for d in docs:
            findings, _ = check_document(d, rules)
            clean_text(d.text, findings, fixing)
            n_find += len(findings)
        total = time.perf_counter() - t0
        for r in rules:
            t1 = time.perf_counter()
            for d in docs:
                list(r.check(d))
            per_rule[r.id] += time.perf_counter() - t1
        scale = 1000 / len(docs)
        print(f"{name}: {len(docs)} docs, {chars / len(docs):.0f} chars/doc, {n_find} findings: "
              f"{total * scale:.3f} s per 1,000 docs")
        print("    " + ", ".join(f"{rid.split('/')[1]} {t * scale:.3f}" for rid, t in per_rule.items()))


if __name__ == "__main__":
    main()

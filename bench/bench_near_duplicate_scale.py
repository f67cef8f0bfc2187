"""Near-duplicates at scale, as a user runs them: a templated news crawl with shared sentences.

    python bench/bench_near_duplicate_scale.py [--docs 100000] [--sites 200] [--jobs 2[,1...]] [--work DIR] [--wire N]
        [--max-sentence 600] [--blocks N]

The generator writes ``DIR/corpus.jsonl`` of ~3 KB English news-like documents: each site has its own
header and footer (navigation, newsletter and cookie lines: ~500 characters), documents are
sentences from a text pool (``seeds/`` and ``../shared/devdata/*/docs``) with 15 % of words replaced,
and sentences are shared between documents as in real news: quotes (a pool that many articles cite)
and agency boilerplate paragraphs. 10 % of documents are planted copies of an earlier article (typos,
edited numbers, a changed or swapped sentence, truncation, the same site or another site's template).
With ``--wire N`` one agency story is also planted into N documents of different sites (each in its
site's template, a copy edited as the planted ones are), and the output reports how many of its
copies were flagged against the story's first document (``wire``). With ``--blocks N``, N pairs of
different articles share one ~400-word passage pasted between their paragraphs, and the output
reports how many pairs were clustered together (``blocks``: they should not be). Pool "sentences"
over ``--max-sentence`` characters (code, link lists, widget JSON) are left out.
Then, in the same run, it times two whole processes:

- ``qc audit corpus.jsonl --select near-duplicate --no-html --jobs N`` (the command a user runs; with
  ``--jobs 2,1`` once per value, each beside the same datasketch run), and
- a plain datasketch script: ``MinHash.bulk`` (word 5-grams, 128 permutations), ``MinHashLSH`` at
  0.8, union-find,

and prints (JSON): process wall time and peak RSS of each, the largest predicted cluster against the
largest planted one, the share of flagged documents whose exact word-5-gram Jaccard or containment
with their ``duplicate_of`` (computed here from the texts, all shingles) reaches the rule's bar,
pair precision and recall of the clusters against the planted truth, and the rule's statistics.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_near_duplicate import _pool, devdata_docs, edit_text  # noqa: E402

# The pool's "sentences" are split at sentence ends and line breaks of pages; the 0.1 % longer than
# this (117 of 92,898: code listings, link lists, a 28 KB widget JSON line) are no news sentences.
# Kept (--max-sentence 0), each one pasted into the middle of the ~3 KB articles that draw it made
# them share one long block (the corpus of the 17-document false cluster of stop 20).
MAX_SENTENCE = 600
NAV = ["Home", "World", "Business", "Politics", "Sport", "Culture", "Opinion", "Science", "Tech", "Video"]


def _site_template(rng: random.Random, site: int, vocab: list[str]) -> tuple[str, str]:
    name = " ".join(rng.choice(vocab).capitalize() for _ in range(2))
    nav = " | ".join(rng.sample(NAV, 6))
    head = (f"{name} — news from {rng.choice(vocab)} and beyond\n{nav}\nSign in | Subscribe to the {name} "
            f"newsletter for the day's top {rng.choice(vocab)} stories")
    foot = (f"Share this article on social media\nMore from {name}: " +
            " | ".join(" ".join(rng.choice(vocab) for _ in range(4)) for _ in range(4)) +
            f"\n© 2026 {name} Media Group {site}. All rights reserved. We use cookies to improve your "
            "experience on our site. By continuing you agree to our privacy policy and terms of use.")
    return head, foot


def generate(n: int, sites: int, seed: int = 1, wire: int = 0, max_sentence: int = MAX_SENTENCE,
             blocks: int = 0) -> tuple[list[dict], dict[int, int]]:
    """Documents ``{id, text, site}`` and ``{copy ordinal: original ordinal}`` (with ``wire``, see
    ``plant_wire``; with ``blocks``, ``plant_blocks``); pool sentences longer than ``max_sentence``
    characters are left out (0: none)."""
    rng = random.Random(seed)
    pool, vocab = _pool([REPO / "seeds", *devdata_docs()])
    if max_sentence:
        pool = [s for s in pool if len(s) <= max_sentence]

    def sentence() -> str:
        return " ".join(w if rng.random() > 0.15 else rng.choice(vocab) for w in rng.choice(pool).split())

    templates = [_site_template(rng, s, vocab) for s in range(sites)]
    quotes = [f"\u201c{sentence()}\u201d said {rng.choice(vocab).capitalize()}." for _ in range(3000)]
    agency = [" ".join(sentence() for _ in range(3)) for _ in range(30)]
    docs: list[dict] = []
    bodies: list[str] = []
    truth: dict[int, int] = {}
    for i in range(n):
        site = rng.randrange(sites)
        if bodies and rng.random() < 0.10:
            orig = rng.randrange(max(0, len(docs) - 5000), len(docs))
            while orig in truth:
                orig = truth[orig]
            body = _edit(bodies[orig], rng, sentence)
            if rng.random() < 0.5:
                site = docs[orig]["site"]
            truth[i] = orig
        else:
            out, size = [], 0
            while size < 2500:
                r = rng.random()
                s = rng.choice(quotes) if r < 0.08 else sentence()
                out.append(s)
                size += len(s) + 1
            if rng.random() < 0.3:
                out.append(rng.choice(agency))
            body = "\n\n".join(" ".join(out[k:k + 4]) for k in range(0, len(out), 4))
        head, foot = templates[site]
        bodies.append(body)
        docs.append({"id": f"d{i:07d}", "site": site, "text": f"{head}\n{body}\n{foot}"})
    if wire > 1:
        plant_wire(docs, bodies, truth, templates, wire, random.Random(seed + 1), sentence)
    if blocks:
        plant_blocks(docs, bodies, truth, templates, blocks, random.Random(seed + 2), sentence)
    return docs, truth


def plant_wire(docs: list[dict], bodies: list[str], truth: dict[int, int], templates: list[tuple[str, str]],
               copies: int, rng: random.Random, sentence) -> None:
    """One story (the body of an article that is nobody's copy, early in the corpus) replaces
    ``copies - 1`` later single-copy articles, each on another site than the last (cycling through
    the sites) and edited like a planted copy; ``truth`` maps them to the story's document."""
    taken = set(truth) | set(truth.values())
    free = [i for i in range(len(docs) // 20, len(docs)) if i not in taken]
    story, *spots = sorted(rng.sample(free, copies))
    order = rng.sample(range(len(templates)), len(templates))
    for k, i in enumerate(spots):
        site = order[k % len(order)]
        head, foot = templates[site]
        docs[i] = {"id": docs[i]["id"], "site": site,
                   "text": f"{head}\n{_edit(bodies[story], rng, sentence)}\n{foot}", "wire": story}
        truth[i] = story


def plant_blocks(docs: list[dict], bodies: list[str], truth: dict[int, int], templates: list[tuple[str, str]],
                 pairs: int, rng: random.Random, sentence) -> None:
    """``pairs`` pairs of different single-copy articles that share one long passage (~400 words:
    a statement or press release quoted in full) pasted between their paragraphs, at the same
    place in both (articles that are nobody's copy or original); they stay different articles
    (``block`` numbers the pair)."""
    taken = set(truth) | set(truth.values()) | {d["wire"] for d in docs if "wire" in d}
    taken |= {i for i, d in enumerate(docs) if "wire" in d}
    free = [i for i in range(len(docs)) if i not in taken]
    chosen = rng.sample(free, 2 * pairs)
    for k in range(pairs):
        block, size = [], 0
        while size < 2400:
            block.append(sentence())
            size += len(block[-1]) + 1
        passage = " ".join(block)
        for i in chosen[2 * k:2 * k + 2]:
            paras = bodies[i].split("\n\n")
            at = len(paras) // 2
            body = "\n\n".join([*paras[:at], passage, *paras[at:]])
            head, foot = templates[docs[i]["site"]]
            docs[i] = {**docs[i], "text": f"{head}\n{body}\n{foot}", "block": k}


def _edit(body: str, rng: random.Random, sentence) -> str:
    ops = rng.sample(["typos", "numbers", "swap", "sentence", "truncate"], k=rng.randint(1, 3))
    return edit_text(body, rng, sentence, ops)


DATASKETCH = r'''
import json, sys
sys.path.insert(0, sys.argv[2])
sys.path.insert(0, sys.argv[2] + "/bench")
from bench_near_duplicate import datasketch_duplicates
from qc.near_duplicate.shingle import Shingler
sh = Shingler(5)
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
print(json.dumps({"flagged": datasketch_duplicates(([g.encode() for g in sh.shingles(t)] for t in texts), 0.8)}))
'''


def _timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS (MB, from /usr/bin/time when present) and stdout of a whole process."""
    timer = ["/usr/bin/time", "-f", "%M"] if Path("/usr/bin/time").exists() else []
    t = time.perf_counter()
    proc = subprocess.run(timer + cmd, capture_output=True, text=True, cwd=REPO)
    dt = time.perf_counter() - t
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    peak = float(proc.stderr.strip().splitlines()[-1]) / 1024 if timer else float("nan")
    return dt, peak, proc.stdout


def c2(k: int) -> int:
    return k * (k - 1) // 2


def evaluate(docs: list[dict], truth: dict[int, int], out: Path) -> dict:
    from collections import Counter

    from qc.near_duplicate.near_duplicate import NearDuplicate

    rule = NearDuplicate()
    o = rule.options
    index = {d["id"]: i for i, d in enumerate(docs)}
    article = list(range(len(docs)))
    for c, orig in truth.items():
        article[c] = article[orig]
    rows = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    clusters: dict[str, list[int]] = {}
    flagged = []
    for r in rows:
        if r["cluster"] is not None:
            clusters.setdefault(r["cluster"], []).append(index[r["id"]])
        if r["duplicate_of"]:
            flagged.append((index[r["id"]], index[r["duplicate_of"]]))
    above = 0
    for d, k in flagged:
        a, b = (set(rule.shingler.shingles(docs[x]["text"])) for x in (d, k))
        inter = len(a & b)
        j, c = inter / len(a | b), inter / min(len(a), len(b))
        above += j >= o.jaccard_min or c >= o.containment_min
    pred = sum(c2(len(m)) for m in clusters.values())
    correct = sum(sum(c2(v) for v in Counter(article[x] for x in m).values()) for m in clusters.values())
    true_pairs = sum(c2(v) for v in Counter(article).values())
    planted = Counter(article)
    wire = {}
    stories = {d["wire"] for d in docs if "wire" in d}
    if stories:
        (story,) = stories
        copies = [i for i, d in enumerate(docs) if d.get("wire") == story]
        found = {d for d, k in flagged if k == story}
        wire = {"wire": {"copies": len(copies), "flagged_against_story": len(found & set(copies)),
                         "flagged_elsewhere": sum(1 for d, k in flagged if d in copies and k != story)}}
    block_of = {i: d["block"] for i, d in enumerate(docs) if "block" in d}
    if block_of:
        cluster_of = {index[r["id"]]: r["cluster"] for r in rows if r["cluster"] is not None}
        together = {block_of[i] for i in block_of for j in block_of
                    if i < j and block_of[i] == block_of[j] and i in cluster_of and cluster_of[i] == cluster_of.get(j)}
        wire["blocks"] = {"pairs": len(set(block_of.values())), "clustered_together": len(together)}
    return {**wire,"flagged": len(flagged), "planted_copies": len(truth),
            "largest_cluster": max((len(m) for m in clusters.values()), default=1),
            "largest_planted": max(planted.values()),
            "flagged_above_bar_share": round(above / len(flagged), 4) if flagged else None,
            "pair_precision": round(correct / pred, 4) if pred else None,
            "pair_recall": round(correct / true_pairs, 4) if true_pairs else None}


def _phases(t: dict, wall: float) -> dict:
    """The process wall time beside the run's own phases (the rest is start-up, imports, pack build)."""
    return {"process_wall": round(wall, 2), "pass_one": t["per_document_seconds"], "resolve": t["corpus_seconds"],
            "pass_two_and_writing": t["write_seconds"],
            "start_up_and_imports": round(wall - t["total_seconds"], 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--sites", type=int, default=200)
    ap.add_argument("--jobs", default="2", help="worker processes; a comma list times one audit per value")
    ap.add_argument("--work", type=Path, default=Path("/tmp/newsqc-nd-scale"))
    ap.add_argument("--wire", type=int, default=0, help="plant one story into this many documents of different sites")
    ap.add_argument("--blocks", type=int, default=0,
                    help="plant this many pairs of different articles sharing one ~400-word passage")
    ap.add_argument("--max-sentence", type=int, default=MAX_SENTENCE,
                    help="leave pool sentences longer than this out (0: keep them all, as before)")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    corpus = a.work / (f"corpus-{a.docs}{f'-wire{a.wire}' if a.wire else ''}"
                       f"{f'-s{a.max_sentence}' if a.max_sentence != MAX_SENTENCE else ''}"
                       f"{f'-b{a.blocks}' if a.blocks else ''}.jsonl")
    t = time.perf_counter()
    docs, truth = generate(a.docs, a.sites, wire=a.wire, max_sentence=a.max_sentence, blocks=a.blocks)
    with open(corpus, "w", encoding="utf-8") as fh:
        for d in docs:
            fh.write(json.dumps({"id": d["id"], "text": d["text"]}) + "\n")
    gen = time.perf_counter() - t
    out = a.work / f"out-{corpus.stem[7:]}"
    runs, walls = {}, {}
    for jobs in [int(j) for j in str(a.jobs).split(",")]:
        qc_s, qc_mb, _ = _timed([sys.executable, "-m", "qc.cli", "audit", str(corpus), "--out", str(out), "--select",
                                 "near-duplicate", "--no-html", "--quiet", "--jobs", str(jobs)])
        timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))  # the run's own phases
        walls[jobs] = qc_s
        runs[jobs] = {"jobs": jobs, "wall_seconds": round(qc_s, 1), "docs_per_s": round(a.docs / qc_s),
                      "peak_mb": round(qc_mb), "phases_seconds": _phases(timings, qc_s), "timings": timings}
    ds_s, ds_mb, ds_out = _timed([sys.executable, "-c", DATASKETCH, str(corpus), str(REPO)])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    nd = summary["corpus"]["near-duplicate/near-duplicate"] if "corpus" in summary else {}
    first = next(iter(runs.values()))
    print(json.dumps({
        "docs": a.docs, "sites": a.sites, "generate_seconds": round(gen, 1),
        "qc_audit": first,
        **({"qc_audit_by_jobs": {str(j): {"docs_per_s": r["docs_per_s"], "wall_seconds": r["wall_seconds"],
                                          "phases_seconds": r["phases_seconds"],
                                          "qc_vs_datasketch_speed": round(ds_s / walls[j], 2)}
                                  for j, r in runs.items()}} if len(runs) > 1 else {}),
        "datasketch": {"wall_seconds": round(ds_s, 1), "peak_mb": round(ds_mb), **json.loads(ds_out)},
        "qc_vs_datasketch_speed": round(ds_s / walls[first["jobs"]], 2),
        **evaluate(docs, truth, out),
        "rule_stats": nd,
    }, indent=2))


if __name__ == "__main__":
    main()

"""Documents/second of the full audit on each executor, and peak memory per worker, on one generated corpus.

    python bench/bench_executors.py                        # 5,000 docs of ~3 KB; local 1 and 2 jobs, Ray 1 and 2
    python bench/bench_executors.py --docs 1000 --configs local:1,ray:1

Each configuration runs ``run_audit`` (default rule pack, JSONL in, every output written) in a fresh
subprocess, so peak-memory figures are not polluted by an earlier run. Figures printed:

- ``startup s``: building the executor (for Ray: starting a local instance; Ray Data starts the actors,
  which build the rule pack, inside pass one);
- ``docs/s``: documents over the whole audit's wall time, startup included;
- ``steady docs/s``: documents over the audit's time minus startup (what a long run converges to);
- ``pass one s``: the per-document pass (what the executor parallelises), startup excluded;
- ``resolve+write s``: corpus-rule resolve and pass two (on the driver; at these sizes the resolve is
  not partitioned, see README);
- ``driver MB`` / ``worker MB``: peak resident memory of the driver and of the largest worker process
  (inline runs have no separate worker: the driver does the work).

The outputs of all configurations are compared byte for byte (``reports.jsonl``, ``edits.jsonl``).

``--configs driver:0`` measures the driver alone, the ceiling of any cluster: pass one's results are
computed first (untimed), then ``run_audit`` is timed with an executor that hands them back at once,
each result pickled and unpickled as it would arrive from a Ray worker. Its docs/s divided by one
worker's docs/s is roughly how many workers a single driver can keep busy.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

_VOCABULARY = ("the council said on monday that new budget would fund schools roads and hospitals across region while "
         "critics argued plan left rural towns behind asked ministers to explain how money be spent before vote "
         "next week police court minister told reporters river bridge flood storm season club match coach "
         "players fans stadium bank rates inflation prices energy bills households families workers union "
         "strike talks company shares market investors profits quarter report health service doctors nurses "
         "patients waiting lists government opposition party leader election campaign voters poll result "
         "a of in for with from by after during under between against about over")
WORDS = _VOCABULARY.split()
MOJIBAKE = ("They donâ€™t expect the cafÃ© to reopen this year.", "The mayorâ€™s office declined to comment.",
            "Residents of SÃ£o Paulo waited for hours.", "Itâ€™s the third time â€” officials said.")


def make_corpus(path: Path, docs: int, chars: int, seed: int = 1) -> None:
    """``docs`` news-like English documents of about ``chars`` characters; 1 in 10 carries mojibake,
    1 in 25 is an exact duplicate and 1 in 25 a near duplicate of an earlier document."""
    rng = random.Random(seed)
    texts: list[str] = []

    def sentence() -> str:
        return " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 20))).capitalize() + "."

    with path.open("w", encoding="utf-8") as fh:
        for i in range(docs):
            if i >= 50 and i % 25 == 0:
                text = texts[rng.randrange(len(texts))]
            elif i >= 50 and i % 25 == 7:
                text = texts[rng.randrange(len(texts))] + " " + sentence()
            else:
                paras, size = [], 0
                while size < chars:
                    para = " ".join(sentence() for _ in range(rng.randint(2, 5)))
                    paras.append(para)
                    size += len(para) + 2
                text = "\n\n".join(paras)
            if i % 10 == 3:
                text += "\n\n" + rng.choice(MOJIBAKE)
            if len(texts) < 2000:  # duplicates are drawn from the first documents: bounded generator memory
                texts.append(text)
            fh.write(json.dumps({"id": f"doc-{i:06d}", "text": text}, ensure_ascii=False) + "\n")


def run_one(config: str, src: Path, out: Path, select: str | None = None) -> dict:
    """One audit in this process; returns the figures as a dict (printed as JSON by ``--run``)."""
    import qc.runner
    from qc.pack import load_pack
    from qc.runner import AuditConfig, run_audit

    kind, jobs = config.split(":")
    made: dict = {}
    pack = load_pack(None, select=select.split(",") if select else None)
    real = _replayed_pass_one(pack, src) if kind == "driver" else qc.runner.make_executor

    def timed_make(*args, **kwargs):  # record the executor and its start-up time
        t = time.perf_counter()
        ex = real(*args, **kwargs)
        made["startup"] = time.perf_counter() - t
        made["executor"] = ex
        return ex

    qc.runner.make_executor = timed_make
    t0 = time.perf_counter()
    result = run_audit(AuditConfig(input=src, out=out, pack=pack, jobs=int(jobs),
                                   executor="local" if kind == "driver" else kind))
    wall = time.perf_counter() - t0
    n = result.summary["documents_in"]
    ex = made["executor"]
    driver = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if kind == "ray":
        workers = list(ex.worker_peak_rss_mb)
    elif int(jobs) > 1:  # pool children have been joined: RUSAGE_CHILDREN holds the largest one's peak
        workers = [resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024]
    else:
        workers = []
    return {"config": config, "docs": n, "workers": ex.jobs, "startup": made["startup"], "wall": wall,
            "docs_per_s": n / wall, "steady_docs_per_s": n / max(wall - made["startup"], 1e-9),
            "pass_one": result.summary["timings"]["per_document_seconds"] - made["startup"],
            "driver_rest": result.summary["timings"]["corpus_seconds"] + result.summary["timings"]["write_seconds"],
            "driver_mb": driver, "worker_mb": max(workers) if workers else None,
            "worker_mb_each": [round(w, 1) for w in workers]}


def _replayed_pass_one(pack, src: Path):
    """Compute pass one now (untimed); returns an executor factory that replays it as if from remote workers."""
    import pickle

    from qc.executor import LocalExecutor, spool_results
    from qc.readers import ReadOptions, input_splits

    local = LocalExecutor(pack, 1)
    blobs = [pickle.dumps(batch) for batch in local.map_splits(input_splits(src), ReadOptions(), 64)]

    class Replay:
        jobs = 0
        task_workers = 1

        def __init__(self) -> None:
            self.worker_peak_rss_mb: list[float] = []

        def map_splits(self, splits, options, batch_size):
            for blob in blobs:
                yield pickle.loads(blob)

        def spool_splits(self, splits, options, batch_size, spool):
            return spool_results(self.map_splits(splits, options, batch_size), spool)

        map_tasks = LocalExecutor.map_tasks
        connected_components = LocalExecutor.connected_components

        def close(self) -> None:
            pass

    return lambda *args, **kwargs: Replay()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--chars", type=int, default=3000, help="approximate characters per document")
    ap.add_argument("--configs", default="local:1,local:2,ray:1,ray:2",
                    help="comma-separated executor:workers (default: local:1,local:2,ray:1,ray:2)")
    ap.add_argument("--select", help="rule ids or families to run, comma-separated (default: the whole pack)")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--input", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.run:
        print(json.dumps(run_one(args.run, args.input, args.out, args.select)))
        return 0

    with tempfile.TemporaryDirectory(prefix="qc-bench-") as tmp:
        src = Path(tmp) / "corpus.jsonl"
        make_corpus(src, args.docs, args.chars)
        mb = src.stat().st_size / 1e6
        print(f"corpus: {args.docs:,} documents, {mb:.1f} MB ({src.stat().st_size / args.docs / 1000:.1f} KB/doc); "
              f"rules: {args.select or 'the whole default pack'}")
        header = (f"{'executor':10} {'workers':>7} {'startup s':>9} {'wall s':>8} {'docs/s':>8} "
                  f"{'steady docs/s':>13} {'pass one s':>10} {'resolve+write s':>15} {'driver MB':>9} {'worker MB':>9}")
        print(header)
        first: Path | None = None
        for config in args.configs.split(","):
            out = Path(tmp) / config.replace(":", "-")
            cmd = [sys.executable, __file__, "--run", config, "--input", str(src), "--out", str(out)]
            proc = subprocess.run(cmd + (["--select", args.select] if args.select else []), capture_output=True,
                                  text=True)
            if proc.returncode != 0:
                print(f"{config}: failed\n{proc.stderr.strip()[-2000:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            worker = f"{r['worker_mb']:.0f}" if r["worker_mb"] else "-"
            print(f"{config.split(':')[0]:10} {r['workers']:>7} {r['startup']:>9.2f} {r['wall']:>8.1f} "
                  f"{r['docs_per_s']:>8.1f} {r['steady_docs_per_s']:>13.1f} {r['pass_one']:>10.1f} "
                  f"{r['driver_rest']:>15.1f} {r['driver_mb']:>9.0f} {worker:>9}",
                  flush=True)
            if first is None:
                first = out
            else:
                same = all((out / f).read_bytes() == (first / f).read_bytes() for f in ("reports.jsonl", "edits.jsonl"))
                if not same:
                    print(f"  WARNING: {config} outputs differ from {args.configs.split(',')[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""One audit run: stream documents through pass one, resolve corpus rules, then write every output.

Pass one (per document, parallel) spools its results to disk in batches so memory stays bounded,
each with the output lines it has if no corpus rule flags it (``qc.spool``); the driver keeps ids and
sketch rows. Corpus rules resolve over the collected sketch rows; pass two writes the spooled lines in
input order, finishing again (merge, clean, judge) only the documents corpus rules flagged.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from qc.engine import LANGUAGE_STEP, DocResult
from qc.executor import Executor, ExecutorError, LocalExecutor, fix_rule_ids
from qc.gate import gate_record
from qc.pack import Pack
from qc.readers import ReadOptions, UniqueIds, input_kind, input_splits
from qc.report import SEVERITY_RANK, Summary
from qc.rule import CorpusResult, CorpusRule, Rule
from qc.spool import SPOOL_STEP, Finished, Finishing, Lines, Spool, Spooled, join_rows, read_part, render
from qc.spool import finish as _finish
from qc.writers import (
    FINDINGS_SCHEMA,
    AtomicLines,
    make_temp_dir,
    ndjson_to_parquet,
    pretty_json,
    remove_stale_temps,
    render_markdown,
    report_relpath,
    safe_relpath,
    write_atomic,
)

BATCH_SIZE = 64
MAX_LISTED = 1000  # fail_on hits and failing documents kept for the gate's annotations (the rest are counted)


@dataclass(kw_only=True)
class AuditConfig:
    input: Path | str  # a local path or an fsspec URL
    out: Path
    pack: Pack
    read: ReadOptions = field(default_factory=ReadOptions)
    jobs: int = 1
    batch_size: int = BATCH_SIZE
    reports: bool = True  # False for `qc clean`: cleaned output and the edit log only
    texts: bool = False  # also write texts.jsonl (original texts, for the HTML report)
    executor: str = "local"  # or "ray"
    address: str | None = None  # Ray cluster address
    progress: Callable[[int], None] | None = None
    keep_rows: bool = False  # return the corpus rules' sketch rows (qc index build/add)
    shard_size: int = 0  # JSONL/Parquet input: documents per clean output part (0: one clean.jsonl/.parquet)


@dataclass
class AuditResult:
    summary: dict[str, Any]
    out: Path
    fail_on_hits: list[dict[str, Any]]
    gate: dict[str, Any] | None  # the pack's [gate] judged on this run (also summary["gate"]); None for clean
    failed: list[dict[str, Any]] = field(default_factory=list)  # the first MAX_LISTED failing documents
    rows: dict[str, pl.DataFrame] = field(default_factory=dict)  # corpus rules' sketch rows (keep_rows)
    ids: list[str] = field(default_factory=list)


# The optional extra ``newsqc[ray]`` brings these; a missing one means "install the extra".
_RAY_EXTRA = ("ray", "pyarrow")


def make_executor(pack: Pack, jobs: int, rules: Sequence[Rule], kind: str = "local",
                  address: str | None = None) -> Executor:
    """The executor named on the command line (``--executor local|ray``)."""
    if kind == "local":
        return LocalExecutor(pack, jobs, rules)
    if kind == "ray":
        try:
            from qc.executor_ray import RayExecutor
        except ModuleNotFoundError as exc:
            if (exc.name or "").split(".")[0] not in _RAY_EXTRA:
                raise
            raise ExecutorError("--executor ray needs Ray: pip install 'newsqc[ray]'") from exc
        return RayExecutor(pack, jobs, rules, address=address)
    raise ValueError(f"unknown executor {kind!r}")


def run_audit(cfg: AuditConfig) -> AuditResult:
    t0 = time.perf_counter()
    cpu0 = time.process_time()
    pack = cfg.pack
    # With workers (pool or Ray) this process resolves corpus rules only: the document rules are built
    # where batches run (``LocalExecutor`` builds them here on first use when it runs batches inline).
    inline = cfg.executor == "local" and cfg.jobs <= 1
    rules = pack.build(corpus_only=not inline)
    build_seconds = time.perf_counter() - t0
    corpus_rules = [r for r in rules if isinstance(r, CorpusRule)]
    splits = input_splits(cfg.input, cfg.read)  # input errors before any executor starts
    executor = make_executor(pack, cfg.jobs, rules if inline else None, cfg.executor, cfg.address)
    cfg.out.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(cfg.out)  # a killed run's spool and temp files
    spool = make_temp_dir(cfg.out, "spool")
    try:
        # ---- pass one: per-document rules and sketches, spooled in order (by whoever ran the batch)
        kind = input_kind(cfg.input)
        fix_rules = fix_rule_ids(pack)
        finishing = Finishing.of(pack, fix_rules, cfg.read.text_field, reports=cfg.reports,
                                 clean_lines=kind in ("jsonl", "parquet"), texts=cfg.texts)
        # per-file outputs (text and directory input) are finished in pass two only
        how = None if kind in ("text", "dir") else finishing
        kept = _PassOne({r.id: [] for r in corpus_rules})
        clock = _Clock()
        for batch in executor.spool_splits(splits, cfg.read, cfg.batch_size, Spool(spool, how)):
            clock.add_batch(batch)
            kept.add(batch)
            if cfg.progress:
                cfg.progress(len(kept.ids))
        t1 = time.perf_counter()
        cpu1 = time.process_time()

        # ---- corpus rules
        corpus: dict[str, CorpusResult] = {}
        kept_rows: dict[str, pl.DataFrame] = {}
        ids, replaced = kept.ids, kept.replaced
        for rule in corpus_rules:
            if cfg.keep_rows:
                kept_rows[rule.id] = join_rows(kept.sketches.pop(rule.id))
                corpus[rule.id] = rule.resolve(kept_rows[rule.id], ids, executor)
            else:  # handed over, no reference kept: resolve can free columns it is done with
                corpus[rule.id] = rule.resolve(join_rows(kept.sketches.pop(rule.id)), ids, executor)
        t2 = time.perf_counter()

        # ---- pass two: merge, clean, judge, write
        touched = set(replaced).union(*(c.findings.keys() | c.cluster.keys() | c.duplicate_of.keys()
                                        for c in corpus.values()))
        writer = _Outputs(cfg, kind)
        try:
            ordinal = 0
            for part in kept.parts:
                for res, lines in read_part(part):
                    res.ordinal = ordinal
                    if ordinal in touched or lines is None:
                        if ordinal in replaced:
                            new_id, error = replaced[ordinal]
                            res = DocResult.bad_input(ordinal, new_id, res.source, res.meta, error)
                        fin = _finish(res, corpus, ids, finishing)
                        writer.write(res, render(fin, finishing), fin)
                    else:  # no corpus rule said anything: the lines spooled with it are final
                        writer.write(res, lines)
                    ordinal += 1
            t3 = time.perf_counter()
            summary = writer.summary.to_dict()
            summary["pack"] = {"name": pack.name, "path": pack.path.name, "rules": list(pack.selected)}
            summary["corpus"] = {rid: res.stats for rid, res in corpus.items() if res.stats}
            timings = {
                "per_document_seconds": round(t1 - t0, 3), "corpus_seconds": round(t2 - t1, 3),
                "write_seconds": round(t3 - t2, 3), "total_seconds": round(t3 - t0, 3),
                "documents_per_second": round(summary["documents_in"] / max(t3 - t0, 1e-9), 1),
                "jobs": executor.jobs,
                **clock.record(pack.selected, build_seconds, cpu1 - cpu0),
            }
            gate = gate_record(summary, pack.gate) if cfg.reports else None
            if gate is not None:
                summary["gate"] = gate
            writer.commit(summary, timings)
            summary["timings"] = timings  # in the result; on disk only in timings.json (it changes every run)
        except BaseException:
            writer.abort()
            raise
        return AuditResult(summary, cfg.out, writer.fail_on_hits, gate, writer.failed, kept_rows,
                           ids if cfg.keep_rows else [])
    finally:
        executor.close()
        shutil.rmtree(spool, ignore_errors=True)


@dataclass
class _PassOne:
    """What the driver keeps of pass one: ids in input order, each corpus rule's sketch rows with the
    ordinal of their batch's first document, the spool parts in order, and the error rows that the
    duplicate-id check of JSONL byte ranges makes (``UniqueIds``, as a sequential reader would)."""

    sketches: dict[str, list[tuple[int, pl.DataFrame]]]
    ids: list[str] = field(default_factory=list)
    parts: list[Path] = field(default_factory=list)
    replaced: dict[int, tuple[str, str]] = field(default_factory=dict)  # ordinal -> (id, error)
    unique: UniqueIds = field(default_factory=UniqueIds)

    def add(self, batch: Spooled) -> None:
        base = len(self.ids)
        dropped = []
        if batch.checked:
            self.ids.extend(batch.ids)
        else:
            for k, (doc_id, source) in enumerate(zip(batch.ids, batch.sources, strict=True)):
                clash = self.unique.clash(doc_id, source)
                if clash is not None:
                    self.replaced[base + k] = clash
                    dropped.append(k)
                self.ids.append(doc_id if clash is None else clash[0])
        for rid, frame in batch.sketches.items():
            if dropped:  # an error row has no sketch
                frame = frame.filter(~pl.col("doc").is_in(dropped))
            self.sketches[rid].append((base, frame))
        if not self.parts or self.parts[-1] != batch.part:
            self.parts.append(batch.part)


@dataclass
class _Clock:
    """Pass one's timers summed over batches: seconds per rule and of spooling (from every worker), each
    process's pack build. Timings go to ``timings.json`` only (they change every run)."""

    rule_seconds: dict[str, float] = field(default_factory=dict)
    worker_build_seconds: dict[int, float] = field(default_factory=dict)

    def add_batch(self, batch: Spooled) -> None:
        for key, sec in batch.seconds.items():
            self.rule_seconds[key] = self.rule_seconds.get(key, 0.0) + sec
        if batch.build_seconds is not None:
            self.worker_build_seconds[batch.pid] = batch.build_seconds

    def record(self, selected: Sequence[str], build_seconds: float, driver_cpu: float) -> dict[str, Any]:
        """The timings.json keys: ``per_rule_seconds`` (every selected rule, registry order),
        ``per_family_seconds`` (the sum of its rules), ``language_seconds``, pack builds per process
        (the driver's: corpus rules only when workers run the batches) and the driver's CPU seconds in
        pass one (reading, shipping batches, spooling)."""
        per_rule = {rid: round(self.rule_seconds.get(rid, 0.0), 4) for rid in selected}
        per_family: dict[str, float] = {}
        for rid in selected:
            family = rid.split("/", 1)[0]
            per_family[family] = per_family.get(family, 0.0) + self.rule_seconds.get(rid, 0.0)
        return {
            "per_rule_seconds": per_rule,
            "per_family_seconds": {k: round(v, 4) for k, v in per_family.items()},
            "language_seconds": round(self.rule_seconds.get(LANGUAGE_STEP, 0.0), 4),
            "pack_build_seconds": {"driver": round(build_seconds, 3),
                                   "workers": [round(self.worker_build_seconds[p], 3)
                                               for p in sorted(self.worker_build_seconds)]},
            "driver_cpu_seconds_pass_one": round(driver_cpu, 3),
            "spool_seconds": round(self.rule_seconds.get(SPOOL_STEP, 0.0), 4),
        }


def _line_col(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _failure(row: dict[str, Any], text: str) -> dict[str, Any]:
    """A failing document for the gate's annotations: its error, or its most severe finding."""
    out = {"id": row["id"], "source": row["source"], "error": row["error"], "line": 1, "col": 1,
           "rule": None, "message": row["error"]}
    if not row["error"] and row["findings"]:
        worst = max(row["findings"], key=lambda f: SEVERITY_RANK[f["severity"]])
        line, col = _line_col(text, worst["start"])
        out.update(line=line, col=col, rule=worst["rule"], message=worst["message"])
    return out


class _Outputs:
    """Every output file of a run; line files appear atomically on ``commit``."""

    def __init__(self, cfg: AuditConfig, kind: str):
        self.cfg = cfg
        self.kind = kind
        self.out = cfg.out
        self.summary = Summary()
        self.fail_on = cfg.pack.gate.fail_on
        self.fail_on_hits: list[dict[str, Any]] = []
        self.failed: list[dict[str, Any]] = []
        self.per_file = kind in ("text", "dir")
        self.reports = self.edits = self.findings_tmp = self.texts = self.clean_lines = None
        self.shard = 0  # current part of a sharded clean output
        self.shard_rows = 0
        self.shards: list[Path] = []
        try:
            self.reports = AtomicLines(self.out / "reports.jsonl") if cfg.reports else None
            self.edits = AtomicLines(self.out / "edits.jsonl")
            self.findings_tmp = AtomicLines(self.out / "findings.ndjson") if cfg.reports else None  # -> .parquet
            self.texts = AtomicLines(self.out / "texts.jsonl") if cfg.texts else None
            if not cfg.texts:  # the HTML report's input, removed once it is written: one left here is stale
                (self.out / "texts.jsonl").unlink(missing_ok=True)
            if kind in ("jsonl", "parquet"):
                self.clean_lines = self._clean_part()
        except BaseException:
            self.abort()
            raise

    def write(self, res: DocResult, lines: Lines, fin: Finished | None = None) -> None:
        """One document's outputs: its lines, and for file and directory input (``fin`` given) its
        cleaned file and per-file reports."""
        row = lines.row
        self.summary.add(row)
        if self.reports:
            self.reports.write_line(lines.report)
            for line in lines.findings:
                self.findings_tmp.write_line(line)
        for f in row["findings"]:
            if f["rule"] in self.fail_on and len(self.fail_on_hits) < MAX_LISTED:
                line, col = _line_col(res.text, f["start"])
                self.fail_on_hits.append({"id": row["id"], "source": row["source"], "line": line, "col": col, **f})
        if row["verdict"] == "fail" and len(self.failed) < MAX_LISTED:
            self.failed.append(_failure(row, res.text))
        if lines.edits is not None:
            self.edits.write_line(lines.edits)
        if self.texts and lines.text is not None:
            self.texts.write_line(lines.text)
        keep = not row["dropped"] and not res.input_error
        if self.per_file:
            assert fin is not None
            rel = safe_relpath(row["id"])
            if keep:
                write_atomic(self.out / "clean" / rel, fin.clean)
            if self.reports:
                report = report_relpath(row["id"])
                write_atomic(self.out / "files" / f"{report}.json", pretty_json(row))
                write_atomic(self.out / "files" / f"{report}.md", render_markdown(row, res.text, fin.edits))
        elif self.clean_lines and keep:
            if self.cfg.shard_size and self.shard_rows >= self.cfg.shard_size:
                self._finish_clean_part()
                self.shard += 1
                self.shard_rows = 0
                self.clean_lines = self._clean_part()
            self.clean_lines.write_line(lines.clean)
            self.shard_rows += 1

    def _clean_part(self) -> AtomicLines:
        """``clean.jsonl`` (``clean.parquet``), or ``clean/part-NNNNN.*`` with ``--shard-size``."""
        path = self.out / (f"clean/part-{self.shard:05d}.jsonl" if self.cfg.shard_size else "clean.jsonl")
        return AtomicLines(path if self.kind == "jsonl" else path.with_suffix(".parquet"))

    def _finish_clean_part(self) -> None:
        assert self.clean_lines is not None
        path = self.clean_lines.path
        if self.kind == "parquet":  # the lines are NDJSON; the published file is their Parquet
            src = self.clean_lines.close_temp()
            try:
                ndjson_to_parquet(src, path)
            finally:
                src.unlink(missing_ok=True)
        else:
            self.clean_lines.commit()
        self.shards.append(path)

    def commit(self, summary: dict[str, Any], timings: dict[str, Any]) -> None:
        if self.reports:
            write_atomic(self.out / "timings.json", pretty_json(timings))
            self.reports.commit()
            src = self.findings_tmp.close_temp()
            try:
                ndjson_to_parquet(src, self.out / "findings.parquet", FINDINGS_SCHEMA)
            finally:
                src.unlink(missing_ok=True)
            write_atomic(self.out / "summary.json", pretty_json(summary))
        self.edits.commit()
        if self.texts:
            self.texts.commit()
        if self.clean_lines:
            self._finish_clean_part()

    def abort(self) -> None:
        for f in (self.reports, self.edits, self.findings_tmp, self.texts, self.clean_lines):
            if f is not None:
                f.abort()

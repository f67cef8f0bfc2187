"""The spool: pass one's per-document results on disk until pass two writes the outputs.

Whoever runs a batch writes it to the run's spool folder (a pool worker writes its own part, so texts
never travel back through a pipe); a worker adds each document's output lines *as they are when no
corpus rule has anything to say about it*: most documents. Pass two writes those lines as they are
and finishes again only the documents that corpus rules flagged or clustered (and every document
the driver spooled itself) (``finish``, the one
way a result becomes a report row). The driver keeps only what ``Spooled`` holds: ids, sketch rows,
timers.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import os
import pickle
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from qc.engine import BatchResult, DocResult, clean_text, finding_order
from qc.fixes import Edit
from qc.model import Finding, excerpt
from qc.pack import Pack, Selector, VerdictPolicy
from qc.report import report_row
from qc.rule import CorpusResult
from qc.writers import FINDINGS_SCHEMA, encode_line


@dataclass(frozen=True, slots=True)
class Finishing:
    """What turning a result into output lines depends on, besides the corpus rules (picklable, so
    workers finish the documents that corpus rules leave alone)."""

    policy: VerdictPolicy
    drop_documents: Selector  # a finding of these rules drops the document
    fix_rules: frozenset[str]
    text_field: str
    reports: bool  # reports.jsonl and findings (False for ``qc clean``)
    clean_lines: bool  # clean.jsonl / clean.parquet lines (JSONL and Parquet input)
    texts: bool  # texts.jsonl (the HTML report's input)

    @classmethod
    def of(cls, pack: Pack, fix_rules: set[str], text_field: str, *, reports: bool, clean_lines: bool,
           texts: bool) -> Finishing:
        return cls(pack.verdict, pack.clean.drop_documents, frozenset(fix_rules), text_field,
                   reports, clean_lines, texts)


@dataclass
class Finished:
    res: DocResult
    findings: list[Finding]
    clean: str
    edits: list[Edit]
    row: dict[str, Any]


def finish(res: DocResult, corpus: Mapping[str, CorpusResult], ids: Sequence[str], how: Finishing) -> Finished:
    """A document's findings merged with the corpus rules', its cleaned text and its report row."""
    findings = list(res.findings)
    cluster = dup = None
    for cres in corpus.values():
        for f in cres.findings.get(res.ordinal, ()):
            if not f.excerpt and res.text:
                f = dataclasses.replace(f, excerpt=excerpt(res.text, f.start, f.end))
            findings.append(f)
        if res.ordinal in cres.cluster:
            cluster = cres.cluster[res.ordinal]
        if res.ordinal in cres.duplicate_of:
            dup = ids[cres.duplicate_of[res.ordinal]]
    if dup is None:  # a copy of a document in a persistent index: the kept one lies outside this corpus
        dup = next((str(f.data["duplicate_of"]) for f in findings
                    if f.data and f.data.get("indexed") and f.data.get("duplicate_of") is not None), None)
    findings.sort(key=finding_order)
    error = res.input_error or ("; ".join(res.errors) if res.errors else None)
    clean, edits = clean_text(res.text, findings, how.fix_rules)  # type: ignore[arg-type]
    dropped = bool(res.input_error) or any(f.rule in how.drop_documents for f in findings)
    removed = len(res.text) if dropped else max(0, len(res.text) - len(clean))
    row = report_row(doc_id=res.id, source=res.source, lang=res.lang, chars=len(res.text), findings=findings,
                     policy=how.policy, error=error, cluster=cluster, duplicate_of=dup,
                     removed_chars=removed, dropped=dropped and not res.input_error)
    return Finished(res, findings, clean, edits, row)


@dataclass(slots=True)
class Lines:
    """A finished document's lines in the line outputs, UTF-8 with their newline (``None``: no line
    in that file)."""

    row: dict[str, Any]  # the report row (the summary and the gate's lists read it)
    report: bytes | None
    findings: list[bytes]
    edits: bytes | None
    clean: bytes | None
    text: bytes | None

    def __reduce__(self) -> tuple[type, tuple]:
        return Lines, (self.row, self.report, self.findings, self.edits, self.clean, self.text)  # as DocResult's


def render(fin: Finished, how: Finishing) -> Lines:
    """The output lines of a finished document (the same bytes wherever this runs)."""
    row, res = fin.row, fin.res
    report = findings = None
    if how.reports:
        report = encode_line(row)
        findings = [encode_line({"id": row["id"], **{k: f.get(k) for k in FINDINGS_SCHEMA if k != "id"}})
                    for f in row["findings"]]
    edits = (encode_line({"id": row["id"], "edits": [e.to_dict() for e in fin.edits], "dropped": row["dropped"]})
             if fin.edits or row["dropped"] else None)
    keep = not row["dropped"] and not res.input_error
    clean = None
    if how.clean_lines and keep:
        obj = dict(res.meta)
        obj[how.text_field] = fin.clean
        clean = encode_line(obj)
    text = encode_line({"id": row["id"], "text": res.text}) if how.texts and not res.input_error else None
    return Lines(row, report, findings or [], edits, clean, text)


@dataclass(slots=True)
class Spooled:
    """A batch of pass one once its results are in the spool: what the driver keeps of it."""

    part: Path  # the spool file that holds the batch (after the batches spooled there before it)
    ids: list[str]
    sources: list[str]
    sketches: dict[str, pl.DataFrame]  # per corpus rule; ``doc`` is the row's position in the batch
    seconds: dict[str, float]
    pid: int
    build_seconds: float | None = None
    checked: bool = True  # ids already checked for duplicates by the reader (False for byte ranges)

    def __reduce__(self) -> tuple[Any, tuple]:
        # A pool worker sends this back through a pipe: its sketch frames go to the spool folder beside
        # its part as Arrow IPC files, which the driver reads back (polars pickles a near-duplicate sketch
        # row in ~9 us; through the pipe the driver also receives and unpickles every byte, CPU that
        # two-core runs take from the workers). Unpickled once: that removes the files.
        t0 = time.perf_counter()
        files = {}
        for rid, frame in self.sketches.items():
            path = self.part.with_name(f"{self.part.stem}-{os.getpid()}-{next(_FRAME_FILES)}.arrow")
            frame.write_ipc(path, compression="uncompressed")
            files[rid] = path
        seconds = dict(self.seconds)
        seconds[SPOOL_STEP] = seconds.get(SPOOL_STEP, 0.0) + time.perf_counter() - t0
        return _spooled_from_files, (self.part, self.ids, self.sources, files, seconds, self.pid,
                                     self.build_seconds, self.checked)


_FRAME_FILES = itertools.count()


def _spooled_from_files(part: Path, ids: list[str], sources: list[str], files: dict[str, Path],
                        seconds: dict[str, float], pid: int, build_seconds: float | None, checked: bool) -> Spooled:
    """A ``Spooled`` a worker sent, its sketch frames read back from the spool (and their files removed:
    the spool then takes no more disk than with frames through the pipe)."""
    sketches = {}
    for rid, path in files.items():
        sketches[rid] = pl.read_ipc(path)
        with contextlib.suppress(OSError):  # a file still mapped where that forbids removal: the spool's rmtree
            path.unlink()
    return Spooled(part, ids, sources, sketches, seconds, pid, build_seconds, checked)


SPOOL_STEP = "spooling"  # the timers' key for finishing and writing results to the spool (not a rule id)


@dataclass(frozen=True, slots=True)
class Spool:
    """The run's spool folder and how its documents are finished: given to whoever runs batches."""

    folder: Path
    how: Finishing | None  # None: pass two finishes every document (per-file outputs)

    def part(self, task: int) -> Path:
        return self.folder / f"{task:08d}.pkl"

    def in_driver(self) -> Spool:
        """This spool for batches run by the driver itself (one job, a small input, Ray's results):
        their documents are finished in pass two only (finishing them early pays only in workers)."""
        return dataclasses.replace(self, how=None)

    def write(self, result: BatchResult, part: Path, checked: bool = True) -> Spooled:
        """Append a batch to ``part``, each result with its lines as pass two would write them if no
        corpus rule flagged it; the sketch rows are renumbered to batch positions."""
        t0 = time.perf_counter()
        results = result.results
        lines = [None if self.how is None else render(finish(r, {}, (), self.how), self.how) for r in results]
        with open(part, "ab") as fh:
            pickle.dump(list(zip(results, lines, strict=True)), fh, protocol=pickle.HIGHEST_PROTOCOL)
        ordinals = np.array([r.ordinal for r in results], dtype=np.int64)
        sketches = {rid: _to_positions(f, ordinals) for rid, f in result.sketches.items()}
        result.seconds[SPOOL_STEP] = result.seconds.get(SPOOL_STEP, 0.0) + time.perf_counter() - t0
        return Spooled(part, [r.id for r in results], [r.source for r in results], sketches, result.seconds,
                       result.pid or os.getpid(), result.build_seconds, checked)


def join_rows(parts: Sequence[tuple[int, pl.DataFrame]]) -> pl.DataFrame:
    """One frame of sketch rows from ``(offset, frame)`` parts, each part's ``doc`` shifted by its
    offset: one concatenation and one column for the lot (a polars call per batch costs ~1 ms)."""
    if not parts:
        return pl.DataFrame()
    frame = pl.concat([f for _, f in parts], how="diagonal_relaxed", rechunk=True)
    shift = np.repeat(np.array([o for o, _ in parts], dtype=np.int64), [f.height for _, f in parts])
    if not shift.any():
        return frame
    return frame.with_columns(pl.Series("doc", frame["doc"].to_numpy() + shift, dtype=pl.Int64))


def joined(batches: Sequence[Spooled]) -> Spooled:
    """Consecutive batches of one part as one (what a worker sends back for a split: fewer, larger
    frames to pickle and merge)."""
    if len(batches) == 1:
        return batches[0]
    first = batches[0]
    ids = [i for b in batches for i in b.ids]
    sources = [s for b in batches for s in b.sources]
    offsets = np.cumsum([0] + [len(b.ids) for b in batches[:-1]]).tolist()
    rules = dict.fromkeys(rid for b in batches for rid in b.sketches)
    sketches = {rid: join_rows([(o, b.sketches[rid]) for o, b in zip(offsets, batches, strict=True)
                                if rid in b.sketches]) for rid in rules}
    seconds: dict[str, float] = {}
    for b in batches:
        for key, sec in b.seconds.items():
            seconds[key] = seconds.get(key, 0.0) + sec
    return Spooled(first.part, ids, sources, sketches, seconds, first.pid, first.build_seconds, first.checked)


def _to_positions(frame: pl.DataFrame, ordinals: np.ndarray) -> pl.DataFrame:
    """Sketch rows numbered by their document's position in the batch (``ordinals``: increasing)."""
    if ordinals.size == 0 or (ordinals[0] == 0 and ordinals[-1] == ordinals.size - 1):
        return frame
    doc = np.searchsorted(ordinals, frame["doc"].to_numpy())
    return frame.with_columns(pl.Series("doc", doc, dtype=pl.Int64))


def read_part(part: Path) -> Iterator[tuple[DocResult, Lines | None]]:
    """The spooled results of one part, in order."""
    with open(part, "rb") as fh:
        while True:
            try:
                batch = pickle.load(fh)
            except EOFError:
                return
            yield from batch

"""The audit engine: pure functions over documents and batches of documents.

Data flows one way: a document is prepared (language), document rules produce findings, the enabled
fixes make the cleaned text, and corpus rules emit sketch rows. Corpus rules resolve over all rows
after the pass. Executors (``qc.executor``) only decide where these functions run.

Each document has a time budget (the pack's ``document_seconds``): a document that exceeds it is
reported with the rule that was running, keeps the findings of the rules that finished, and the run goes
on. In the main thread of a process (``--jobs 1``, the pool's worker processes) the budget is a
``SIGALRM`` timer (``signal.setitimer``); in other threads (a Ray actor runs its batches in one) a
watchdog thread raises the timeout in the late thread (``PyThreadState_SetAsyncExc``). Both interrupt
Python code, not a single long call into C.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import itertools
import os
import signal
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import polars as pl

from qc.fixes import Edit, apply_edits, choose_edits
from qc.lang import detect_language
from qc.model import Document, Finding
from qc.readers import BadInput
from qc.rule import CorpusRule, Rule, tag_ordinals
from qc.scoring import score_of

DEFAULT_DOCUMENT_SECONDS = 10.0  # per document (the pack's document_seconds); bench/bench_fuzz.py measures


class DocumentTimeout(BaseException):
    """A document ran past its time budget. A ``BaseException``, so a rule's ``except Exception`` cannot
    swallow it."""


@dataclasses.dataclass(slots=True)
class _Progress:
    """A document's work so far: what it is doing now, and the findings and errors of the rules that
    finished (a document that runs out of time is reported with these)."""

    step: str = "reading"
    findings: list[Finding] = dataclasses.field(default_factory=list)
    errors: list[str] = dataclasses.field(default_factory=list)


def budget_available() -> bool:
    """Whether a per-document time budget is a SIGALRM timer here (the main thread); elsewhere the
    watchdog thread enforces it."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class _Watchdog:
    """One daemon thread per process that raises ``DocumentTimeout`` in a thread whose deadline passed.

    Arming and disarming take one lock and a dict entry (no thread or timer per document). The
    watchdog fires an entry and removes it under the same lock, so ``disarm`` knows whether the
    exception is on its way; a pending one that has not been raised yet is raised by ``disarm`` itself,
    inside the budgeted block, never later in unrelated code."""

    POLL_SECONDS = 0.02

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._deadlines: dict[tuple[int, int], float] = {}  # (thread ident, arming number) -> due
        self._armed = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, seconds: float) -> tuple[int, int]:
        key = (threading.get_ident(), next(self._armed))
        with self._lock:
            self._deadlines[key] = time.monotonic() + seconds
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="qc-document-budget", daemon=True)
                self._thread.start()
        return key

    def disarm(self, key: tuple[int, int]) -> bool:
        """Stop this arming's watch; true when the watchdog fired for it."""
        with self._lock:
            return self._deadlines.pop(key, None) is None

    def pause(self) -> dict[tuple[int, int], float]:
        """Take this thread's armings off the watch: what each had left, for ``resume``."""
        ident, now = threading.get_ident(), time.monotonic()
        with self._lock:
            mine = [k for k in self._deadlines if k[0] == ident]
            return {k: self._deadlines.pop(k) - now for k in mine}

    def resume(self, left: dict[tuple[int, int], float]) -> None:
        now = time.monotonic()
        with self._lock:
            self._deadlines.update({k: now + max(s, 0.0) for k, s in left.items()})

    def _run(self) -> None:
        while True:
            time.sleep(self.POLL_SECONDS)
            now = time.monotonic()
            with self._lock:
                for key in [k for k, due in self._deadlines.items() if due <= now]:
                    del self._deadlines[key]
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(key[0]),
                                                               ctypes.py_object(DocumentTimeout))


_WATCHDOG = _Watchdog()


@contextlib.contextmanager
def _thread_budget(seconds: float) -> Iterator[None]:
    key = _WATCHDOG.arm(seconds)
    timed_out = False
    try:
        yield
    except DocumentTimeout:
        timed_out = True
        raise
    finally:
        if _WATCHDOG.disarm(key) and not timed_out:
            # fired, not raised yet: cancel the pending exception and raise it here, in the block
            ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(key[0]), None)
            raise DocumentTimeout


@contextlib.contextmanager
def budget_paused() -> Iterator[None]:
    """Stop this thread's document time budget while the block runs; the budget gets back what it had
    left afterwards. For building a machine-wide resource on first use (a language's word list from
    wordfreq: seconds, once per machine): that is not the document's work, and whether a document runs
    out of time must not depend on whether the cache was warm. In the main thread the ``SIGALRM`` timer
    is stopped and re-armed (an outer timer, a test runner's, is held the same way)."""
    if budget_available():
        left, interval = signal.setitimer(signal.ITIMER_REAL, 0)
        try:
            yield
        finally:
            if left > 0:
                signal.setitimer(signal.ITIMER_REAL, left, interval)
        return
    held = _WATCHDOG.pause()
    try:
        yield
    finally:
        _WATCHDOG.resume(held)


@contextlib.contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise ``DocumentTimeout`` in this block after ``seconds`` (no budget when ``seconds <= 0``).
    In the main thread a ``SIGALRM`` timer: a timer that was running before (a test runner's timeout) is
    honoured: if it falls due first, its own handler runs; otherwise it is re-armed with what is left.
    The previous ``SIGALRM`` handler is restored. In other threads, the watchdog thread."""
    if seconds <= 0:
        yield
        return
    if not budget_available():
        with _thread_budget(seconds):
            yield
        return
    state = {"outer_fired": False}
    previous = signal.getsignal(signal.SIGALRM)

    def expire(signum: int, frame: Any) -> None:
        if outer_first:
            state["outer_fired"] = True
            signal.signal(signal.SIGALRM, previous)
            if callable(previous):
                previous(signum, frame)
            return
        raise DocumentTimeout

    signal.signal(signal.SIGALRM, expire)
    outer_left, outer_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    outer_first = 0 < outer_left <= seconds
    if outer_first:
        signal.setitimer(signal.ITIMER_REAL, outer_left)
    t0 = time.monotonic()
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left > 0 and not state["outer_fired"]:
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - t0), 1e-3), outer_interval)
        elif state["outer_fired"] and outer_interval > 0:
            signal.setitimer(signal.ITIMER_REAL, outer_interval, outer_interval)


def finding_order(f: Finding) -> tuple[int, int, str, str]:
    return (f.start, f.end, f.rule, f.message)


def prepare(doc: Document) -> Document:
    """Fill what every rule may read: the document's language."""
    if doc.lang and doc.lang != "und":
        return doc
    return dataclasses.replace(doc, lang=detect_language(doc.text))


LANGUAGE_STEP = "language identification"  # the timers' key for the language pass (not a rule id)


def _add_seconds(seconds: dict[str, float] | None, key: str, since: float) -> None:
    if seconds is not None:
        seconds[key] = seconds.get(key, 0.0) + time.perf_counter() - since


def check_document(doc: Document, rules: Sequence[Rule], progress: _Progress | None = None,
                   seconds: dict[str, float] | None = None) -> tuple[list[Finding], list[str]]:
    """Findings of every document rule, sorted; a rule that crashes is reported, not raised. Each rule's
    wall time is added to ``seconds[rule.id]`` when a dict is given (the benchmark's per-rule budget)."""
    progress = _Progress() if progress is None else progress
    findings, errors = progress.findings, progress.errors
    for rule in rules:
        if isinstance(rule, CorpusRule):
            continue
        progress.step = f"rule {rule.id}"
        t0 = time.perf_counter()
        try:
            found = list(rule.check(doc))
            doc.memo[("findings", rule.id)] = found
            findings.extend(found)
        except Exception as exc:  # one bad rule or document never stops a corpus run
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            errors.append(f"rule {rule.id} crashed: {type(exc).__name__}: {exc} "
                          f"({tb.filename.rsplit('/', 1)[-1]}:{tb.lineno})")
        finally:
            _add_seconds(seconds, rule.id, t0)
    findings.sort(key=finding_order)
    return findings, errors


def clean_text(text: str, findings: Sequence[Finding], fix_rules: set[str]) -> tuple[str, list[Edit]]:
    """Apply the fixes of the findings whose rule has fixing enabled."""
    if not findings:  # most documents of a corpus-rules-only audit
        return text, []
    edits, _skipped = choose_edits([f for f in findings if f.rule in fix_rules], text)
    return apply_edits(text, edits), edits


@dataclasses.dataclass(slots=True)
class DocResult:
    """Everything the per-document pass learns about one record (the text is carried for pass two)."""

    ordinal: int
    id: str
    source: str
    text: str
    meta: dict
    lang: str
    findings: list[Finding]
    errors: list[str]
    input_error: str | None

    @classmethod
    def bad_input(cls, ordinal: int, doc_id: str, source: str, meta: dict, error: str) -> DocResult:
        """The result of a record that could not be audited (unreadable, or a repeated id): no text,
        no findings, the error."""
        return cls(ordinal, doc_id, source, "", meta, "und", [], [], error)

    def __reduce__(self) -> tuple[type, tuple]:
        # as a plain tuple: a third of the time of the slots dataclass's own state functions (the spool
        # pickles every document once and loads it once)
        return DocResult, (self.ordinal, self.id, self.source, self.text, self.meta, self.lang, self.findings,
                           self.errors, self.input_error)


@dataclasses.dataclass(slots=True)
class _ToSketch:
    """A document that finished its per-document pass in time: what its corpus sketches need."""

    result: DocResult
    doc: Document
    clean: str


@dataclasses.dataclass(frozen=True, slots=True)
class _Plan:
    """What pass one does for every document of a batch, decided once per batch."""

    needs_lang: bool  # a rule reads doc.lang
    timed: bool  # a budget timer is armed: without document rules or language identification a
    # document only gets an empty cleaning (arming and disarming costs ~15 us, a third of a
    # near-duplicate-only document)
    sketches: bool  # corpus rules will sketch the document

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> _Plan:
        needs_lang = any(r.needs_lang for r in rules)
        return cls(needs_lang, needs_lang or not all(isinstance(r, CorpusRule) for r in rules),
                   any(isinstance(r, CorpusRule) for r in rules))


def _audit_document(record: Document | BadInput, ordinal: int, rules: Sequence[Rule],
                    fix_rules: set[str], budget: float = DEFAULT_DOCUMENT_SECONDS,
                    seconds: dict[str, float] | None = None, plan: _Plan | None = None) -> _ToSketch:
    """Pass one for a single record: language, document findings, provisional cleaning, all within
    ``budget`` seconds (see the module docstring). ``seconds`` accumulates the time of each rule (by id)
    and of the language pass (``LANGUAGE_STEP``). The document and its cleaned text are returned for the
    corpus sketches only when it has corpus rules to feed and finished in time (``clean`` is ``None``
    otherwise)."""
    if isinstance(record, BadInput):
        return _ToSketch(DocResult.bad_input(ordinal, record.id, record.source, dict(record.meta), record.error),
                         None, None)  # type: ignore[arg-type]
    plan = _Plan.of(rules) if plan is None else plan
    progress = _Progress()
    doc = record
    clean: str | None = None
    t0 = time.perf_counter()
    try:
        with time_budget(budget) if plan.timed else contextlib.nullcontext():
            if plan.needs_lang:
                progress.step = LANGUAGE_STEP
                t_lang = time.perf_counter()
                doc = prepare(record)
                _add_seconds(seconds, LANGUAGE_STEP, t_lang)
            check_document(doc, rules, progress, seconds)
            if plan.sketches:
                progress.step = "cleaning"
                clean, _ = clean_text(doc.text, progress.findings, fix_rules)
                # the quality so far (document rules only), for corpus rules that prefer the better copy
                doc.memo["quality"] = score_of(progress.findings, len(doc.text))
    except DocumentTimeout:
        progress.findings.sort(key=finding_order)
        progress.errors.append(f"time budget exceeded: {time.perf_counter() - t0:.1f} s > {budget:g} s "
                               f"per document, in {progress.step}")
        clean = None
    findings, errors = progress.findings, progress.errors
    return _ToSketch(DocResult(ordinal, doc.id, doc.source, doc.text, dict(doc.meta), doc.lang, findings,
                               errors, None), doc, clean)  # type: ignore[arg-type]


@dataclasses.dataclass(slots=True)
class BatchResult:
    """Pass one over a batch: each record's result, and each corpus rule's sketch rows of the whole
    batch in one frame with the ``doc`` ordinal column (one frame per batch ships and merges much
    faster than one per document: the driver of a cluster handles every batch)."""

    results: list[DocResult]
    sketches: dict[str, pl.DataFrame]
    seconds: dict[str, float] = dataclasses.field(default_factory=dict)  # per rule id (and LANGUAGE_STEP)
    pid: int = 0  # the process that ran the batch
    build_seconds: float | None = None  # that process's pack build, where its executor measured it


def audit_batch(batch: Sequence[tuple[int, Document | BadInput]], rules: Sequence[Rule],
                fix_rules: set[str], budget: float = DEFAULT_DOCUMENT_SECONDS) -> BatchResult:
    """Pass one over a batch; pure, so any executor (process pool, Ray) can run it."""
    seconds: dict[str, float] = {}
    plan = _Plan.of(rules)
    done = [_audit_document(rec, ordinal, rules, fix_rules, budget, seconds, plan) for ordinal, rec in batch]
    todo = [d for d in done if d.clean is not None]
    sketches: dict[str, pl.DataFrame] = {}
    for rule in rules:
        if isinstance(rule, CorpusRule) and todo:
            frame = sketch_rule_batch(rule, todo, budget, seconds)
            if frame is not None and frame.height:
                sketches[rule.id] = frame
    return BatchResult([d.result for d in done], sketches, seconds, os.getpid())


def sketch_rule_batch(rule: CorpusRule, todo: list[_ToSketch], budget: float,
                      seconds: dict[str, float]) -> pl.DataFrame | None:
    """One corpus rule's sketch rows of a batch, ``doc`` holding each row's document ordinal.

    The batch is sketched at once (``sketch_batch``) within the budget of all its documents; if that
    crashes or runs out of time, it is sketched again one document at a time, so that only the guilty
    document loses its rows and carries the error."""
    t0 = time.perf_counter()
    try:
        with time_budget(budget * len(todo)):
            frame = rule.sketch_batch([d.doc for d in todo], [d.clean for d in todo])  # type: ignore[misc]
    except (Exception, DocumentTimeout):
        frame = _sketch_one_by_one(rule, todo, budget)
    finally:
        _add_seconds(seconds, rule.id, t0)
    if frame is None or frame.height == 0:
        return None
    ordinals = np.array([d.result.ordinal for d in todo], dtype=np.int64)
    if ordinals[0] == 0 and ordinals[-1] == len(todo) - 1 and frame["doc"].dtype == pl.Int64:
        return frame  # positions are the ordinals (they increase)
    return frame.with_columns(pl.Series("doc", ordinals[frame["doc"].to_numpy()], dtype=pl.Int64))


def _sketch_one_by_one(rule: CorpusRule, todo: list[_ToSketch], budget: float) -> pl.DataFrame | None:
    """``sketch_batch``'s rows made per document, each within its own budget; a document whose
    sketch crashes or runs out of time gets the error and no rows of this rule."""
    items: list[tuple[int, pl.DataFrame]] = []
    for pos, d in enumerate(todo):
        t0 = time.perf_counter()
        try:
            with time_budget(budget):
                rows = rule.sketch(d.doc, d.clean)  # type: ignore[arg-type]
        except DocumentTimeout:
            d.result.errors.append(f"time budget exceeded: {time.perf_counter() - t0:.1f} s > {budget:g} s "
                                   f"per document, in corpus sketches ({rule.id})")
            continue
        except Exception as exc:
            d.result.errors.append(f"corpus sketch crashed: {type(exc).__name__}: {exc}")
            continue
        if rows is not None and rows.height:
            items.append((pos, rows))
    return tag_ordinals(items) if items else None

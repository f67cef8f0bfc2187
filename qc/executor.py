"""Where pass one runs. An executor maps the engine's pure batch function over batches, in order.

``LocalExecutor`` runs the batches inline (one job) or in a process pool with a bounded number of
tasks in flight, so memory stays flat whatever the corpus size. A pool worker reads its own split (a
run of a directory's files, a byte range of a JSONL file: ``qc.readers.cut_jsonl``) and writes its
results to the run's spool (``qc.spool``), returning only ids, sketch rows and timers: texts never
cross a pipe. Inputs that cannot be cut (gzip, Parquet, URLs, pipes) are read here and their batches
shipped to the workers, which spool them too.
``qc.executor_ray.RayExecutor`` gives the splits to Ray Data, whose workers read and audit them (the
driver spools, as the spool folder is local to it).
Both yield the results in input order, and both run the same functions: ``read_split`` and
``audit_batch``. This module never imports ``qc.executor_ray`` (which imports it): the runner picks
one (``qc.runner.make_executor``).
"""

from __future__ import annotations

import collections
import multiprocessing as mp
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol

import polars as pl

from qc.cache import built_once, is_built, writable
from qc.distributed import connected_components
from qc.engine import BatchResult, audit_batch
from qc.model import Document
from qc.pack import Pack
from qc.readers import BadInput, ReadOptions, Split, cut_jsonl, read_split
from qc.rule import ResolveTasks, Rule
from qc.spool import Spool, Spooled, joined

Batch = Sequence[tuple[int, Document | BadInput]]


class ExecutorError(RuntimeError):
    """The executor cannot run here: an optional extra is missing or the cluster is unreachable (exit 2)."""


class Executor(ResolveTasks, Protocol):
    """Runs pass one (``spool_splits``) and the corpus rules' partitioned resolve work (``ResolveTasks``)."""

    jobs: int

    def spool_splits(self, splits: Sequence[Split], options: ReadOptions, batch_size: int,
                     spool: Spool) -> Iterator[Spooled]:
        """Pass one with the results written to ``spool``: what is left of each batch, in input order."""
        ...

    def close(self) -> None: ...


_WORKER: dict[str, Any] = {}


def _init_worker(pack: Pack, spool: Spool | None = None) -> None:
    t0 = time.perf_counter()
    with built_once("pack", pack.cache_key()):
        rules = pack.build()
    _WORKER["build_seconds"] = time.perf_counter() - t0
    _WORKER["rules"] = rules
    _WORKER["fix"] = fix_rule_ids(pack, rules)
    _WORKER["budget"] = pack.document_seconds
    _WORKER["spool"] = spool


def _build_pack(pack: Pack) -> None:
    """A short-lived process's one job on a cold cache: build the pack, so its artefacts are written to
    the cache, and exit, giving back what the build held (wordfreq's whole lists) before the pool's
    workers start and read the artefacts: no worker ever holds a build's peak."""
    with built_once("pack", pack.cache_key()):
        for rule in pack.build():
            rule.warm()


def prebuild(ctx: Any, pack: Pack) -> bool:
    """Build ``pack`` in a process of its own when this machine's cache has not got it yet (and can keep
    it); whether that ran. A failed build is not raised here: the workers build again and report it."""
    if is_built("pack", pack.cache_key()) or not writable():
        return False
    builder = ctx.Process(target=_build_pack, args=(pack,), name="newsqc-pack-build")
    builder.start()
    builder.join()
    return True


def _run_batch(batch: Batch) -> BatchResult:
    result = audit_batch(batch, _WORKER["rules"], _WORKER["fix"], _WORKER["budget"])
    result.build_seconds = _WORKER["build_seconds"]
    return result


def _spool_split(task: int, split: Split, options: ReadOptions, batch_size: int) -> Spooled:
    """A worker's task: read a split, audit it and spool it (its batches joined in one ``Spooled``)."""
    out = joined(list(run_split(task, split, options, batch_size, _WORKER["rules"], _WORKER["fix"],
                                _WORKER["budget"], _WORKER["spool"])))
    out.build_seconds = _WORKER["build_seconds"]
    return out


def _spool_batch(task: int, batch: Batch) -> Spooled:
    """A worker's task: audit a batch the driver read, and spool it."""
    spool = _WORKER["spool"]
    return spool.write(_run_batch(batch), spool.part(task))


def run_split(task: int, split: Split, options: ReadOptions, batch_size: int, rules: Sequence[Rule],
              fix: set[str], budget: float, spool: Spool) -> Iterator[Spooled]:
    """Pass one over one split, spooled to ``spool.part(task)`` a batch at a time; records are numbered
    from 0 in each batch (the driver knows where the batch starts)."""
    part = spool.part(task)
    for batch in split_batches([split], options, batch_size):
        local = [(k, rec) for k, (_, rec) in enumerate(batch)]
        yield spool.write(audit_batch(local, rules, fix, budget), part, checked=not split.ranged)


def spool_results(results: Iterable[BatchResult], spool: Spool) -> Iterator[Spooled]:
    """Results made elsewhere (Ray's workers) spooled here, into one part."""
    here = spool.in_driver()
    part = here.part(0)
    for result in results:
        yield here.write(result, part)


def split_batches(splits: Iterable[Split], options: ReadOptions, batch_size: int) -> Iterator[Batch]:
    """``(ordinal, record)`` batches of the splits' records; ordinals count from each split's first."""
    batch: list[tuple[int, Document | BadInput]] = []
    for split in splits:
        for k, rec in enumerate(read_split(split, options)):
            batch.append((split.first + k, rec))
            if len(batch) >= batch_size:
                yield batch
                batch = []
    if batch:
        yield batch


def fix_rule_ids(pack: Pack, rules: Sequence[Rule] | None = None) -> set[str]:
    """The rules (default: the pack's selected ones, built or not) whose fixes cleaning applies."""
    ids = pack.selected if rules is None else [r.id for r in rules]
    return {rid for rid in ids if pack.fix_enabled(rid)}


class LocalExecutor:
    """Inline for ``jobs == 1``; otherwise a spawn-started process pool (polars is not fork-safe)."""

    task_workers = 1  # resolve tasks run in this process

    def __init__(self, pack: Pack, jobs: int, rules: Sequence[Rule] | None = None):
        self.pack = pack
        self.jobs = max(1, jobs)
        self._rules = list(rules) if rules is not None else None
        self.fix = fix_rule_ids(pack)
        self._pool: Any = None

    @property
    def rules(self) -> list[Rule]:
        """The rules for batches run here, built on first use: with a pool, this process never builds them."""
        if self._rules is None:
            self._rules = self.pack.build()
        return self._rules

    def map_splits(self, splits: Sequence[Split], options: ReadOptions,
                   batch_size: int) -> Iterator[BatchResult]:
        """Pass one in this process, unspooled: the results of ``batch_size`` documents at a time, in
        input order (for tools that replay pass one, such as ``bench/bench_executors.py``)."""
        for batch in split_batches(splits, options, batch_size):
            yield audit_batch(batch, self.rules, self.fix, self.pack.document_seconds)

    def spool_splits(self, splits: Sequence[Split], options: ReadOptions, batch_size: int,
                     spool: Spool) -> Iterator[Spooled]:
        here = spool.in_driver()
        if self.jobs == 1:
            for task, split in enumerate(splits):
                yield from run_split(task, split, options, batch_size, self.rules, self.fix,
                                     self.pack.document_seconds, here)
            return
        it = _tasks(splits, options, batch_size)
        head: list[tuple[int, Split | Batch]] = []
        for task in it:
            head.append(task)
            if len(head) > 2:
                break
        if sum(_batches(payload, batch_size) for _, payload in head) <= 2:
            for task, payload in head:  # small inputs: not worth starting processes
                if isinstance(payload, Split):
                    yield from run_split(task, payload, options, batch_size, self.rules, self.fix,
                                         self.pack.document_seconds, here)
                else:
                    yield here.write(audit_batch(payload, self.rules, self.fix, self.pack.document_seconds),
                                     here.part(task))
            return
        ctx = mp.get_context("spawn")
        prebuild(ctx, self.pack)
        self._pool = ctx.Pool(self.jobs, initializer=_init_worker, initargs=(self.pack, spool))
        pending: collections.deque = collections.deque()
        limit = 3 * self.jobs
        for task, payload in _chain(head, it):
            if isinstance(payload, Split):
                pending.append(self._pool.apply_async(_spool_split, (task, payload, options, batch_size)))
            else:
                pending.append(self._pool.apply_async(_spool_batch, (task, payload)))
            if len(pending) >= limit:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
        self.close()

    def map_tasks(self, fn: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any = None) -> list[Any]:
        """In this process: a corpus that fits one machine resolves faster without shipping data."""
        return [fn(shared, item) for item in items]

    def connected_components(self, edges: pl.DataFrame) -> pl.DataFrame:
        return connected_components(edges)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def _tasks(splits: Iterable[Split], options: ReadOptions, batch_size: int) -> Iterator[tuple[int, Split | Batch]]:
    """Numbered pool tasks in input order: a split a worker reads itself (a run of files, a range of a
    JSONL file), or a batch read here from an input that cannot be cut."""
    n = 0
    for split in splits:
        for piece in cut_jsonl(split):
            if piece.kind == "dir" or piece.ranged:
                yield n, piece
                n += 1
                continue
            for batch in split_batches([piece], options, batch_size):
                yield n, batch
                n += 1


def _batches(payload: Split | Batch, batch_size: int) -> int:
    """How many batches a task holds (a JSONL range: more than a small input has)."""
    if not isinstance(payload, Split):
        return 1
    return -(-len(payload.files) // batch_size) if payload.kind == "dir" else 3


def _chain(head: list, rest: Iterator) -> Iterator:
    yield from head
    yield from rest

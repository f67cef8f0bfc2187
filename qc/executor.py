"""Where pass one runs. An executor maps the engine's pure batch function over batches, in order.

``LocalExecutor`` reads the input's splits here and runs the batches inline (one job) or in a process
pool with a bounded number of batches in flight, so memory stays flat whatever the corpus size.
``qc.executor_ray.RayExecutor`` gives the splits to Ray Data, whose workers read and audit them.
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

from qc.distributed import connected_components
from qc.engine import BatchResult, audit_batch
from qc.model import Document
from qc.pack import Pack
from qc.readers import BadInput, ReadOptions, Split, read_split
from qc.rule import ResolveTasks, Rule

Batch = Sequence[tuple[int, Document | BadInput]]


class ExecutorError(RuntimeError):
    """The executor cannot run here: an optional extra is missing or the cluster is unreachable (exit 2)."""


class Executor(ResolveTasks, Protocol):
    """Runs pass one (``map_splits``) and the corpus rules' partitioned resolve work (``ResolveTasks``)."""

    jobs: int

    def map_splits(self, splits: Sequence[Split], options: ReadOptions,
                   batch_size: int) -> Iterator[BatchResult]:
        """Pass one over the input: the results of ``batch_size`` documents at a time, in input order."""
        ...

    def close(self) -> None: ...


_WORKER: dict[str, Any] = {}


def _init_worker(pack: Pack) -> None:
    t0 = time.perf_counter()
    rules = pack.build()
    _WORKER["build_seconds"] = time.perf_counter() - t0
    _WORKER["rules"] = rules
    _WORKER["fix"] = fix_rule_ids(pack, rules)
    _WORKER["budget"] = pack.document_seconds


def _run_batch(batch: Batch) -> BatchResult:
    result = audit_batch(batch, _WORKER["rules"], _WORKER["fix"], _WORKER["budget"])
    result.build_seconds = _WORKER["build_seconds"]
    return result


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
        return self.map(split_batches(splits, options, batch_size))

    def map(self, batches: Iterable[Batch]) -> Iterator[BatchResult]:
        it = iter(batches)
        if self.jobs == 1:
            for batch in it:
                yield audit_batch(batch, self.rules, self.fix, self.pack.document_seconds)
            return
        # Small inputs: not worth starting processes.
        head = []
        for batch in it:
            head.append(batch)
            if len(head) > 2:
                break
        if len(head) <= 2:
            for batch in head:
                yield audit_batch(batch, self.rules, self.fix, self.pack.document_seconds)
            return
        ctx = mp.get_context("spawn")
        self._pool = ctx.Pool(self.jobs, initializer=_init_worker, initargs=(self.pack,))
        pending: collections.deque = collections.deque()
        limit = 3 * self.jobs
        for batch in _chain(head, it):
            pending.append(self._pool.apply_async(_run_batch, (batch,)))
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


def _chain(head: list[Batch], rest: Iterator[Batch]) -> Iterator[Batch]:
    yield from head
    yield from rest

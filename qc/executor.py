"""Where pass one runs. An executor maps the engine's pure batch function over batches, in order.

``LocalExecutor`` runs it inline (one job) or in a process pool with a bounded number of batches in
flight, so memory stays flat whatever the corpus size. A distributed executor implements the same
``map`` (see README: Ray).
"""

from __future__ import annotations

import collections
import multiprocessing as mp
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol

from qc.engine import DocResult, audit_batch
from qc.model import Document
from qc.pack import Pack
from qc.readers import BadInput
from qc.rule import Rule

Batch = Sequence[tuple[int, Document | BadInput]]


class ExecutorError(RuntimeError):
    """The executor cannot run here: an optional extra is missing or the cluster is unreachable (exit 2)."""


class Executor(Protocol):
    jobs: int

    def map(self, batches: Iterable[Batch]) -> Iterator[list[DocResult]]: ...

    def close(self) -> None: ...


_WORKER: dict[str, Any] = {}


def _init_worker(pack: Pack) -> None:
    rules = pack.build()
    _WORKER["rules"] = rules
    _WORKER["fix"] = fix_rule_ids(pack, rules)


def _run_batch(batch: Batch) -> list[DocResult]:
    return audit_batch(batch, _WORKER["rules"], _WORKER["fix"])


def fix_rule_ids(pack: Pack, rules: Sequence[Rule]) -> set[str]:
    return {r.id for r in rules if pack.fix_enabled(r.id)}


class LocalExecutor:
    """Inline for ``jobs == 1``; otherwise a spawn-started process pool (polars is not fork-safe)."""

    def __init__(self, pack: Pack, jobs: int, rules: Sequence[Rule] | None = None):
        self.pack = pack
        self.jobs = max(1, jobs)
        self.rules = list(rules) if rules is not None else pack.build()
        self.fix = fix_rule_ids(pack, self.rules)
        self._pool: Any = None

    def map(self, batches: Iterable[Batch]) -> Iterator[list[DocResult]]:
        it = iter(batches)
        if self.jobs == 1:
            for batch in it:
                yield audit_batch(batch, self.rules, self.fix)
            return
        # Small inputs: not worth starting processes.
        head = []
        for batch in it:
            head.append(batch)
            if len(head) > 2:
                break
        if len(head) <= 2:
            for batch in head:
                yield audit_batch(batch, self.rules, self.fix)
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

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


def make_executor(pack: Pack, jobs: int, rules: Sequence[Rule], kind: str = "local",
                  address: str | None = None) -> Executor:
    """The executor named on the command line (``--executor local|ray``)."""
    if kind == "local":
        return LocalExecutor(pack, jobs, rules)
    if kind == "ray":
        try:
            from qc.executor_ray import RayExecutor  # optional extra: pip install 'newsqc[ray]'
        except ModuleNotFoundError as exc:
            if exc.name != "ray" and not (exc.name or "").startswith("ray."):
                raise
            raise ExecutorError("--executor ray needs Ray: pip install 'newsqc[ray]'") from exc
        return RayExecutor(pack, jobs, rules, address=address)
    raise ValueError(f"unknown executor {kind!r}")


def _chain(head: list[Batch], rest: Iterator[Batch]) -> Iterator[Batch]:
    yield from head
    yield from rest

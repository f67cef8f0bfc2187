"""Pass one on Ray: the engine's pure ``audit_batch`` runs in Ray actors, results come back in input order.

Why actors rather than Ray Data ``map_batches``: the runner streams batches of ``(ordinal, record)``
from newsqc's own readers (directories, JSONL, Parquet, unreadable records reported as ``BadInput``),
and pass two needs the results in input order with memory bounded whatever the corpus size. Ray Data
wants a materialised or file-based source and reorders blocks unless told to preserve order, which
makes it buffer; a fixed set of actors fed from a bounded window of in-flight batches gives the same
parallelism with a hard memory bound (``WINDOW_PER_WORKER`` batches per worker in flight) and keeps
the readers' semantics identical to the local executor's. Each actor builds the rules once from the
picklable ``Pack`` (lexicons and regexes are compiled once per worker, as in the local process pool).

Ray is an optional extra: ``pip install 'newsqc[ray]'``. Without ``address`` a local Ray instance with
``jobs`` CPUs is started (and shut down on ``close``); with ``address`` (``auto``, ``ray://host:10001``
or ``host:6379``) the executor joins that cluster and leaves it running. If Ray is already initialised
in this process (a test session, a ``ray job submit`` entrypoint that called ``ray.init``) it is reused.
"""

from __future__ import annotations

import collections
import importlib.util
import os
import resource
import socket
import sys
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import polars as pl
import ray

from qc.distributed import connected_components, hash_partition, min_label_step
from qc.engine import DocResult, audit_batch
from qc.executor import Batch, ExecutorError, fix_rule_ids
from qc.pack import Pack
from qc.rule import Rule

# Batches in flight per worker: one running and one queued in the actor's mailbox, so a worker never
# idles while the driver collects, and the driver holds at most 2 x workers batches of documents
# and results (64 docs each by default) in memory.
WINDOW_PER_WORKER = 2


@ray.remote(num_cpus=1)
class _AuditWorker:
    """One worker process: the rules are built once, then batches are audited as they arrive."""

    def __init__(self, pack: Pack) -> None:
        self.rules = pack.build()
        self.fix = fix_rule_ids(pack, self.rules)

    def run(self, batch: Batch) -> list[DocResult]:
        return audit_batch(batch, self.rules, self.fix)

    def peak_rss_mb(self) -> float:
        """Peak resident memory of this worker process (Linux reports ru_maxrss in KiB)."""
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dashboard_available() -> bool:
    # ray[data] alone lacks the dashboard's web server; ray[default] brings it (aiohttp among others).
    return importlib.util.find_spec("aiohttp") is not None and importlib.util.find_spec("ray.dashboard") is not None


def _reachable(address: str, timeout: float = 5.0) -> bool:
    """A TCP check of ``host:port`` / ``ray://host:port`` before ``ray.init``, which retries an
    unreachable address for minutes; other forms (``auto``, ``local``) are left to Ray."""
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not host or not port.isdigit():
        return True
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=timeout):
            return True
    except OSError:
        return False


class RayExecutor:
    """``Executor`` on Ray: ``jobs`` actors (capped at the cluster's CPUs), results in input order."""

    def __init__(self, pack: Pack, jobs: int, rules: Sequence[Rule] | None = None, address: str | None = None):
        self.pack = pack
        self.address = address
        self._owns_ray = False
        self._workers: list[Any] = []
        self.worker_peak_rss_mb: list[float] = []
        if address and not _reachable(address):
            raise ExecutorError(f"cannot reach Ray at {address} (is the cluster up? `ray status` on its head node)")
        if not ray.is_initialized():
            # Ray phones home usage statistics unless told not to; an audit tool should not.
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            kwargs: dict[str, Any] = {"log_to_driver": False, "include_dashboard": _dashboard_available()}
            if address is None and not os.environ.get("RAY_ADDRESS"):  # ray.init joins RAY_ADDRESS if set
                kwargs["num_cpus"] = max(1, jobs)
            try:
                ctx = ray.init(address=address, **kwargs)
            except (ConnectionError, ValueError, RuntimeError) as exc:
                raise ExecutorError(f"cannot start or reach Ray at {address or 'a local instance'}: {exc}") from exc
            self._owns_ray = True
            url = getattr(ctx, "dashboard_url", "") or ""
            if url:
                print(f"qc: Ray dashboard at http://{url.removeprefix('http://')}", file=sys.stderr)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        # More actors than CPUs would wait for resources forever; one CPU per actor.
        self.jobs = max(1, min(jobs, cpus))
        self._workers = [_AuditWorker.remote(pack) for _ in range(self.jobs)]

    def map(self, batches: Iterable[Batch]) -> Iterator[list[DocResult]]:
        """Audit every batch on the workers; yield the results in input order, a bounded window in flight."""
        pending: collections.deque[tuple[Any, int]] = collections.deque()
        load = [0] * len(self._workers)
        limit = WINDOW_PER_WORKER * len(self._workers)
        for batch in batches:
            w = min(range(len(load)), key=load.__getitem__)  # least loaded worker
            pending.append((self._workers[w].run.remote(list(batch)), w))
            load[w] += 1
            if len(pending) >= limit:
                yield self._collect(pending, load)
        while pending:
            yield self._collect(pending, load)

    @staticmethod
    def _collect(pending: collections.deque[tuple[Any, int]], load: list[int]) -> list[DocResult]:
        ref, w = pending.popleft()
        load[w] -= 1
        return ray.get(ref)

    def close(self) -> None:
        """Record each worker's peak memory, stop the workers, and shut Ray down if this executor started it."""
        if self._workers:
            try:
                self.worker_peak_rss_mb = ray.get([w.peak_rss_mb.remote() for w in self._workers])
            except Exception:  # a dead worker must not hide the run's own error
                self.worker_peak_rss_mb = []
            for w in self._workers:
                ray.kill(w)
            self._workers = []
        if self._owns_ray and ray.is_initialized():
            ray.shutdown()
            self._owns_ray = False


@ray.remote
def _min_label_step(edges: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    return min_label_step(edges, labels)


def ray_connected_components(edges: pl.DataFrame, partitions: int, a: str = "a", b: str = "b") -> pl.DataFrame:
    """``qc.distributed.connected_components`` with each round's step run as one Ray task per edge partition.

    The edge partitions go to the object store once and stay there across rounds; per round only the
    label table is broadcast and the per-node minima come back. For edge lists too large for one
    process; the result equals the local function's.
    """
    e = edges.select(pl.col(a).alias("a"), pl.col(b).alias("b"))
    parts = [ray.put(p) for p in hash_partition(e, ["a"], partitions) if p.height]

    def step(_edges: pl.DataFrame, labels: pl.DataFrame) -> list[pl.DataFrame]:
        lab = ray.put(labels)
        return ray.get([_min_label_step.remote(p, lab) for p in parts])

    return connected_components(e, step_map=step)

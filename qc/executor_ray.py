"""Pass one on Ray Data: workers read the input's splits and run the engine's pure ``audit_batch``.

The pipeline is ``from_items(splits) -> map_batches(read) -> map_batches(audit, actor pool)``,
iterated on the driver in input order (``preserve_order``) while Ray Data's streaming executor keeps
only a bounded number of blocks in flight (backpressure), so the driver's memory does not grow with
the corpus. Reading uses newsqc's own readers (``qc.readers.read_split``): unreadable records become
``BadInput`` exactly as with the local executor, and ordinals come from the splits, so the reports are
byte-identical. A directory is cut into runs of files (read in parallel); a JSONL, gzip or Parquet
file is one split read by one task while the audit, ~1000x slower per byte than reading, spreads over
the actor pool. Blocks are Arrow tables: ``ordinal`` and the pickled record (read stage), then one row
per audited batch: the pickled ``BatchResult``, the worker's pid and peak memory (audit stage);
findings and sketch frames are nested Python objects, which Arrow would not round-trip more cheaply
than pickle.

Each actor builds the rules once from the picklable ``Pack`` (lexicons and regexes are compiled once
per worker, as in the local process pool). Ray is an optional extra: ``pip install 'newsqc[ray]'``.
Without ``address`` a local Ray instance with ``jobs`` CPUs is started (and shut down on ``close``);
with ``address`` (``auto``, ``ray://host:10001`` or ``host:6379``) the executor joins that cluster and
leaves it running. If Ray is already initialised in this process (a test session, a ``ray job submit``
entrypoint that called ``ray.init``) it is reused.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import pickle
import resource
import socket
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import polars as pl
import pyarrow as pa  # comes with the extra, like ray: qc.runner.make_executor hints at the extra for both
import ray
import ray.data

from qc.distributed import connected_components, hash_partition, min_label_step
from qc.engine import BatchResult, audit_batch
from qc.executor import ExecutorError, fix_rule_ids, split_batches, spool_results
from qc.pack import Pack
from qc.readers import ReadOptions, Split
from qc.rule import Rule
from qc.spool import Spool, Spooled

# Ray Data warns when an actor pool gets fewer input blocks than actors (a corpus smaller than a block).
warnings.filterwarnings("ignore", message="The minimum number of concurrent actors", category=UserWarning)

# Read tasks run next to the audit actors and use little CPU (parsing JSON is ~1000x cheaper than
# auditing it); they take no CPU slot so that they never wait behind the actors that consume them.
READ_CPUS = 0
# Ray Data merges a task's output into blocks of up to this size, and a block is audited by one actor:
# ~1 MiB is a few hundred news articles, a few seconds of work, so even a single JSONL file spreads
# over every actor while per-block overheads stay small. (Ray Data's default, 128 MiB, would give a
# whole file to one actor.)
BLOCK_BYTES = 1 << 20


def _read_splits(batch: pa.Table, options: ReadOptions, batch_size: int) -> Iterator[pa.Table]:
    """Ray Data stage one: each split's records as Arrow blocks of ``batch_size`` ``(ordinal, record)``."""
    for blob in batch.column("split").to_pylist():
        for chunk in split_batches([pickle.loads(blob)], options, batch_size):
            yield pa.table({
                "ordinal": pa.array([o for o, _ in chunk], pa.int64()),
                "record": pa.array([pickle.dumps(r, protocol=pickle.HIGHEST_PROTOCOL) for _, r in chunk],
                                   pa.large_binary()),
            })


class _Audit:
    """Ray Data stage two, one instance per actor: the rules are built once, then batches are audited."""

    def __init__(self, pack: Pack) -> None:
        self.rules = pack.build()
        self.fix = fix_rule_ids(pack, self.rules)
        self.budget = pack.document_seconds  # the UDF runs in a worker thread: the watchdog enforces it

    def __call__(self, batch: pa.Table) -> pa.Table:
        records = [pickle.loads(b) for b in batch.column("record").to_pylist()]
        result = audit_batch(list(zip(batch.column("ordinal").to_pylist(), records, strict=True)),
                             self.rules, self.fix, self.budget)
        return pa.table({
            "batch": pa.array([pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)], pa.large_binary()),
            "worker": pa.array([os.getpid()], pa.int64()),
            # Linux reports ru_maxrss in KiB
            "peak_rss_mb": pa.array([resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024], pa.float64()),
        })


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
    """``Executor`` on Ray Data: an actor pool of ``jobs`` workers (capped at the cluster's CPUs)."""

    def __init__(self, pack: Pack, jobs: int, rules: Sequence[Rule] | None = None, address: str | None = None):
        self.pack = pack
        self.address = address
        self._owns_ray = False
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
        self.task_workers = self.jobs

    def map_splits(self, splits: Sequence[Split], options: ReadOptions,
                   batch_size: int) -> Iterator[BatchResult]:
        """Read and audit the splits on Ray Data; yield the batches' results in input order."""
        splits = list(splits)
        if not splits:
            return
        ctx = ray.data.DataContext.get_current()
        saved = (ctx.execution_options.preserve_order, ctx.target_max_block_size, ctx.enable_progress_bars,
                 ctx.enable_auto_log_stats, ctx.print_on_execution_start)
        ctx.execution_options.preserve_order = True  # input order, so pass two streams in order
        ctx.target_max_block_size = BLOCK_BYTES
        ctx.enable_progress_bars = False  # the CLI shows its own progress
        ctx.enable_auto_log_stats = False
        ctx.print_on_execution_start = False
        log = logging.getLogger("ray.data")
        level = log.level
        log.setLevel(logging.ERROR)  # Ray Data's per-run INFO lines would interleave with qc's output
        try:
            yield from self._run(splits, options, batch_size)
        finally:
            (ctx.execution_options.preserve_order, ctx.target_max_block_size, ctx.enable_progress_bars,
             ctx.enable_auto_log_stats, ctx.print_on_execution_start) = saved
            log.setLevel(level)

    def spool_splits(self, splits: Sequence[Split], options: ReadOptions, batch_size: int,
                     spool: Spool) -> Iterator[Spooled]:
        """``map_splits`` spooled here: the spool folder is the driver's."""
        return spool_results(self.map_splits(splits, options, batch_size), spool)

    def _run(self, splits: list[Split], options: ReadOptions, batch_size: int) -> Iterator[BatchResult]:
        ds = ray.data.from_items([{"split": pickle.dumps(s, protocol=pickle.HIGHEST_PROTOCOL)} for s in splits],
                                 override_num_blocks=len(splits))
        # A concurrency limit also keeps Ray Data from fusing reading into the audit actors, which would
        # give each split (a whole JSONL file) to one actor.
        ds = ds.map_batches(_read_splits, batch_size=1, batch_format="pyarrow", num_cpus=READ_CPUS,
                            concurrency=max(1, -(-self.jobs // 4)),
                            fn_kwargs={"options": options, "batch_size": batch_size})
        ds = ds.map_batches(_Audit, fn_constructor_args=(self.pack,), batch_size=batch_size,
                            batch_format="pyarrow", num_cpus=1, compute=ray.data.ActorPoolStrategy(size=self.jobs,
                            max_tasks_in_flight_per_actor=2))
        peaks: dict[int, float] = {}
        for block in ds.iter_batches(batch_size=None, batch_format="pyarrow", prefetch_batches=1):
            for w, m in zip(block.column("worker").to_pylist(), block.column("peak_rss_mb").to_pylist(), strict=True):
                peaks[w] = max(peaks.get(w, 0.0), m)
            for blob in block.column("batch").to_pylist():
                yield pickle.loads(blob)
        self.worker_peak_rss_mb = [peaks[w] for w in sorted(peaks)]

    def map_tasks(self, fn: Callable[[Any, Any], Any], items: Sequence[Any], shared: Any = None) -> list[Any]:
        """One Ray task per item, ``shared`` put in the object store once (numpy arrays in it are read
        zero-copy by workers on the same node); results in item order."""
        ref = ray.put(shared)
        run = _task.options(name=getattr(fn, "__name__", "task"))
        return ray.get([run.remote(fn, ref, item) for item in items])

    def connected_components(self, edges: pl.DataFrame) -> pl.DataFrame:
        return ray_connected_components(edges, 2 * self.jobs)

    def close(self) -> None:
        """Shut Ray down if this executor started it (Ray Data stops its actors when the run ends)."""
        if self._owns_ray and ray.is_initialized():
            ray.shutdown()
            self._owns_ray = False


@ray.remote
def _task(fn: Callable[[Any, Any], Any], shared: Any, item: Any) -> Any:
    return fn(shared, item)


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

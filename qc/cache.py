"""An on-disk cache for derived data that is slow to build and depends only on its inputs (word indexes
built from wordfreq's lists): built once per machine instead of once per process.

Entries live in ``$NEWSQC_CACHE_DIR`` (default ``~/.cache/newsqc``), keyed by a hash of everything the
value depends on (package versions included), written atomically. A missing, unreadable or unwritable
cache only costs the build: the value is always what ``build()`` returns. Processes that miss one entry
at once (a pool's workers on a cold cache) take turns: the first builds it, the others wait on its lock
file and read the result, instead of each holding the build's memory (wordfreq's whole lists) at once.
A pool on a cold cache goes further: ``qc.executor.prebuild`` builds the pack in a process of its own
before the workers start (``is_built`` tells it whether that is needed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from qc.writers import atomic_path

try:
    import fcntl
except ImportError:  # not POSIX: concurrent builders each build (the value is the same)
    fcntl = None  # type: ignore[assignment]

T = TypeVar("T")
_FORMAT = 1


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSQC_CACHE_DIR") or Path.home() / ".cache" / "newsqc")


def cached(name: str, key: Any, build: Callable[[], T]) -> T:
    """``build()``, or its pickled value from an earlier build with the same ``name`` and ``key``. The
    load or build runs outside any document's time budget (``qc.engine.budget_paused``)."""
    from qc.engine import budget_paused  # here: the engine imports rules that import this module

    # a first load or build (or the wait for another process's) in a document is not charged to its budget
    with budget_paused():
        path = _entry(name, key, ".pickle")
        found = _load(path)
        if found is not _MISSING:
            return found
        with _build_lock(path):
            found = _load(path)  # built by another process while this one waited
            if found is not _MISSING:
                return found
            value = build()
            try:
                with atomic_path(path) as tmp, open(tmp, "xb") as fh:
                    pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            except OSError:
                pass
        return value


_MISSING = object()


def _entry(name: str, key: Any, suffix: str) -> Path:
    digest = hashlib.sha256(repr((_FORMAT, name, key)).encode("utf-8")).hexdigest()[:24]
    return cache_dir() / f"{name}-{digest}{suffix}"


def _load(path: Path) -> Any:
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        return _MISSING


@contextlib.contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``'s lock file while it is built; none if the cache cannot hold one."""
    fh = None
    if fcntl is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fh = open(path.with_name(path.name + ".lock"), "ab")  # noqa: SIM115 (held across the yield)
            fcntl.flock(fh, fcntl.LOCK_EX)
        except OSError:
            if fh is not None:
                fh.close()
            fh = None
    try:
        yield
    finally:
        if fh is not None:
            fh.close()  # releases the lock


def is_built(name: str, key: Any) -> bool:
    """Whether a process has finished the ``built_once`` build of ``name`` and ``key`` on this machine."""
    return _entry(name, key, ".built").exists()


def writable() -> bool:
    """Whether the cache directory exists or can be made, and can be written."""
    try:
        cache_dir().mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(cache_dir(), os.W_OK)


@contextlib.contextmanager
def built_once(name: str, key: Any) -> Iterator[None]:
    """Around a process's whole build from the cache (a worker building its pack): on a cold cache the
    first process builds alone while those that start with it wait, then read what it wrote, so a pool
    holds one builder's memory, not one per worker (entry locks alone let two workers build two different
    entries at once). A marker file records the build: later processes build side by side."""
    marker = _entry(name, key, ".built")
    if marker.exists():
        yield
        return
    with _build_lock(marker):
        yield
        with contextlib.suppress(OSError):
            marker.touch()

"""An on-disk cache for derived data that is slow to build and depends only on its inputs (word indexes
built from wordfreq's lists): built once per machine instead of once per process.

Entries live in ``$NEWSQC_CACHE_DIR`` (default ``~/.cache/newsqc``), keyed by a hash of everything the
value depends on (package versions included), written atomically. A missing, unreadable or unwritable
cache only costs the build: the value is always what ``build()`` returns.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from qc.writers import atomic_path

T = TypeVar("T")
_FORMAT = 1


def cache_dir() -> Path:
    return Path(os.environ.get("NEWSQC_CACHE_DIR") or Path.home() / ".cache" / "newsqc")


def cached(name: str, key: Any, build: Callable[[], T]) -> T:
    """``build()``, or its pickled value from an earlier build with the same ``name`` and ``key``."""
    digest = hashlib.sha256(repr((_FORMAT, name, key)).encode("utf-8")).hexdigest()[:24]
    path = cache_dir() / f"{name}-{digest}.pickle"
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    value = build()
    try:
        with atomic_path(path) as tmp, open(tmp, "xb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    except OSError:
        pass
    return value

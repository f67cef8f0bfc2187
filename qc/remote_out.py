"""``--out`` as an fsspec URL (``s3://bucket/qc/run-7``, ``gs://...``): stage locally, then upload.

Local outputs appear atomically (temp file + rename, see ``qc.writers``), but object stores have no
atomic rename and a partly uploaded tree looks like a finished one. So a run with a URL ``--out``
writes everything (reports, summary.json with the gate, report.html) into a local staging folder
(under ``$NEWSQC_STAGING_DIR`` or the system temp dir) and, once the run is complete, uploads it with
``summary.json`` last: a reader that sees ``summary.json`` knows the rest is there. Any previous
``summary.json`` at the URL is removed before the upload starts, so a stale one never vouches for a
half-written tree. ``qc clean`` writes no summary; its ``edits.jsonl`` is the marker instead.

The URL is resolved before the run (a missing fsspec or store package, or an unknown protocol, fails
fast). If the upload fails the staging folder is kept and the error names it; otherwise it is removed.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MARKERS = ("summary.json", "edits.jsonl")  # the first one present in the tree is uploaded last


class OutputError(Exception):
    """The ``--out`` URL cannot be used or written (a usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class RemoteOut:
    """A resolved output URL: the filesystem and the root path inside it."""

    url: str
    fs: Any
    root: str


def resolve(url: str) -> RemoteOut:
    """Check the URL's filesystem can be loaded before spending a whole run on it."""
    try:
        import fsspec
    except ImportError:
        raise OutputError(f"--out {url}: writing to URLs needs fsspec (pip install fsspec, and s3fs, gcsfs "
                          "or adlfs for object stores)") from None
    try:
        fs, root = fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise OutputError(f"--out {url}: {exc}") from None
    return RemoteOut(url.rstrip("/"), fs, root.rstrip("/"))


@contextmanager
def staged(remote: RemoteOut) -> Iterator[Path]:
    """A local folder to run into; uploaded to ``remote`` when the block succeeds, then removed.

    An exception in the block removes the folder (there is nothing finished to keep); a failed upload
    keeps it, so a long run's results are not lost to a network error.
    """
    base = os.environ.get("NEWSQC_STAGING_DIR") or None
    if base:
        Path(base).mkdir(parents=True, exist_ok=True)
    local = Path(tempfile.mkdtemp(prefix="qc-out-", dir=base))
    keep = False
    try:
        yield local
        try:
            upload(local, remote)
        except Exception as exc:  # backends raise anything (OSError, botocore, aiohttp...): all mean "not uploaded"
            keep = True
            raise OutputError(f"uploading to {remote.url} failed ({type(exc).__name__}: {exc}); "
                              f"the finished outputs are kept in {local}") from exc
    finally:
        if not keep:
            shutil.rmtree(local, ignore_errors=True)


def upload(local: Path, remote: RemoteOut) -> None:
    """Copy the tree under ``local`` to ``remote``, the completion marker last."""
    files = sorted(p for p in local.rglob("*") if p.is_file())
    rel = {p: p.relative_to(local).as_posix() for p in files}
    marker = next((p for name in MARKERS for p in files if rel[p] == name), None)
    fs, root = remote.fs, remote.root
    if marker is not None and fs.exists(f"{root}/{rel[marker]}"):
        fs.rm_file(f"{root}/{rel[marker]}")
    fs.makedirs(root, exist_ok=True)
    for d in sorted({p.parent for p in files} - {local}):
        fs.makedirs(f"{root}/{d.relative_to(local).as_posix()}", exist_ok=True)
    rest = [p for p in files if p != marker]
    if rest:
        fs.put([str(p) for p in rest], [f"{root}/{rel[p]}" for p in rest])
    if marker is not None:
        fs.put_file(str(marker), f"{root}/{rel[marker]}")

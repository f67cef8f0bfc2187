"""Inputs named by fsspec URLs (object stores, HTTP) read like local ones; tested on fsspec's memory://."""

from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterator
from pathlib import Path

import polars as pl
import pytest

from qc.cli import main
from qc.model import Document
from qc.readers import BadInput, InputError, ReadOptions, input_kind, read_input

if not os.environ.get("CI"):
    pytest.importorskip("fsspec")  # installed with the ray extra; CI must run these tests
import fsspec


@pytest.fixture
def mem() -> Iterator[fsspec.AbstractFileSystem]:
    fs = fsspec.filesystem("memory")
    if fs.exists("/qc-test"):
        fs.rm("/qc-test", recursive=True)
    yield fs
    if fs.exists("/qc-test"):
        fs.rm("/qc-test", recursive=True)


def test_directory_url_reads_like_a_local_directory(mem: fsspec.AbstractFileSystem, tmp_path: Path) -> None:
    files = {"b/z.txt": b"Zed story.", "a.txt": b"caf\xe9 au lait", "c.md": b"skip me", "e.txt": b""}
    for name, data in files.items():
        mem.pipe(f"/qc-test/corpus/{name}", data)
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    remote = list(read_input("memory://qc-test/corpus", ReadOptions()))
    local = list(read_input(tmp_path, ReadOptions()))
    assert input_kind("memory://qc-test/corpus") == "dir"
    assert [r.id for r in remote] == [r.id for r in local] == ["a.txt", "b/z.txt", "e.txt"]
    assert isinstance(remote[0], Document) and remote[0].decode_errors == local[0].decode_errors
    assert isinstance(remote[2], BadInput) and remote[2].error == "empty document"


def test_jsonl_gz_and_parquet_urls(mem: fsspec.AbstractFileSystem) -> None:
    lines = json.dumps({"id": "x", "text": "Hello there."}) + "\n{broken\n"
    mem.pipe("/qc-test/c.jsonl.gz", gzip.compress(lines.encode()))
    recs = list(read_input("memory://qc-test/c.jsonl.gz"))
    assert [r.id for r in recs] == ["x", "c.jsonl.gz:2"] and isinstance(recs[1], BadInput)
    with mem.open("/qc-test/p.parquet", "wb") as fh:
        pl.DataFrame({"id": ["p1"], "text": ["one"], "n": [1]}).write_parquet(fh)
    [doc] = read_input("memory://qc-test/p.parquet")
    assert (doc.id, doc.text, doc.meta["n"]) == ("p1", "one", 1)


def test_missing_url_is_an_input_error(mem: fsspec.AbstractFileSystem) -> None:
    with pytest.raises(InputError, match="input not found"):
        list(read_input("memory://qc-test/none.jsonl"))


def test_audit_of_a_url(mem: fsspec.AbstractFileSystem, tmp_path: Path) -> None:
    mem.pipe("/qc-test/in/a.txt", "They donâ€™t know.\n".encode())
    out = tmp_path / "out"
    assert main(["audit", "memory://qc-test/in", "--out", str(out), "--quiet", "--select", "encoding"]) == 0
    assert (out / "clean" / "a.txt").read_text(encoding="utf-8") == "They don’t know.\n"
    assert main(["audit", "memory://qc-test/missing", "--out", str(out), "--quiet"]) == 2


@pytest.mark.parametrize("glob", ["*.txt", "b/*.txt", "*.md", "b/*"])
def test_glob_means_the_same_on_a_url_and_a_local_directory(mem: fsspec.AbstractFileSystem, tmp_path: Path,
                                                            glob: str) -> None:
    """``--glob`` with a folder in it (``b/*.txt``) selects the same files in both listings."""
    files = {"b/z.txt": b"Zed story.", "a.txt": b"Alpha story.", "b/c/y.txt": b"Why story.", "c.md": b"Notes."}
    for name, data in files.items():
        mem.pipe(f"/qc-test/corpus/{name}", data)
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    remote = [r.id for r in read_input("memory://qc-test/corpus", ReadOptions(glob=glob))]
    local = [r.id for r in read_input(tmp_path, ReadOptions(glob=glob))]
    assert remote == local
    assert local == {"*.txt": ["a.txt", "b/c/y.txt", "b/z.txt"], "b/*.txt": ["b/z.txt"], "*.md": ["c.md"],
                     "b/*": ["b/z.txt"]}[glob]

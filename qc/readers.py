"""Input readers: text files, directories, JSONL(.gz) and Parquet, streamed one document at a time.

A reader never raises on a bad document: it yields a ``BadInput`` that the report records. Ids are
stable: the path relative to the input root for files, the id field (or ``path:line``) for JSONL.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from qc.model import Document

DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # larger documents are reported, not analysed
BINARY_SNIFF_BYTES = 8192


class InputError(ValueError):
    """The input path is missing or of a kind newsqc cannot read (a usage error, exit 2)."""


@dataclass(frozen=True, slots=True)
class BadInput:
    """A document that could not be read; it is reported with ``error`` and never silently dropped."""

    id: str
    source: str
    error: str
    meta: dict[str, Any] = field(default_factory=dict)


Record = Document | BadInput


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOptions:
    glob: str = "*.txt"
    id_field: str = "id"
    text_field: str = "text"
    max_bytes: int = DEFAULT_MAX_BYTES


def input_kind(path: Path) -> str:
    if path.is_dir():
        return "dir"
    name = path.name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


def read_input(path: Path, options: ReadOptions | None = None) -> Iterator[Record]:
    """Every document of ``path`` in a stable order."""
    options = options or ReadOptions()
    if not path.exists():
        raise InputError(f"input not found: {path}")
    kind = input_kind(path)
    if kind == "dir":
        yield from _read_dir(path, options)
    elif kind == "jsonl":
        yield from _read_jsonl(path, options)
    elif kind == "parquet":
        yield from _read_parquet(path, options)
    else:
        yield _read_text_file(path, path.name, options)


def _read_dir(root: Path, options: ReadOptions) -> Iterator[Record]:
    # rglob yields in directory order: sort the relative paths so ids come in the same order everywhere.
    paths = sorted((p for p in root.rglob(options.glob) if p.is_file()), key=lambda p: p.relative_to(root).as_posix())
    for p in paths:
        yield _read_text_file(p, p.relative_to(root).as_posix(), options)


def _read_text_file(path: Path, doc_id: str, options: ReadOptions) -> Record:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > options.max_bytes:
            return BadInput(doc_id, source, f"document too large: {size} bytes > limit {options.max_bytes}")
        data = path.read_bytes()
    except OSError as exc:
        return BadInput(doc_id, source, f"cannot read file: {exc.strerror or exc}")
    return decode_document(data, doc_id, source, {"path": doc_id})


def decode_document(data: bytes, doc_id: str, source: str, meta: dict[str, Any]) -> Record:
    """Bytes to a ``Document``: empty and binary inputs are ``BadInput``; invalid UTF-8 is decoded with
    U+FFFD and its byte runs kept in ``decode_errors`` (the ``encoding/invalid-utf8`` rule reports them)."""
    if not data.strip():
        return BadInput(doc_id, source, "empty document" if not data else "document is only white space", meta)
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return BadInput(doc_id, source, "binary file (NUL bytes), not text", meta)
    text, errors = decode_utf8(data)
    return Document(id=doc_id, text=text, meta=meta, source=source, decode_errors=errors)


def decode_utf8(data: bytes) -> tuple[str, tuple[tuple[int, int, bytes], ...]]:
    """Decode UTF-8; each invalid byte run becomes one U+FFFD per byte, with its (start, end, bytes)."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        pass
    parts: list[str] = []
    errors: list[tuple[int, int, bytes]] = []
    pos = 0
    chars = 0
    while pos < len(data):
        try:
            chunk = data[pos:].decode("utf-8")
            parts.append(chunk)
            break
        except UnicodeDecodeError as exc:
            good = data[pos:pos + exc.start].decode("utf-8")
            parts.append(good)
            chars += len(good)
            bad = data[pos + exc.start:pos + exc.end]
            if errors and errors[-1][1] == chars:  # extend an adjacent run
                s, _e, b = errors[-1]
                errors[-1] = (s, chars + len(bad), b + bad)
            else:
                errors.append((chars, chars + len(bad), bad))
            parts.append("\ufffd" * len(bad))
            chars += len(bad)
            pos += exc.end
    return "".join(parts), tuple(errors)


def _read_jsonl(path: Path, options: ReadOptions) -> Iterator[Record]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    name = path.name
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc}") from None
    with fh:
        try:
            for lineno, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                yield _jsonl_record(raw, f"{name}:{lineno}", options)
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield BadInput(f"{name}:end", str(path), f"input truncated or corrupt after the last line read: {exc}")


def _jsonl_record(raw: bytes, where: str, options: ReadOptions) -> Record:
    if len(raw) > options.max_bytes:
        return BadInput(where, where, f"line too large: {len(raw)} bytes > limit {options.max_bytes}")
    try:
        obj = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return BadInput(where, where, f"malformed JSON at {where}: {exc}")
    if not isinstance(obj, dict):
        return BadInput(where, where, f"JSON line at {where} is not an object")
    return _object_record(obj, where, options)


def _object_record(obj: dict[str, Any], where: str, options: ReadOptions) -> Record:
    raw_id = obj.get(options.id_field)
    doc_id = str(raw_id) if raw_id is not None and str(raw_id) != "" else where
    text = obj.get(options.text_field)
    meta = {k: v for k, v in obj.items() if k != options.text_field}
    if not isinstance(text, str):
        return BadInput(doc_id, where, f"field {options.text_field!r} missing or not a string", meta)
    if not text.strip():
        return BadInput(doc_id, where, "empty document", meta)
    if "\x00" in text:
        return BadInput(doc_id, where, "text contains NUL characters (binary data?)", meta)
    return Document(id=doc_id, text=text, meta=meta, source=where)


def _read_parquet(path: Path, options: ReadOptions) -> Iterator[Record]:
    try:
        lf = pl.scan_parquet(path)
        schema = lf.collect_schema()
    except Exception as exc:  # polars raises its own ComputeError family
        raise InputError(f"cannot read Parquet {path}: {exc}") from None
    if options.text_field not in schema:
        raise InputError(f"{path}: no column {options.text_field!r} (columns: {', '.join(schema.names())})")
    row = 0
    for batch in lf.collect_batches(chunk_size=4096):
        for obj in batch.iter_rows(named=True):
            row += 1
            yield _object_record(obj, f"{path.name}:{row}", options)

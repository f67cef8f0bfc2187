"""Input readers: text files, directories, JSONL(.gz) and Parquet, streamed one document at a time.

A reader never raises on a bad document: it yields a ``BadInput`` that the report records. Ids are
stable: the path relative to the input root for files, the id field (or ``path:line``) for JSONL.
"""

from __future__ import annotations

import fnmatch
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

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


def is_url(spec: str | Path) -> bool:
    """``s3://bucket/x.jsonl``, ``memory://corpus/``...: read through fsspec rather than the local disk."""
    return isinstance(spec, str) and "://" in spec and not spec.startswith("file://")


def as_input(spec: str) -> str | Path:
    """A command-line input: a URL stays a string, anything else is a local path."""
    if spec.startswith("file://"):
        return Path(spec[len("file://"):])
    return spec if is_url(spec) else Path(spec)


def input_exists(spec: str | Path) -> bool:
    if is_url(spec):
        fs, root = _url_fs(str(spec))
        return bool(fs.exists(root))
    return Path(spec).exists()


def input_name(spec: str | Path) -> str:
    """The input's last path component (for the default output folder)."""
    return str(spec).rstrip("/").rsplit("/", 1)[-1] if is_url(spec) else Path(spec).resolve().name


def input_kind(path: str | Path) -> str:
    if is_url(path):
        fs, root = _url_fs(str(path))
        if fs.isdir(root):
            return "dir"
        return _kind_of_name(root)
    assert isinstance(path, Path)
    if path.is_dir():
        return "dir"
    return _kind_of_name(path.name)


def _kind_of_name(name: str) -> str:
    name = name.lower()
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    if name.endswith(".parquet"):
        return "parquet"
    return "text"


@dataclass(frozen=True, slots=True)
class Split:
    """A piece of the input that one task reads on its own: a whole file, or a run of a directory's files.

    Splits carry the ordinal of their first record, so workers that read splits in parallel number
    documents exactly as one sequential read would (each directory file is one record).
    """

    kind: str  # "dir" | "jsonl" | "parquet" | "text"
    spec: str | Path  # the input file (a path or URL); for "dir", the directory
    files: tuple[tuple[str, str], ...] = ()  # "dir": (path or URL, id relative to the directory)
    first: int = 0  # ordinal of the first record


FILES_PER_SPLIT = 256


def input_splits(path: str | Path, options: ReadOptions | None = None,
                 files_per_split: int = FILES_PER_SPLIT) -> list[Split]:
    """The input cut into splits, in input order: runs of ``files_per_split`` files of a directory
    (listed and sorted here), or the single file (JSONL, Parquet and gzip streams are read whole)."""
    options = options or ReadOptions()
    if is_url(path):
        fs, root = _url_fs(str(path))
        if not fs.exists(root):
            raise InputError(f"input not found: {path}")
    elif not Path(path).exists():
        raise InputError(f"input not found: {path}")
    kind = input_kind(path)
    if kind == "parquet":  # a missing text column is a usage error, found here rather than on a worker
        _parquet_schema(path, options)
    if kind != "dir":
        return [Split(kind, path)]
    files = _list_dir(path, options)
    return [Split("dir", path, tuple(files[i:i + files_per_split]), i)
            for i in range(0, len(files), max(1, files_per_split))]


def read_split(split: Split, options: ReadOptions) -> Iterator[Record]:
    """Every record of one split, in order."""
    if split.kind == "dir":
        if is_url(split.spec):
            fs, _ = _url_fs(str(split.spec))
            protocol = str(split.spec).split("://", 1)[0]
            for p, rel in split.files:
                yield _read_url_file(fs, p, rel, f"{protocol}://{p}", options)
        else:
            for p, rel in split.files:
                yield _read_text_file(Path(p), rel, options)
    elif is_url(split.spec):
        yield from _read_url(str(split.spec), split.kind, options)
    else:
        path = Path(split.spec)
        if split.kind == "jsonl":
            yield from _read_jsonl(path, options)
        elif split.kind == "parquet":
            yield from _read_parquet(path, options)
        else:
            yield _read_text_file(path, path.name, options)


def read_input(path: str | Path, options: ReadOptions | None = None) -> Iterator[Record]:
    """Every document of ``path`` (a local path or an fsspec URL) in a stable order."""
    options = options or ReadOptions()
    for split in input_splits(path, options):
        yield from read_split(split, options)


def _list_dir(root: str | Path, options: ReadOptions) -> list[tuple[str, str]]:
    """``(path, relative id)`` of a directory's files matching the glob, sorted by id so that the order
    is the same on every machine (rglob and object-store listings come in no fixed order)."""
    if is_url(root):
        fs, base = _url_fs(str(root))
        base = base.rstrip("/")
        found = [(p, p[len(base):].lstrip("/")) for p in fs.find(base)
                 if fnmatch.fnmatch(p.rsplit("/", 1)[-1], options.glob)]
    else:
        assert isinstance(root, Path)
        found = [(str(p), p.relative_to(root).as_posix()) for p in root.rglob(options.glob) if p.is_file()]
    return sorted(found, key=lambda f: f[1])


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
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc}") from None
    with fh:
        yield from _jsonl_lines(fh, path.name, str(path), options)


def _jsonl_lines(fh: IO[bytes], name: str, source: str, options: ReadOptions) -> Iterator[Record]:
    try:
        for lineno, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            yield _jsonl_record(raw, f"{name}:{lineno}", options)
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        yield BadInput(f"{name}:end", source, f"input truncated or corrupt after the last line read: {exc}")


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


def _parquet_schema(path: Path | str, options: ReadOptions) -> None:
    """Check that a Parquet input (local or URL) is readable and has the text column."""
    if is_url(path):
        fs, root = _url_fs(str(path))
        with fs.open(root, "rb") as fh:
            _read_parquet_schema(path, options, lambda: pl.read_parquet(fh, n_rows=0).lazy())
    else:
        _read_parquet_schema(path, options, lambda: pl.scan_parquet(path))


def _read_parquet_schema(path: Path | str, options: ReadOptions, open_lazy: Any) -> pl.LazyFrame:
    """The Parquet file as a lazy frame, once its schema is known to hold the text column."""
    try:
        lf = open_lazy()
        schema = lf.collect_schema()
    except Exception as exc:  # polars raises its own ComputeError family
        raise InputError(f"cannot read Parquet {path}: {exc}") from None
    if options.text_field not in schema:
        raise InputError(f"{path}: no column {options.text_field!r} (columns: {', '.join(schema.names())})")
    return lf


def _read_parquet(path: Path | str, options: ReadOptions, fh: IO[bytes] | None = None) -> Iterator[Record]:
    def lazy() -> pl.LazyFrame:
        return pl.scan_parquet(path) if fh is None else pl.read_parquet(fh).lazy()

    lf = _read_parquet_schema(path, options, lazy)
    name = str(path).rstrip("/").rsplit("/", 1)[-1]
    row = 0
    for batch in lf.collect_batches(chunk_size=4096):
        for obj in batch.iter_rows(named=True):
            row += 1
            yield _object_record(obj, f"{name}:{row}", options)


# ---------------------------------------------------------------- URLs (fsspec)


def _url_fs(url: str) -> tuple[Any, str]:
    try:
        import fsspec
    except ImportError:
        raise InputError(f"{url}: reading URLs needs fsspec (pip install fsspec, and s3fs, gcsfs or adlfs "
                         "for object stores)") from None
    try:
        return fsspec.core.url_to_fs(url)
    except (ImportError, ValueError) as exc:
        raise InputError(f"{url}: {exc}") from None


def _read_url_file(fs: Any, path: str, rel: str, source: str, options: ReadOptions) -> Record:
    size = fs.size(path)
    if size is not None and size > options.max_bytes:
        return BadInput(rel, source, f"document too large: {size} bytes > limit {options.max_bytes}")
    try:
        data = fs.cat_file(path)
    except OSError as exc:
        return BadInput(rel, source, f"cannot read file: {exc.strerror or exc}")
    return decode_document(data, rel, source, {"path": rel})


def _read_url(url: str, kind: str, options: ReadOptions) -> Iterator[Record]:
    """One file over an fsspec filesystem: object stores, HTTP, ``memory://`` in tests."""
    fs, root = _url_fs(url)
    if kind == "jsonl":
        with fs.open(root, "rb", compression="infer") as fh:
            yield from _jsonl_lines(fh, root.rsplit("/", 1)[-1], url, options)
    elif kind == "parquet":
        with fs.open(root, "rb") as fh:
            yield from _read_parquet(url, options, fh)
    else:
        name = root.rsplit("/", 1)[-1]
        yield _read_url_file(fs, root, name, url, options)

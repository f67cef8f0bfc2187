"""Input readers: text files, directories, JSONL(.gz) and Parquet, streamed one document at a time.

A reader never raises on a bad document: it yields a ``BadInput`` that the report records. Ids are
stable: the path relative to the input root for files, the id field (or ``path:line``) for JSONL.

Text is sanitised here, once, so that no rule, language model or writer meets a string that cannot be
encoded as UTF-8: invalid bytes and lone surrogates (a JSON ``"\\ud83d"``) become U+FFFD and are kept in
``Document.decode_errors`` for ``encoding/invalid-utf8``; ids and sources that are not valid Unicode
(a file name with a byte that is not UTF-8) are spelled with visible escapes (``bad\\xffname.txt``);
metadata is made JSON-safe (NaN and infinities become null, dates ISO strings, bytes base64).

An input with no document (an empty directory, a zero-byte or all-blank JSONL file, a zero-row Parquet
file) yields no record: it is not the reader's error but the gate's (``[gate] min_documents``).
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import errno
import gzip
import json
import math
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
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

    def __post_init__(self) -> None:
        if isinstance(self.max_bytes, bool) or not isinstance(self.max_bytes, int) or self.max_bytes < 1:
            raise InputError(f"max bytes must be a positive number of bytes; got {self.max_bytes!r}")
        if not self.glob or not self.id_field or not self.text_field:
            raise InputError("glob, id field and text field must not be empty")


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
    # A byte range of a local JSONL file (``cut_jsonl``): from ``start`` (a line start; ``line`` lines
    # before it) to ``end`` (None: the end of the file). Its records are not checked for duplicate ids
    # (the reader of the range cannot see the others): whoever joins the ranges does (``UniqueIds``).
    start: int = 0
    end: int | None = None
    line: int = 0

    @property
    def ranged(self) -> bool:
        return self.end is not None or self.start > 0


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
    if not is_url(path) and kind != "dir":
        _check_input_file(Path(path))
    if kind == "parquet":  # a missing text column is a usage error, found here rather than on a worker
        _parquet_schema(path, options)
    if kind != "dir":
        return [Split(kind, path)]
    files = _list_dir(path, options)
    return [Split("dir", path, tuple(files[i:i + files_per_split]), i)
            for i in range(0, len(files), max(1, files_per_split))]


RANGE_BYTES = 2 << 20  # a range of a JSONL file: ~650 news articles of 3 KB, a second of near-duplicate work


def cut_jsonl(split: Split, range_bytes: int | None = None) -> Iterator[Split]:
    """A local, uncompressed, regular JSONL file as byte ranges of about ``range_bytes`` (default
    ``RANGE_BYTES``) that end at line ends (``split`` itself for any other split), so that workers
    read their own ranges. Lazily: each range's first line number is counted as the cut reaches it
    (one read of the file)."""
    if split.kind != "jsonl" or split.ranged or is_url(split.spec):
        yield split
        return
    path = Path(split.spec)  # library callers may give a str
    info = os.stat(path)
    if path.name.lower().endswith(".gz") or not stat.S_ISREG(info.st_mode):
        yield split
        return
    size = info.st_size
    range_bytes = range_bytes or RANGE_BYTES
    start = line = 0
    with open(path, "rb") as fh:
        while start < size:
            fh.seek(start)
            block = fh.read(range_bytes)
            newline = block.rfind(b"\n")
            if newline >= 0:
                end, lines = start + newline + 1, block.count(b"\n", 0, newline + 1)
            else:  # one line longer than the range: the range ends at its newline (sought in bounded reads)
                end, lines = start + len(block), 1
                while (piece := fh.read(1 << 20)) and (at := piece.find(b"\n")) < 0:
                    end += len(piece)
                end = end + at + 1 if piece else size
            yield Split("jsonl", path, start=start, end=None if end >= size else end, line=line)
            line += lines
            start = end


def _check_input_file(path: Path) -> None:
    """A JSONL or Parquet input must be a file or a pipe (``<(zcat crawl.jsonl.gz)``): a device such as
    ``/dev/zero`` never ends, so it is refused before any read. A single text input is a document and
    is reported as one (``_read_text_file``)."""
    if _kind_of_name(path.name) == "text":
        return
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        raise InputError(f"cannot read {escape_id(str(path))}: {exc.strerror or exc}") from None
    if not (stat.S_ISREG(mode) or stat.S_ISFIFO(mode)):
        raise InputError(f"{escape_id(str(path))}: not a regular file")


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
            yield from _read_jsonl(path, options, split)
        elif split.kind == "parquet":
            yield from _read_parquet(path, options)
        else:
            yield _read_text_file(path, escape_id(path.name), options)


def read_input(path: str | Path, options: ReadOptions | None = None) -> Iterator[Record]:
    """Every document of ``path`` (a local path or an fsspec URL) in a stable order."""
    options = options or ReadOptions()
    for split in input_splits(path, options):
        yield from read_split(split, options)


def glob_matches(rel: str, glob: str) -> bool:
    """Whether a file's path relative to the input root matches ``--glob``, matched from the right as
    ``PurePosixPath.match`` does (``*.txt`` any file, ``world/*.txt`` files of any ``world`` folder):
    one meaning for local folders and object-store URLs."""
    return PurePosixPath(rel).match(glob)


def _list_dir(root: str | Path, options: ReadOptions) -> list[tuple[str, str]]:
    """``(path, relative id)`` of a directory's files matching the glob, sorted by id so that the order
    is the same on every machine (rglob and object-store listings come in no fixed order)."""
    if is_url(root):
        fs, base = _url_fs(str(root))
        base = base.rstrip("/")
        found = [(p, rel) for p in fs.find(base)
                 if glob_matches(rel := p[len(base):].lstrip("/"), options.glob)]
    else:
        assert isinstance(root, Path)
        found = list(_walk(root, options.glob))
    return sorted(found, key=lambda f: f[1])


def _walk(root: Path, glob: str) -> Iterator[tuple[str, str]]:
    """Every entry under ``root`` whose name matches ``glob``, symlinks and special files included (the
    reader reports them), and every subdirectory that cannot be listed (reported too, so the gate counts
    what it could not see). Symlinks to directories are not followed, as ``Path.rglob`` does not."""
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as it:
                entries = list(it)
        except OSError:
            if folder != root:
                yield str(folder), escape_id(folder.relative_to(root).as_posix())
                continue
            raise InputError(f"cannot list {root}") from None
        for entry in entries:
            path = Path(entry.path)
            rel = path.relative_to(root).as_posix()
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir:
                stack.append(path)
            elif glob_matches(rel, glob) and not _is_dir_link(path):
                yield entry.path, escape_id(rel)


def _is_dir_link(path: Path) -> bool:
    try:
        return path.is_symlink() and stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        return False


_FILE_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
               (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
               (stat.S_ISSOCK, "a socket"))


def _read_text_file(path: Path, doc_id: str, options: ReadOptions) -> Record:
    """One file as a document. Only regular files are opened (a FIFO or ``/dev/zero`` would block or
    never end), and never more than ``max_bytes + 1`` bytes are read (``/proc`` files report size 0)."""
    source = escape_id(str(path))
    meta = {"path": doc_id}
    try:
        st = os.stat(path)
    except OSError as exc:
        return BadInput(doc_id, source, _stat_error(path, exc), meta)
    for is_kind, what in _FILE_KINDS:
        if is_kind(st.st_mode):
            if what == "a directory":
                try:
                    os.scandir(path).close()
                except OSError as exc:
                    return BadInput(doc_id, source, f"cannot list directory: {exc.strerror or exc}", meta)
            return BadInput(doc_id, source, f"not a regular file: {what}", meta)
    if st.st_size > options.max_bytes:
        return BadInput(doc_id, source, f"document too large: {st.st_size} bytes > limit {options.max_bytes}",
                        meta)
    try:
        with open(path, "rb") as fh:
            data = fh.read(options.max_bytes + 1)
    except OSError as exc:
        return BadInput(doc_id, source, f"cannot read file: {exc.strerror or exc}", meta)
    if len(data) > options.max_bytes:
        return BadInput(doc_id, source, f"document too large: more than {options.max_bytes} bytes", meta)
    return decode_document(data, doc_id, source, meta)


def _stat_error(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "cannot read file: symbolic link loop"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return f"cannot read file: dangling symbolic link (to {escape_id(os.readlink(path))})"
    return f"cannot read file: {exc.strerror or exc}"


def decode_document(data: bytes, doc_id: str, source: str, meta: dict[str, Any]) -> Record:
    """Bytes to a ``Document``: empty and binary inputs are ``BadInput``; invalid UTF-8 is decoded with
    U+FFFD and its byte runs kept in ``decode_errors`` (the ``encoding/invalid-utf8`` rule reports them)."""
    if not data.strip():
        return BadInput(doc_id, source, "empty document" if not data else "document is only white space", meta)
    if b"\x00" in data[:BINARY_SNIFF_BYTES]:
        return BadInput(doc_id, source, "binary file (NUL bytes), not text", meta)
    text, errors = decode_utf8(data)
    if not text.strip():  # white space beyond ASCII (no-break, em spaces) is no text either
        return BadInput(doc_id, source, "document is only white space", meta)
    return Document(id=doc_id, text=text, meta=meta, source=source, decode_errors=errors)


DecodeErrors = tuple[tuple[int, int, bytes], ...]
_SURROGATE_RE = re.compile("[\ud800-\udfff]+")


def decode_utf8(data: bytes) -> tuple[str, DecodeErrors]:
    """Decode UTF-8; each invalid byte run becomes one U+FFFD per byte, with its (start, end, bytes)."""
    try:
        return data.decode("utf-8"), ()
    except UnicodeDecodeError:
        return sanitize_text(data.decode("utf-8", "surrogateescape"))


def sanitize_text(text: str) -> tuple[str, DecodeErrors]:
    """``text`` with every surrogate code point replaced by U+FFFD (one for one, so offsets hold), and
    the (start, end, raw bytes) of each run: a surrogate escape (``\\udcff``, from ``surrogateescape``)
    is the invalid byte it stands for; a lone surrogate (a JSON ``"\\ud83d"`` without its pair) is its
    ``surrogatepass`` bytes. Strings from ``json.loads`` pair valid escapes, so only lone ones remain."""
    if text.isascii() or _is_valid_unicode(text):
        return text, ()
    errors = [(m.start(), m.end(), _surrogate_bytes(m.group())) for m in _SURROGATE_RE.finditer(text)]
    return _SURROGATE_RE.sub(lambda m: "\ufffd" * len(m.group()), text), tuple(errors)


def _is_valid_unicode(text: str) -> bool:
    """No surrogate code point: strict UTF-8 encoding fails on exactly those (10x faster than the
    regex search on a 3 KB non-ASCII text)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _surrogate_bytes(run: str) -> bytes:
    return b"".join(bytes([ord(ch) - 0xDC00]) if 0xDC80 <= ord(ch) <= 0xDCFF
                    else ch.encode("utf-8", "surrogatepass") for ch in run)


def escape_id(name: str) -> str:
    """A name that can be written as UTF-8, losslessly: unchanged when it is valid Unicode; otherwise a
    surrogate escape (a byte that was not UTF-8 in a file name) is spelled ``\\xNN``, a lone surrogate
    ``\\udNNN`` and a backslash ``\\\\``, so the escaped form maps back to the one original name."""
    if name.isascii() or not _SURROGATE_RE.search(name):
        return name
    out = []
    for ch in name:
        cp = ord(ch)
        if 0xDC80 <= cp <= 0xDCFF:
            out.append(f"\\x{cp - 0xDC00:02x}")
        elif 0xD800 <= cp <= 0xDFFF:
            out.append(f"\\u{cp:04x}")
        else:
            out.append("\\\\" if ch == "\\" else ch)
    return "".join(out)


def json_safe(value: Any) -> Any:
    """A metadata value as JSON can carry it: NaN and infinities become null (``NaN`` is not JSON),
    dates and times ISO strings, decimals strings, bytes base64, nested values recursively, lone
    surrogates U+FFFD. Plain values come back unchanged."""
    if value is None or isinstance(value, bool | int):
        return value
    if isinstance(value, str):
        return sanitize_text(value)[0]
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {escape_id(str(k)): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return sanitize_text(str(value))[0]


def _read_jsonl(path: Path, options: ReadOptions, split: Split | None = None) -> Iterator[Record]:
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        fh = opener(path, "rb")
    except OSError as exc:
        raise InputError(f"cannot open {path}: {exc}") from None
    with fh:
        if split is not None and split.ranged:
            fh.seek(split.start)
            yield from _jsonl_lines(_Range(fh, split.end), path.name, str(path), options, split.line, unique=False)
        else:
            yield from _jsonl_lines(fh, path.name, str(path), options)


class _Range:
    """The lines of a file up to byte ``end`` (a line end; None: the end of the file)."""

    def __init__(self, fh: IO[bytes], end: int | None):
        self.fh = fh
        self.left = None if end is None else end - fh.tell()

    def readline(self, size: int = -1) -> bytes:
        if self.left is None:
            return self.fh.readline(size)
        if self.left <= 0:
            return b""
        raw = self.fh.readline(self.left if size < 0 else min(size, self.left))
        self.left -= len(raw)
        return raw


def _jsonl_lines(fh: IO[bytes] | _Range, name: str, source: str, options: ReadOptions, first_line: int = 0,
                 unique: bool = True) -> Iterator[Record]:
    name = escape_id(name)
    ids = UniqueIds() if unique else None
    lines = _bounded_lines(fh, options.max_bytes, first_line)
    while True:
        try:  # only reading is guarded: a fault in handling a record must not pass for a corrupt input
            item = next(lines, None)
        except (OSError, EOFError, gzip.BadGzipFile, ValueError) as exc:
            yield BadInput(f"{name}:end", source, f"input truncated or corrupt after the last line read: {exc}")
            return
        if item is None:
            return
        lineno, raw = item
        if raw is not None and not raw.strip():
            continue
        rec = _jsonl_record(raw, f"{name}:{lineno}", options)
        yield rec if ids is None else ids.check(rec)


def _bounded_lines(fh: IO[bytes] | _Range, max_bytes: int, first_line: int = 0) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, line)`` with no line held longer than ``max_bytes`` (``None`` stands for a longer
    one, skipped to its end in bounded reads: a 15 GB line without a newline must not fill memory)."""
    try:
        fh.readline(0)
    except TypeError:  # fsspec's buffered files take no size: their lines are read whole
        yield from enumerate(fh, start=first_line + 1)  # type: ignore[arg-type]
        return
    lineno = first_line
    while True:
        raw = fh.readline(max_bytes + 1)
        if not raw:
            return
        lineno += 1
        if len(raw) > max_bytes and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):
                raw = fh.readline(1 << 20)
            yield lineno, None
        else:
            yield lineno, raw


# The JSON escapes of a NUL or a surrogate (a lone one, or half of a pair that json.loads joins)
_MAYBE_NUL_OR_SURROGATE = re.compile(rb"\\u(?:0000|[dD])")


def _jsonl_record(raw: bytes | None, where: str, options: ReadOptions) -> Record:
    if raw is None or len(raw) > options.max_bytes:
        size = "" if raw is None else f"{len(raw)} bytes "
        return BadInput(where, where, f"line too large: {size}> limit {options.max_bytes}")
    try:
        line, plain = raw.decode("utf-8"), not _MAYBE_NUL_OR_SURROGATE.search(raw)
    except UnicodeDecodeError:  # invalid bytes survive as surrogate escapes, then become U+FFFD with a decode error
        line, plain = raw.decode("utf-8", "surrogateescape"), False
    try:
        obj = json.loads(line)
    except (json.JSONDecodeError, RecursionError) as exc:
        return BadInput(where, where, f"malformed JSON at {where}: {exc}")
    if not isinstance(obj, dict):
        return BadInput(where, where, f"JSON line at {where} is not an object")
    return _object_record(obj, where, options, plain)


class UniqueIds:
    """Ids of one JSONL or Parquet input seen so far: a second record with an id already used (``42``
    and ``"42"`` are one id) becomes an error row under its position, never merged with the first."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def check(self, rec: Record) -> Record:
        clash = self.clash(rec.id, rec.source)
        if clash is None:
            return rec
        return BadInput(clash[0], rec.source, clash[1], dict(rec.meta))

    def clash(self, rec_id: str, source: str) -> tuple[str, str] | None:
        """``None`` for an id first seen (now recorded), else the error row's id and error (the
        records of ``cut_jsonl`` ranges are checked this way where the ranges are joined)."""
        where = source
        first = self.seen.get(rec_id)
        if first is None:
            self.seen[rec_id] = where
            return None
        if where in self.seen:  # the position is an id of its own: the row cannot be told apart
            where = f"{where}#dup"
        self.seen.setdefault(where, where)
        return where, f"duplicate id {rec_id!r} (first at {first}); ids must be unique"


def _object_record(obj: dict[str, Any], where: str, options: ReadOptions, plain: bool = False) -> Record:
    """``plain``: the strings came from valid UTF-8 without a ``\\u0000`` or ``\\uD...`` escape, so they
    hold no NUL and no surrogate (JSON allows neither raw) and the text needs no check (7 us of a 3 KB
    non-ASCII text)."""
    raw_id = obj.get(options.id_field)
    if isinstance(raw_id, float) and not math.isfinite(raw_id):
        raw_id = None
    doc_id = escape_id(str(raw_id)) if raw_id is not None and str(raw_id) != "" else where
    text = obj.get(options.text_field)
    try:
        meta = {escape_id(str(k)): json_safe(v) for k, v in obj.items() if k != options.text_field}
    except RecursionError:  # json.loads accepts deeper nesting than a recursive copy (or json.dumps) can take
        return BadInput(doc_id, where, "a field is nested too deep to carry over")
    if not isinstance(text, str):
        return BadInput(doc_id, where, f"field {options.text_field!r} missing or not a string", meta)
    if not text.strip():
        return BadInput(doc_id, where, "empty document", meta)
    if plain:
        return Document(id=doc_id, text=text, meta=meta, source=where)
    if "\x00" in text:
        return BadInput(doc_id, where, "text contains NUL characters (binary data?)", meta)
    text, errors = sanitize_text(text)
    return Document(id=doc_id, text=text, meta=meta, source=where, decode_errors=errors)


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
    name = escape_id(str(path).rstrip("/").rsplit("/", 1)[-1])
    ids = UniqueIds()
    row = 0
    for batch in lf.collect_batches(chunk_size=4096):
        for obj in batch.iter_rows(named=True):
            row += 1
            yield ids.check(_object_record(obj, f"{name}:{row}", options))


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

"""Audit outputs, written atomically (temp file + rename) under ``--out``; inputs are never touched.

Every module that writes an output goes through ``atomic_path`` (or ``write_atomic``/``AtomicLines`` on
top of it): one temp naming, the umask's file mode, the temp removed on any error, and
``remove_stale_temps`` clearing what a killed run left behind.

Layout: ``reports.jsonl``, ``edits.jsonl``, ``summary.json``, ``findings.parquet``; for file and
directory input ``files/<id>.json|.md`` and ``clean/<id>``; for JSONL/Parquet input ``clean.jsonl`` /
``clean.parquet`` with every other field kept.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import secrets
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import polars as pl

from qc.fixes import Edit

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"|?*\\]')
_MAX_COMPONENT = 120

FINDINGS_SCHEMA = {
    "id": pl.String, "rule": pl.String, "family": pl.String, "severity": pl.String,
    "start": pl.Int64, "end": pl.Int64, "excerpt": pl.String, "message": pl.String,
    "fix": pl.String, "score": pl.Float64,
}


# What json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False) builds on every
# call, built once: the same bytes, 6 us less per 3 KB line (a third of the time of a clean line).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def dumps(obj: Any) -> str:
    """Canonical JSON for every output line: same input, same bytes. NaN and infinities (a Parquet
    input's float columns) become ``null``: ``NaN`` is not JSON, and readers of clean.jsonl reject it.
    U+0085, U+2028 and U+2029 are escaped: ``str.splitlines()`` and some JSONL readers break lines there."""
    try:
        line = _ENCODER.encode(obj)
    except ValueError:
        line = _ENCODER.encode(_finite(obj))
    if "\x85" in line or "\u2028" in line or "\u2029" in line:  # three scans: 20x cheaper than translate
        return line.translate(_LINE_BREAKS_ESCAPED)
    return line


def encode_line(obj: Any) -> bytes:
    """``dumps(obj)`` and a newline as UTF-8: a line of a line output, made where the document was
    audited (a worker encodes it once; the driver writes the bytes as they are). An object holding a
    long text (a clean line, a texts.jsonl line) is encoded on UTF-8 bytes (``_text_line``)."""
    if type(obj) is dict:
        line = _text_line(obj)
        if line is not None:
            return line
    return (dumps(obj) + "\n").encode("utf-8")


_LINE_BREAKS_ESCAPED = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
# Strings this long are escaped on their UTF-8 bytes: below it the C encoder is as fast.
_LONG_STRING = 256
# Control characters json escapes as \uXXXX, \b or \f: a text holding one takes the C encoder.
_RARE_CONTROLS = bytes(c for c in range(32) if c not in (9, 10, 13))
_BYTE_ESCAPES = ((b"\\", b"\\\\"), (b'"', b'\\"'), (b"\n", b"\\n"), (b"\r", b"\\r"), (b"\t", b"\\t"))
_LINE_BREAK_BYTES = tuple((chr(c).encode("utf-8"), e.encode("ascii")) for c, e in _LINE_BREAKS_ESCAPED.items())


def _text_line(obj: dict[Any, Any]) -> bytes | None:
    """``encode_line(obj)`` for a dict with a long string value (else ``None``), the same bytes made
    another way: the long strings are escaped on their UTF-8 bytes with ``bytes.replace`` (every JSON
    escape is ASCII, and no multi-byte UTF-8 sequence holds an ASCII byte, nor another one's U+0085,
    U+2028 or U+2029), the rest by ``dumps``. The C encoder escapes a non-ASCII str at ~9 ns a character
    (28 us for a 3 KB news text, most of a clean line), this ~4 ns."""
    for v in obj.values():  # a loop, not any(): a report row's 12 values cost 5 us through a generator
        if type(v) is str and len(v) >= _LONG_STRING:
            break
    else:
        return None
    parts = [b"{"]
    breaks = False  # a long string holds U+0085, U+2028 or U+2029 (``dumps`` escapes the others)
    for key, value in obj.items():
        if type(key) is not str:  # json's key conversions: left to the encoder
            return None
        if len(parts) > 1:
            parts.append(b",")
        parts.append(dumps(key).encode("utf-8"))
        if type(value) is str and len(value) >= _LONG_STRING:
            try:
                raw = value.encode("utf-8")
            except UnicodeEncodeError:  # a lone surrogate: the encoder's own error
                return None
            if len(raw.translate(None, _RARE_CONTROLS)) != len(raw):
                return None
            for char, escaped in _BYTE_ESCAPES:
                if char in raw:
                    raw = raw.replace(char, escaped)
            parts += (b':"', raw, b'"')
            breaks = breaks or "\x85" in value or "\u2028" in value or "\u2029" in value
        else:
            parts += (b":", dumps(value).encode("utf-8"))
    parts.append(b"}\n")
    line = b"".join(parts)
    if breaks:
        for char, escaped in _LINE_BREAK_BYTES:
            line = line.replace(char, escaped)
    return line


def pretty_json(obj: Any) -> str:
    """Indented JSON for files a person opens (summary.json, files/<id>.json)."""
    return json.dumps(_finite(obj), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def _finite(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def safe_relpath(doc_id: str) -> str:
    """A relative path for ``doc_id`` that cannot escape the output folder.

    ``..``, absolute paths, drive letters, NUL and control characters are neutralised; when the id had
    to change, a short hash of the original keeps different ids apart.
    """
    parts = []
    for part in re.split(r"[/\\]+", doc_id):
        part = _UNSAFE_CHARS.sub("_", part).strip()
        if part in ("", ".", ".."):
            continue
        if len(part.encode("utf-8")) > _MAX_COMPONENT:
            part = part.encode("utf-8")[:_MAX_COMPONENT].decode("utf-8", "ignore")
        parts.append(part)
    safe = "/".join(parts) or "_"
    if safe != doc_id:
        digest = hashlib.sha1(doc_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        safe = f"{safe}~{digest}"
    return safe


REPORT_SUFFIXES = (".json", ".md")


def report_relpath(doc_id: str) -> str:
    """Where ``files/<this>.json|.md`` goes for ``doc_id``: ``safe_relpath`` with every folder whose name
    ends like a report (``x.txt.json/``) renamed ``x.txt.json~<hash>``, so that it cannot collide with
    the report of a document beside it (``x.txt`` -> ``x.txt.json``)."""
    *dirs, name = safe_relpath(doc_id).split("/")
    dirs = [f"{d}~{hashlib.sha1(d.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"
            if d.endswith(REPORT_SUFFIXES) else d for d in dirs]
    return "/".join([*dirs, name])


# Temporary names: ``.<final name>.<pid>.<random>.tmp`` beside the final file. The pid lets the next
# run into the same folder tell a killed run's leftovers (its process is gone) from a live run's.
_TEMP_RE = re.compile(r"^\..*\.(\d+)\.[0-9a-f]{8}\.tmp$")
# Leftovers of versions before that naming: spool folders, report side folders, mkstemp names and the
# NDJSON that became findings.parquet / clean.parquet.
_LEGACY_TEMP_RE = re.compile(r"^\.(spool-.+|report_files\..+|.+\.tmp|findings\.ndjson|clean\.ndjson)$")
_OUTPUT_MARKERS = ("summary.json", "edits.jsonl", "reports.jsonl")


def temp_path(path: Path) -> Path:
    """A fresh temporary name beside ``path`` (same folder, so the final rename is atomic)."""
    return path.with_name(f".{path.name[:40]}.{os.getpid()}.{secrets.token_hex(4)}.tmp")


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary path for a writer that wants a path (polars, numpy): renamed onto ``path`` when the
    block succeeds, removed when it fails, whatever the error (a full disk, Ctrl-C). Files get the
    umask's mode, as any file the user creates (not ``mkstemp``'s 0600)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        _remove(tmp)
        raise


def write_atomic(path: Path, data: str | bytes) -> None:
    """``path`` holds ``data`` (UTF-8 for text), or is unchanged if writing fails."""
    with atomic_path(path) as tmp, open(tmp, "xb") as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)


def make_temp_dir(parent: Path, name: str) -> Path:
    """A fresh working folder in ``parent`` (umask's mode), named so that ``remove_stale_temps`` clears
    it once its process is gone."""
    parent.mkdir(parents=True, exist_ok=True)
    path = temp_path(parent / name)
    path.mkdir()
    return path


def remove_stale_temps(out: Path) -> list[Path]:
    """Remove what killed runs left in the output folder ``out``: temporary files and spool folders
    whose process is gone (older versions' leftovers too, in a folder that holds newsqc outputs).
    Returns what was removed."""
    if not out.is_dir():
        return []
    legacy = any((out / m).exists() for m in _OUTPUT_MARKERS)
    removed = []
    for root, dirs, files in os.walk(out):
        top = Path(root) == out
        for name in [*dirs, *files]:
            m = _TEMP_RE.match(name)
            stale = (not _alive(int(m.group(1)))) if m else (legacy and top and bool(_LEGACY_TEMP_RE.match(name)))
            if stale:
                try:
                    _remove(Path(root) / name)
                except OSError:  # not ours to remove after all (permissions): leave it, run on
                    continue
                removed.append(Path(root) / name)
        dirs[:] = [d for d in dirs if (Path(root) / d).exists() and not d.startswith(".")]
    return sorted(removed)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except (ProcessLookupError, OverflowError):  # gone, or not a possible pid
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


_LINE_BUFFER = 1 << 20


class AtomicLines:
    """A line-oriented output file that appears under its name only when closed successfully."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = temp_path(path)
        # a 1 MiB buffer: lines are written one by one (a 3 KB clean line overflows the default 8 KiB
        # buffer every other line, a write call each)
        self.fh: IO[bytes] = open(self.tmp, "xb", buffering=_LINE_BUFFER)  # noqa: SIM115 (closed in commit/abort)

    def write(self, obj: Any) -> None:
        self.write_line(encode_line(obj))

    def write_line(self, line: bytes) -> None:
        """A line made by ``encode_line`` (workers render most lines: ``qc.spool``)."""
        self.fh.write(line)

    def commit(self) -> None:
        self.fh.close()
        os.replace(self.tmp, self.path)

    def close_temp(self) -> Path:
        """Close without publishing: the temporary file is the input of a conversion (NDJSON -> Parquet)
        and the caller removes it."""
        self.fh.close()
        return self.tmp

    def abort(self) -> None:
        if not self.fh.closed:
            self.fh.close()
        _remove(self.tmp)


def ndjson_to_parquet(src: Path, dest: Path, schema: dict[str, Any] | None = None) -> None:
    """Stream an NDJSON file into Parquet with polars, atomically."""
    with atomic_path(dest) as tmp:
        if src.stat().st_size == 0:
            pl.DataFrame(schema=schema or {}).write_parquet(tmp)
        else:
            lf = pl.scan_ndjson(src, schema=schema) if schema else pl.scan_ndjson(src, infer_schema_length=None)
            lf.sink_parquet(tmp)


def render_markdown(row: dict[str, Any], text: str, edits: Iterable[Edit]) -> str:
    """The per-file report a person reads: verdict, score, each finding in context with its fix."""
    lines = [f"# {row['id']}", "",
             f"- verdict: **{row['verdict']}**, score {row['score']:.2f}",
             f"- language: {row['lang']}, {row['chars']} characters, source `{row['source']}`"]
    if row.get("error"):
        lines.append(f"- error: {row['error']}")
    if row.get("cluster"):
        lines.append(f"- near-duplicate cluster `{row['cluster']}`"
                     + (f", duplicate of `{row['duplicate_of']}`" if row.get("duplicate_of") else ""))
    applied = {(e.start, e.end, e.rule) for e in edits}
    lines += ["", f"## Findings ({len(row['findings'])})", ""]
    if not row["findings"]:
        lines.append("None.")
    for i, f in enumerate(row["findings"], start=1):
        s, e = f["start"], f["end"]
        before = text[max(0, s - 40):s].replace("\n", "⏎")
        after = text[e:e + 40].replace("\n", "⏎")
        body = (f["excerpt"] or "").replace("\n", "⏎")
        if f["fix"] is None:
            fix = "flagged only"
        elif (s, e, f["rule"]) in applied:
            fix = "removed" if f["fix"] == "" else f"replaced by `{_md_code(f['fix'])}`"
        else:
            fix = "fix not applied (disabled in the pack or overlapping another fix)"
        score = f" (score {f['score']:.2f})" if f.get("score") is not None else ""
        lines += [
            f"{i}. **{f['rule']}** [{f['severity']}] at {s}–{e}{score}: {f['message']}",
            f"   - context: `…{_md_code(before)}` **`{_md_code(body)}`** `{_md_code(after)}…`",
            f"   - fix: {fix}",
        ]
    return "\n".join(lines) + "\n"


def _md_code(s: str) -> str:
    return s.replace("`", "ˋ")

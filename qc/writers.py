"""Audit outputs, written atomically (temp file + rename) under ``--out``; inputs are never touched.

Layout: ``reports.jsonl``, ``edits.jsonl``, ``summary.json``, ``findings.parquet``; for file and
directory input ``files/<id>.json|.md`` and ``clean/<id>``; for JSONL/Parquet input ``clean.jsonl`` /
``clean.parquet`` with every other field kept.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
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


def dumps(obj: Any) -> str:
    """Canonical JSON for every output line: same input, same bytes."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=False, separators=(",", ":"))


def pretty_json(obj: Any) -> str:
    """Indented JSON for files a person opens (summary.json, files/<id>.json)."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


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


def write_atomic(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class AtomicLines:
    """A line-oriented output file that appears under its name only when closed successfully."""

    def __init__(self, path: Path):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        self.fh: IO[str] = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, obj: Any) -> None:
        self.fh.write(dumps(obj))
        self.fh.write("\n")

    def commit(self) -> None:
        self.fh.close()
        os.replace(self.tmp, self.path)

    def abort(self) -> None:
        self.fh.close()
        Path(self.tmp).unlink(missing_ok=True)


def ndjson_to_parquet(src: Path, dest: Path, schema: dict[str, Any] | None = None) -> None:
    """Stream a temporary NDJSON file into Parquet with polars, atomically."""
    tmp = dest.with_name(f".{dest.name}.tmp")
    if src.stat().st_size == 0:
        pl.DataFrame(schema=schema or {}).write_parquet(tmp)
    else:
        lf = pl.scan_ndjson(src, schema=schema) if schema else pl.scan_ndjson(src, infer_schema_length=None)
        lf.sink_parquet(tmp)
    os.replace(tmp, dest)


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

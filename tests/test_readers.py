from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest

from qc.model import Document
from qc.readers import BadInput, InputError, ReadOptions, decode_utf8, read_input


def _docs(path: Path, **kw: object) -> list:
    return list(read_input(path, ReadOptions(**kw)))  # type: ignore[arg-type]


def test_text_file_id_is_its_name(tmp_path: Path) -> None:
    p = tmp_path / "a.txt"
    p.write_text("Hello world.", encoding="utf-8")
    [doc] = _docs(p)
    assert isinstance(doc, Document)
    assert (doc.id, doc.text) == ("a.txt", "Hello world.")


def test_directory_is_recursive_sorted_and_globbed(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("z", encoding="utf-8")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "c.md").write_text("c", encoding="utf-8")
    assert [d.id for d in _docs(tmp_path)] == ["a.txt", "b/z.txt"]
    assert [d.id for d in _docs(tmp_path, glob="*.md")] == ["c.md"]


def test_jsonl_fields_ids_and_malformed_lines(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl"
    p.write_text(
        json.dumps({"id": "x", "body": "Some text", "url": "http://a"}) + "\n"
        "{broken\n"
        "\n"
        + json.dumps({"body": "no id"}) + "\n"
        + json.dumps({"id": "y", "body": 3}) + "\n",
        encoding="utf-8",
    )
    recs = _docs(p, text_field="body")
    assert [r.id for r in recs] == ["x", "c.jsonl:2", "c.jsonl:4", "y"]
    assert isinstance(recs[0], Document) and recs[0].meta == {"id": "x", "url": "http://a"}
    assert isinstance(recs[1], BadInput) and "malformed JSON at c.jsonl:2" in recs[1].error
    assert isinstance(recs[2], Document) and recs[2].text == "no id"
    assert isinstance(recs[3], BadInput) and "not a string" in recs[3].error


def test_jsonl_gz(tmp_path: Path) -> None:
    p = tmp_path / "c.jsonl.gz"
    with gzip.open(p, "wt", encoding="utf-8") as fh:
        fh.write(json.dumps({"id": "g", "text": "gzipped"}) + "\n")
    [doc] = _docs(p)
    assert (doc.id, doc.text) == ("g", "gzipped")


def test_parquet_keeps_fields(tmp_path: Path) -> None:
    p = tmp_path / "c.parquet"
    pl.DataFrame({"id": ["p1", "p2"], "text": ["one", "two"], "n": [1, 2]}).write_parquet(p)
    recs = _docs(p)
    assert [(r.id, r.text, r.meta["n"]) for r in recs] == [("p1", "one", 1), ("p2", "two", 2)]


def test_parquet_without_text_column_is_an_input_error(tmp_path: Path) -> None:
    p = tmp_path / "c.parquet"
    pl.DataFrame({"id": ["p1"]}).write_parquet(p)
    with pytest.raises(InputError, match="no column 'text'"):
        _docs(p)


def test_missing_path_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="input not found"):
        _docs(tmp_path / "nope")


def test_empty_binary_and_too_large_files_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"")
    (tmp_path / "b.txt").write_bytes(b"ab\x00cd")
    (tmp_path / "c.txt").write_bytes(b"x" * 100)
    (tmp_path / "d.txt").write_bytes(b" \n\t")
    recs = _docs(tmp_path, max_bytes=50)
    assert all(isinstance(r, BadInput) for r in recs)
    assert [r.error.split(" ")[0] for r in recs] == ["empty", "binary", "document", "document"]
    assert "too large" in recs[2].error


def test_invalid_utf8_offsets_are_code_points() -> None:
    # "é" is two bytes, "🙂" four: the bad byte must land at code point 3.
    text, errors = decode_utf8("é🙂a".encode() + b"\xff\xfe" + b"b")
    assert text == "é🙂a\ufffd\ufffdb"
    assert errors == ((3, 5, b"\xff\xfe"),)


def test_invalid_utf8_runs_are_separate() -> None:
    text, errors = decode_utf8(b"a\xe9b\xe9")
    assert text == "a\ufffdb\ufffd"
    assert [e[:2] for e in errors] == [(1, 2), (3, 4)]


def test_sanitize_text_finds_every_surrogate_in_non_ascii_text() -> None:
    from qc.readers import sanitize_text

    valid = "© 2026 Ünïcode — 中文 😀 text"
    assert sanitize_text(valid) == (valid, ())
    for bad, raw in (("\ud83d", "\ud83d".encode("utf-8", "surrogatepass")), ("\udcff", b"\xff"),
                     ("\udfff", "\udfff".encode("utf-8", "surrogatepass"))):
        text, errors = sanitize_text(f"© x{bad}y")
        assert text == "© x\ufffdy" and errors == ((3, 4, raw),)

from __future__ import annotations

import errno
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

import qc.runner
from qc.cli import main
from qc.pack import load_pack
from qc.writers import AtomicLines, atomic_path, dumps, remove_stale_temps, report_relpath, safe_relpath, write_atomic


@pytest.mark.parametrize("hostile", ["../x", "../../etc/passwd", "/etc/x", "a/../../b", "a\x00b", "C:\\win\\x",
                                     "..", "", "a/./b", "x" * 500, "line\nbreak"])
def test_safe_relpath_never_escapes(tmp_path: Path, hostile: str) -> None:
    rel = safe_relpath(hostile)
    target = (tmp_path / rel).resolve()
    assert tmp_path.resolve() in target.parents
    assert "\x00" not in rel and "\n" not in rel
    assert all(len(part.encode()) <= 140 for part in rel.split("/"))


def test_safe_relpath_keeps_plain_ids_and_separates_changed_ones() -> None:
    assert safe_relpath("sub/a.txt") == "sub/a.txt"
    assert safe_relpath("../a.txt") != safe_relpath("a.txt")
    assert safe_relpath("../a.txt") != safe_relpath("/a.txt")


def test_write_atomic_replaces_and_leaves_no_temp(tmp_path: Path) -> None:
    p = tmp_path / "d" / "f.txt"
    write_atomic(p, "one")
    write_atomic(p, "two")
    assert p.read_text() == "two"
    assert [x.name for x in p.parent.iterdir()] == ["f.txt"]


def test_atomic_lines_abort_keeps_the_previous_file(tmp_path: Path) -> None:
    p = tmp_path / "r.jsonl"
    p.write_text("old\n")
    w = AtomicLines(p)
    w.write({"a": 1})
    assert p.read_text() == "old\n"  # nothing visible before commit
    w.abort()
    assert p.read_text() == "old\n"
    assert [x.name for x in tmp_path.iterdir()] == ["r.jsonl"]
    w = AtomicLines(p)
    w.write({"a": 1})
    w.commit()
    assert p.read_text() == '{"a":1}\n'


def _src(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_text("They donâ€™t know what the cafÃ© serves.\n", encoding="utf-8")
    (src / "sub" / "b.txt").write_text("Ministers met on Monday.\n", encoding="utf-8")
    return src


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("kind", ["dir", "jsonl"])
def test_every_output_gets_the_umask_mode(tmp_path: Path, umask_027: None, kind: str) -> None:
    src = _src(tmp_path)
    if kind == "jsonl":
        jsonl = tmp_path / "in.jsonl"
        jsonl.write_text('{"id": "a", "text": "Ministers met on Monday."}\n', encoding="utf-8")
        src = jsonl
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding",
                 "--html"]) in (0, 1)
    modes = {p.relative_to(out).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in out.rglob("*")}
    assert "report.html" in modes and "summary.json" in modes and "edits.jsonl" in modes
    assert {n: m for n, m in modes.items() if m != (0o750 if (out / n).is_dir() else 0o640)} == {}


def test_write_atomic_failure_leaves_no_temp_and_keeps_the_old_file(tmp_path: Path) -> None:
    p = tmp_path / "f.txt"
    p.write_text("old")
    with pytest.raises(OSError), atomic_path(p) as tmp:
        tmp.write_text("half")
        raise OSError(errno.ENOSPC, "No space left on device")
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["f.txt"]


def test_a_failed_run_leaves_no_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(qc.runner, "ndjson_to_parquet", full_disk)
    out = tmp_path / "out"
    with pytest.raises(OSError):
        qc.runner.run_audit(qc.runner.AuditConfig(input=_src(tmp_path), out=out, pack=load_pack(select=["encoding"])))
    assert [p.name for p in out.rglob("*") if p.name.startswith(".")] == []


def test_the_next_run_removes_a_killed_runs_leftovers(tmp_path: Path) -> None:
    out = tmp_path / "out"
    src = _src(tmp_path)
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--no-html"]) in (0, 1)
    dead = 4_194_399  # above Linux's pid_max: no such process
    leftovers = [out / ".spool-k2j3h4", out / ".findings.ndjson", out / f".spool.{dead}.0badcafe.tmp",
                 out / ".reports.jsonl.x1y2z3.tmp",
                 out / f".summary.json.{dead}.12345678.tmp", out / "files" / f".a.txt.json.{dead}.abcdef01.tmp"]
    for p in leftovers:
        if "spool" in p.name:
            p.mkdir()
            (p / "00000000.pkl").write_bytes(b"x" * 1000)
        else:
            p.write_text("half")
    live = out / f".edits.jsonl.{os.getppid()}.abcdef01.tmp"  # a run still going (its process is alive)
    live.write_text("in progress")
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--no-html"]) in (0, 1)
    assert [p for p in leftovers if p.exists()] == []
    assert live.exists()


def test_stale_temps_are_only_removed_from_newsqc_outputs(tmp_path: Path) -> None:
    """An old-style hidden .tmp in a folder that holds no newsqc output is not ours to remove."""
    foreign = tmp_path / ".notes.tmp"
    foreign.write_text("mine")
    assert remove_stale_temps(tmp_path) == []
    assert foreign.exists()


def test_report_relpath_keeps_folders_apart_from_reports() -> None:
    assert report_relpath("sub/a.txt") == "sub/a.txt"
    moved = report_relpath("x.txt.json/y.txt")
    assert moved.startswith("x.txt.json~") and moved.endswith("/y.txt")
    assert moved.split("/")[0] + ".json" != report_relpath("x.txt") + ".json"
    assert report_relpath("x.txt.json/y.txt") == moved  # deterministic


def test_non_finite_numbers_are_written_as_null() -> None:
    """``NaN`` in a kept Parquet field made clean.jsonl invalid JSON."""
    import json

    from qc.writers import dumps, pretty_json

    line = dumps({"id": "a", "score": float("nan"), "meta": {"x": [float("inf"), 1.5]}})
    assert json.loads(line, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}")) == \
        {"id": "a", "score": None, "meta": {"x": [None, 1.5]}}
    assert json.loads(pretty_json({"v": float("-inf")})) == {"v": None}


def test_a_killed_runs_texts_jsonl_does_not_outlive_the_next_run(tmp_path: Path) -> None:
    """texts.jsonl (every original text, the HTML report's input) is removed after the report; a run
    killed before that left it for good, even after later --no-html runs."""
    out = tmp_path / "out"
    out.mkdir()
    (out / "texts.jsonl").write_text('{"id": "a", "text": "old"}\n', encoding="utf-8")
    assert main(["audit", str(_src(tmp_path)), "--out", str(out), "--quiet", "--jobs", "1", "--no-html"]) in (0, 1)
    assert not (out / "texts.jsonl").exists()


def test_output_lines_escape_unicode_line_breaks() -> None:
    """U+0085, U+2028 and U+2029 inside a text would split a JSONL line for ``str.splitlines()`` readers."""
    obj = {"id": "a", "text": "one\u2028two\x85three\u2029four"}
    line = dumps(obj)
    assert line.splitlines() == [line]
    assert json.loads(line) == obj


def _reference_line(obj: object) -> bytes:
    """What ``encode_line`` is defined to be: ``dumps`` and a newline, as UTF-8."""
    return (dumps(obj) + "\n").encode("utf-8")


def test_text_lines_are_the_bytes_of_dumps() -> None:
    """Lines holding a long text (escaped on UTF-8 bytes) equal ``dumps`` byte for byte, whatever the
    text holds: JSON escapes, every control character, the line breaks ``dumps`` escapes, non-ASCII
    text, NaN beside it, non-string keys, lone surrogates (which cannot be encoded either way)."""
    import random

    from qc.writers import encode_line

    rng = random.Random(13)
    alphabet = ['"', "\\", "\n", "\r", "\t", "\x00", "\x08", "\x0c", "\x1f", "\x7f", "\x85", "\u2028", "\u2029",
                "é", "—", "€", "日", "\U0001f600", "a", " ", "/", "\\u0085"]
    rare = {"\x00", "\x08", "\x0c", "\x1f"}  # escaped as \\u00XX, \\b, \\f: the C encoder's texts
    for k in range(300):
        chars = alphabet if k % 3 == 0 else [c for c in alphabet if c not in rare]
        text = "".join(rng.choice(chars) if rng.random() < 0.3 else "word " for _ in range(rng.randint(50, 400)))
        obj = {"id": rng.choice(["d1", "é\u2028", 'q"x']), "text": text,
               "meta": rng.choice([1, 2.5, float("nan"), None, ["\x85", {"k": float("inf")}], "short\u2029"])}
        assert encode_line(obj) == _reference_line(obj)
    for odd in ({1: "x" * 300, "text": "y" * 300}, {"text": "x" * 300 + "\ud800"}, {"text": "\u2028" * 300}, {}):
        try:
            expected = _reference_line(odd)
        except UnicodeEncodeError:
            with pytest.raises(UnicodeEncodeError):
                encode_line(odd)
            continue
        assert encode_line(odd) == expected

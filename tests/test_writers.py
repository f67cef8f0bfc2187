from __future__ import annotations

from pathlib import Path

import pytest

from qc.writers import AtomicLines, safe_relpath, write_atomic


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

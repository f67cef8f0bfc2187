"""``--out`` that cannot hold the outputs, or would feed them back into the input: exit 2, one line."""

from __future__ import annotations

import errno
import json
from pathlib import Path

import pytest

import qc.writers
from qc.cli import main

DOC = "They donâ€™t know what the cafÃ© serves.\n"


def _src(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(DOC, encoding="utf-8")
    return src


def _one_line_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert main([*argv, "--quiet", "--jobs", "1", "--select", "encoding"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    return err


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.rglob(".*"))


@pytest.mark.parametrize("where", ["file", "under-file", "/proc/qc-out", "/sys/qc-out", "/proc"])
def test_out_that_cannot_be_a_folder(where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    out = {"file": blocker, "under-file": blocker / "sub"}.get(where, Path(where))
    err = _one_line_exit_2(["audit", str(_src(tmp_path)), "--out", str(out)], capsys)
    assert "--out" in err
    assert blocker.read_text() == "not a folder"


def test_full_disk_is_one_line_and_leaves_no_temp_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    real = qc.writers.AtomicLines.write_line  # every line output goes through it
    written = 0

    def fills_up(self: qc.writers.AtomicLines, line: bytes) -> None:
        nonlocal written
        written += 1
        if written > 2:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.tmp))
        real(self, line)

    monkeypatch.setattr(qc.writers.AtomicLines, "write_line", fills_up)
    src = _src(tmp_path)
    (src / "b.txt").write_text(DOC, encoding="utf-8")
    out = tmp_path / "out"
    err = _one_line_exit_2(["audit", str(src), "--out", str(out), "--no-html"], capsys)
    assert "No space left on device" in err
    assert _leftovers(out) == []


@pytest.mark.parametrize("case", ["same", "inside", "file-folder", "input-in-clean"])
def test_out_may_not_feed_the_input(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _src(tmp_path)
    if case == "same":
        argv = ["audit", str(src), "--out", str(src)]
    elif case == "inside":
        argv = ["audit", str(src), "--out", str(src / "reports")]
    elif case == "file-folder":  # the next audit of in/ would read in/clean/a.txt as a document
        argv = ["audit", str(src / "a.txt"), "--out", str(src)]
    else:
        out = tmp_path / "out"
        (out / "clean").mkdir(parents=True)
        (out / "clean" / "a.txt").write_text(DOC, encoding="utf-8")
        argv = ["audit", str(out / "clean"), "--out", str(out)]
    err = _one_line_exit_2(argv, capsys)
    assert "inside the input" in err or "input" in err
    assert sorted(p.name for p in src.iterdir()) == ["a.txt"]


def test_a_file_input_may_write_beside_itself_in_a_subfolder(tmp_path: Path) -> None:
    """The default ``reports/<name>/`` under the working directory stays allowed for ``qc audit x.txt``."""
    src = _src(tmp_path)
    assert main(["audit", str(src / "a.txt"), "--out", str(src / "reports" / "a"), "--quiet", "--jobs", "1",
                 "--select", "encoding", "--no-html"]) == 0
    assert (src / "reports" / "a" / "reports.jsonl").is_file()


def test_unwritable_out_is_refused_before_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """As root every folder is writable, so the permission check is simulated here."""
    import qc.cli

    monkeypatch.setattr(qc.cli.os, "access", lambda path, mode: False)
    out = tmp_path / "ro" / "out"
    err = _one_line_exit_2(["audit", str(_src(tmp_path)), "--out", str(out)], capsys)
    assert "not writable" in err and not out.exists()


def test_a_folder_named_like_a_report_does_not_collide(tmp_path: Path) -> None:
    """``x.txt`` beside a folder ``x.txt.json/``: the document's report and the folder's reports both land."""
    src = tmp_path / "in"
    for name in ("x.txt", "x.txt.json/y.txt", "x.txt.md/z.txt"):
        (src / name).parent.mkdir(parents=True, exist_ok=True)
        (src / name).write_text(DOC, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding",
                 "--no-html"]) == 0
    reports = {json.loads(p.read_text(encoding="utf-8"))["id"]: p.relative_to(out / "files").as_posix()
               for p in (out / "files").rglob("*.json")}
    assert sorted(reports) == ["x.txt", "x.txt.json/y.txt", "x.txt.md/z.txt"]
    assert reports["x.txt"] == "x.txt.json"
    assert (out / "files" / "x.txt.md").is_file()
    assert (out / "clean" / "x.txt.json" / "y.txt").is_file()  # clean/ mirrors the input unchanged

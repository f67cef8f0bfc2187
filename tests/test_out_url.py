"""``--out`` as an fsspec URL: staged locally, uploaded whole with summary.json last; tested on memory://."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import qc.cli
from qc.cli import main

if not os.environ.get("CI"):
    pytest.importorskip("fsspec")  # installed with the ray extra; CI must run these tests
import fsspec

MOJIBAKE_DOC = "They donâ€™t know what the cafÃ© serves.\n"
CLEAN_DOC = "Ministers met in the capital on Monday to discuss the budget.\n"
SEL = ["--quiet", "--select", "encoding"]


@pytest.fixture
def mem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[fsspec.AbstractFileSystem]:
    fs = fsspec.filesystem("memory")
    fs.store.clear()
    fs.pseudo_dirs[:] = [""]
    monkeypatch.setenv("NEWSQC_STAGING_DIR", str(tmp_path / "stage"))
    yield fs
    fs.store.clear()
    fs.pseudo_dirs[:] = [""]


def _dir_corpus(tmp_path: Path) -> Path:
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(MOJIBAKE_DOC, encoding="utf-8")
    (root / "sub" / "b.txt").write_text(CLEAN_DOC, encoding="utf-8")
    (root / "c.txt").write_bytes(b"caf\xe9 au lait is served daily here.\n")
    return root


def _jsonl_corpus(tmp_path: Path) -> Path:
    path = tmp_path / "c.jsonl"
    docs = [{"id": "m", "text": MOJIBAKE_DOC, "url": "https://x/m"}, {"id": "c", "text": CLEAN_DOC, "url": "y"}]
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _local_tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _remote_tree(fs: fsspec.AbstractFileSystem, root: str) -> dict[str, bytes]:
    return {p[len(root) + 1:]: fs.cat_file(p) for p in fs.find(root)}


def _comparable(tree: dict[str, bytes]) -> dict[str, bytes]:
    """Drop what differs between any two runs: timings.json, report.html (names the output folder)."""
    return {k: v for k, v in tree.items() if k not in ("report.html", "timings.json")}


@pytest.mark.parametrize(("command", "kind"), [("audit", "dir"), ("audit", "jsonl"), ("clean", "dir")])
def test_url_out_uploads_the_same_tree_as_a_local_run(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, command: str, kind: str) -> None:
    src = _dir_corpus(tmp_path) if kind == "dir" else _jsonl_corpus(tmp_path)
    assert main([command, str(src), "--out", str(tmp_path / "local"), *SEL]) == 0
    assert main([command, str(src), "--out", "memory://qc-out/run", *SEL]) == 0
    local, remote = _local_tree(tmp_path / "local"), _remote_tree(mem, "/qc-out/run")
    expected = {"edits.jsonl"} | ({"clean/a.txt", "clean/sub/b.txt"} if kind == "dir" else {"clean.jsonl"})
    if command == "audit":
        expected |= {"reports.jsonl", "summary.json", "findings.parquet", "report.html"}
        expected |= {"files/a.txt.json", "files/sub/b.txt.md"} if kind == "dir" else set()
    assert expected <= set(remote)
    assert set(remote) == set(local)
    assert _comparable(remote) == _comparable(local)
    if command == "audit":
        assert json.loads(remote["summary.json"])["gate"]["passed"] is False  # the gate update is uploaded too


def test_summary_json_is_uploaded_last_after_removing_a_stale_one(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mem.pipe_file("/qc-out/run/summary.json", b'{"stale": true}')
    events: list[tuple[str, str]] = []
    put_file, rm_file = mem.put_file, mem.rm_file
    monkeypatch.setattr(mem, "put_file", lambda lp, rp, **kw: (events.append(("put", rp)), put_file(lp, rp, **kw)))
    monkeypatch.setattr(mem, "rm_file", lambda p: (events.append(("rm", p)), rm_file(p)))
    assert main(["audit", str(_dir_corpus(tmp_path)), "--out", "memory://qc-out/run", *SEL]) == 0
    assert events[0] == ("rm", "/qc-out/run/summary.json")
    assert events[-1] == ("put", "/qc-out/run/summary.json")
    assert len([e for e in events if e[0] == "put"]) == len(mem.find("/qc-out/run"))
    assert "stale" not in json.loads(mem.cat_file("/qc-out/run/summary.json"))


def test_gate_exit_code_and_verdict_are_unchanged(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _dir_corpus(tmp_path)
    good = tmp_path / "good"
    good.mkdir()
    (good / "a.txt").write_text(CLEAN_DOC, encoding="utf-8")
    for src, code in ((bad, 1), (good, 0)):
        for fmt in ("text", "json"):
            capsys.readouterr()
            assert main(["gate", str(src), "--out", str(tmp_path / "o"), "--format", fmt, *SEL]) == code
            local = capsys.readouterr().out
            assert main(["gate", str(src), "--out", "memory://qc-out/g", "--format", fmt, *SEL]) == code
            assert capsys.readouterr().out == local
    assert mem.exists("/qc-out/g/summary.json")


def test_summary_table_names_the_url(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _dir_corpus(tmp_path)
    assert main(["gate", str(src), "--out", "memory://qc-out/g", "--select", "encoding"]) == 1
    err = capsys.readouterr().err
    assert "reports in memory://qc-out/g/" in err
    assert "qc-out-" not in err  # not the staging folder


def test_staging_dir_is_used_and_removed_after_success(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outs: list[Path] = []
    run_audit = qc.cli.run_audit
    monkeypatch.setattr(qc.cli, "run_audit", lambda cfg: (outs.append(cfg.out), run_audit(cfg))[1])
    assert main(["audit", str(_dir_corpus(tmp_path)), "--out", "memory://qc-out/run", *SEL]) == 0
    [staged] = outs
    assert (tmp_path / "stage") in staged.parents
    assert not staged.exists() and not list((tmp_path / "stage").iterdir())
    assert mem.exists("/qc-out/run/reports.jsonl")


def test_unknown_protocol_fails_fast(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def never(cfg: object) -> None:
        raise AssertionError("the audit ran before the --out URL was checked")

    monkeypatch.setattr(qc.cli, "run_audit", never)
    assert main(["audit", str(_dir_corpus(tmp_path)), "--out", "nope://bucket/x", *SEL]) == 2
    err = capsys.readouterr().err
    assert "--out nope://bucket/x" in err and "nope" in err.split("x:", 1)[1]
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "stage").exists()


def test_missing_fsspec_is_a_usage_error(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "fsspec", None)  # `import fsspec` now raises ImportError
    assert main(["audit", str(_dir_corpus(tmp_path)), "--out", "s3://bucket/x", *SEL]) == 2
    assert "--out s3://bucket/x: writing to URLs needs fsspec" in capsys.readouterr().err


def test_failed_upload_keeps_the_staged_outputs(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(lpath: str, rpath: str, **kw: object) -> None:
        raise PermissionError("bucket is read-only")

    monkeypatch.setattr(mem, "put_file", refuse)
    assert main(["audit", str(_dir_corpus(tmp_path)), "--out", "memory://qc-out/run", *SEL]) == 2
    err = capsys.readouterr().err
    assert "uploading to memory://qc-out/run failed" in err and "bucket is read-only" in err
    [staged] = (tmp_path / "stage").iterdir()
    assert str(staged) in err.replace("\n", "")
    assert {"summary.json", "reports.jsonl", "report.html"} <= {p.name for p in staged.iterdir()}
    assert not mem.exists("/qc-out/run/summary.json")


def test_out_inside_the_input_is_refused(tmp_path: Path, mem: fsspec.AbstractFileSystem) -> None:
    mem.pipe_file("/qc-in/corpus/a.txt", CLEAN_DOC.encode())
    assert main(["audit", "memory://qc-in/corpus", "--out", "memory://qc-in/corpus/out", *SEL]) == 2
    assert main(["audit", "memory://qc-in/corpus/", "--out", "memory://qc-in/corpus", *SEL]) == 2
    assert main(["audit", "memory://qc-in/corpus", "--out", "memory://qc-in/corpus-out", *SEL]) == 0
    src = _dir_corpus(tmp_path)
    assert main(["audit", str(src), "--out", str(src / "out"), *SEL]) == 2


def test_index_needs_a_local_out(
        mem: fsspec.AbstractFileSystem, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _dir_corpus(tmp_path)
    assert main(["index", "build", str(tmp_path / "idx"), str(src), "--out", "memory://qc-out/i", "--quiet"]) == 2
    assert "--out must be a local folder for qc index" in capsys.readouterr().err

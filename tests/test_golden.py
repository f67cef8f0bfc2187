"""The committed audit of ``seeds/`` is a golden test: regenerate it and compare every file.

When a rule changes on purpose, refresh it with ``qc audit seeds`` (from the repository root) and
review the diff of ``reports/seeds/`` like code.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qc.cli import main

VOLATILE_FILES = {"timings.json"}  # seconds and jobs of the run: the only output that changes run to run


def _normalise(path: Path) -> bytes:
    if path.suffix == ".parquet":  # compare rows, not bytes: the file layout may change across polars versions
        import polars as pl

        return json.dumps(pl.read_parquet(path).to_dicts(), sort_keys=True).encode()
    return path.read_bytes()


def _tree(root: Path) -> dict[str, Path]:
    return {p.relative_to(root).as_posix(): p for p in sorted(root.rglob("*"))
            if p.is_file() and p.name not in VOLATILE_FILES}


def test_seed_audit_matches_committed_reports(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    golden = repo / "reports" / "seeds"
    assert golden.is_dir(), "reports/seeds/ is missing: run `qc audit seeds` from the repository root"
    monkeypatch.chdir(repo)
    out = tmp_path / "seeds"
    html = ["--html"] if (golden / "report.html").exists() else ["--no-html"]
    assert main(["audit", "seeds", "--out", str(out), "--quiet", "--jobs", "1", *html]) == 0
    want, got = _tree(golden), _tree(out)
    assert sorted(got) == sorted(want)
    changed = [name for name in want if _normalise(want[name]) != _normalise(got[name])]
    assert changed == [], f"reports/seeds differs in {changed}: refresh it deliberately with `qc audit seeds`"


def test_seed_audit_is_deterministic(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(repo)
    outs = []
    for i in range(2):
        out = tmp_path / f"run{i}"
        assert main(["audit", "seeds", "--out", str(out), "--quiet", "--no-html"]) == 0
        outs.append(out)
    a, b = _tree(outs[0]), _tree(outs[1])
    assert sorted(a) == sorted(b)
    assert all(_normalise(a[n]) == _normalise(b[n]) for n in a)


def test_rerunning_the_readme_command_leaves_the_golden_byte_identical(
        tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`qc audit seeds` then `qc gate seeds` from the repository root leave `git status` clean: every
    file the audit rewrites has the same bytes (timings.json is ignored by git), and the gate writes
    elsewhere. Parquet files are compared by their rows: their footer names the writing polars version
    (``created_by``), so a new polars release alone changes their bytes."""
    golden = repo / "reports" / "seeds"
    work = tmp_path / "repo"
    (work / "reports").mkdir(parents=True)
    shutil.copytree(repo / "seeds", work / "seeds")
    shutil.copytree(golden, work / "reports" / "seeds")
    monkeypatch.chdir(work)
    assert main(["audit", "seeds", "--quiet", "--jobs", "1"]) == 0
    assert main(["gate", "seeds", "--quiet", "--jobs", "1"]) in (0, 1)  # held or broken, never a usage error
    want, got = _tree(golden), _tree(work / "reports" / "seeds")
    assert sorted(got) == sorted(want)
    assert [n for n in want if _normalise(want[n]) != _normalise(got[n])] == []
    assert (work / "reports" / "seeds-gate" / "summary.json").is_file()
    ignored = (repo / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "/reports/seeds/timings.json" in ignored

"""Choosing an executor: without Ray installed, ``--executor ray`` is a one-line usage error (exit 2)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from qc.cli import main


def test_missing_ray_is_a_one_line_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` now fails as if it were not installed
    monkeypatch.delitem(sys.modules, "qc.executor_ray", raising=False)
    src = tmp_path / "a.txt"
    src.write_text("Ministers met on Monday.\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--executor", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "pip install 'newsqc[ray]'" in err
    assert not out.exists()  # nothing written before the executor is known to work


@pytest.mark.parametrize("missing", [("pyarrow",), ("ray", "pyarrow")])
def test_missing_extra_without_pyarrow_is_the_same_hint(missing: tuple[str, ...], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """A plain ``.[dev]`` install has neither Ray nor pyarrow (polars does not need it)."""
    for name in missing:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.delitem(sys.modules, "qc.executor_ray", raising=False)
    src = tmp_path / "a.txt"
    src.write_text("Ministers met on Monday.\n", encoding="utf-8")
    assert main(["audit", str(src), "--out", str(tmp_path / "out"), "--quiet", "--executor", "ray"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "pip install 'newsqc[ray]'" in err


def test_local_executor_module_does_not_import_the_ray_one(repo: Path) -> None:
    """``qc.executor_ray`` imports ``qc.executor``; the reverse would be an import circle."""
    import ast

    tree = ast.parse((repo / "qc" / "executor.py").read_text(encoding="utf-8"))
    imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    assert "qc.executor_ray" not in imported

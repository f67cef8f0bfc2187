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

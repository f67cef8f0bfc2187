"""The runner as a library: one call of ``run_audit`` gives every output, the gate included."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from qc.cli import main
from qc.pack import load_pack
from qc.runner import AuditConfig, run_audit

MOJIBAKE_DOC = "They donâ€™t know what the cafÃ© serves.\n"


def _src(tmp_path: Path) -> Path:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(MOJIBAKE_DOC, encoding="utf-8")
    (src / "b.txt").write_text("Ministers met on Monday.\n", encoding="utf-8")
    return src


def test_library_call_gets_the_gate_and_summary_json_carries_it(tmp_path: Path) -> None:
    pack = load_pack(select=["encoding"])
    result = run_audit(AuditConfig(input=_src(tmp_path), out=tmp_path / "out", pack=pack))
    assert result.gate is not None and result.gate["passed"] is False  # max_fail_fraction: 1 of 2 fails
    assert any(not c["passed"] and c["name"] == "max_fail_fraction" for c in result.gate["checks"])
    on_disk = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert on_disk["gate"] == result.gate


def test_clean_has_no_gate(tmp_path: Path) -> None:
    pack = load_pack(select=["encoding"])
    result = run_audit(AuditConfig(input=_src(tmp_path), out=tmp_path / "out", pack=pack, reports=False))
    assert result.gate is None


def test_summary_json_is_written_once_per_gate_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI only formats the gate; it does not rewrite the runner's summary.json."""
    targets: list[str] = []
    real = os.replace

    def spy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        targets.append(Path(dst).name)
        real(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    assert main(["gate", str(_src(tmp_path)), "--out", str(tmp_path / "out"), "--quiet", "--select", "encoding"]) == 1
    assert targets.count("summary.json") == 1

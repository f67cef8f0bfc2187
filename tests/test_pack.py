from __future__ import annotations

import re
from pathlib import Path

import pytest

from qc.model import Severity
from qc.pack import PackError, Selector, expand, load_pack
from qc.registry import RULES


def test_default_pack_selects_every_rule() -> None:
    pack = load_pack()
    assert set(pack.selected) == {r.id for r in RULES}
    assert pack.selected == tuple(r.id for r in RULES if r.id in pack.selected)  # registry order


def test_select_family_and_ignore_rule() -> None:
    pack = load_pack(select=["encoding"], ignore=["encoding/mojibake"])
    assert pack.selected and all(r.startswith("encoding/") for r in pack.selected)
    assert "encoding/mojibake" not in pack.selected


def test_select_single_rule() -> None:
    assert load_pack(select=["encoding/mojibake"]).selected == ("encoding/mojibake",)


def test_unknown_selector_is_an_error() -> None:
    with pytest.raises(PackError, match="unknown rule or family 'encodingg'"):
        expand(["encodingg"])


def _pack(tmp_path: Path, body: str) -> Path:
    p = tmp_path / "pack.toml"
    p.write_text(body, encoding="utf-8")
    return p


def test_pack_sets_severity_fix_and_gate(tmp_path: Path) -> None:
    p = _pack(tmp_path, """
[pack]
select = ["encoding"]
[gate]
max_fail_fraction = 0.5
fail_on = ["encoding"]
[rules."encoding/mojibake"]
severity = "info"
fix = false
""")
    pack = load_pack(p)
    assert pack.settings["encoding/mojibake"].severity is Severity.INFO
    assert not pack.fix_enabled("encoding/mojibake")
    assert pack.gate.max_fail_fraction == 0.5 and pack.gate.fail_on.names == ("encoding",)
    assert pack.search_path[0] == tmp_path.resolve()


def test_disabled_rule_is_not_selected(tmp_path: Path) -> None:
    p = _pack(tmp_path, '[rules."encoding/mojibake"]\nenabled = false\n')
    assert "encoding/mojibake" not in load_pack(p).selected


@pytest.mark.parametrize(("body", "message"), [
    ('[rules."encoding/mojibake"]\nno_such_option = 1\n', "unknown option"),
    ('[rules."encoding/nope"]\nseverity = "info"\n', "names no rule"),
    ('[rules."encoding/mojibake"]\nseverity = "fatal"\n', "severity must be"),
    ("[gate]\nmax_fail = 1\n", "unknown key"),
    ("[bogus]\n", "unknown table"),
    ("not toml [", "not valid TOML"),
])
def test_bad_packs_are_clear_errors(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(PackError, match=message):
        load_pack(_pack(tmp_path, body))


def test_missing_pack(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="not found"):
        load_pack(tmp_path / "none.toml")


def test_a_partial_pack_behaves_like_the_default_pack(tmp_path: Path) -> None:
    default = load_pack()
    partial = load_pack(_pack(tmp_path, '[pack]\nselect = ["encoding"]\n'))
    assert (partial.gate, partial.clean, partial.verdict) == (default.gate, default.clean, default.verdict)


@pytest.mark.parametrize(("body", "where"), [
    ('[gate]\nfail_on = ["encodng/invalid-utf8"]\n', "[gate] fail_on"),
    ('[clean]\ndrop_documents = ["near-dup"]\n', "[clean] drop_documents"),
    ('[pack]\nignore = ["boilerplat"]\n', "[pack] ignore"),
    ('[pack]\nselect = ["encoding", "nope/x"]\n', "[pack] select"),
    ('[gate]\nfail_on = "encoding"\n', "[gate] fail_on"),
])
def test_every_policy_selector_is_validated_at_load(tmp_path: Path, body: str, where: str) -> None:
    with pytest.raises(PackError, match=re.escape(where)):
        load_pack(_pack(tmp_path, body))


def test_a_typo_in_fail_on_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from qc.cli import main

    src = tmp_path / "a.txt"
    src.write_text("Ministers met on Monday.\n", encoding="utf-8")
    pack = _pack(tmp_path, '[gate]\nfail_on = ["encodng/invalid-utf8"]\n')
    assert main(["gate", str(src), "--pack", str(pack), "--out", str(tmp_path / "o"), "--quiet"]) == 2
    assert "unknown rule or family 'encodng/invalid-utf8'" in capsys.readouterr().err


def test_families_expand_in_every_policy(tmp_path: Path) -> None:
    pack = load_pack(_pack(tmp_path, '[gate]\nfail_on = ["encoding"]\n[clean]\ndrop_documents = ["near-duplicate"]\n'))
    assert "encoding/mojibake" in pack.gate.fail_on and "boilerplate/inner" not in pack.gate.fail_on
    assert {"near-duplicate/exact", "near-duplicate/near-duplicate"} <= pack.clean.drop_documents.rules
    assert Selector.of(["ALL"]).rules == {r.id for r in RULES}


def test_a_family_in_drop_documents_drops_the_document(tmp_path: Path) -> None:
    """``drop_documents = ["encoding"]`` was silently ignored (matched against rule ids only)."""
    from qc.runner import AuditConfig, run_audit

    src = tmp_path / "in"
    src.mkdir()
    (src / "bad.txt").write_text("They donâ€™t know what the cafÃ© serves.\n", encoding="utf-8")
    (src / "good.txt").write_text("Ministers met on Monday.\n", encoding="utf-8")
    pack = load_pack(_pack(tmp_path, '[pack]\nselect = ["encoding"]\n[clean]\ndrop_documents = ["encoding"]\n'))
    run_audit(AuditConfig(input=src, out=tmp_path / "out", pack=pack))
    assert sorted(p.name for p in (tmp_path / "out" / "clean").iterdir()) == ["good.txt"]


def test_fail_on_a_family_counts_and_lists_its_rules_hits(tmp_path: Path) -> None:
    from qc.gate import gate_record, render

    pack = load_pack(_pack(tmp_path, '[gate]\nfail_on = ["encoding"]\n'))
    summary = {"documents_in": 1, "verdicts": {"pass": 0, "warn": 0, "fail": 1}, "errors": 0, "duplicate_rate": 0,
               "by_rule": {"encoding/mojibake": 2, "boilerplate/inner": 5}}
    record = gate_record(summary, pack.gate)
    check = next(c for c in record["checks"] if c["name"] == "fail_on:encoding")
    assert check["value"] == 2 and not check["passed"]
    assert record["policy"]["fail_on"] == ["encoding"]
    hit = {"source": "in/a.txt", "line": 1, "col": 5, "rule": "encoding/mojibake", "family": "encoding",
           "message": "mojibake here"}
    assert "in/a.txt:1:5: mojibake here" in render(record, "junit", [hit], summary)

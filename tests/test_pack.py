from __future__ import annotations

from pathlib import Path

import pytest

from qc.model import Severity
from qc.pack import PackError, expand, load_pack
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
    assert pack.gate.max_fail_fraction == 0.5 and pack.gate.fail_on == ("encoding",)
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

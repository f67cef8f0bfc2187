"""The registry is the one table of rules: ids unique and well-formed, docs complete, a case file each."""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys

import pytest

from qc.model import FAMILIES
from qc.registry import RULES
from qc.rule import Rule
from tests.test_rule_cases import case_file

SECTIONS = ("What it finds:", "Why it matters:", "Example:", "How to tune:")


def test_ids_are_unique_and_well_formed() -> None:
    ids = [r.id for r in RULES]
    assert len(ids) == len(set(ids))
    for rid in ids:
        family, name = rid.split("/", 1)
        assert family in FAMILIES
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), rid


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_is_documented_and_tested(rule: type[Rule]) -> None:
    doc = inspect.getdoc(sys.modules[rule.__module__]) or ""
    assert doc.startswith(rule.id + ":"), f"{rule.__module__} docstring must start with '{rule.id}:'"
    for section in SECTIONS:
        assert section in doc, f"{rule.id}: docstring lacks '{section}'"
    assert rule.summary and not rule.summary.endswith(" ")
    assert dataclasses.is_dataclass(rule.Options) and rule.Options.__dataclass_params__.frozen
    assert case_file(rule).exists(), f"{rule.id}: no test cases at {case_file(rule)}"


def _default_pack() -> dict:
    import tomllib

    from qc.pack import default_pack_path

    with open(default_pack_path(), "rb") as fh:
        return tomllib.load(fh)


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_default_pack_restates_the_class_defaults(rule: type[Rule]) -> None:
    """rules/default.toml lists every rule with its defaults for users to copy; the class is the source,
    so the two must agree (boilerplate/inner was `warning` in its class and `info` in the pack)."""
    table = dict(_default_pack()["rules"].get(rule.id, {}))
    assert table, f"rules/default.toml has no [rules.\"{rule.id}\"] table"
    assert table.pop("enabled", True) is True
    assert table.pop("severity", rule.severity) == rule.severity
    assert table.pop("fix", rule.fixes and rule.fix_by_default) == (rule.fixes and rule.fix_by_default)
    stated, default = rule.options_from(table), rule.Options()
    assert {f.name: getattr(stated, f.name) for f in dataclasses.fields(default)} == \
        {f.name: getattr(default, f.name) for f in dataclasses.fields(default)}


def test_default_pack_policies_equal_the_policy_defaults() -> None:
    """A pack that leaves out a policy key behaves like the default pack."""
    from qc.pack import CleanPolicy, GatePolicy, VerdictPolicy, load_pack

    pack = load_pack()
    assert (pack.gate, pack.clean, pack.verdict) == (GatePolicy(), CleanPolicy(), VerdictPolicy())

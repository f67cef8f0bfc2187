"""The registry is the one table of rules: ids unique and well-formed, docs complete, a case file each; the
generated schema the pack validates from states what the classes state."""

from __future__ import annotations

import dataclasses
import inspect
import re
import sys

import pytest

from qc.model import FAMILIES
from qc.registry import RULE_TABLE, all_rules, current_schema, render_schema, rule_class
from qc.rule import Rule, RuleConfigError, check_options
from qc.rule_schema import RULE_SCHEMA
from tests.test_rule_cases import case_file

SECTIONS = ("What it finds:", "Why it matters:", "Example:", "How to tune:")
RULES = all_rules()


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


def test_table_names_each_rule_class() -> None:
    """``RULE_TABLE`` is the order and the id of every rule; ``rule_class`` finds the class it names."""
    assert [r.id for r in RULES] == list(RULE_TABLE)
    for rid, target in RULE_TABLE.items():
        cls = rule_class(rid)
        assert f"{cls.__module__}:{cls.__name__}" == target and cls.id == rid
    with pytest.raises(KeyError):
        rule_class("encoding/no-such-rule")


def test_generated_schema_matches_the_classes() -> None:
    """qc/rule_schema.py is what packs are validated with (no rule imported): a rule whose options,
    severity or kind changed without regenerating it would be checked against stale types."""
    from qc import registry

    stated = current_schema()
    stale = [rid for rid in stated.keys() | RULE_SCHEMA.keys() if stated.get(rid) != RULE_SCHEMA.get(rid)]
    assert not stale and list(RULE_SCHEMA) == list(stated), \
        f"qc/rule_schema.py is stale for {sorted(stale) or 'the rule order'}: regenerate with python -m qc.registry"
    assert registry.SCHEMA_PATH.read_text(encoding="utf-8") == render_schema(stated), \
        "qc/rule_schema.py was edited by hand: regenerate with python -m qc.registry"


def _wrong(kind: str) -> object:
    """A value of the wrong type for an option of type ``kind`` (TOML gives bool, int, float, str, list)."""
    return {"bool": 1, "int": "1", "float": "1.0", "str": 1, "tuple": "a"}[kind]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_schema_and_class_reject_the_same_options_alike(rule: type[Rule]) -> None:
    """The pack (from the schema) and the class (at construction) give one message for a bad option."""
    schema = RULE_SCHEMA[rule.id]["options"]
    bad: list[dict[str, object]] = [{"no_such_option": 1}]
    bad += [{name: _wrong(kind)} for name, (kind, _) in schema.items() if kind != "NoneType"]
    for table in bad:
        with pytest.raises(RuleConfigError) as from_schema:
            check_options(rule.id, schema, table)
        with pytest.raises(RuleConfigError) as from_class:
            rule.options_from(table)
        assert str(from_schema.value) == str(from_class.value)
    defaults = {name: list(d) if kind == "tuple" else d for name, (kind, d) in schema.items()}
    assert rule.Options(**check_options(rule.id, schema, defaults)) == rule.Options()

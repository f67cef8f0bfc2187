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

"""Rule cases as data: ``tests/cases/<family>/<name>.toml`` per rule, run by one parametrised test.

Format (all keys but ``text``/``docs`` optional)::

    [[pass]]                      # the rule must find nothing
    text = "..."
    lang = "en"                   # the document language (default: detected)
    options = { key = value }     # rule options for this case

    [[fail]]                      # the rule must find something
    text = "..."
    spans = [[0, 4], [10, 12]]    # exactly these spans, sorted
    fixed = "..."                 # the text after applying this rule's fixes
    count = 2                     # this many findings
    expect = "fail"               # a known failure, kept visible (ftfy style): the case must still fail

Reader-level cases give ``hex = "636166e9"`` (raw bytes) instead of ``text``: they are decoded as the
reader decodes files (invalid UTF-8 becomes U+FFFD with its byte runs recorded).

Corpus rules take ``docs = ["...", "..."]`` instead of ``text`` and ``flagged = [1]`` (the ordinals of
documents that must get a finding) in ``fail`` cases.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from qc.engine import clean_text, prepare
from qc.model import Document
from qc.readers import decode_utf8
from qc.registry import RULES
from qc.rule import CorpusRule, Rule, tag_ordinals

CASES = Path(__file__).parent / "cases"


def case_file(rule: type[Rule]) -> Path:
    family, name = rule.id.split("/", 1)
    return CASES / family / f"{name}.toml"


def _cases() -> list[Any]:
    out = []
    for rule in RULES:
        path = case_file(rule)
        if not path.exists():
            continue
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for kind in ("pass", "fail"):
            for i, case in enumerate(data.get(kind, [])):
                marks = [pytest.mark.xfail(strict=True, reason=case.get("why", "known failure"))] \
                    if case.get("expect") == "fail" else []
                out.append(pytest.param(rule, kind, case, id=f"{rule.id}:{kind}:{i}", marks=marks))
    return out


def _run(rule_cls: type[Rule], case: dict[str, Any]) -> tuple[Rule, list, list[str]]:
    rule = rule_cls(options=rule_cls.options_from(case.get("options", {})))
    if "hex" in case:
        text, errors = decode_utf8(bytes.fromhex(case["hex"]))
        case["text"] = text
        docs = [prepare(Document(id="d0", text=text, lang=case.get("lang", "und"), decode_errors=errors))]
    else:
        texts = case["docs"] if "docs" in case else [case["text"]]
        docs = [prepare(Document(id=f"d{i}", text=t, lang=case.get("lang", "und"))) for i, t in enumerate(texts)]
    if isinstance(rule, CorpusRule):
        items = [(i, f) for i, d in enumerate(docs) if (f := rule.sketch(d, d.text)) is not None and f.height]
        rows = tag_ordinals(items) if items else pl.DataFrame()
        res = rule.resolve(rows, [d.id for d in docs])
        findings = [f for i in sorted(res.findings) for f in res.findings[i]]
        flagged = sorted(i for i, fs in res.findings.items() if fs)
        return rule, findings, flagged  # type: ignore[return-value]
    findings = sorted(rule.check(docs[0]), key=lambda f: (f.start, f.end))
    return rule, findings, []


@pytest.mark.parametrize(("rule_cls", "kind", "case"), _cases())
def test_rule_case(rule_cls: type[Rule], kind: str, case: dict[str, Any]) -> None:
    rule, findings, flagged = _run(rule_cls, case)
    if kind == "pass":
        assert findings == [], f"unexpected findings: {[(f.start, f.end, f.excerpt) for f in findings]}"
        return
    assert findings, "the rule found nothing"
    if "spans" in case:
        assert [[f.start, f.end] for f in findings] == case["spans"]
    if "count" in case:
        assert len(findings) == case["count"]
    if "flagged" in case:
        assert flagged == case["flagged"]
    if "fixed" in case:
        fixed, _ = clean_text(case["text"], findings, {rule.id})
        assert fixed == case["fixed"]

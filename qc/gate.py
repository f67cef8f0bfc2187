"""The CI gate: judge an audit's summary against the pack's ``[gate]`` policy, and say so in the
format a CI system reads (text, JSON, GitHub Actions annotations, JUnit XML)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from qc.pack import GatePolicy, Selector


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    limit: float
    value: float
    passed: bool
    message: str


def evaluate(summary: dict[str, Any], policy: GatePolicy) -> list[Check]:
    n = max(1, summary["documents_in"])
    checks = []

    def frac(name: str, value: float, limit: float, what: str) -> None:
        ok = value <= limit
        checks.append(Check(name, limit, round(value, 6), ok,
                            f"{what}: {value:.2%} (limit {limit:.2%})"))

    frac("max_fail_fraction", summary["verdicts"]["fail"] / n, policy.max_fail_fraction, "failing documents")
    frac("max_warn_fraction", summary["verdicts"]["warn"] / n, policy.max_warn_fraction, "warning documents")
    frac("max_error_fraction", summary["errors"] / n, policy.max_error_fraction, "unreadable documents")
    frac("max_duplicate_rate", summary["duplicate_rate"], policy.max_duplicate_rate, "near-duplicate rate")
    for sel in policy.fail_on.split():
        name = sel.names[0]
        hits = sum(c for r, c in summary["by_rule"].items() if r in sel)
        checks.append(Check(f"fail_on:{name}", 0, hits, hits == 0, f"findings of {name}: {hits} (must be 0)"))
    return checks


def gate_record(summary: dict[str, Any], policy: GatePolicy) -> dict[str, Any]:
    checks = evaluate(summary, policy)
    return {
        "passed": all(c.passed for c in checks),
        "policy": {k: (list(v.names) if isinstance(v, Selector) else v) for k, v in
                   ((f, getattr(policy, f)) for f in policy.__dataclass_fields__)},
        "checks": [_check_dict(c) for c in checks],
        "violations": [c.message for c in checks if not c.passed],
    }


def _check_dict(c: Check) -> dict[str, Any]:
    return {"name": c.name, "limit": c.limit, "value": c.value, "passed": c.passed, "message": c.message}


def render(record: dict[str, Any], fmt: str, hits: list[dict[str, Any]], summary: dict[str, Any]) -> str:
    if fmt == "json":
        return json.dumps({**record, "documents": summary["documents_in"], "verdicts": summary["verdicts"],
                           "hits": hits[:200]}, ensure_ascii=False, indent=2)
    if fmt == "github":
        return _github(record, hits)
    if fmt == "junit":
        return _junit(record, hits)
    lines = [f"gate {'PASSED' if record['passed'] else 'FAILED'} "
             f"({summary['documents_in']} documents, pack {summary['pack']['name']})"]
    for c in record["checks"]:
        lines.append(f"  {'ok  ' if c['passed'] else 'FAIL'} {c['message']}")
    for h in hits[:20]:
        lines.append(f"  {h['source']}:{h['line']}:{h['col']}: {h['rule']}: {h['message']}")
    return "\n".join(lines)


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


def _github(record: dict[str, Any], hits: list[dict[str, Any]]) -> str:
    out = []
    for h in hits[:50]:  # GitHub shows at most 50 annotations per step
        out.append(f"::error file={_gh_escape(h['source'], True)},line={h['line']},col={h['col']},"
                   f"title={_gh_escape(h['rule'], True)}::{_gh_escape(h['message'])}")
    for c in record["checks"]:
        if not c["passed"]:
            out.append(f"::error title={_gh_escape('newsqc gate ' + c['name'], True)}::{_gh_escape(c['message'])}")
    out.append(f"::notice title=newsqc gate::{'passed' if record['passed'] else 'failed'}")
    return "\n".join(out)


def _junit(record: dict[str, Any], hits: list[dict[str, Any]]) -> str:
    checks = record["checks"]
    failures = sum(1 for c in checks if not c["passed"])
    cases = []
    for c in checks:
        body = ""
        if not c["passed"]:
            sel = Selector.of([c["name"].removeprefix("fail_on:")]) if c["name"].startswith("fail_on:") else None
            detail = "\n".join(f"{h['source']}:{h['line']}:{h['col']}: {h['message']}"
                               for h in hits if sel is not None and h["rule"] in sel)
            body = (f"<failure message={quoteattr(c['message'])} type=\"policy\">"
                    f"{escape(detail)}</failure>")
        cases.append(f'    <testcase classname="newsqc.gate" name={quoteattr(c["name"])}>{body}</testcase>')
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<testsuites tests=\"{len(checks)}\" failures=\"{failures}\">\n"
            f"  <testsuite name=\"newsqc gate\" tests=\"{len(checks)}\" failures=\"{failures}\">\n"
            + "\n".join(cases) + "\n  </testsuite>\n</testsuites>")

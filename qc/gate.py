"""The CI gate: judge an audit's summary against the pack's ``[gate]`` policy, and say so in the
format a CI system reads (text, JSON, GitHub Actions annotations, JUnit XML)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
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

    docs = summary["documents_in"]
    checks.append(Check("min_documents", policy.min_documents, docs, docs >= policy.min_documents,
                        f"documents audited: {docs} (at least {policy.min_documents})"))
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


def render(record: dict[str, Any], fmt: str, hits: list[dict[str, Any]], summary: dict[str, Any],
           failed: Sequence[dict[str, Any]] = ()) -> str:
    """The verdict for a CI log or tool; ``failed`` lists the first failing documents (``AuditResult.failed``)."""
    if fmt == "json":
        return json.dumps({**record, "documents": summary["documents_in"], "verdicts": summary["verdicts"],
                           "hits": hits[:200]}, ensure_ascii=False, indent=2)
    if fmt == "github":
        return _github(record, hits, failed)
    if fmt == "junit":
        return _junit(record, hits, failed, summary["verdicts"]["fail"])
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


GITHUB_MAX_ANNOTATIONS = 50  # GitHub shows at most 50 annotations per step


def _github(record: dict[str, Any], hits: list[dict[str, Any]], failed: Sequence[dict[str, Any]]) -> str:
    """Unreadable documents first (nothing else points at them), then fail_on hits, then the checks."""
    notes = [(f["source"], 1, 1, "newsqc: unreadable document", f["error"]) for f in failed if f["error"]]
    notes += [(h["source"], h["line"], h["col"], h["rule"], h["message"]) for h in hits]
    out = [f"::error file={_gh_escape(src, True)},line={line},col={col},title={_gh_escape(title, True)}::"
           f"{_gh_escape(msg)}" for src, line, col, title, msg in notes[:GITHUB_MAX_ANNOTATIONS]]
    for c in record["checks"]:
        if not c["passed"]:
            out.append(f"::error title={_gh_escape('newsqc gate ' + c['name'], True)}::{_gh_escape(c['message'])}")
    out.append(f"::notice title=newsqc gate::{'passed' if record['passed'] else 'failed'}")
    return "\n".join(out)


# Characters XML 1.0 cannot carry at all (not even escaped): C0 controls but tab/newline/CR, surrogates,
# U+FFFE/U+FFFF. Document ids and messages come from the input, so they are replaced.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _x(s: str) -> str:
    return escape(_XML_INVALID.sub("\ufffd", s))


def _xa(s: str) -> str:
    return quoteattr(_XML_INVALID.sub("\ufffd", s))


def _junit(record: dict[str, Any], hits: list[dict[str, Any]], failed: Sequence[dict[str, Any]],
           n_failed: int) -> str:
    """Suite ``newsqc gate``: one case per policy check. Suite ``newsqc documents``: one case per failing
    document (the first ``len(failed)``; a last case counts the rest), an ``<error>`` when unreadable."""
    checks = record["checks"]
    gate_failures = sum(1 for c in checks if not c["passed"])
    cases = []
    for c in checks:
        body = ""
        if not c["passed"]:
            sel = Selector.of([c["name"].removeprefix("fail_on:")]) if c["name"].startswith("fail_on:") else None
            detail = "\n".join(f"{h['source']}:{h['line']}:{h['col']}: {h['message']}"
                               for h in hits if sel is not None and h["rule"] in sel)
            body = f'<failure message={_xa(c["message"])} type="policy">{_x(detail)}</failure>'
        cases.append(f'    <testcase classname="newsqc.gate" name={_xa(c["name"])}>{body}</testcase>')
    docs = []
    for f in failed:
        tag, kind = ("error", "unreadable") if f["error"] else ("failure", f["rule"] or "verdict")
        where = f"{f['source']}:{f['line']}:{f['col']}"
        docs.append(f'    <testcase classname="newsqc.document" name={_xa(f["id"])} file={_xa(f["source"])}>'
                    f'<{tag} message={_xa(f["message"] or "")} type={_xa(kind)}>{_x(where)}</{tag}></testcase>')
    rest = n_failed - len(failed)
    if rest > 0:
        docs.append(f'    <testcase classname="newsqc.document" name="{rest} more failing documents">'
                    f'<failure message="see reports.jsonl" type="verdict"/></testcase>')
    n_errors = sum(1 for f in failed if f["error"])
    tests, failures = len(checks) + len(docs), gate_failures + len(docs) - n_errors
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
            f"<testsuites tests=\"{tests}\" failures=\"{failures}\" errors=\"{n_errors}\">\n"
            f"  <testsuite name=\"newsqc gate\" tests=\"{len(checks)}\" failures=\"{gate_failures}\">\n"
            + "\n".join(cases) + "\n  </testsuite>\n"
            f"  <testsuite name=\"newsqc documents\" tests=\"{len(docs)}\" failures=\"{len(docs) - n_errors}\" "
            f"errors=\"{n_errors}\">\n"
            + "".join(d + "\n" for d in docs) + "  </testsuite>\n</testsuites>")

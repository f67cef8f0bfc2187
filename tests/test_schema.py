"""reports.jsonl is a public contract: every row the pipeline writes validates against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from qc.cli import main

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "qc" / "schema" / "report.schema.json").read_text())


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_seed_reports_validate(tmp_path: Path, repo: Path) -> None:
    assert main(["audit", str(repo / "seeds"), "--out", str(tmp_path), "--quiet", "--no-html"]) == 0
    validator = jsonschema.Draft202012Validator(SCHEMA)
    rows = [json.loads(x) for x in (tmp_path / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 5
    for row in rows:
        validator.validate(row)


def test_schema_rejects_a_broken_row() -> None:
    row = {"id": "a", "source": "a", "lang": "en", "chars": 3, "score": 2.0, "verdict": "ok", "findings": [],
           "cluster": None, "duplicate_of": None, "error": None, "removed_chars": 0, "dropped": False}
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(row))
    assert {e.path[0] for e in errors} == {"score", "verdict"}

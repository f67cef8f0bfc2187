"""The runner's own timers in ``timings.json``: seconds per rule and per family, pack builds, driver share."""

from __future__ import annotations

import json
import math
from pathlib import Path

from qc.engine import LANGUAGE_STEP, audit_batch
from qc.model import Document
from qc.pack import load_pack
from qc.runner import AuditConfig, run_audit

TEXT = "They donâ€™t know what the cafÃ© serves.\n\nMinisters met on Monday to agree a budget for the year.\n"


def _jsonl(tmp_path: Path, n: int) -> Path:
    path = tmp_path / "in.jsonl"
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"d{i}", "text": f"Story {i}. " + TEXT}) + "\n")
    return path


def _timings(tmp_path: Path, select: list[str], jobs: int, n: int, batch_size: int = 64) -> dict:
    pack = load_pack(select=select)
    run_audit(AuditConfig(input=_jsonl(tmp_path, n), out=tmp_path / "out", pack=pack, jobs=jobs,
                          batch_size=batch_size))
    return json.loads((tmp_path / "out" / "timings.json").read_text(encoding="utf-8"))


def test_every_selected_rule_is_timed_and_families_sum_their_rules(tmp_path: Path) -> None:
    select = ["encoding", "near-duplicate", "untranslated/foreign-script"]
    t = _timings(tmp_path, select, jobs=1, n=20)
    selected = load_pack(select=select).selected
    assert list(t["per_rule_seconds"]) == list(selected)
    assert all(s >= 0 for s in t["per_rule_seconds"].values())
    assert sum(t["per_rule_seconds"].values()) > 0
    families = {rid.split("/")[0] for rid in selected}
    assert set(t["per_family_seconds"]) == families
    for fam, sec in t["per_family_seconds"].items():
        rules = [s for rid, s in t["per_rule_seconds"].items() if rid.startswith(fam + "/")]
        assert math.isclose(sec, sum(rules), abs_tol=1e-3 * len(rules))
    # the rules' time is part of pass one, which is part of the run
    assert sum(t["per_rule_seconds"].values()) <= t["per_document_seconds"] <= t["total_seconds"]
    assert t["pack_build_seconds"]["driver"] > 0 and t["pack_build_seconds"]["workers"] == []
    assert 0 <= t["spool_seconds"] <= t["per_document_seconds"]
    assert t["driver_cpu_seconds_pass_one"] >= 0 and t["language_seconds"] >= 0


def test_batch_timers_name_rules_and_the_language_pass() -> None:
    rules = load_pack(select=["untranslated/foreign-script", "encoding/mojibake"]).build()
    batch = [(i, Document(id=f"d{i}", text=TEXT)) for i in range(3)]
    result = audit_batch(batch, rules, set())
    assert set(result.seconds) == {"untranslated/foreign-script", "encoding/mojibake", LANGUAGE_STEP}
    assert result.pid > 0 and all(s >= 0 for s in result.seconds.values())


def test_worker_pack_builds_are_reported_per_process(tmp_path: Path) -> None:
    t = _timings(tmp_path, ["encoding"], jobs=2, n=12, batch_size=2)  # > 2 batches: the pool starts
    workers = t["pack_build_seconds"]["workers"]
    assert 1 <= len(workers) <= 2 and all(s > 0 for s in workers)
    assert t["per_rule_seconds"]["encoding/mojibake"] > 0

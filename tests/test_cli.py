"""The command line end to end: outputs, exit codes, gate formats, bad input, jobs invariance."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import polars as pl
import pytest

import qc.runner
from qc.cli import main
from qc.fixes import Edit, rebuild

MOJIBAKE_DOC = "They donâ€™t know what the cafÃ© serves.\n"
CLEAN_DOC = "Ministers met in the capital on Monday to discuss the budget.\n"


def _corpus(tmp_path: Path, docs: dict[str, str | bytes]) -> Path:
    root = tmp_path / "in"
    for name, body in docs.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    return root


def _rows(out: Path) -> list[dict]:
    return [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]


def test_audit_writes_every_output(tmp_path: Path) -> None:
    src = _corpus(tmp_path, {"a.txt": MOJIBAKE_DOC, "sub/b.txt": CLEAN_DOC})
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--select", "encoding"]) == 0
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a.txt", "sub/b.txt"]
    assert rows[0]["verdict"] == "fail" and rows[1]["verdict"] == "pass"
    assert (out / "clean" / "a.txt").read_text(encoding="utf-8") == "They don’t know what the café serves.\n"
    assert (out / "clean" / "sub" / "b.txt").read_text(encoding="utf-8") == CLEAN_DOC
    assert json.loads((out / "files" / "a.txt.json").read_text(encoding="utf-8"))["id"] == "a.txt"
    assert "encoding/mojibake" in (out / "files" / "a.txt.md").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text())
    assert summary["documents_in"] == 2 and summary["by_rule"]["encoding/mojibake"] >= 1
    assert summary["gate"]["passed"] is False
    findings = pl.read_parquet(out / "findings.parquet")
    assert set(findings["id"]) == {"a.txt"} and findings.height == len(rows[0]["findings"])


def test_edit_log_rebuilds_inputs(tmp_path: Path) -> None:
    src = _corpus(tmp_path, {"a.txt": MOJIBAKE_DOC * 3, "b.txt": CLEAN_DOC})
    out = tmp_path / "out"
    main(["clean", str(src), "--out", str(out), "--quiet"])
    assert not (out / "reports.jsonl").exists()
    logged = {}
    for line in (out / "edits.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        logged[row["id"]] = [Edit(**e) for e in row["edits"]]
    assert logged["a.txt"]
    for name in ("a.txt", "b.txt"):
        clean = (out / "clean" / name).read_text(encoding="utf-8")
        original = (src / name).read_text(encoding="utf-8")
        assert rebuild(clean, logged.get(name, [])) == original


def test_gate_exit_codes(tmp_path: Path) -> None:
    good = _corpus(tmp_path / "g", {"a.txt": CLEAN_DOC, "b.txt": CLEAN_DOC.replace("Monday", "Tuesday")})
    bad = _corpus(tmp_path / "b", {"a.txt": MOJIBAKE_DOC, "b.txt": b"caf\xe9 au lait is served daily here.\n"})
    assert main(["gate", str(good), "--out", str(tmp_path / "o1"), "--quiet", "--select", "encoding"]) == 0
    assert main(["gate", str(bad), "--out", str(tmp_path / "o2"), "--quiet", "--select", "encoding"]) == 1
    assert main(["gate", str(tmp_path / "missing"), "--out", str(tmp_path / "o3"), "--quiet"]) == 2
    assert main(["gate", str(good), "--quiet", "--select", "nonsense"]) == 2


def test_gate_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = _corpus(tmp_path, {"a.txt": b"caf\xe9 au lait is served daily here.\n"})
    args = ["gate", str(bad), "--out", str(tmp_path / "o"), "--quiet", "--select", "encoding"]
    capsys.readouterr()
    assert main([*args, "--format", "json"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert record["passed"] is False and any(c["name"] == "fail_on:encoding/invalid-utf8" for c in record["checks"])
    assert main([*args, "--format", "github"]) == 1
    gh = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::error file=") and "line=1,col=4" in line for line in gh)
    assert main([*args, "--format", "junit"]) == 1
    suite = ET.fromstring(capsys.readouterr().out)
    assert int(suite.get("failures")) >= 1 and suite.find(".//failure") is not None
    assert main([*args, "--format", "text"]) == 1
    assert "gate FAILED" in capsys.readouterr().out


def test_bad_inputs_are_each_reported_once(tmp_path: Path) -> None:
    src = _corpus(tmp_path, {"empty.txt": b"", "bin.txt": b"\x00\x01\x02", "ok.txt": CLEAN_DOC,
                             "latin.txt": b"caf\xe9 au lait\n"})
    jsonl = tmp_path / "c.jsonl"
    jsonl.write_text('{"id": "x", "text": "Fine text here."}\n{oops\n{"id": "y"}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet"]) == 0
    rows = {r["id"]: r for r in _rows(out)}
    assert set(rows) == {"empty.txt", "bin.txt", "ok.txt", "latin.txt"}
    assert rows["empty.txt"]["error"] == "empty document" and rows["bin.txt"]["error"].startswith("binary")
    [bad] = [f for f in rows["latin.txt"]["findings"] if f["rule"] == "encoding/invalid-utf8"]
    assert (bad["start"], bad["end"]) == (3, 4)
    assert main(["audit", str(jsonl), "--out", str(tmp_path / "o2"), "--quiet"]) == 0
    rows2 = _rows(tmp_path / "o2")
    assert [r["id"] for r in rows2] == ["x", "c.jsonl:2", "y"]
    assert "malformed JSON at c.jsonl:2" in rows2[1]["error"]
    clean = [json.loads(x) for x in (tmp_path / "o2" / "clean.jsonl").read_text().splitlines()]
    assert [c["id"] for c in clean] == ["x"]


def test_hostile_ids_stay_inside_out(tmp_path: Path) -> None:
    jsonl = tmp_path / "c.jsonl"
    ids = ["../escape", "/etc/owned", "a\u0000b", "ok"]
    jsonl.write_text("".join(json.dumps({"id": i, "text": CLEAN_DOC}) + "\n" for i in ids), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(jsonl), "--out", str(out), "--quiet"]) == 0
    assert [r["id"] for r in _rows(out)] == ids
    assert not (tmp_path / "escape").exists()
    txt = _corpus(tmp_path / "t", {"a.txt": CLEAN_DOC})
    assert main(["audit", str(txt / "a.txt"), "--out", str(out / "t"), "--quiet"]) == 0
    for p in out.rglob("*"):
        assert out.resolve() in p.resolve().parents


def test_failed_run_leaves_previous_outputs_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = _corpus(tmp_path, {"a.txt": CLEAN_DOC, "b.txt": CLEAN_DOC})
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet"]) == 0
    before = (out / "reports.jsonl").read_bytes()

    def boom(*args: object, **kw: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(qc.runner, "_finish", boom)
    with pytest.raises(RuntimeError):
        main(["audit", str(src), "--out", str(out), "--quiet"])
    assert (out / "reports.jsonl").read_bytes() == before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_reports_are_identical_for_any_jobs(tmp_path: Path) -> None:
    docs = {f"d{i:03d}.txt": (MOJIBAKE_DOC if i % 7 == 0 else CLEAN_DOC).replace("the", f"the {i}")
            for i in range(260)}
    src = _corpus(tmp_path, docs)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", jobs]) == 0
        outs.append(out)
    for name in ("reports.jsonl", "edits.jsonl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes()
    assert len(_rows(outs[0])) == 260


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    listing = capsys.readouterr().out
    assert "encoding/mojibake" in listing
    assert main(["explain", "encoding/mojibake"]) == 0
    text = capsys.readouterr().out
    assert "What it finds" in text and "Default severity" in text
    assert main(["explain", "encoding/nope"]) == 2


STORY = ("The city council approved a new budget for public transport on Tuesday after a long debate. "
         "The plan adds night buses on six routes and lowers fares for students and pensioners. "
         "Opposition members said the money should have gone to road repairs instead, and promised to "
         "raise the issue again when the council meets in the spring to review spending.\n")


def test_index_build_gate_and_add(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    accepted = _corpus(tmp_path / "a", {"story.txt": STORY})
    copies = _corpus(tmp_path / "b", {"copy.txt": "Local news\n" + STORY})
    fresh = _corpus(tmp_path / "c", {"other.txt": CLEAN_DOC * 3})
    index = tmp_path / "index"
    sel = ["--quiet", "--select", "near-duplicate"]
    assert main(["index", "build", str(index), str(accepted), *sel]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 1
    assert main(["gate", str(copies), "--index", str(index), "--out", str(tmp_path / "o1"), *sel]) == 1
    [row] = _rows(tmp_path / "o1")
    assert row["duplicate_of"] == "story.txt" and row["verdict"] == "fail"
    # a passing batch is added only when asked
    assert main(["gate", str(fresh), "--index", str(index), "--out", str(tmp_path / "o2"), *sel]) == 0
    assert main(["gate", str(fresh), "--index", str(index), "--out", str(tmp_path / "o3"), "--add-to-index", *sel]) == 0
    capsys.readouterr()
    assert main(["index", "stats", str(index)]) == 0
    assert json.loads(capsys.readouterr().out)["documents"] == 2
    assert main(["gate", str(fresh), "--index", str(tmp_path / "nope"), *sel]) == 2
    assert main(["gate", str(fresh), "--add-to-index", *sel]) == 2


def test_keep_best_score_keeps_the_clean_copy(tmp_path: Path) -> None:
    damaged = STORY.replace("council", "councilâ€™s", 1)  # mojibake lowers the first copy's quality
    src = _corpus(tmp_path, {"a.txt": damaged, "b.txt": STORY})
    pack = tmp_path / "pack.toml"
    pack.write_text('[pack]\nselect = ["encoding", "near-duplicate"]\n'
                    '[rules."near-duplicate/near-duplicate"]\nkeep = "best-score"\n'
                    '[rules."near-duplicate/exact"]\nkeep = "best-score"\n', encoding="utf-8")
    assert main(["audit", str(src), "--out", str(tmp_path / "o"), "--pack", str(pack), "--quiet"]) == 0
    rows = {r["id"]: r for r in _rows(tmp_path / "o")}
    assert rows["a.txt"]["duplicate_of"] == "b.txt" and rows["b.txt"]["duplicate_of"] is None
    assert not (tmp_path / "o" / "clean" / "a.txt").exists() and (tmp_path / "o" / "clean" / "b.txt").exists()


@pytest.mark.parametrize("suffix", ["jsonl", "parquet"])
def test_sharded_clean_output(tmp_path: Path, suffix: str) -> None:
    rows = [{"id": f"d{i}", "text": f"Story number {i} about the budget.", "n": i} for i in range(7)]
    src = tmp_path / f"c.{suffix}"
    if suffix == "jsonl":
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        pl.DataFrame(rows).write_parquet(src)
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--select", "encoding", "--shard-size", "3"]) == 0
    parts = sorted((out / "clean").glob(f"part-*.{suffix}"))
    assert [p.name for p in parts] == [f"part-0000{i}.{suffix}" for i in range(3)]
    read = pl.read_ndjson if suffix == "jsonl" else pl.read_parquet
    back = pl.concat([read(p) for p in parts], how="diagonal_relaxed")
    assert back["id"].to_list() == [r["id"] for r in rows] and back["n"].to_list() == list(range(7))
    assert not (out / f"clean.{suffix}").exists()
    assert not [p for p in out.rglob(".*") if p.is_file()]


def test_progress_lines_when_stderr_is_not_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import qc.cli

    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"{i}.txt").write_text(f"Ministers met on Monday to discuss the budget, item {i}.\n", encoding="utf-8")
    monkeypatch.setattr(qc.cli, "PLAIN_PROGRESS_SECONDS", 0.0)
    assert main(["audit", str(src), "--out", str(tmp_path / "out"), "--no-html"]) == 0
    assert "qc: 3 documents audited" in capsys.readouterr().err
    assert main(["audit", str(src), "--out", str(tmp_path / "out2"), "--no-html", "--quiet"]) == 0
    assert "documents audited" not in capsys.readouterr().err


def test_max_bytes_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _corpus(tmp_path, {"a.txt": CLEAN_DOC})
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(src), "--out", str(tmp_path / "o"), "--max-bytes", "-1"])
    assert exc.value.code == 2
    assert "--max-bytes: must be at least 1" in capsys.readouterr().err


def test_a_misspelt_flag_suggests_the_nearest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _corpus(tmp_path, {"a.txt": CLEAN_DOC})
    with pytest.raises(SystemExit) as exc:
        main(["audit", str(src), "--out", str(tmp_path / "o"), "--selct", "encoding"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "--selct (did you mean --select?)" in err
    assert err.startswith("usage: qc audit")  # the subcommand's usage, not the top-level one


def test_rules_has_column_headers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rules"]) == 0
    header, first = capsys.readouterr().out.splitlines()[:2]
    assert header.split() == ["RULE", "SEL", "SEVERITY", "FIX", "SUMMARY"]
    assert first.startswith("encoding/")


def _failing_corpus(tmp_path: Path) -> Path:
    return _corpus(tmp_path, {"bin.txt": b"\x00\x01\x02\x03", "moji\x01<&]]>.txt": MOJIBAKE_DOC,
                              "ok.txt": CLEAN_DOC})


def test_github_annotates_an_unreadable_documents_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _failing_corpus(tmp_path)
    capsys.readouterr()
    assert main(["gate", str(src), "--out", str(tmp_path / "o"), "--quiet", "--select", "encoding",
                 "--format", "github"]) == 1
    gh = capsys.readouterr().out.splitlines()
    assert any(line.startswith("::error file=") and "bin.txt" in line and "unreadable" in line for line in gh)


def test_junit_has_a_case_per_failing_document_and_is_valid_xml(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    src = _failing_corpus(tmp_path)
    capsys.readouterr()
    assert main(["gate", str(src), "--out", str(tmp_path / "o"), "--quiet", "--select", "encoding",
                 "--format", "junit"]) == 1
    root = ET.fromstring(capsys.readouterr().out)  # control characters in an id would make this raise
    docs = root.findall(".//testcase[@classname='newsqc.document']")
    by_name = {c.get("name"): c for c in docs}
    assert sorted(by_name) == ["bin.txt", "moji\ufffd<&]]>.txt"]
    assert by_name["bin.txt"].find("error") is not None
    failure = by_name["moji\ufffd<&]]>.txt"].find("failure")
    assert failure is not None and failure.get("type") == "encoding/mojibake"
    assert int(root.get("errors")) == 1


def test_clean_jsonl_is_valid_json_when_a_kept_field_is_nan(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Ministers met on Monday.", "weight": NaN}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--select", "encoding", "--no-html"]) == 0
    line = (out / "clean.jsonl").read_text(encoding="utf-8").strip()
    assert json.loads(line, parse_constant=lambda c: pytest.fail(f"non-JSON constant {c}"))["weight"] is None


def test_an_empty_input_breaks_the_gate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """0 documents (a wrong glob, a failed export) passed every fraction check."""
    empty = tmp_path / "in"
    empty.mkdir()
    capsys.readouterr()
    assert main(["gate", str(empty), "--out", str(tmp_path / "o"), "--quiet", "--format", "json"]) == 1
    record = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in record["checks"] if not c["passed"]] == ["min_documents"]

"""Workers read their own ranges of a JSONL file and spool their own results: the reports equal a
sequential read's, byte for byte, duplicate ids across ranges included, and no text travels back."""

from __future__ import annotations

import dataclasses
import json
import pickle
import random
from pathlib import Path

import polars as pl
import pytest

import qc.executor
import qc.readers
from qc.engine import BatchResult, DocResult
from qc.pack import load_pack
from qc.readers import ReadOptions, UniqueIds, cut_jsonl, input_splits, read_input, read_split
from qc.runner import AuditConfig, run_audit
from qc.spool import Finishing, Spool, read_part

WORDS = ["council", "budget", "river", "school", "harbour", "festival", "minister", "market", "railway",
         "storm", "hospital", "vote", "bridge", "museum", "league", "court", "farmers", "police"]


def _article(rng: random.Random, n: int = 120) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n)) + "."


def _corpus(path: Path, rng: random.Random) -> Path:
    """Articles with planted copies (some across ranges), blank and malformed lines, over-long lines,
    reused ids (also ids that are another line's position) and a mojibake text."""
    lines, articles = [], []
    for i in range(300):
        r = rng.random()
        if r < 0.04:
            lines.append("   ")
        elif r < 0.07:
            lines.append("{not json")
        elif r < 0.09:
            lines.append(json.dumps({"id": f"x{i}", "text": "long " * 2000}))
        elif r < 0.14:
            lines.append(json.dumps({"id": rng.choice(["d3", "d10", 42, "c.jsonl:7"]), "text": _article(rng)}))
        elif r < 0.30 and articles:
            lines.append(json.dumps({"id": f"d{i}", "text": rng.choice(articles) + " Updated."}))
        else:
            text = _article(rng) + (" The cafÃ© was open." if i % 17 == 0 else "")
            articles.append(text)
            lines.append(json.dumps({"id": f"d{i}", "text": text, "n": i}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ranges_read_like_the_whole_file(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "c.jsonl", random.Random(1))
    options = ReadOptions(max_bytes=4000)
    want = [(r.id, r.source, getattr(r, "error", None)) for r in read_input(src, options)]
    for range_bytes in (1, 700, 5000, 10**8):
        ranges = list(cut_jsonl(input_splits(src, options)[0], range_bytes))
        assert (len(ranges) > 1) == (range_bytes < src.stat().st_size)
        unique, got = UniqueIds(), []
        for split in ranges:
            for rec in read_split(split, options):
                clash = unique.clash(rec.id, rec.source)
                got.append((rec.id, rec.source, getattr(rec, "error", None)) if clash is None
                           else (clash[0], rec.source, clash[1]))
        assert got == want
    assert any(err and "duplicate id" in err for _, _, err in want)


@pytest.mark.parametrize("select", [["near-duplicate"], ["encoding", "near-duplicate"]])
def test_workers_reading_ranges_report_like_one_job(select: list[str], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """With one job the driver reads the whole file and pass two finishes every document; with two,
    workers read ranges and spool each document's lines (pass two finishes only flagged ones)."""
    src = _corpus(tmp_path / "c.jsonl", random.Random(2))
    monkeypatch.setattr(qc.readers, "RANGE_BYTES", 8000)  # many ranges (cut in this process)
    tasks: list[object] = []
    real = qc.executor._tasks

    def spy(*args: object, **kw: object):
        for task in real(*args, **kw):
            tasks.append(task[1])
            yield task

    monkeypatch.setattr(qc.executor, "_tasks", spy)
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}"
        run_audit(AuditConfig(input=src, out=out, pack=load_pack(select=select), jobs=jobs,
                              batch_size=4))  # several batches a range
        outs.append(out)
    assert sum(isinstance(t, qc.readers.Split) and t.ranged for t in tasks) > 5
    for name in ("reports.jsonl", "summary.json", "clean.jsonl", "edits.jsonl"):
        assert (outs[0] / name).read_bytes() == (outs[1] / name).read_bytes(), name
    rows = [json.loads(line) for line in (outs[1] / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
    assert any(r["duplicate_of"] for r in rows)
    assert any(r["error"] and "duplicate id" in r["error"] for r in rows)


def test_a_worker_returns_no_text(tmp_path: Path) -> None:
    """What a worker sends back for a range (ids, timers; no sketch without corpus rules) is a small
    fraction of the range's text: the texts stay in the worker's spool part."""
    src = _corpus(tmp_path / "c.jsonl", random.Random(3))
    pack = load_pack(select=["encoding"])
    spool = Spool(tmp_path, Finishing.of(pack, qc.executor.fix_rule_ids(pack), "text", reports=True,
                                         clean_lines=True, texts=False))
    qc.executor._init_worker(pack, spool)
    split = next(cut_jsonl(input_splits(src)[0], 20_000))
    assert split.ranged
    sent = pickle.dumps(qc.executor._spool_split(0, split, ReadOptions(), 16))
    assert len(sent) < split.end / 5
    assert spool.part(0).stat().st_size > split.end


def test_sketch_rows_are_renumbered_to_batch_positions(tmp_path: Path) -> None:
    """Results numbered by input ordinal (Ray's batches) are spooled with rows by batch position."""
    results = [DocResult(o, f"d{o}", f"c:{o}", "text", {}, "und", [], [], None) for o in (10, 11, 13)]
    frame = pl.DataFrame({"doc": [10, 13, 13], "x": [1, 2, 3]})
    spooled = Spool(tmp_path, None).write(BatchResult(results, {"r": frame}), tmp_path / "part.pkl")
    assert spooled.sketches["r"]["doc"].to_list() == [0, 2, 2]
    assert [res.id for res, _ in read_part(tmp_path / "part.pkl")] == ["d10", "d11", "d13"]


def test_a_local_path_given_as_str_is_cut_like_a_path(tmp_path: Path) -> None:
    src = _corpus(tmp_path / "c.jsonl", random.Random(2))
    split = input_splits(src)[0]
    as_str = dataclasses.replace(split, spec=str(split.spec))
    want = [(s.start, s.end, s.line) for s in cut_jsonl(split, 700)]
    assert len(want) > 1 and [(s.start, s.end, s.line) for s in cut_jsonl(as_str, 700)] == want


def test_spooled_records_pickle_back_field_for_field() -> None:
    """``DocResult`` and ``Lines`` pickle as positional tuples: every field, each with a distinct
    value, comes back in its own place (a field added or moved without updating ``__reduce__`` fails)."""
    from qc.model import Finding, Severity
    from qc.spool import Lines

    finding = Finding(rule="encoding/nbsp", family="encoding", severity=Severity.INFO, start=1, end=2,
                      excerpt="x", message="m")
    res = DocResult(7, "id-7", "src", "text", {"k": 1}, "en", [finding], ["err"], "bad input")
    lines = Lines({"id": "r"}, b"report", [b"f1"], b"edits", b"clean", b"text")
    for obj in (res, lines):
        back = pickle.loads(pickle.dumps(obj))
        assert [getattr(back, f) for f in obj.__slots__] == [getattr(obj, f) for f in obj.__slots__]
        assert len(set(map(repr, (getattr(obj, f) for f in obj.__slots__)))) == len(obj.__slots__)


def test_a_spooled_batch_through_a_pipe_keeps_its_frames_in_the_spool(tmp_path: Path) -> None:
    """A ``Spooled`` pickled (what a pool worker sends back) carries its sketch frames as files in the
    spool folder, not in the pickle: every field and frame (dtypes included) comes back equal, the
    files are gone once read, and the write counts as spooling time."""
    from qc.spool import SPOOL_STEP, Spooled

    sig = pl.Series("sig", list(range(12)), dtype=pl.UInt32).reshape((3, 4))
    frame = pl.DataFrame([pl.Series("sh", [[1, 2], [], [3]], dtype=pl.List(pl.UInt32)), sig,
                          pl.Series("exact", [1 << 63, 0, 5], dtype=pl.UInt64), pl.Series("doc", [0, 1, 2])])
    frame = pl.concat([frame, frame.with_columns(pl.col("doc") + 3)] * 200, rechunk=False)
    spooled = Spooled(tmp_path / "00000003.pkl", ["a", "b"], ["s:1", "s:2"], {"r1": frame, "r2": frame.head(1)},
                      {"rule": 0.5}, 42, 0.25, False)
    sent = pickle.dumps(spooled)
    assert len(sent) < frame.estimated_size() / 4
    back = pickle.loads(sent)
    for rid in ("r1", "r2"):
        assert back.sketches[rid].schema == spooled.sketches[rid].schema
        assert back.sketches[rid].equals(spooled.sketches[rid])
    assert (back.part, back.ids, back.sources, back.pid, back.build_seconds, back.checked) == (
        spooled.part, spooled.ids, spooled.sources, 42, 0.25, False)
    assert back.seconds["rule"] == 0.5 and back.seconds[SPOOL_STEP] > 0
    assert list(tmp_path.iterdir()) == []

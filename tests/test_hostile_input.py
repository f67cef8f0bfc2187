"""Hostile input never crashes a run or hides a document (issue 17, part A).

Each test names the defect it covers; the synthetic texts are made up here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import polars as pl
import pytest

import qc.readers
from qc.cli import main
from qc.encoding.nbsp import Nbsp
from qc.engine import DocumentTimeout, audit_batch, budget_available, budget_paused, time_budget
from qc.model import Document, Finding
from qc.pack import PackError, load_pack
from qc.readers import BadInput, InputError, ReadOptions, escape_id, read_input, sanitize_text
from qc.rule import Rule
from qc.untranslated._common import URL_RE

SENTENCE = "The minister said on Monday that the budget would be presented next week."


def _records(path: Path, **kw: object) -> list:
    return list(read_input(path, ReadOptions(**kw)))  # type: ignore[arg-type]


def _rows(out: Path) -> list[dict]:
    # split at "\n" only: str.splitlines also splits inside strings holding U+2028, U+0085, \x1c...
    return [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").split("\n") if line]


def _strict_json(line: str) -> dict:
    def refuse(name: str) -> None:
        raise ValueError(f"{name} is not JSON")

    return json.loads(line, parse_constant=refuse)


# ---------------------------------------------------------------- item 1: surrogates, file names


def test_lone_surrogate_becomes_replacement_char_with_its_offset(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "a", "text": "The minister said \\ud83d on Monday.", "note": "x\\udc00y"}\n',
                 encoding="utf-8")
    [doc] = _records(p)
    assert isinstance(doc, Document)
    assert doc.text == "The minister said \ufffd on Monday."
    assert doc.decode_errors == ((18, 19, "\ud83d".encode("utf-8", "surrogatepass")),)
    assert doc.meta["note"] == "x\ufffdy"  # metadata can be written as UTF-8 too


def test_a_valid_surrogate_pair_is_kept(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "a", "text": "Smile \\ud83d\\ude00 please."}\n', encoding="utf-8")
    [doc] = _records(p)
    assert doc.text == "Smile \U0001f600 please." and doc.decode_errors == ()


def test_lone_surrogate_audits_with_an_invalid_utf8_finding(tmp_path: Path) -> None:
    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "a", "text": "' + SENTENCE[:18] + '\\ud83d' + SENTENCE[18:] + '"}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(p), "--out", str(out), "--quiet", "--jobs", "1",
                 "--select", "encoding,untranslated"]) in (0, 1)
    [row] = _rows(out)
    assert row["error"] is None
    hits = [f for f in row["findings"] if f["rule"] == "encoding/invalid-utf8"]
    assert [(f["start"], f["end"]) for f in hits] == [(18, 19)]
    assert "surrogate" in hits[0]["message"]


def test_sanitize_text_keeps_offsets_and_bytes() -> None:
    text, errors = sanitize_text("é\udcff\udcfeb\ud800")
    assert text == "é\ufffd\ufffdb\ufffd"
    assert errors == ((1, 3, b"\xff\xfe"), (4, 5, "\ud800".encode("utf-8", "surrogatepass")))


def test_escape_id_is_visible_stable_and_lossless() -> None:
    assert escape_id("plain/ünïcode.txt") == "plain/ünïcode.txt"
    assert escape_id("d/bad\udcffname.txt") == "d/bad\\xffname.txt"
    assert escape_id("a\\b\udcff") == "a\\\\b\\xff"  # the backslash is escaped when anything is
    assert escape_id("x\ud83d") == "x\\ud83d"
    assert escape_id("bad\udcffname").encode("utf-8")


def test_file_name_that_is_not_utf8_gets_an_escaped_id(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "d").mkdir(parents=True)
    (src / "d" / "ok.txt").write_text(SENTENCE, encoding="utf-8")
    with open(os.path.join(os.fsencode(src / "d"), b"bad\xffname.txt"), "wb") as fh:
        fh.write(SENTENCE.encode())
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) == 0
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["d/bad\\xffname.txt", "d/ok.txt"]
    assert all(r["error"] is None for r in rows)
    assert rows[0]["source"].endswith("d/bad\\xffname.txt")


def test_a_single_file_input_with_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    path = os.path.join(os.fsencode(tmp_path), b"one\xfe.txt")
    with open(path, "wb") as fh:
        fh.write(SENTENCE.encode())
    [doc] = _records(Path(os.fsdecode(path)))
    assert isinstance(doc, Document) and doc.id == "one\\xfe.txt"
    out = tmp_path / "out"
    assert main(["audit", os.fsdecode(path), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) == 0
    assert [r["id"] for r in _rows(out)] == ["one\\xfe.txt"]


# ---------------------------------------------------------------- item 2: odd Parquet columns, NaN


def test_parquet_with_datetime_binary_nested_and_nan_columns(tmp_path: Path) -> None:
    p = tmp_path / "odd.parquet"
    pl.DataFrame({
        "id": ["p1", "p2"],
        "text": [SENTENCE, SENTENCE.upper()],
        "when": [dt.datetime(2026, 11, 3, 8, 30), None],
        "raw": [b"\x00\xff", b"ok"],
        "tags": [{"a": 1, "b": [1, 2]}, {"a": None, "b": []}],
        "score": [float("nan"), 0.5],
        "inf": [float("inf"), 1.0],
    }).write_parquet(p)
    recs = _records(p)
    assert [r.meta["when"] for r in recs] == ["2026-11-03T08:30:00", None]
    assert [r.meta["raw"] for r in recs] == ["AP8=", "b2s="]  # base64
    assert recs[0].meta["tags"] == {"a": 1, "b": [1, 2]}
    assert [r.meta["score"] for r in recs] == [None, 0.5]
    assert recs[0].meta["inf"] is None
    out = tmp_path / "out"
    assert main(["audit", str(p), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) in (0, 1)
    assert [r["error"] for r in _rows(out)] == [None, None]
    clean = pl.read_parquet(out / "clean.parquet")
    assert clean["id"].to_list() == ["p1", "p2"]
    assert clean["when"].to_list() == ["2026-11-03T08:30:00", None]
    assert clean["score"].to_list() == [None, 0.5]


def test_nan_in_jsonl_is_written_as_null(tmp_path: Path) -> None:
    p = tmp_path / "n.jsonl"
    p.write_text('{"id": "a", "text": "' + SENTENCE + '", "x": NaN, "y": [Infinity, 1]}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(p), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) == 0
    [line] = (out / "clean.jsonl").read_text(encoding="utf-8").splitlines()
    obj = _strict_json(line)
    assert obj["x"] is None and obj["y"] == [None, 1]


def test_a_field_nested_too_deep_is_an_error_row_not_a_crash(tmp_path: Path) -> None:
    p = tmp_path / "deep.jsonl"
    deep = "[" * 700 + "]" * 700  # json.loads takes it; a recursive copy of the field does not
    p.write_text('{"id": "a", "text": "' + SENTENCE + '", "m": ' + deep + '}\n'
                 '{"id": "b", "text": "' + SENTENCE + '"}\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["audit", str(p), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) in (0, 1)
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a", "b"]
    assert "nested too deep" in rows[0]["error"] and rows[1]["error"] is None


def test_nan_id_is_no_id(tmp_path: Path) -> None:
    p = tmp_path / "n.parquet"
    pl.DataFrame({"id": [float("nan"), 2.0], "text": [SENTENCE, SENTENCE]}).write_parquet(p)
    assert [r.id for r in _records(p)] == ["n.parquet:1", "2.0"]


# ---------------------------------------------------------------- item 7: JSONL bytes, special files, empty


def test_jsonl_line_with_an_invalid_byte_is_decoded_not_dropped(tmp_path: Path) -> None:
    p = tmp_path / "b.jsonl"
    p.write_bytes(b'{"id": "a", "text": "caf\xe9 au lait \xc3\xa9t\xc3\xa9"}\n{"id": "b", "text": "fine"}\n')
    recs = _records(p)
    assert [type(r) for r in recs] == [Document, Document]
    assert recs[0].text == "caf\ufffd au lait été"
    assert recs[0].decode_errors == ((3, 4, b"\xe9"),)


def test_jsonl_invalid_byte_is_reported_by_the_audit(tmp_path: Path) -> None:
    p = tmp_path / "b.jsonl"
    p.write_bytes(b'{"id": "a", "text": "The caf\xe9 opened on Monday."}\n')
    out = tmp_path / "out"
    assert main(["audit", str(p), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) == 0
    [row] = _rows(out)
    assert row["error"] is None
    assert [(f["rule"], f["start"], f["end"]) for f in row["findings"]] == [("encoding/invalid-utf8", 7, 8)]


def test_special_files_each_get_an_error_row(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (src / "dangling.txt").symlink_to(src / "missing.txt")
    (src / "loop1.txt").symlink_to(src / "loop2.txt")
    (src / "loop2.txt").symlink_to(src / "loop1.txt")
    os.mkfifo(src / "pipe.txt")
    (src / "zero.txt").symlink_to("/dev/zero")
    recs = _records(src)
    by_id = {r.id: r for r in recs}
    assert sorted(by_id) == ["a.txt", "dangling.txt", "loop1.txt", "loop2.txt", "pipe.txt", "zero.txt"]
    assert isinstance(by_id["a.txt"], Document)
    assert "dangling symbolic link" in by_id["dangling.txt"].error
    assert "symbolic link loop" in by_id["loop1.txt"].error
    assert "FIFO" in by_id["pipe.txt"].error
    assert "character device" in by_id["zero.txt"].error


def test_unreadable_subdirectory_and_file_get_error_rows(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    (src / "locked").mkdir(parents=True)
    (src / "locked" / "hidden.txt").write_text(SENTENCE, encoding="utf-8")
    (src / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (src / "b.txt").write_text(SENTENCE, encoding="utf-8")
    real_scandir, real_open = os.scandir, open

    def scandir(path: object) -> object:  # the suite may run as root, where chmod 000 locks nothing
        if Path(str(path)).name == "locked":
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[arg-type]

    def opener(path: object, *a: object, **kw: object) -> object:
        if Path(str(path)).name == "b.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *a, **kw)  # type: ignore[call-overload]

    monkeypatch.setattr(qc.readers.os, "scandir", scandir)
    monkeypatch.setattr("builtins.open", opener)
    recs = _records(src)
    assert [r.id for r in recs] == ["a.txt", "b.txt", "locked"]
    assert isinstance(recs[0], Document)
    assert "cannot read file: Permission denied" in recs[1].error
    assert "cannot list directory: Permission denied" in recs[2].error


def test_fifo_in_the_audit_is_an_error_row_and_breaks_the_gate(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text(SENTENCE, encoding="utf-8")
    os.mkfifo(src / "p.txt")
    out = tmp_path / "out"
    assert main(["gate", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--select", "encoding"]) == 1
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a.txt", "p.txt"] and "FIFO" in rows[1]["error"]


def test_empty_inputs_yield_no_record_and_no_crash(tmp_path: Path) -> None:
    # Not the reader's error: the gate's min_documents check fails an input with no document.
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.md").write_text("not text input", encoding="utf-8")
    (tmp_path / "e.jsonl").write_bytes(b"")
    (tmp_path / "blank.jsonl").write_text("\n  \n\n", encoding="utf-8")
    pl.DataFrame({"id": [], "text": []}, schema={"id": pl.String, "text": pl.String}).write_parquet(
        tmp_path / "e.parquet")
    for name in ("empty", "e.jsonl", "blank.jsonl", "e.parquet"):
        assert _records(tmp_path / name) == []
        out = tmp_path / f"o-{name}"
        assert main(["audit", str(tmp_path / name), "--out", str(out), "--quiet", "--select", "encoding"]) in (0, 1)
        assert _rows(out) == []


def test_a_line_longer_than_max_bytes_is_reported_without_reading_it_whole(tmp_path: Path) -> None:
    p = tmp_path / "long.jsonl"
    p.write_text(json.dumps({"id": "big", "text": "x" * 5000}) + "\n"
                 + json.dumps({"id": "small", "text": SENTENCE}) + "\n", encoding="utf-8")
    recs = _records(p, max_bytes=1000)
    assert [r.id for r in recs] == ["long.jsonl:1", "small"]
    assert "line too large" in recs[0].error


# ---------------------------------------------------------------- item 13: ids, --max-bytes


def test_duplicate_and_colliding_ids_are_error_rows(tmp_path: Path) -> None:
    p = tmp_path / "d.jsonl"
    p.write_text("".join(json.dumps(o) + "\n" for o in (
        {"id": 42, "text": SENTENCE}, {"id": "42", "text": "Another story entirely, about rain."},
        {"id": "x", "text": SENTENCE}, {"id": "x", "text": SENTENCE})), encoding="utf-8")
    recs = _records(p)
    assert [r.id for r in recs] == ["42", "d.jsonl:2", "x", "d.jsonl:4"]
    assert isinstance(recs[0], Document) and isinstance(recs[2], Document)
    assert "duplicate id '42' (first at d.jsonl:1)" in recs[1].error
    assert "duplicate id 'x' (first at d.jsonl:3)" in recs[3].error
    assert recs[1].meta["id"] == "42"  # the row keeps the record's fields


def test_duplicate_ids_in_parquet(tmp_path: Path) -> None:
    p = tmp_path / "d.parquet"
    pl.DataFrame({"id": ["a", "b", "a"], "text": [SENTENCE] * 3}).write_parquet(p)
    recs = _records(p)
    assert [r.id for r in recs] == ["a", "b", "d.parquet:3"]
    assert isinstance(recs[2], BadInput) and "duplicate id 'a'" in recs[2].error


@pytest.mark.parametrize("bad", [-1, 0, True, 1.5])
def test_max_bytes_must_be_positive(bad: object) -> None:
    with pytest.raises(InputError, match="positive"):
        ReadOptions(max_bytes=bad)  # type: ignore[arg-type]


def test_negative_max_bytes_on_the_command_line_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    try:  # refused by ReadOptions (one line), or already by the flag's parser
        code = main(["audit", str(tmp_path / "a.txt"), "--out", str(tmp_path / "o"), "--quiet", "--max-bytes", "-1"])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    assert "-1" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- item 3: the per-document time budget


class _Flags(Rule):
    id = "test/flags"
    summary = "Flags the first word."
    needs_lang = False

    def check(self, doc: Document) -> Iterator[Finding]:
        yield self.finding(doc, 0, 3, "first word")


class _Spins(Rule):
    id = "test/spins"
    summary = "Never finishes on a document holding 'spin'."
    needs_lang = False

    def check(self, doc: Document) -> Iterator[Finding]:
        while "spin" in doc.text:
            pass
        return iter(())


def test_a_document_over_its_budget_is_reported_with_the_running_rule() -> None:
    rules = [_Flags(), _Spins()]
    slow, fast = Document(id="s", text="The spin doctor."), Document(id="f", text="The doctor.")
    t0 = time.perf_counter()
    batch = audit_batch([(0, slow), (1, fast)], rules, set(), budget=0.3)
    assert time.perf_counter() - t0 < 5
    res_slow, res_fast = batch.results
    assert len(res_slow.errors) == 1 and "time budget exceeded" in res_slow.errors[0]
    assert res_slow.errors[0].endswith("in rule test/spins")
    assert [f.rule for f in res_slow.findings] == ["test/flags"]  # what finished is kept
    assert res_slow.text == slow.text  # nothing of the text is lost
    assert res_fast.errors == [] and [f.rule for f in res_fast.findings] == ["test/flags"]


def test_the_budget_restores_the_previous_alarm_handler() -> None:
    def mine(_s: int, _f: object) -> None:
        return None

    before = signal.signal(signal.SIGALRM, mine)
    outer = signal.setitimer(signal.ITIMER_REAL, 0)  # pytest-timeout's, if any: none during this test
    try:
        audit_batch([(0, Document(id="f", text="The doctor."))], [_Flags()], set(), budget=5)
        assert signal.getsignal(signal.SIGALRM) is mine
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no alarm left behind
    finally:
        signal.signal(signal.SIGALRM, before)
        if outer[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *outer)


def test_a_timer_running_before_is_honoured() -> None:
    calls: list[int] = []

    def outer(signum: int, _f: object) -> None:
        calls.append(signum)

    before = signal.signal(signal.SIGALRM, outer)
    saved = signal.setitimer(signal.ITIMER_REAL, 0)  # pytest-timeout's, if any
    try:
        # a later outer deadline: the document's budget still applies, the outer timer is re-armed
        signal.setitimer(signal.ITIMER_REAL, 30)
        slow = Document(id="s", text="The spin doctor.")
        [res] = audit_batch([(0, slow)], [_Spins()], set(), budget=0.2).results
        assert "time budget exceeded" in res.errors[0]
        assert 25 < signal.getitimer(signal.ITIMER_REAL)[0] <= 30 and calls == []
        # an earlier outer deadline: its own handler runs, the document goes on
        signal.setitimer(signal.ITIMER_REAL, 0.1)
        with time_budget(5):
            time.sleep(0.3)
        assert calls == [signal.SIGALRM]
        assert signal.getsignal(signal.SIGALRM) is outer
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)
        if saved[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *saved)


def _paused_budget() -> list[str]:
    """What happens to a 0.3 s budget: a 0.6 s paused block inside it, then 0.1 s, then 0.6 s more."""
    seen = []
    try:
        with time_budget(0.3):
            with budget_paused():
                time.sleep(0.6)  # a first-use build: not the document's time
            seen.append("paused block did not count")
            time.sleep(0.1)
            seen.append("budget left after the pause")
            time.sleep(0.6)
            seen.append("never: the budget still applies")
    except DocumentTimeout:
        seen.append("timed out")
    return seen


_PAUSE_EXPECTED = ["paused block did not count", "budget left after the pause", "timed out"]


def test_a_paused_budget_does_not_count_the_block_but_still_applies_after() -> None:
    assert _paused_budget() == _PAUSE_EXPECTED  # the main thread's SIGALRM timer
    assert _in_thread(_paused_budget) == _PAUSE_EXPECTED  # the watchdog thread


def test_a_cold_cache_build_inside_a_document_is_not_charged_to_its_budget(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule's first use of a language builds its word list (seconds, once per machine): a document
    whose budget that would exhaust is not reported as over its time budget."""
    from qc.cache import cached

    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))

    class _BuildsOnFirstUse(Rule):
        id = "test/builds"
        summary = "Builds a slow cached resource at its first document."
        needs_lang = False

        def check(self, doc: Document) -> Iterator[Finding]:
            words = cached("test-slow-words", doc.text, lambda: (time.sleep(0.6), ["the"])[1])
            yield self.finding(doc, 0, 3, f"{len(words)} word")

    for run in (lambda: audit_batch([(0, Document(id="d", text="The doctor."))], [_BuildsOnFirstUse()],
                                    set(), budget=0.3).results,
                lambda: _in_thread(lambda: audit_batch([(0, Document(id="e", text="The nurse."))],
                                                       [_BuildsOnFirstUse()], set(), budget=0.3).results)):
        [res] = run()  # type: ignore[misc]
        assert res.errors == [] and [f.message for f in res.findings] == ["1 word"]


_FIRST_PREDICTION = """
from qc.engine import DocumentTimeout, time_budget
from qc.lang import segment_probs
try:
    with time_budget(0.02):  # loading the model takes ~0.15 s; one prediction, microseconds
        print(segment_probs("The council met on Monday to discuss the budget.")[0][0])
except DocumentTimeout:
    print("timed out")
"""


def test_loading_the_language_model_is_not_charged_to_a_document() -> None:
    """A process's first prediction loads fastText's model: the document that asks for it does not pay
    that time out of its budget (a fresh process, so the model is not loaded yet)."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    out = subprocess.run([sys.executable, "-c", _FIRST_PREDICTION], env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "en"


def _in_thread(work: Callable[[], object]) -> object:
    """``work()``'s result, or the exception it raised, run in a thread (as a Ray actor runs batches)."""
    out: list[object] = []

    def run() -> None:
        try:
            out.append(work())
        except BaseException as e:  # the test inspects what escaped
            out.append(e)

    t = threading.Thread(target=run)
    t.start()
    t.join(30)
    assert not t.is_alive(), "the budget did not stop the thread"
    return out[0]


def test_outside_the_main_thread_a_document_over_its_budget_is_still_reported() -> None:
    assert _in_thread(budget_available) is False  # no SIGALRM timer there: the watchdog thread
    slow = Document(id="s", text="The spin doctor.")
    ok = Document(id="o", text="The council met.")
    [res_slow, res_ok] = _in_thread(lambda: audit_batch([(0, slow), (1, ok)], [_Flags(), _Spins()], set(),
                                                        budget=0.2).results)  # type: ignore[misc]
    assert "time budget exceeded" in res_slow.errors[0] and "test/spins" in res_slow.errors[0]
    assert res_ok.errors == [] and [f.rule for f in res_ok.findings] == ["test/flags"]


def test_a_thread_budget_never_fires_after_its_block() -> None:
    """Blocks that end around their deadline: each timeout is raised inside its block (caught there),
    never later in the code that follows; nested budgets each keep their own deadline."""

    def work() -> tuple[int, int]:
        timeouts = finished = 0
        for i in range(150):
            try:
                with time_budget(0.002 * (i % 5 + 1)):
                    end = time.monotonic() + 0.002 * (i % 7 + 1)
                    while time.monotonic() < end:
                        pass
                finished += 1
            except DocumentTimeout:
                timeouts += 1
        end = time.monotonic() + 0.3  # after every block: nothing may still be on its way
        while time.monotonic() < end:
            pass
        with time_budget(5):
            try:
                with time_budget(0.05):
                    while True:
                        pass
            except DocumentTimeout:
                timeouts += 1000  # the inner budget fired; the outer one did not
        return timeouts, finished

    result = _in_thread(work)
    assert isinstance(result, tuple), result
    timeouts, finished = result
    assert timeouts >= 1000 and timeouts % 1000 + finished == 150 and 0 < finished < 150
    with pytest.raises(DocumentTimeout), time_budget(0.05):  # the main thread: the SIGALRM timer
        time.sleep(1)


def test_budget_comes_from_the_pack_and_reaches_the_audit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text('[pack]\nselect = ["encoding/nbsp"]\ndocument_seconds = 0.3\n', encoding="utf-8")
    assert load_pack(pack).document_seconds == 0.3
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.txt").write_text("The spin doctor.", encoding="utf-8")
    (src / "b.txt").write_text(SENTENCE, encoding="utf-8")
    real = Nbsp.check

    def check(self: Nbsp, doc: Document) -> Iterator[Finding]:
        while "spin" in doc.text:
            pass
        return real(self, doc)

    monkeypatch.setattr(Nbsp, "check", check)
    out = tmp_path / "out"
    assert main(["audit", str(src), "--out", str(out), "--quiet", "--jobs", "1", "--pack", str(pack)]) == 0
    rows = _rows(out)
    assert [r["id"] for r in rows] == ["a.txt", "b.txt"]
    assert "time budget exceeded" in rows[0]["error"] and "encoding/nbsp" in rows[0]["error"]
    assert rows[1]["error"] is None
    assert (out / "clean" / "a.txt").read_text(encoding="utf-8") == "The spin doctor."


@pytest.mark.parametrize("bad", [-1, "10", True])
def test_pack_rejects_a_bad_budget(tmp_path: Path, bad: object) -> None:
    pack = tmp_path / "p.toml"
    pack.write_text(f"[pack]\ndocument_seconds = {json.dumps(bad)}\n", encoding="utf-8")
    with pytest.raises(PackError, match="document_seconds"):
        load_pack(pack)


# ---------------------------------------------------------------- quadratic patterns


@pytest.mark.parametrize("token", ["a" * 100_000, "(((((" * 20_000, "@" * 100_000])
def test_one_long_token_is_audited_in_linear_time(token: str) -> None:
    from qc.mt_artifact._common import english_typo

    english_typo("probleem")  # builds the word index once, outside the timing
    t0 = time.perf_counter()
    assert english_typo(token) is False
    assert list(URL_RE.finditer(token)) == []
    assert time.perf_counter() - t0 < 0.5


def test_a_file_of_unicode_white_space_is_no_document(tmp_path: Path) -> None:
    (tmp_path / "w.txt").write_text("\u00a0\u2003 \r\n\u3000", encoding="utf-8")
    [rec] = _records(tmp_path / "w.txt")
    assert isinstance(rec, BadInput) and "only white space" in rec.error


def test_a_device_as_jsonl_input_is_an_input_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    with pytest.raises(InputError, match="not a regular file"):
        _records(tmp_path / "zero.jsonl")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # a single text input is one document: an error row
    [rec] = _records(tmp_path / "zero.txt")
    assert isinstance(rec, BadInput) and "character device" in rec.error

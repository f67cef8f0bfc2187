"""Start-up: a driver whose workers run the document rules builds only the corpus rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qc.executor import LocalExecutor
from qc.pack import Pack, load_pack
from qc.rule import CorpusRule
from qc.runner import AuditConfig, run_audit


def test_corpus_only_build_has_just_the_corpus_rules() -> None:
    pack = load_pack(select=["encoding", "near-duplicate"])
    rules = pack.build(corpus_only=True)
    assert rules and all(isinstance(r, CorpusRule) for r in rules)
    assert [r.id for r in rules] == [rid for rid in pack.selected if rid.startswith("near-duplicate/")]


def _record_builds(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    calls: list[bool] = []
    real = Pack.build

    def build(self: Pack, corpus_only: bool = False) -> list:
        calls.append(corpus_only)
        return real(self, corpus_only)

    monkeypatch.setattr(Pack, "build", build)
    return calls


def test_pool_driver_never_builds_document_rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_builds(monkeypatch)  # this process only: the spawned workers build for real
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Story {i} donâ€™t.\n"}) + "\n" for i in range(8)),
                   encoding="utf-8")
    pack = load_pack(select=["encoding", "near-duplicate"])
    result = run_audit(AuditConfig(input=src, out=tmp_path / "out", pack=pack, jobs=2, batch_size=2))
    assert calls == [True]
    assert result.summary["documents_in"] == 8 and result.summary["timings"]["pack_build_seconds"]["workers"]


def test_inline_executor_builds_its_rules_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _record_builds(monkeypatch)
    executor = LocalExecutor(load_pack(select=["encoding"]), 2)
    assert calls == []
    assert [r.id for r in executor.rules][:1] == ["encoding/invalid-utf8"] and calls == [False]


def test_toml_lexicons_are_parsed_once_per_content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    from qc import lexicon

    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path / "cache"))
    parsed: list[str] = []
    real = tomllib.loads
    monkeypatch.setattr(lexicon.tomllib, "loads", lambda s: parsed.append(s) or real(s))
    for name, body in (("a", 'x = ["one"]\n'), ("b", 'x = ["one"]\n'), ("c", 'x = ["two"]\n')):
        (tmp_path / name).mkdir()
        (tmp_path / name / "t.toml").write_text(body, encoding="utf-8")
    got = [lexicon.read_toml("t.toml", (tmp_path / name,)) for name in "abc"]
    assert got == [{"x": ["one"]}, {"x": ["one"]}, {"x": ["two"]}]
    assert len(parsed) == 2  # b has a's bytes: read back from the cache; c's bytes differ: parsed


def test_build_turns_the_collector_back_on() -> None:
    import gc

    assert gc.isenabled()
    assert load_pack(select=["encoding"]).build()
    assert gc.isenabled()
    gc.disable()
    try:
        load_pack(select=["encoding"]).build()
        assert not gc.isenabled()  # a caller that had it off keeps it off
    finally:
        gc.enable()

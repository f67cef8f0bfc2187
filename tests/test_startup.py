"""Start-up: a driver whose workers run the document rules builds only the corpus rules, and a process
imports only the rule modules of the rules it runs."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from qc.executor import LocalExecutor
from qc.pack import Pack, load_pack
from qc.rule import CorpusRule
from qc.runner import AuditConfig, run_audit

REPO = Path(__file__).resolve().parent.parent
# rule modules of other families, and the language-ID and word-list packages only their rules load
NOT_FOR_NEAR_DUPLICATE = ("qc.boilerplate.blocks", "qc.boilerplate", "qc.untranslated", "qc.mt_artifact",
                          "qc.encoding", "langdetect", "fasttext", "wordfreq")


def _imported_by(code: str, cwd: Path) -> set[str]:
    """The modules a fresh interpreter has imported after running ``code`` (this checkout's ``qc``)."""
    probe = code + "\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    out = subprocess.run([sys.executable, "-c", probe], cwd=cwd, env={**os.environ, "PYTHONPATH": str(REPO)},
                         capture_output=True, text=True, check=True, timeout=300)
    return set(json.loads(out.stdout.splitlines()[-1]))


def _hits(modules: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == b or m.startswith(b + ".") for b in banned))


def test_cli_and_a_near_duplicate_pack_import_no_other_family(tmp_path: Path) -> None:
    """``import qc.cli`` and loading the default pack with ``--select near-duplicate`` (and building its
    rules) import no rule module of another family, nor langdetect, fastText or wordfreq."""
    modules = _imported_by("import qc.cli\nfrom qc.pack import load_pack\n"
                           "rules = load_pack(select=['near-duplicate']).build()\n"
                           "assert [r.id for r in rules] == ['near-duplicate/exact', 'near-duplicate/near-duplicate']",
                           tmp_path)
    assert "qc.near_duplicate.near_duplicate" in modules
    assert _hits(modules, NOT_FOR_NEAR_DUPLICATE) == []


def test_a_near_duplicate_audit_imports_no_other_family(tmp_path: Path) -> None:
    """The whole run (``qc audit seeds/ --select near-duplicate --jobs 1``): reading, pass one, resolve
    and writing load only the near-duplicate rules."""
    out = tmp_path / "out"
    modules = _imported_by(f"from qc.cli import main\nassert main(['audit', {str(REPO / 'seeds')!r}, '--out', "
                           f"{str(out)!r}, '--select', 'near-duplicate', '--jobs', '1', '--quiet', '--no-html']) == 0",
                           tmp_path)
    assert (out / "summary.json").exists()
    assert _hits(modules, NOT_FOR_NEAR_DUPLICATE) == []


def test_a_pool_driver_imports_no_document_rule(tmp_path: Path) -> None:
    """With workers, the driver builds the corpus rules only; the encoding rules' modules are imported in
    the workers (which unpickle the pack), never in the driver."""
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{i}", "text": f"Story {i} donâ€™t.\n"}) + "\n" for i in range(8)),
                   encoding="utf-8")
    out = tmp_path / "out"
    modules = _imported_by(
        "from pathlib import Path\nfrom qc.pack import load_pack\nfrom qc.runner import AuditConfig, run_audit\n"
        f"run_audit(AuditConfig(input=Path({str(src)!r}), out=Path({str(out)!r}), jobs=2, batch_size=2, "
        "pack=load_pack(select=['encoding', 'near-duplicate'])))", tmp_path)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["by_rule"].get("encoding/mojibake") == 8  # the workers did run the encoding rules
    assert json.loads((out / "timings.json").read_text(encoding="utf-8"))["pack_build_seconds"]["workers"]
    assert _hits(modules, ("qc.encoding",)) == []


def test_a_pickled_pack_keeps_its_options_and_overrides() -> None:
    """The pack a worker receives: same settings and options, a command-line override kept."""
    pack = load_pack(select=["near-duplicate"]).with_rule_options("near-duplicate/near-duplicate", index="/idx")
    back = pickle.loads(pickle.dumps(pack))
    nd = "near-duplicate/near-duplicate"
    assert back.settings == pack.settings and back.selected == pack.selected
    assert back.settings[nd].options == pack.settings[nd].options and back.settings[nd].options.index == "/idx"
    assert back.settings["encoding/mojibake"].options == load_pack().settings["encoding/mojibake"].options


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


@pytest.mark.parametrize("user_value", [None, "1"])
def test_qc_turns_numpys_huge_page_advice_off_unless_the_user_set_it(tmp_path: Path, user_value: str | None) -> None:
    """Importing ``qc`` before numpy leaves numpy's transparent-huge-page madvise off (the first touch
    of a large temporary stalls on compaction), in this process and in the spawned workers that
    inherit the environment; a ``NUMPY_MADVISE_HUGEPAGE`` the user set is kept."""
    env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
    if user_value is not None:
        env["NUMPY_MADVISE_HUGEPAGE"] = user_value
    probe = ("import qc, os, numpy as np\n"
             "print(os.environ['NUMPY_MADVISE_HUGEPAGE'], np._core.multiarray._set_madvise_hugepage(False))\n")
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env={**env, "PYTHONPATH": str(REPO)},
                         capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.split() == (["0", "False"] if user_value is None else ["1", "True"])

from __future__ import annotations

import multiprocessing as mp
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qc.cache import cache_dir, cached, is_built
from qc.executor import prebuild
from qc.mt_artifact._common import source_index
from qc.pack import load_pack
from qc.untranslated.foreign_language import frequent_words
from qc.untranslated.langdetect_profiles import profiles

REPO = Path(__file__).resolve().parent.parent


def test_built_once_then_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))
    calls = []

    def build() -> dict[str, int]:
        calls.append(1)
        return {"a": 1}

    assert cached("x", ("k", 1), build) == {"a": 1}
    assert cached("x", ("k", 1), build) == {"a": 1}
    assert len(calls) == 1
    assert cached("x", ("k", 2), build) == {"a": 1}  # another key is another entry
    assert len(calls) == 2
    assert cache_dir() == tmp_path


def test_a_corrupt_entry_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))
    cached("x", "k", lambda: [1, 2])
    [entry] = tmp_path.glob("x-*.pickle")
    entry.write_bytes(b"not a pickle")
    assert cached("x", "k", lambda: [3]) == [3]


def test_an_unwritable_cache_only_costs_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(blocker / "sub"))  # a directory cannot be made under a file
    assert cached("x", "k", lambda: "value") == "value"


_RACER = """
import os, sys, time
from pathlib import Path
from qc.cache import cached
go, log = Path(sys.argv[1]), Path(sys.argv[2])
while not go.exists():
    time.sleep(0.01)
def build():
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()}\\n")
    time.sleep(1.0)  # a slow build: the other process misses the entry while this one runs
    return {"built": True}
print(cached("race", "k", build))
"""


def test_processes_missing_an_entry_together_build_it_once(tmp_path: Path) -> None:
    """A pool's workers on a cold cache: one builds, the others wait and read (not each its own build)."""
    go, log = tmp_path / "go", tmp_path / "builds.log"
    env = {**os.environ, "NEWSQC_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", _RACER, str(go), str(log)], env=env,
                              stdout=subprocess.PIPE, text=True) for _ in range(3)]
    time.sleep(0.5)  # all three are waiting for the start signal
    go.touch()
    outs = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert outs == ["{'built': True}"] * 3
    assert len(log.read_text().splitlines()) == 1


_POOL_WORKER = """
import os, sys, time
from pathlib import Path
from qc.cache import built_once, cached
go, log, order = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
while not go.exists():
    time.sleep(0.01)
def build(entry):
    with open(log, "a") as fh:
        fh.write(f"{os.getpid()} {entry}\\n")
    time.sleep(0.5)
    return entry
with built_once("pack", "k"):
    print([cached(e, "k", lambda e=e: build(e)) for e in sorted("ab", reverse=order == "ba")])
"""


def test_a_pool_on_a_cold_cache_has_one_builder(tmp_path: Path) -> None:
    """Two workers building their entries in different orders: with ``built_once`` one process builds
    both (the other reads them), not one entry each at the same time."""
    go, log = tmp_path / "go", tmp_path / "builds.log"
    env = {**os.environ, "NEWSQC_CACHE_DIR": str(tmp_path / "cache"), "PYTHONPATH": str(REPO)}
    procs = [subprocess.Popen([sys.executable, "-c", _POOL_WORKER, str(go), str(log), order], env=env,
                              stdout=subprocess.PIPE, text=True) for order in ("ab", "ba")]
    time.sleep(0.5)
    go.touch()
    outs = sorted(p.communicate(timeout=60)[0].strip() for p in procs)
    assert outs == ["['a', 'b']", "['b', 'a']"]
    builds = [line.split() for line in log.read_text().splitlines()]
    assert sorted(entry for _, entry in builds) == ["a", "b"]
    assert len({pid for pid, _ in builds}) == 1
    assert list((tmp_path / "cache").glob("pack-*.built"))  # later processes build side by side


def test_a_cold_cache_is_built_by_a_process_of_its_own_before_the_pool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a cold cache the pack is built once in a short-lived process (so no pool worker holds the
    build's memory), which leaves the marker; a warm or unwritable cache starts no such process."""
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path / "cache"))  # spawn children inherit it
    pack = load_pack(select=["encoding"])
    ctx = mp.get_context("spawn")
    assert not is_built("pack", pack.cache_key())
    assert prebuild(ctx, pack)
    assert is_built("pack", pack.cache_key())
    assert not prebuild(ctx, pack)
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path / "file" / "cache"))
    (tmp_path / "file").write_text("not a directory")
    assert not prebuild(ctx, pack)


def test_warm_rules_write_what_they_would_load_on_first_use(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """``Rule.warm`` (what the pre-build process calls) writes the lazily read word indexes to the cache,
    so a worker starting after it builds none of them in the middle of its documents."""
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))
    for loaded in (frequent_words, profiles, source_index):  # this process's memos of earlier tests
        loaded.cache_clear()
    pack = load_pack(select=["untranslated/foreign-language", "mt-artifact/source-acronym"])
    rules = pack.build()
    lazy = ("frequent-words-*.pickle", "langdetect-sparse-*.pickle", "source-key-index-*.pickle")
    assert not any(list(tmp_path.glob(pattern)) for pattern in lazy)
    for rule in rules:
        rule.warm()
    assert [len(list(tmp_path.glob(pattern))) for pattern in lazy] == [2, 1, 1]  # en and ru own words


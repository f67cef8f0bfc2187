from __future__ import annotations

from pathlib import Path

import pytest

from qc.cache import cache_dir, cached


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

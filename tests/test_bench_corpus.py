"""The benchmark's corpus generator (``bench/news_corpus.py``): reproducible, ~3 KB, damage planted."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest


def test_same_seed_same_bytes_and_planted_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "bench"))
    write_corpus = importlib.import_module("news_corpus").write_corpus
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    write_corpus(a, 300, seed=3)
    write_corpus(b, 300, seed=3)
    write_corpus(c, 300, seed=4)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    texts = [json.loads(line)["text"] for line in a.read_text(encoding="utf-8").splitlines()]
    assert len(texts) == 300 and 2800 <= sum(map(len, texts)) / len(texts) <= 4000
    assert any("â€™" in t for t in texts) and any("\xa0" in t for t in texts)
    assert any("Министр" in t for t in texts) and any(t.startswith("Subscribe") for t in texts)
    assert any("An update was published later." in t for t in texts)  # planted near-copies

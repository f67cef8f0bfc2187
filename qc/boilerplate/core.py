"""The article core: the contiguous run of rows with the largest total score (Kadane's maximum-sum
segment, the idea of Finn et al.'s Body Text Extraction, 2001): long prose outweighs an inline prompt, a run
of menus, story lists or banners does not.

Corrections to the maximum-sum core, each for article text the block scores alone lose:
- an article ends for good at a comment section or author box after enough prose;
- a list inside the article (a deals page's products, ingredients, feature bullets) carries the core
  from prose to prose when its lines are phrases on the article's topic with almost no furniture
  evidence (``LIST_*`` constants; shorter lists after an intro line ending in a colon);
- a standfirst or a last sentence without its full stop next to the core joins it.
"""

from __future__ import annotations

from collections.abc import Sequence

from qc.boilerplate.classify import SHORT_PENALTY, STRONG_PENALTY
from qc.boilerplate.evidence import EvidenceKind, has_kind
from qc.boilerplate.rows import Row
from qc.text import WORD_RE

STANDFIRST_WORDS = 12  # an unpunctuated line this long just above the core is its standfirst (headlines are
#                        shorter: 7-10 words on devdata)
STANDFIRST_GAP = 2  # ... when at most this many widget lines (no strong furniture) sit between
TERMINAL_MIN_PROSE = 50  # words of article prose before a comment section / author box for it to end the
#                          article (a standfirst before a share bar is shorter; measured: snippets edge
#                          removal 0.744 -> 0.810, keep unchanged)
# A list inside the article (products of a deals page, ingredients, features, a timeline) continues the core
# from its last prose line to a later prose line when the run in between reads as the article's own list:
# long enough to be a list, nearly free of furniture evidence, made of phrases rather than menu labels, and
# on the article's topic. Measured on the 77 dev pages (both sets): of the 77 forward/backward runs from a
# core to the next prose line, only the deals page's product list (63 lines, 1 furniture line = 1.6 %,
# 73 % phrases, 41 % topical) passes; the nearest furniture runs fail on furniture share (a wiki's
# appearances/categories list: 7.6 %), on phrases (town lists, menus: 10-35 %) or on length (5-6 lines).
LIST_MIN_LINES = 8  # a run this long is a list, not a share bar or a byline block
LIST_MAX_FURNITURE = 0.03  # at most this share of its lines carry furniture evidence (lexicon, dates, ...)
LIST_MIN_PHRASES = 0.5  # at least this share of its lines have 3+ words (list items, not menu labels)
LIST_MIN_TOPICAL = 0.3  # at least this share share a content word with the core's prose
LIST_MIN_ITEMS = 2  # ... or this long after an intro line ending in a colon ("You will need:")
LIST_INTRO_WORDS = 4  # an intro has this many words ("Here is the list:"; "Ingredients:" is a label)
LIST_MAX_SCAN = 400  # lines looked at beyond the core (bounded work on huge pages)


def max_run(weights: Sequence[float], blank: Sequence[bool], lo: int = 0,
            hi: int | None = None) -> tuple[int, int] | None:
    """Kadane's maximum-sum run of non-blank lines in ``[lo, hi)`` (inclusive indices), None when no
    run sums above 0. The cascade runs it on line scores, the line model on its weights."""
    best, cur, start = 0.0, 0.0, lo
    span: tuple[int, int] | None = None
    for k in range(lo, len(weights) if hi is None else hi):
        if blank[k]:
            continue
        if cur <= 0:
            cur, start = 0.0, k
        cur += float(weights[k])
        if cur > best:
            best, span = cur, (start, k)
    return span


def max_segment(rows: list[Row], lo: int, hi: int) -> tuple[int, int] | None:
    """``max_run`` over the rows' scores."""
    return max_run([r.score for r in rows], [r.kind == "blank" for r in rows], lo, hi)


def find_core(rows: list[Row], text: str, stops: frozenset[str] | None) -> tuple[int, int] | None:
    """Indices of the first and last core row (inclusive); None: no article."""
    best_span = max_segment(rows, 0, len(rows))
    if best_span is not None:
        # An article has ended for good at a comment section or author box that follows enough prose.
        prose = 0
        for k in range(best_span[0], best_span[1] + 1):
            row = rows[k]
            if row.kind == "prose":
                prose += row.words
            elif prose >= TERMINAL_MIN_PROSE and has_kind(row.evidence, EvidenceKind.TERMINAL):
                best_span = max_segment(rows, best_span[0], k)
                break
    if best_span is not None:
        # A last sentence without its full stop: an unpunctuated prose-like line right after the core.
        nxt = next((k for k in range(best_span[1] + 1, len(rows)) if rows[k].kind != "blank"), None)
        if nxt is not None:
            row = rows[nxt]
            if row.kind == "short" and row.words >= 8 and row.score > -SHORT_PENALTY and not row.dated:
                best_span = (best_span[0], nxt)
        best_span = extend_over_lists(rows, text, best_span, stops)
        # A standfirst without a full stop, separated from the body by a share bar or a byline.
        before = [k for k in range(best_span[0] - 1, -1, -1) if rows[k].kind != "blank"][:STANDFIRST_GAP + 1]
        for k in before:
            row = rows[k]
            if row.kind == "short" and row.words >= STANDFIRST_WORDS and row.score > -SHORT_PENALTY \
                    and not row.dated:
                best_span = (k, best_span[1])
                break
            if row.score <= -STRONG_PENALTY:
                break
    return best_span


def extend_over_lists(rows: list[Row], text: str, span: tuple[int, int],
                      stops: frozenset[str] | None) -> tuple[int, int]:
    """Carry the core over a list that belongs to the article (see LIST_MIN_LINES): to the farthest
    prose line, forward and backward, such that every line between passes the list tests."""
    vocab: set[str] | None = None

    def content(k: int) -> set[str]:
        toks = WORD_RE.findall(text[rows[k].start:rows[k].end].lower())
        return {t for t in toks if len(t) > 2 and not t.isdigit() and not (stops and t in stops)}

    def intro(k: int) -> bool:  # "You will need:" - a line announcing the list after it
        return rows[k].words >= LIST_INTRO_WORDS and text[rows[k].start:rows[k].end].rstrip().endswith(":")

    first, last = span
    for direction in (1, -1):
        edge = last if direction == 1 else first
        n = furniture = phrases = topical = 0
        items: list[int] = []  # the list items read so far; the topical ones counted only when a test needs them
        counted = 0
        best = edge
        k = edge + direction
        stop_at = edge + direction * LIST_MAX_SCAN
        # forward, the list's intro is the core's last line or the list's first; backward, the line
        # reached last (the prose line) or the one read just before it
        opened = direction == 1 and intro(edge)
        previous = -1
        while 0 <= k < len(rows) and k != stop_at:
            row = rows[k]
            kind = row.kind
            if kind != "blank":
                if direction == 1 and n == 0 and kind != "prose":
                    opened = opened or intro(k)
                announced = opened if direction == 1 else intro(k) or (previous >= 0 and intro(previous))
                min_lines = LIST_MIN_ITEMS if announced else LIST_MIN_LINES
                if kind == "prose" and n >= min_lines and furniture <= LIST_MAX_FURNITURE * n \
                        and phrases >= LIST_MIN_PHRASES * n:
                    if vocab is None:
                        vocab = set().union(*(content(m) for m in range(first, last + 1) if rows[m].kind == "prose"))
                    topical += sum(not vocab.isdisjoint(content(m)) for m in items[counted:])
                    counted = len(items)
                    if topical >= LIST_MIN_TOPICAL * n:
                        best = k
                previous = k
                if kind == "furniture":
                    if has_kind(row.evidence, EvidenceKind.TERMINAL):
                        break
                    furniture += 1
                    if furniture > LIST_MAX_FURNITURE * (n + LIST_MAX_SCAN) or furniture > 3:
                        break  # no longer run can bring the share down far enough
                if kind != "prose":  # the list items themselves: prose between them passes anyway
                    n += 1
                    phrases += row.words >= 3
                    items.append(k)
            k += direction
        if direction == 1:
            last = best
        else:
            first = best
    return first, last

"""Per-line features of a page for the learned line classifier (``qc.boilerplate.model``).

The rules' signals become numbers: the cascade's own verdict for the line (score, kind, evidence
category, whether its maximum-sum core holds the line), the line's shape (length, sentence punctuation,
stopword density in the page language, shares of capitalised, numeric and link-like tokens), its position
in the page (relative, and from both ends in lines and in characters), the run of short lines it sits in, its
repetition inside the page, its topic (the share of its content words found in the page's
long prose lines: a headline or an article's list speaks of the article, a menu or a teaser of other things),
and the same shape features (cascade score and topic included) of its neighbours and of a window around it (an
article line sits among article lines; a menu item among menu items).

Left out: the first line as a title (on the scraped training pages it is the site menu; the topic feature
takes its place), and cross-document line frequencies (a per-document pass cannot see them; the corpus rule
``boilerplate/cross-document`` removes those lines after the layout).

One row per line, blank lines included (their row is all zeros and the model ignores it) so that row ``k``
is line ``k`` of ``Layout.lines``. The column order is ``FEATURE_NAMES``: the model file records it and is refused
when it differs.
"""

from __future__ import annotations

import math
import re

import numpy as np

from qc.boilerplate.evidence import EvidenceKind, has_kind
from qc.boilerplate.lines import Layout, Line, LineRow

# Evidence category of the cascade: one feature per evidence kind the cascade gives (the names are the model
# file's column names).
EVIDENCE_FEATURES: tuple[tuple[str, EvidenceKind], ...] = (
    ("ev_section", EvidenceKind.SECTION),
    ("ev_nav", EvidenceKind.NAV),
    ("ev_cta", EvidenceKind.CTA),
    ("ev_cookie", EvidenceKind.COOKIE),
    ("ev_donation", EvidenceKind.DONATION),
    ("ev_legal", EvidenceKind.LEGAL),
    ("ev_comments", EvidenceKind.COMMENTS),
    ("ev_caption", EvidenceKind.CAPTION),
    ("ev_terminal", EvidenceKind.TERMINAL),
    ("ev_social", EvidenceKind.SOCIAL),
    ("ev_bio", EvidenceKind.BIO),
    ("ev_credit", EvidenceKind.CREDIT),
    ("ev_url", EvidenceKind.URL),
    ("ev_date", EvidenceKind.DATE),
    ("ev_dated_headline", EvidenceKind.DATED_HEADLINE),
    ("ev_phone", EvidenceKind.PHONE),
    ("ev_story_list", EvidenceKind.STORY_LIST),
    ("ev_teaser_card", EvidenceKind.TEASER_CARD),
    ("ev_repeated", EvidenceKind.REPEATED),
    ("ev_few_stopwords", EvidenceKind.FEW_STOPWORDS),
)

# Shape features of one line: also read for its neighbours and its window.
SHAPE_NAMES: tuple[str, ...] = (
    "log_words", "prose", "furniture", "short", "sent_end", "stop_density", "cap_share", "num_share",
    "cascade_score", "topic",
)
LINE_NAMES: tuple[str, ...] = (
    *SHAPE_NAMES,
    "in_cascade_core", "log_sentences", "colon_end", "has_stoplist", "link_share",
    "chars_per_word", "punct_share", "upper_share", "starts_lower", "ends_comma", "has_pipe",
    "log_repeats", "rel_position", "rel_char_position", "log_dist_core", "before_core", "after_core",
    *(name for name, _ in EVIDENCE_FEATURES),
)
NEIGHBOUR_OFFSETS = (-2, -1, 1, 2)
WINDOW = 5  # lines each side for the window means
WIDE_WINDOW = 15  # lines each side for the wide window (is this line inside a long prose stretch?)
LONG_PROSE_WORDS = 20  # a prose line this long anchors an article (distance to the nearest one)
PAGE_NAMES = ("page_log_lines", "page_prose_share", "page_core_share")
SHORT_RUN_WORDS = 4  # a line this short is a menu item or a label: the run of them a line sits in
CONTEXT_NAMES = ("prose_words_before", "prose_words_after", "log_dist_long_prose", "wide_prose", "wide_log_words",
                 "log_words_vs_max", "log_lines_before", "log_lines_after", "log_chars_before", "log_chars_after",
                 "log_chars", "log_short_run")
FEATURE_NAMES: tuple[str, ...] = (
    *LINE_NAMES,
    *CONTEXT_NAMES,
    *(f"n{off:+d}_{name}" for off in NEIGHBOUR_OFFSETS for name in SHAPE_NAMES),
    *(f"win_{name}" for name in SHAPE_NAMES),
    "run_log_len_same_kind",
    *PAGE_NAMES,
)

_SENT_END_RE = re.compile(r"[.!?…。！？](?:[\"'”’»)\]]*)$")
_SENT_INNER_RE = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+\S")
_LINKISH_RE = re.compile(r"[|»›>/•·#@]")
_PUNCT_RE = re.compile(r"[^\w\s]")


def _shape(line: Line, low: list[str], stripped: str, stops: frozenset[str] | None) -> list[float]:
    n = len(low)
    stop = (sum(map(stops.__contains__, low)) / n) if stops and n else 0.0
    spaced = stripped.split()  # capitalised words are read on the line's own spelling, split at spaces
    cap = sum(w[:1].isupper() for w in spaced) / len(spaced) if spaced else 0.0
    num = sum(any(c.isdigit() for c in t) for t in low) / n if n else 0.0
    return [
        math.log1p(line.words), float(line.kind == "prose"), float(line.kind == "furniture"),
        float(line.kind == "short"), float(bool(_SENT_END_RE.search(stripped))), stop, cap, num,
        math.copysign(math.log1p(abs(line.score)), line.score), 0.0,
    ]


def _content(low: list[str], stops: frozenset[str] | None) -> frozenset[str]:
    return frozenset(t for t in low if len(t) > 2 and not t.isdigit() and not (stops and t in stops))


def topic_overlap(contents: list[frozenset[str]], anchors: list[bool]) -> list[float]:
    """Share of each line's content words found in the page's long prose lines other than itself: the
    article's topic (a menu, a story list or a product grid speaks of other things)."""
    vocab: dict[str, int] = {}
    for words, anchor in zip(contents, anchors, strict=True):
        if anchor:
            for t in words:
                vocab[t] = vocab.get(t, 0) + 1
    out = []
    for words, anchor in zip(contents, anchors, strict=True):
        if not words:
            out.append(0.0)
            continue
        own = 1 if anchor else 0
        out.append(sum(vocab.get(t, 0) > own for t in words) / len(words))
    return out


def _runs(flags: list[bool]) -> list[int]:
    """For each position, the length of the run of set flags it lies in (0 where the flag is unset)."""
    out = [0] * len(flags)
    j = 0
    while j < len(flags):
        e = j
        while e + 1 < len(flags) and flags[e + 1] == flags[j]:
            e += 1
        if flags[j]:
            out[j:e + 1] = [e - j + 1] * (e - j + 1)
        j = e + 1
    return out


def line_features(layout: Layout, text: str, table: list[LineRow], stops: frozenset[str] | None) -> np.ndarray:
    """The feature matrix of a page, one row per line of ``layout`` (columns: ``FEATURE_NAMES``); ``table`` is
    the page's line table (``qc.boilerplate.lines.line_table``), whose folded words the cascade read too."""
    lines = layout.lines
    n_lines = len(lines)
    out = np.zeros((n_lines, len(FEATURE_NAMES)), dtype=np.float64)
    if not n_lines:
        return out
    nonblank = [k for k, ln in enumerate(lines) if ln.kind != "blank"]
    m = len(nonblank)
    if not m:
        return out
    raws = {k: text[lines[k].start:lines[k].end] for k in nonblank}
    counts: dict[str, int] = {}
    for k in nonblank:
        counts[table[k][3]] = counts.get(table[k][3], 0) + 1  # the folded line
    shape = np.zeros((m, len(SHAPE_NAMES)))
    contents = []
    for j, k in enumerate(nonblank):
        low = table[k][5]
        shape[j] = _shape(lines[k], low, raws[k].strip(), stops)
        contents.append(_content(low, stops))
    topic_col = SHAPE_NAMES.index("topic")
    shape[:, topic_col] = topic_overlap(contents, [lines[k].kind == "prose" and lines[k].words >= LONG_PROSE_WORDS
                                                   for k in nonblank])
    core = layout.core
    total_words = sum(lines[k].words for k in nonblank) or 1
    prose_words = sum(lines[k].words for k in nonblank if lines[k].kind == "prose")
    core_words = sum(lines[k].words for k in nonblank if lines[k].region == "core")
    page = [math.log1p(m), prose_words / total_words, core_words / total_words]
    n_line = len(LINE_NAMES)
    n_shape = len(SHAPE_NAMES)
    # window means of the shape features over +-WINDOW non-blank lines (cumulative sums: linear time)
    csum = np.vstack([np.zeros((1, n_shape)), np.cumsum(shape, axis=0)])
    # run of consecutive non-blank lines of the same kind
    run_len = [1] * m
    j = 0
    while j < m:
        e = j
        while e + 1 < m and lines[nonblank[e + 1]].kind == lines[nonblank[j]].kind:
            e += 1
        for q in range(j, e + 1):
            run_len[q] = e - j + 1
        j = e + 1
    # prose words before each line (exclusive), distance to the nearest long prose line both ways
    prose_w = np.asarray([lines[k].words if lines[k].kind == "prose" else 0 for k in nonblank], dtype=np.float64)
    before_w = np.concatenate([[0.0], np.cumsum(prose_w)[:-1]])
    all_prose = float(prose_w.sum()) or 1.0
    anchors = [j for j in range(m) if prose_w[j] >= LONG_PROSE_WORDS]
    dist_long = np.full(m, float(m))
    last = -1
    for j in range(m):
        if anchors and last + 1 < len(anchors) and anchors[last + 1] <= j:
            while last + 1 < len(anchors) and anchors[last + 1] <= j:
                last += 1
        lo_d = j - anchors[last] if last >= 0 else m
        hi_d = anchors[last + 1] - j if last + 1 < len(anchors) else m
        dist_long[j] = min(lo_d, hi_d)
    max_words = max(lines[k].words for k in nonblank) or 1
    # position from both ends in non-blank lines and in their characters; the run of short lines a line is in
    line_chars = np.asarray([len(raws[k]) for k in nonblank], dtype=np.float64)
    chars_before = np.concatenate([[0.0], np.cumsum(line_chars)[:-1]])
    chars_after = float(line_chars.sum()) - chars_before - line_chars
    short_run = _runs([lines[k].words <= SHORT_RUN_WORDS for k in nonblank])
    for j, k in enumerate(nonblank):
        ln = lines[k]
        raw = raws[k]
        stripped = raw.strip()
        n = len(table[k][5]) or 1
        chars = len(stripped) or 1
        if core is None:
            dist, before, after = m, 0.0, 0.0
        else:
            before, after = float(k < core[0]), float(k > core[1])
            dist = core[0] - k if k < core[0] else (k - core[1] if k > core[1] else 0)
        row = [
            *shape[j],
            float(ln.region == "core"),
            math.log1p(len(_SENT_INNER_RE.findall(stripped)) + bool(_SENT_END_RE.search(stripped))),
            float(stripped.endswith(":")), float(bool(stops)),
            len(_LINKISH_RE.findall(stripped)) / n, min(chars / n, 30.0) / 10.0,
            len(_PUNCT_RE.findall(stripped)) / chars, sum(c.isupper() for c in stripped) / chars,
            float(stripped[:1].islower()), float(stripped.endswith((",", ";"))), float("|" in stripped),
            math.log(counts[table[k][3]]), j / max(1, m - 1), ln.start / max(1, layout.text_len),
            math.log1p(dist), before, after,
            *(float(has_kind(ln.evidence, kind)) for _, kind in EVIDENCE_FEATURES),
        ]
        out[k, :n_line] = row
        lo, hi = max(0, j - WIDE_WINDOW), min(m, j + WIDE_WINDOW + 1)
        wide = (csum[hi] - csum[lo]) / (hi - lo)
        out[k, n_line:n_line + len(CONTEXT_NAMES)] = (
            before_w[j] / all_prose, (all_prose - before_w[j] - prose_w[j]) / all_prose, math.log1p(dist_long[j]),
            wide[1], wide[0], math.log((ln.words + 1) / (max_words + 1)), math.log1p(j), math.log1p(m - 1 - j),
            math.log1p(chars_before[j]), math.log1p(chars_after[j]), math.log1p(line_chars[j]),
            math.log1p(short_run[j]),
        )
        col = n_line + len(CONTEXT_NAMES)
        for off in NEIGHBOUR_OFFSETS:
            q = j + off
            if 0 <= q < m:
                out[k, col:col + n_shape] = shape[q]
            col += n_shape
        lo, hi = max(0, j - WINDOW), min(m, j + WINDOW + 1)
        out[k, col:col + n_shape] = (csum[hi] - csum[lo]) / (hi - lo)
        col += n_shape
        out[k, col] = math.log(run_len[j])
        out[k, col + 1:col + 1 + len(PAGE_NAMES)] = page
    return out

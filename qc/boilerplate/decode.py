"""Line scores -> article regions: the sequence step after the learned line model.

An article is mostly one contiguous run of lines, so by default (``switch < 0``) the core is the run with the
largest total of ``clip(log_odds + bias) * (1 + log1p(words))`` (Kadane's maximum-sum segment, as the cascade
does with its hand-set scores): a long confident prose line outweighs a caption inside the article, and a run
of confident menu lines ends it; inside it, lines with log-odds below ``inner`` are furniture. With
``switch >= 0`` a three-state Viterbi decoding (lead / article / after; each article region after the first
costs ``switch``) allows several article regions with furniture between them. Lines before / after the
first / last article line are the leading / trailing furniture; furniture between is inner (flagged, not
removed, by the default pack). The training script picks the decoding on site-held-out pages.

Never lose the article quietly: when the prose lines that the model reads as article (log-odds >= 0) or the
cascade put in its core hold more than ``max_loss`` of their words outside the decoded article, the article
is widened to the first and last of them and the page carries a doubt (reported by ``boilerplate/leading``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from qc.boilerplate.core import max_run
from qc.boilerplate.evidence import Evidence, EvidenceKind
from qc.boilerplate.features import FEATURE_NAMES, line_features
from qc.boilerplate.lines import Layout, LineRow, region_of
from qc.boilerplate.model import LineModel

DEFAULTS = {"bias": 0.0, "clip": 4.0, "inner": -2.0, "max_loss": 0.35, "switch": -1.0}


def line_weights(log_odds: np.ndarray, words: Sequence[int], params: dict[str, float]) -> np.ndarray:
    """Each line's weight in the maximum-sum run (NaN log-odds: a blank line, weight 0)."""
    clip = params.get("clip", DEFAULTS["clip"])
    z = np.clip(np.nan_to_num(log_odds + params.get("bias", DEFAULTS["bias"]), nan=0.0), -clip, clip)
    return z * (1.0 + np.log1p(np.asarray(words, dtype=np.float64)))


def viterbi(weights: Sequence[float], blank: Sequence[bool], switch: float) -> list[bool]:
    """Article lines by a three-state Viterbi decoding: lead furniture, article, furniture after an article
    line (a gap or the trail). An article line earns its weight, furniture 0; the first article region is free
    (as the maximum-sum run), every further one costs ``switch``: ``switch`` = inf is Kadane's single run, a
    small one lets a page keep two article regions and the furniture between them (inner). Blank lines take
    the state of the line before them; ties keep the earlier state."""
    idx = [k for k in range(len(weights)) if not blank[k]]
    lead, art, after = 0.0, -math.inf, -math.inf
    # per line: where the article state came from (0 article, 1 lead, 2 after), and the after state (0 after, 1 article)
    back: list[tuple[int, int]] = []
    for k in idx:
        options = (art, lead, after - switch)
        a_from = max(range(3), key=lambda i: (options[i], -i))
        f_from = 0 if after >= art else 1
        art, after = options[a_from] + float(weights[k]), max(after, art)
        back.append((a_from, f_from))
    finals = (art, lead, after)
    state = max(range(3), key=lambda i: (finals[i], -i))  # 0 article, 1 lead, 2 after
    out = [False] * len(weights)
    for j in range(len(idx) - 1, -1, -1):
        out[idx[j]] = state == 0
        if state == 0:
            state = (0, 1, 2)[back[j][0]]
        elif state == 2:
            state = 2 if back[j][1] == 0 else 0
    for k in range(1, len(weights)):
        if blank[k]:
            out[k] = out[k - 1]
    return out


def decode_states(log_odds: np.ndarray, words: Sequence[int], blank: Sequence[bool], prose: Sequence[bool],
                  cascade_core: Sequence[bool], params: dict[str, float]) -> tuple[list[bool], bool]:
    """(article, doubt): each line's state, and whether the article was widened to keep trusted prose."""
    switch = params.get("switch", DEFAULTS["switch"])
    weights = line_weights(log_odds, words, params)
    n = len(words)
    if switch < 0:  # one contiguous run, less the lines below ``inner`` inside it
        span = max_run(weights, blank)
        inner = params.get("inner", DEFAULTS["inner"])
        article = [span is not None and span[0] <= k <= span[1] and not blank[k] and not log_odds[k] < inner
                   for k in range(n)]
    else:
        article = [a and not blank[k] for k, a in enumerate(viterbi(weights, blank, switch))]
    trusted = [k for k in range(n) if not blank[k] and prose[k] and (log_odds[k] >= 0 or cascade_core[k])]
    total = sum(words[k] for k in trusted)
    lost = sum(words[k] for k in trusted if not article[k])
    if not total or lost <= params.get("max_loss", DEFAULTS["max_loss"]) * total:
        return article, False
    chosen = [k for k in range(n) if article[k]]
    lo, hi = min([trusted[0], *chosen[:1]]), max([trusted[-1], *chosen[-1:]])
    first, last = (chosen[0], chosen[-1]) if chosen else (hi + 1, lo - 1)
    for k in range(lo, hi + 1):
        if not blank[k] and (k < first or k > last):
            article[k] = True  # the stretch added to keep the prose: whole, as the cascade would keep it
    return article, True


def core_of(article: Sequence[bool]) -> tuple[int, int] | None:
    """The first and last article line (None: no article line)."""
    chosen = [k for k, a in enumerate(article) if a]
    return (chosen[0], chosen[-1]) if chosen else None


def decode_keep(log_odds: np.ndarray, words: Sequence[int], blank: Sequence[bool], prose: Sequence[bool],
                cascade_core: Sequence[bool], params: dict[str, float]) -> np.ndarray:
    """Lines kept when every furniture line is removed, inner ones too (no article line: everything is kept)."""
    article, _ = decode_states(log_odds, words, blank, prose, cascade_core, params)
    keep = np.asarray(article, dtype=bool) | np.asarray(blank, dtype=bool)
    if core_of(article) is None:
        keep[:] = True
    return keep


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _why(model: LineModel, row: np.ndarray, limit: int = 2) -> str:
    """The features that pushed a line's log-odds most toward furniture."""
    contrib = -model.contributions(row)
    order = [i for i in np.argsort(-contrib, kind="stable")[:limit] if contrib[i] > 0]
    return ", ".join(f"{FEATURE_NAMES[i]} {-contrib[i]:+.1f}" for i in order) or "no single feature"


def apply_model(layout: Layout, text: str, table: list[LineRow], stops: frozenset[str] | None,
                model: LineModel) -> Layout:
    """The cascade's layout re-decided by the line model: regions from ``decode_states``; inside the core, the
    lines decoded as furniture are the inner furniture, and cascade furniture decoded as article is kept."""
    x = line_features(layout, text, table, stops)
    z = model.log_odds(x)
    blank = [ln.kind == "blank" for ln in layout.lines]
    z[np.asarray(blank, dtype=bool)] = np.nan
    article, doubt = decode_states(z, [ln.words for ln in layout.lines], blank,
                                   [ln.kind == "prose" for ln in layout.lines],
                                   [ln.region == "core" for ln in layout.lines], model.decoding)
    core = core_of(article)
    lines = []
    for k, ln in enumerate(layout.lines):
        region = region_of(k, core)
        if ln.kind == "blank":
            lines.append(replace(ln, region=region))
            continue
        kind, evidence = ln.kind, ln.evidence
        if article[k] and kind == "furniture":
            kind, evidence = "short", ()
        elif not article[k]:  # only these lines carry the model's verdict
            if region == "core":
                kind = "furniture"
            verdict = Evidence(EvidenceKind.LINE_MODEL, f"{sigmoid(float(z[k])):.2f} ({_why(model, x[k])})")
            evidence = (*evidence, verdict)
        lines.append(replace(ln, kind=kind, evidence=evidence, region=region))
    return Layout(tuple(lines), core, layout.text_len,
                  doubt="kept prose the line model or the cascade reads as article outside the model's regions"
                  if doubt else "")

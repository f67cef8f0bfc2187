"""Line scores -> article core: the sequence step after the learned line model.

An article is mostly one contiguous run of lines, so the core is the run with the largest total of
``clip(log_odds + bias) * (1 + log1p(words))`` (Kadane's maximum-sum segment, as the cascade does with
its hand-set scores): a long confident prose line outweighs a caption inside the article, and a run of
confident menu lines ends it. Lines before / after the core are the leading / trailing furniture; lines
inside it with log-odds below ``inner`` are inner furniture (flagged, not removed, by the default pack).

Never lose the article quietly: when the lines left outside the core that the model still reads as
article (log-odds >= 0) and the cascade reads as prose hold more than ``max_loss`` of those words, the core
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
from qc.boilerplate.lines import Layout, region_of
from qc.boilerplate.model import LineModel

DEFAULTS = {"bias": 0.0, "clip": 4.0, "inner": -2.0, "max_loss": 0.35}


def line_weights(log_odds: np.ndarray, words: Sequence[int], params: dict[str, float]) -> np.ndarray:
    """Each line's weight in the maximum-sum run (NaN log-odds: a blank line, weight 0)."""
    clip = params.get("clip", DEFAULTS["clip"])
    z = np.clip(np.nan_to_num(log_odds + params.get("bias", DEFAULTS["bias"]), nan=0.0), -clip, clip)
    return z * (1.0 + np.log1p(np.asarray(words, dtype=np.float64)))


def decode_core(log_odds: np.ndarray, words: Sequence[int], blank: Sequence[bool], prose: Sequence[bool],
                params: dict[str, float]) -> tuple[tuple[int, int] | None, bool]:
    """(core, doubt): the article run, and whether it was widened to keep prose the model trusts."""
    span = max_run(line_weights(log_odds, words, params), blank)
    if span is None:
        return None, False
    trusted = [k for k in range(len(words)) if not blank[k] and prose[k] and log_odds[k] >= 0]
    total = sum(words[k] for k in trusted)
    lost = sum(words[k] for k in trusted if k < span[0] or k > span[1])
    if total and lost > params.get("max_loss", DEFAULTS["max_loss"]) * total:
        return (min(span[0], trusted[0]), max(span[1], trusted[-1])), True
    return span, False


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def _why(model: LineModel, row: np.ndarray, limit: int = 2) -> str:
    """The features that pushed a line's log-odds most toward furniture."""
    contrib = -model.contributions(row)
    order = [i for i in np.argsort(-contrib, kind="stable")[:limit] if contrib[i] > 0]
    return ", ".join(f"{FEATURE_NAMES[i]} {-contrib[i]:+.1f}" for i in order) or "no single feature"


def apply_model(layout: Layout, text: str, stops: frozenset[str] | None, model: LineModel) -> Layout:
    """The cascade's layout re-decided by the line model: regions from ``decode_core``; inside the core, the
    lines the model scores below ``inner`` are the inner furniture, and cascade furniture it trusts is kept."""
    x = line_features(layout, text, stops)
    z = model.log_odds(x)
    blank = [ln.kind == "blank" for ln in layout.lines]
    z[np.asarray(blank, dtype=bool)] = np.nan
    words = [ln.words for ln in layout.lines]
    core, doubt = decode_core(z, words, blank, [ln.kind == "prose" for ln in layout.lines], model.decoding)
    inner = model.decoding.get("inner", DEFAULTS["inner"])
    lines = []
    for k, ln in enumerate(layout.lines):
        region = region_of(k, core)
        if ln.kind == "blank":
            lines.append(replace(ln, region=region))
            continue
        kind, evidence = ln.kind, ln.evidence
        if region == "core" and kind == "furniture" and z[k] >= inner:
            kind, evidence = "short", ()
        elif region != "core" or z[k] < inner:  # only these lines carry the model's verdict
            if region == "core":
                kind = "furniture"
            verdict = Evidence(EvidenceKind.LINE_MODEL, f"{sigmoid(float(z[k])):.2f} ({_why(model, x[k])})")
            evidence = (*evidence, verdict)
        lines.append(replace(ln, kind=kind, evidence=evidence, region=region))
    return Layout(tuple(lines), core, layout.text_len,
                  doubt="kept prose the line model reads as article outside its best run" if doubt else "")

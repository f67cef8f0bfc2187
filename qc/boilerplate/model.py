"""The learned line model over ``qc.boilerplate.features``, read with numpy only.

The model file (``rules/models/boilerplate-lines.json``, written by ``bench/train_boilerplate.py``) holds
the feature names in column order, a gradient-boosted tree ensemble as flat arrays (every tree's nodes
one after the other: feature, threshold, left, right, leaf value; a row goes left when its feature is
<= the threshold), the logistic regression used for evidence (standardisation and weights: which features
pushed a line which way), and the decoding parameters tuned by site-held-out cross-validation. A file
whose schema, version or feature list does not match this code is refused with ``ModelFileError`` (a
silently misread column would move every line's score).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qc.boilerplate.features import FEATURE_NAMES

SCHEMA = "newsqc.boilerplate-lines"
VERSION = 1


class ModelFileError(ValueError):
    """The model file is not a line model this code can read."""


@dataclass(frozen=True, slots=True)
class Trees:
    """A boosted tree ensemble as flat node arrays; ``roots`` index each tree's first node."""

    feature: np.ndarray
    threshold: np.ndarray
    left: np.ndarray
    right: np.ndarray
    value: np.ndarray
    leaf: np.ndarray
    roots: np.ndarray
    baseline: float

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Every tree walked at once: one step down per iteration for every (row, tree) pair."""
        node = np.broadcast_to(self.roots, (x.shape[0], self.roots.size)).copy()
        rows = np.arange(x.shape[0])[:, None]
        while True:
            inner = ~self.leaf[node]
            if not inner.any():
                break
            go_left = x[rows, self.feature[node]] <= self.threshold[node]
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        return self.baseline + self.value[node].sum(axis=1)


@dataclass(frozen=True, slots=True)
class LineModel:
    """Line scores from ``trees`` (when the file has them) or the logistic regression; the regression's
    per-feature contributions name the evidence."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    decoding: dict[str, float]
    trees: Trees | None = None

    def log_odds(self, x: np.ndarray) -> np.ndarray:
        """Log-odds that each row's line is article text."""
        if self.trees is not None:
            return self.trees.log_odds(x)
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def contributions(self, row: np.ndarray) -> np.ndarray:
        """Each feature's share of one row's log-odds (for evidence: which features decided)."""
        return (row - self.mean) / self.scale * self.coef


def parse_model(data: Any, origin: str = "model") -> LineModel:
    """A ``LineModel`` from the decoded JSON, or ``ModelFileError`` naming what is wrong."""
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ModelFileError(f"{origin}: not a boilerplate line model (schema must be {SCHEMA!r})")
    if data.get("version") != VERSION:
        raise ModelFileError(f"{origin}: model version {data.get('version')!r}, this code reads {VERSION}")
    names = data.get("features")
    if names != list(FEATURE_NAMES):
        missing = sorted(set(FEATURE_NAMES) - set(names or []))
        extra = sorted(set(names or []) - set(FEATURE_NAMES))
        raise ModelFileError(f"{origin}: feature list differs from qc.boilerplate.features (missing {missing[:5]}, "
                             f"unknown {extra[:5]}, or another order): retrain with bench/train_boilerplate.py")
    arrays = {}
    for key in ("mean", "scale", "coef"):
        value = data.get(key)
        if not isinstance(value, list) or len(value) != len(FEATURE_NAMES) \
                or not all(isinstance(v, int | float) for v in value):
            raise ModelFileError(f"{origin}: {key!r} must be {len(FEATURE_NAMES)} numbers")
        arrays[key] = np.asarray(value, dtype=np.float64)
    if not np.all(arrays["scale"] > 0):
        raise ModelFileError(f"{origin}: 'scale' must be positive")
    intercept = data.get("intercept")
    decoding = data.get("decoding")
    if not isinstance(intercept, int | float) or not isinstance(decoding, dict) \
            or not all(isinstance(v, int | float) for v in decoding.values()):
        raise ModelFileError(f"{origin}: 'intercept' must be a number and 'decoding' a table of numbers")
    return LineModel(arrays["mean"], arrays["scale"], arrays["coef"], float(intercept),
                     {k: float(v) for k, v in decoding.items()}, _parse_trees(data.get("trees"), origin))


def _parse_trees(data: Any, origin: str) -> Trees | None:
    if data is None:
        return None
    keys = ("feature", "threshold", "left", "right", "value", "leaf", "roots")
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in keys) \
            or not isinstance(data.get("baseline"), int | float):
        raise ModelFileError(f"{origin}: 'trees' must hold the lists {', '.join(keys)} and a number 'baseline'")
    n = len(data["feature"])
    if any(len(data[k]) != n for k in keys[:-1]) or not data["roots"]:
        raise ModelFileError(f"{origin}: 'trees' node lists differ in length or there are no trees")
    try:
        t = Trees(np.asarray(data["feature"], dtype=np.int64), np.asarray(data["threshold"], dtype=np.float64),
                  np.asarray(data["left"], dtype=np.int64), np.asarray(data["right"], dtype=np.int64),
                  np.asarray(data["value"], dtype=np.float64), np.asarray(data["leaf"], dtype=bool),
                  np.asarray(data["roots"], dtype=np.int64), float(data["baseline"]))
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"{origin}: 'trees' holds a non-number ({exc})") from exc
    inner = ~t.leaf
    if (t.roots < 0).any() or (t.roots >= n).any() or (t.feature[inner] < 0).any() \
            or (t.feature[inner] >= len(FEATURE_NAMES)).any() \
            or (t.left[inner] <= np.arange(n)[inner]).any() or (t.right[inner] <= np.arange(n)[inner]).any() \
            or (t.left[inner] >= n).any() or (t.right[inner] >= n).any():
        raise ModelFileError(f"{origin}: 'trees' has a node pointing outside the arrays (or back up a tree)")
    return t


def load_model(path: Path) -> LineModel:
    """Read and check a model file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{path}: cannot read model file ({exc})") from exc
    return parse_model(data, str(path))

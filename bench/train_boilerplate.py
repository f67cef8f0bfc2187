"""Train the boilerplate line model (``rules/models/boilerplate-lines.json``) on labelled pages.

Usage (from the repository root; scikit-learn is needed here only: ``pip install newsqc[train]``):

    PYTHONPATH=$PWD python bench/train_boilerplate.py DATASET [DATASET ...] [--out rules/models/boilerplate-lines.json]

A DATASET is a folder in the ``devdata/boilerplate`` format: ``docs/<id>.txt`` (the page as a naive scraper saves
it, one block a line) and ``truth.jsonl`` rows ``{"id", "article", "url"?, "span"?, "page_type"?}``. A line is
labelled article when it lies inside ``span`` (when given) and its words are in ``article`` (half of its word
3-grams; a shorter line as a whole phrase). A page whose article-labelled lines hold less than ``--min-coverage``
of its article's word 5-grams (a reference text reworded or reordered: listings, products) can be left out of
fitting (still scored): its unlabelled article lines teach the model that article text is furniture. Off by default:
at 0.9 (219 of 862 pages left out) the held-out F1 did not move (0.8275 -> 0.8274) and devdata/boilerplate lost
0.013. To retrain on your own pages, label them in that format and pass their folder (alone or with the project's sets).

Sites never straddle train and validation: a page's fold is a hash of its URL host (else its id), 5 folds. The
script prints per-page-type word F1 (the ``score.py boilerplate`` measure, on the text left when every line decoded
as furniture is removed, inner ones too) for the model on held-out sites and for the rule cascade, tunes the
decoding on the held-out predictions of the first DATASET (``GRID``: one maximum-sum run with an ``inner``
threshold, or the Viterbi decoding with a ``switch`` cost per extra article region; every point is printed),
then fits on every page and writes the model. The scores come from scikit-learn's histogram gradient boosting
(deterministic: no subsampling, no early stopping, ``random_state=0``), flattened into node arrays that numpy
walks; the evidence from a logistic regression (lbfgs), whose per-feature terms name the features that decided.
Same data -> same file (floats rounded to 6 digits, keys sorted).

While iterating: ``--cv-folds 1`` validates on the first site fold only (about a fifth of the fitting; the file then
records ``cv_folds``, so a full run is needed for the figures that ship), ``--no-write`` stops after the
cross-validation, and ``--errors FILE`` writes one TSV row per held-out page (scores, and the article words lost /
furniture words kept, split into what the model scored wrong and what the decoding moved) for error analysis.
The held-out figures are printed per page type, and per fold with their mean, after the rule cascade's and the
line labels' (what keeping exactly the article-labelled lines scores: the ceiling of a line classifier).
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import itertools
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
from compare_boilerplate import WORD, word_prf

from qc.boilerplate import decode
from qc.boilerplate.blocks import BlockClassifier
from qc.boilerplate.features import FEATURE_NAMES, line_features
from qc.boilerplate.language import body_language, stoplist
from qc.boilerplate.lines import line_table
from qc.boilerplate.model import SCHEMA, VERSION, parse_model
from qc.lang import detect_language
from qc.lexicon import builtin_rules_dir, read_toml
from qc.model import Document

FOLDS = 5
C = 1.0  # inverse L2 strength of the evidence regression (scikit-learn's default)
TREES = {"max_iter": 200, "max_depth": 4, "learning_rate": 0.1}
GRID = {"bias": (0.25, 0.5, 1.0), "inner": (-99.0, -2.0, -1.0), "switch": (0.0, 4.0, 16.0)}


@dataclass
class Page:
    dataset: str
    id: str
    site: str
    page_type: str
    text: str
    article: str
    x: np.ndarray
    y: np.ndarray
    words: list[int]
    blank: list[bool]
    prose: list[bool]
    cascade_core: tuple[int, int] | None
    line_text: list[str]
    coverage: float
    share: np.ndarray


def site_of(row: dict) -> str:
    host = urlsplit(row.get("url") or "").hostname or ""
    return host.removeprefix("www.") or f"id:{row['id']}"


def fold_of(site: str) -> int:
    return int(hashlib.sha256(site.encode()).hexdigest(), 16) % FOLDS


def labels(lines: list[str], article: str, span: list[int] | None) -> np.ndarray:
    gold = [w.lower() for w in WORD.findall(article)]
    grams = set(zip(gold, gold[1:], gold[2:], strict=False))
    joined = " " + " ".join(gold) + " "
    y = np.zeros(len(lines))
    for k, line in enumerate(lines):
        if span and not span[0] <= k <= span[1]:
            continue
        toks = [w.lower() for w in WORD.findall(line)]
        if not toks:
            continue
        if len(toks) >= 3:
            tri = list(zip(toks, toks[1:], toks[2:], strict=False))
            y[k] = sum(t in grams for t in tri) >= 0.5 * len(tri)
        else:
            y[k] = f" {' '.join(toks)} " in joined
    return y


def gram_share(lines: list[str], article: str) -> np.ndarray:
    """Per line, the share of its word 3-grams found in the article (-1 below 3 words): a line between
    ``--ambiguous`` and the labelling threshold 0.5 is neither clearly article nor clearly furniture."""
    gold = [w.lower() for w in WORD.findall(article)]
    grams = set(zip(gold, gold[1:], gold[2:], strict=False))
    out = np.full(len(lines), -1.0)
    for k, line in enumerate(lines):
        toks = [w.lower() for w in WORD.findall(line)]
        if len(toks) >= 3:
            tri = list(zip(toks, toks[1:], toks[2:], strict=False))
            out[k] = sum(t in grams for t in tri) / len(tri)
    return out


def _grams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(tokens[i:] for i in range(n)), strict=False))


def label_coverage(lines: list[str], y: np.ndarray, article: str) -> float:
    """Share of the article's word 5-grams found in the lines labelled article: low when the reference text was
    reworded or reordered (many listing and product pages), so that article lines went unlabelled."""
    gold = _grams([w.lower() for w in WORD.findall(article)], 5)
    if not gold:
        return 1.0
    labelled = [w.lower() for line, a in zip(lines, y, strict=True) if a > 0 for w in WORD.findall(line)]
    return len(gold & _grams(labelled, 5)) / len(gold)


def load(folder: Path, classifier: BlockClassifier) -> list[Page]:
    pages = []
    rows = [json.loads(s) for s in (folder / "truth.jsonl").read_text(encoding="utf-8").split("\n") if s.strip()]
    for row in sorted(rows, key=lambda r: r["id"]):
        text = (folder / "docs" / f"{row['id']}.txt").read_text(encoding="utf-8")
        doc = Document(id=row["id"], text=text, lang=detect_language(text))
        layout = classifier.classify(doc)
        stops = stoplist(body_language(text, doc.lang))
        x = line_features(layout, text, line_table(doc), stops)
        line_text = [text[ln.start:ln.end] for ln in layout.lines]
        y = labels(line_text, row["article"], row.get("span"))
        pages.append(Page(folder.name, row["id"], site_of(row), row.get("page_type", "article"), text,
                          row["article"], x, y,
                          [ln.words for ln in layout.lines], [ln.kind == "blank" for ln in layout.lines],
                          [ln.kind == "prose" for ln in layout.lines], layout.core, line_text,
                          label_coverage(line_text, y, row["article"]), gram_share(line_text, row["article"])))
    return pages


def core_mask(n: int, core: tuple[int, int] | None) -> np.ndarray:
    keep = np.zeros(n, dtype=bool)
    if core is None:
        keep[:] = True  # no core: nothing is removed
    else:
        keep[core[0]:core[1] + 1] = True
    return keep


def page_f1(page: Page, keep: np.ndarray) -> tuple[float, float, float]:
    """score.py's word P/R/F1 of the text left when the lines not in ``keep`` are removed."""
    return word_prf(page.article, "\n".join(t for t, k in zip(page.line_text, keep, strict=True) if k))


def training_rows(pages: list[Page], ambiguous: float = 0.5) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-blank lines of every page (less those whose 3-gram share in the article lies strictly between
    ``ambiguous`` and 0.5): features, labels, weights (1 + log1p(words): the score counts words)."""
    mask = [~np.asarray(p.blank) & ~((p.share > ambiguous) & (p.share < 0.5)) for p in pages]
    x = np.vstack([p.x[m] for p, m in zip(pages, mask, strict=True)])
    y = np.concatenate([p.y[m] for p, m in zip(pages, mask, strict=True)])
    w = np.concatenate([1.0 + np.log1p(np.asarray(p.words, dtype=float)[m]) for p, m in zip(pages, mask, strict=True)])
    return x, y, w


def fit_logistic(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    clf = LogisticRegression(C=C, max_iter=5000)
    clf.fit((x - mean) / scale, y, sample_weight=w)
    return {"mean": _round(mean), "scale": _round(scale), "coef": _round(clf.coef_[0]),
            "intercept": round(float(clf.intercept_[0]), 6)}


def fit_trees(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> dict:
    """scikit-learn's histogram gradient boosting, flattened into the model file's node arrays."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    clf = HistGradientBoostingClassifier(**TREES, random_state=0, early_stopping=False)
    clf.fit(x, y, sample_weight=w)
    out: dict[str, list] = {k: [] for k in ("feature", "threshold", "left", "right", "value", "leaf", "roots")}
    for (predictor,) in clf._predictors:  # one tree per iteration (binary task)
        nodes = predictor.nodes
        base = len(out["feature"])
        out["roots"].append(base)
        for node in nodes:
            leaf = bool(node["is_leaf"])
            out["feature"].append(0 if leaf else int(node["feature_idx"]))
            out["threshold"].append(0.0 if leaf else round(float(node["num_threshold"]), 6))
            out["left"].append(0 if leaf else base + int(node["left"]))
            out["right"].append(0 if leaf else base + int(node["right"]))
            out["value"].append(round(float(node["value"]), 6) if leaf else 0.0)
            out["leaf"].append(int(leaf))
    return {**out, "baseline": round(float(np.ravel(clf._baseline_prediction)[0]), 6)}


def _round(a: np.ndarray) -> list[float]:
    return [round(float(v), 6) for v in a]


def fit(pages: list[Page], min_coverage: float = 0.0, ambiguous: float = 0.5) -> dict:
    """The model file's fitted parts: the logistic regression (evidence) and the tree ensemble (scores), fitted
    on the pages whose label coverage is at least ``min_coverage``."""
    x, y, w = training_rows([p for p in pages if p.coverage >= min_coverage], ambiguous)
    return {**fit_logistic(x, y, w), "trees": fit_trees(x, y, w)}


def log_odds(page: Page, fitted: dict) -> np.ndarray:
    model = parse_model({"schema": SCHEMA, "version": VERSION, "features": list(FEATURE_NAMES), **fitted,
                         "decoding": {}})
    z = model.log_odds(page.x)
    z[np.asarray(page.blank)] = np.nan
    return z


def summarise(pages: list[Page], keeps: dict[str, np.ndarray]) -> dict[str, dict[str, float]]:
    groups: dict[str, list[tuple[float, float, float]]] = collections.defaultdict(list)
    for p in pages:
        s = page_f1(p, keeps[p.dataset + "/" + p.id])
        groups["all " + p.dataset].append(s)
        groups[f"{p.dataset} {p.page_type}"].append(s)
    out = {}
    for g, vals in sorted(groups.items()):
        arr = np.asarray(vals)
        out[g] = {"n": len(vals), "p": round(float(arr[:, 0].mean()), 4), "r": round(float(arr[:, 1].mean()), 4),
                  "f1": round(float(arr[:, 2].mean()), 4), "pages_r<0.9": int((arr[:, 1] < 0.9).sum())}
    return out


def label_keeps(pages: list[Page]) -> dict[str, np.ndarray]:
    """Lines kept when exactly the article-labelled lines are kept (none labelled: everything is kept, as
    ``decode_keep`` does): the score a perfect line classifier would reach on these labels. Measured
    on boilerplate_train: F1 0.958 (articles 0.990, collection 0.873, forum 0.898, product 0.894), so the
    gap to it is in the line scores, not in the line granularity."""
    out = {}
    for p in pages:
        keep = (p.y > 0) | np.asarray(p.blank, dtype=bool)
        if not (p.y > 0).any():
            keep[:] = True
        out[p.dataset + "/" + p.id] = keep
    return out


def decode_all(pages: list[Page], z: dict[str, np.ndarray], params: dict[str, float]) -> dict[str, np.ndarray]:
    """Lines kept per page: the decoded article lines (inner furniture removed too, as when the pack fixes
    ``boilerplate/inner``)."""
    return {p.dataset + "/" + p.id: decode.decode_keep(z[p.dataset + "/" + p.id], p.words, p.blank, p.prose,
                                                       core_mask(len(p.words), p.cascade_core) if p.cascade_core
                                                       else [False] * len(p.words), params)
            for p in pages}


def decodings() -> list[dict[str, float]]:
    """The decoding grid: one run with an ``inner`` threshold, or the Viterbi decoding with a ``switch`` cost."""
    runs = [{"bias": b, "inner": i, "switch": -1.0} for b, i in itertools.product(GRID["bias"], GRID["inner"])]
    viterbi = [{"bias": b, "switch": w} for b, w in itertools.product(GRID["bias"], GRID["switch"])]
    return [{**decode.DEFAULTS, **g} for g in runs + viterbi]


def fold_means(pages: list[Page], keeps: dict[str, np.ndarray], dataset: str) -> str:
    """Mean page F1 and recall of each held-out fold of ``dataset``, and their mean over folds."""
    per: dict[int, list[tuple[float, float, float]]] = collections.defaultdict(list)
    for p in pages:
        if p.dataset == dataset and p.dataset + "/" + p.id in keeps:
            per[fold_of(p.site)].append(page_f1(p, keeps[p.dataset + "/" + p.id]))
    means = {f: np.asarray(v).mean(axis=0) for f, v in sorted(per.items())}
    parts = [f"fold {f} n={len(per[f])} F1={m[2]:.3f} R={m[1]:.3f}" for f, m in means.items()]
    avg = np.mean(list(means.values()), axis=0)
    return f"{dataset}: " + "; ".join(parts) + f"; mean over folds F1={avg[2]:.4f} R={avg[1]:.4f}"


def write_errors(path: Path, pages: list[Page], z: dict[str, np.ndarray], keeps: dict[str, np.ndarray]) -> None:
    """One TSV row per held-out page: word P/R/F1, and the words of lines labelled article that were removed or
    labelled furniture that were kept, each split by whether the model's log-odds already had them wrong (the
    model) or the decoding overrode a right score (the decoding)."""
    head = ("dataset", "id", "page_type", "site", "fold", "p", "r", "f1", "lines", "article_lines",
            "lost_model", "lost_decoding", "kept_model", "kept_decoding")
    out = ["\t".join(head)]
    for p in pages:
        k = p.dataset + "/" + p.id
        if k not in keeps:
            continue
        keep, score, nb = keeps[k], np.nan_to_num(z[k]), ~np.asarray(p.blank)
        words, art = np.asarray(p.words, dtype=float), p.y > 0
        right = score > 0
        lost, kept = art & ~keep & nb, ~art & keep & nb
        cells = (p.dataset, p.id, p.page_type, p.site, fold_of(p.site), *(f"{v:.4f}" for v in page_f1(p, keep)),
                 len(p.words), int(art.sum()), int(words[lost & ~right].sum()), int(words[lost & right].sum()),
                 int(words[kept & right].sum()), int(words[kept & ~right].sum()))
        out.append("\t".join(map(str, cells)))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def show(title: str, table: dict[str, dict[str, float]]) -> None:
    print(f"== {title}")
    for g, s in table.items():
        print(f"  {g:32s} n={s['n']:4d} P={s['p']:.3f} R={s['r']:.3f} F1={s['f1']:.3f} R<0.9: {s['pages_r<0.9']}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("datasets", nargs="+", type=Path)
    ap.add_argument("--out", type=Path, default=Path("rules/models/boilerplate-lines.json"))
    ap.add_argument("--cv-folds", type=int, default=FOLDS, choices=range(1, FOLDS + 1),
                    help=f"validate on the first N of the {FOLDS} site folds (quicker, for iterating)")
    ap.add_argument("--no-write", action="store_true", help="stop after the cross-validation")
    ap.add_argument("--errors", type=Path, help="write per-page held-out errors (TSV) here")
    ap.add_argument("--ambiguous", type=float, default=0.5,
                    help="leave out of fitting the lines whose word 3-gram share in the article is above this and "
                    "below 0.5 (the labelling threshold; default: none)")
    ap.add_argument("--min-coverage", type=float, default=0.0,
                    help="fit only pages whose article-labelled lines hold this share of the article's word 5-grams")
    args = ap.parse_args(argv)
    rules = builtin_rules_dir()
    classifier = BlockClassifier(read_toml("boilerplate_phrases.toml", (rules,)))
    pages = [p for d in args.datasets for p in load(d, classifier)]
    print(f"{len(pages)} pages, {sum(len(p.words) for p in pages)} lines, {len({p.site for p in pages})} sites",
          file=sys.stderr)
    cascade = {p.dataset + "/" + p.id: core_mask(len(p.words), p.cascade_core) for p in pages}
    show("rule cascade", summarise(pages, cascade))
    show("line labels (the ceiling of a line classifier)", summarise(pages, label_keeps(pages)))
    held_out: dict[str, np.ndarray] = {}
    for f in range(args.cv_folds):
        model = fit([p for p in pages if fold_of(p.site) != f], args.min_coverage, args.ambiguous)
        for p in pages:
            if fold_of(p.site) == f:
                held_out[p.dataset + "/" + p.id] = log_odds(p, model)
    best: tuple[float, dict[str, float]] | None = None
    train_only = [p for p in pages if p.dataset == args.datasets[0].name and p.dataset + "/" + p.id in held_out]
    for params in decodings():
        f1 = summarise(train_only, decode_all(train_only, held_out, params))["all " + train_only[0].dataset]["f1"]
        print(f"  decoding {params}: held-out F1 {f1:.4f}", file=sys.stderr)
        if best is None or f1 > best[0]:
            best = (f1, params)
    assert best is not None
    params = best[1]
    print(f"decoding tuned on held-out sites of {train_only[0].dataset}: {params}", file=sys.stderr)
    validated = [p for p in pages if p.dataset + "/" + p.id in held_out]
    cv_keeps = decode_all(validated, held_out, params)
    cv = summarise(validated, cv_keeps)
    show(f"model, sites held out ({FOLDS}-fold by site" + (f", folds 0-{args.cv_folds - 1} only)"
                                                           if args.cv_folds < FOLDS else ")"), cv)
    for d in dict.fromkeys(p.dataset for p in validated):
        print("  " + fold_means(validated, cv_keeps, d))
    if args.errors:
        write_errors(args.errors, validated, held_out, cv_keeps)
    if args.no_write:
        return 0
    model = fit(pages, args.min_coverage, args.ambiguous)
    full_z = {p.dataset + "/" + p.id: log_odds(p, model) for p in pages}
    full = summarise(pages, decode_all(pages, full_z, params))
    show("model, fitted on every page (in-sample)", full)
    doc = {
        "schema": SCHEMA, "version": VERSION, "features": list(FEATURE_NAMES), **model,
        "decoding": params,
        "training": {"datasets": [d.name for d in args.datasets], "pages": len(pages), "C": C, "folds": FOLDS,
                     "site_held_out": cv, **({"cv_folds": args.cv_folds} if args.cv_folds < FOLDS else {}),
                     **({"min_coverage": args.min_coverage,
                         "fitted_pages": sum(p.coverage >= args.min_coverage for p in pages)}
                        if args.min_coverage > 0 else {}),
                     **({"ambiguous": args.ambiguous} if args.ambiguous < 0.5 else {})},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    # one line per top-level key, the node arrays written compactly (one number per line tripled the file)
    body = ",\n".join(f"{json.dumps(k)}:{json.dumps(doc[k], sort_keys=True, separators=(',', ':'))}"
                      for k in sorted(doc))
    args.out.write_text("{\n" + body + "\n}\n", encoding="utf-8")
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Compare newsqc's boilerplate cleaning with jusText and C4's line rules on the same plain text.

Usage: python bench/compare_boilerplate.py [DEVDATA_DIR]   (default: ../shared/devdata)
       python bench/compare_boilerplate.py --held-out [DEVDATA_DIR [SCRATCH_DIR]]

Every method sees the text a naive scraper saves (one block per line). jusText gets one ``<p>`` per line
and the stoplist of the document's language (English when jusText has none); its non-boilerplate
paragraphs are kept. C4's line rules (Raffel et al. 2020, TFDS ``c4_utils``): keep lines that end in
terminal punctuation, have at least 3 words, do not end in an ellipsis and mention neither "javascript"
nor a cookie/privacy policy (the page-level rules, which drop whole pages, are left out: they would
score 0 on a dropped page). newsqc runs its per-document boilerplate rules with the default pack's
fixes (the corpus rule ``cross-document`` needs a whole corpus: ``qc audit`` runs it too).
Scores are the ones ``score.py`` computes: word-level precision/recall/F1 against the true article
(``boilerplate``), and the share of keep snippets kept / edge snippets removed (``snippets``).

``--held-out``: the default decision (cascade or line model) measured on pages neither was fitted to. For each
of the training script's 5 site folds, the line model is fitted on the pages of the other folds of
``boilerplate_train`` and ``boilerplate`` (as the shipped file is: same trees, same decoding as the shipped file),
written to a scratch file and switched on for the five boilerplate rules of a copy of the default pack; the
held-out fold's pages then run through the real rules and fixes (``check_document`` + ``clean_text``), beside the
default pack (the cascade) on the same pages. Printed per dataset, page type and fold. The cascade was partly
tuned on ``boilerplate`` (and the snippets), so ``boilerplate_train`` is the fair set for it. Needs scikit-learn.
"""

from __future__ import annotations

import collections
import html
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

WORD = re.compile(r"\w+", re.UNICODE)
END_MARKS = (".", "?", "!", '"')
POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")


def keep_all(text: str, lang: str) -> str:
    return text


def c4_lines(text: str, lang: str) -> str:
    out = []
    for line in text.splitlines():
        s = line.strip()
        low = s.lower()
        if not s.endswith(END_MARKS) or s.endswith("...") or len(s.split()) < 3:
            continue
        if "javascript" in low or any(p in low for p in POLICY):
            continue
        out.append(s)
    return "\n".join(out)


def justext_lines(text: str, lang: str) -> str:
    import justext

    from qc.boilerplate.language import _STOPLIST_NAMES

    name = _STOPLIST_NAMES.get(lang, "English")
    if name not in justext.get_stoplists():
        name = "English"
    body = "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())
    paras = justext.justext(f"<html><body>{body}</body></html>".encode(), justext.get_stoplist(name))
    return "\n".join(p.text for p in paras if not p.is_boilerplate)


def newsqc(text: str, lang: str) -> str:
    """The default pack's per-document boilerplate rules and fixes (built on first use)."""
    global _CLEAN
    if _CLEAN is None:
        _CLEAN = pipeline(None)
    return _CLEAN(text, lang)


_CLEAN: Callable[[str, str], str] | None = None
METHODS: dict[str, Callable[[str, str], str]] = {
    "keep everything": keep_all, "C4 line rules": c4_lines, "jusText (one <p> per line)": justext_lines,
    "newsqc": newsqc,
}


def words(text: str) -> collections.Counter[str]:
    return collections.Counter(w.lower() for w in WORD.findall(text))


def load(set_dir: Path) -> list[tuple[dict, str, str]]:
    from qc.lang import detect_language

    out = []
    for line in (set_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            t = json.loads(line)
            text = (set_dir / "docs" / f"{t['id']}.txt").read_text(encoding="utf-8")
            out.append((t, text, detect_language(text)))
    return out


def word_prf(article: str, cleaned: str) -> tuple[float, float, float]:
    """``score.py boilerplate``'s word-level precision, recall and F1 of a cleaned page against its article
    (also the training script's measure)."""
    gold, pred = words(article), words(cleaned)
    common = sum((gold & pred).values())
    p = common / max(1, sum(pred.values()))
    r = common / max(1, sum(gold.values()))
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_boilerplate(docs: list[tuple[dict, str, str]], method: Callable[[str, str], str]) -> tuple[float, ...]:
    ps, rs, fs = [], [], []
    for t, text, lang in docs:
        p, r, f = word_prf(t["article"], method(text, lang))
        ps.append(p)
        rs.append(r)
        fs.append(f)
    n = len(docs)
    return sum(ps) / n, sum(rs) / n, sum(fs) / n


def score_snippets(docs: list[tuple[dict, str, str]], method: Callable[[str, str], str]) -> tuple[float, ...]:
    def fold(x: str) -> str:
        return " ".join(x.split())

    kept = keep_n = gone = edge_n = 0
    for t, text, lang in docs:
        clean = fold(method(text, lang))
        for s in t.get("keep", []):
            keep_n += 1
            kept += fold(s) in clean
        for s in t.get("drop_edge", []):
            edge_n += 1
            gone += fold(s) not in clean
    return kept / max(1, keep_n), gone / max(1, edge_n)


def pipeline(pack_path: Path | None) -> Callable[[str, str], str]:
    """The per-document boilerplate rules and fixes of a pack (``None``: the default pack) as a cleaner."""
    from qc.engine import check_document, clean_text
    from qc.model import Document
    from qc.pack import load_pack

    pack = load_pack(pack_path, select=["boilerplate"])
    rules = [r for r in pack.build() if r.id != "boilerplate/cross-document"]
    fix = {r.id for r in rules if pack.fix_enabled(r.id)}

    def clean(text: str, lang: str) -> str:
        findings, _ = check_document(Document(id="x", text=text, lang=lang), rules)
        return clean_text(text, findings, fix)[0]
    return clean


MODEL_RULES = ("leading", "trailing", "inner", "repeated-block", "cross-document")


def model_pack(model_file: Path, out: Path) -> Path:
    """A copy of the default pack with ``model`` set on the five boilerplate rules (lexicons from the built-in
    rules directory, which stays on the search path)."""
    from qc.lexicon import builtin_rules_dir

    text = (builtin_rules_dir() / "default.toml").read_text(encoding="utf-8")
    for rule in MODEL_RULES:
        head = f'[rules."boilerplate/{rule}"]\n'
        assert head in text, head
        text = text.replace(head, head + f"model = {json.dumps(str(model_file))}\n")
    out.write_text(text, encoding="utf-8")
    return out


def held_out(root: Path, scratch: Path) -> None:
    """Cascade vs line model on site-held-out pages, through the real rules (see the module docstring)."""
    import numpy as np
    import train_boilerplate as tb

    from qc.boilerplate.blocks import BlockClassifier
    from qc.lang import detect_language
    from qc.lexicon import builtin_rules_dir, read_toml

    scratch.mkdir(parents=True, exist_ok=True)
    shipped = json.loads((builtin_rules_dir() / "models" / "boilerplate-lines.json").read_text(encoding="utf-8"))
    classifier = BlockClassifier(read_toml("boilerplate_phrases.toml", (builtin_rules_dir(),)))
    pages = [p for d in ("boilerplate_train", "boilerplate") for p in tb.load(root / d, classifier)]
    cascade = newsqc
    scores: dict[str, list[tuple[str, int, tuple[float, ...], tuple[float, ...]]]] = collections.defaultdict(list)
    for f in range(tb.FOLDS):
        fitted = tb.fit([p for p in pages if tb.fold_of(p.site) != f])
        doc = {"schema": tb.SCHEMA, "version": tb.VERSION, "features": list(tb.FEATURE_NAMES), **fitted,
               "decoding": shipped["decoding"]}
        model_file = scratch / f"fold{f}.json"
        model_file.write_text(json.dumps(doc), encoding="utf-8")
        model = pipeline(model_pack(model_file, scratch / f"fold{f}.toml"))
        for p in pages:
            if tb.fold_of(p.site) == f:
                lang = detect_language(p.text)
                scores[p.dataset].append((p.page_type, f, word_prf(p.article, cascade(p.text, lang)),
                                          word_prf(p.article, model(p.text, lang))))
        print(f"fold {f} done", file=sys.stderr)
    print(f"{'held-out pages':34s} {'n':>4s} | cascade {'P':>5s} {'R':>5s} {'F1':>5s} | model {'P':>5s} {'R':>5s} "
          f"{'F1':>5s} | F1 gain")
    for dataset, rows in scores.items():
        groups: dict[str, list[tuple[tuple[float, ...], tuple[float, ...]]]] = collections.defaultdict(list)
        for page_type, f, c, m in rows:
            groups["all"].append((c, m))
            groups[f"type {page_type}"].append((c, m))
            groups[f"fold {f}"].append((c, m))
        for g, vals in sorted(groups.items(), key=lambda kv: (kv[0] != "all", kv[0])):
            c = np.asarray([v[0] for v in vals]).mean(axis=0)
            m = np.asarray([v[1] for v in vals]).mean(axis=0)
            print(f"{dataset + ' ' + g:34s} {len(vals):4d} | cascade {c[0]:.3f} {c[1]:.3f} {c[2]:.3f} | "
                  f"model {m[0]:.3f} {m[1]:.3f} {m[2]:.3f} | {m[2] - c[2]:+.3f}")
        folds = [np.asarray(vals).mean(axis=0) for g, vals in groups.items() if g.startswith("fold")]
        fm = np.mean(folds, axis=0)
        print(f"{dataset + ' mean over folds':34s} {'':4s} | cascade {fm[0][0]:.3f} {fm[0][1]:.3f} {fm[0][2]:.3f} | "
              f"model {fm[1][0]:.3f} {fm[1][1]:.3f} {fm[1][2]:.3f} | {fm[1][2] - fm[0][2]:+.3f}")


def main() -> None:
    args = [a for a in sys.argv[1:] if a != "--held-out"]
    root = Path(args[0]) if args else Path(__file__).resolve().parents[2] / "shared" / "devdata"
    if "--held-out" in sys.argv[1:]:
        held_out(root, Path(args[1]) if len(args) > 1 else Path("/tmp/newsqc-heldout"))
        return
    bp, sn = load(root / "boilerplate"), load(root / "boilerplate_snippets")
    print(f"{'method':30s} {'P':>6s} {'R':>6s} {'F1':>6s} | {'keep kept':>9s} {'edge removed':>12s}")
    for name, method in METHODS.items():
        p, r, f = score_boilerplate(bp, method)
        k, e = score_snippets(sn, method)
        print(f"{name:30s} {p:6.3f} {r:6.3f} {f:6.3f} | {k:9.3f} {e:12.3f}")
    print(f"(boilerplate: {len(bp)} pages; snippets: {len(sn)} pages)")


if __name__ == "__main__":
    main()

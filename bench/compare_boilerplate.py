#!/usr/bin/env python3
"""Compare newsqc's boilerplate cleaning with jusText and C4's line rules on the same plain text.

Usage: python bench/compare_boilerplate.py [DEVDATA_DIR]   (default: ../shared/devdata)

Every method sees the text a naive scraper saves (one block per line). jusText gets one ``<p>`` per line
and the stoplist of the document's language (English when jusText has none); its non-boilerplate
paragraphs are kept. C4's line rules (Raffel et al. 2020, TFDS ``c4_utils``): keep lines that end in
terminal punctuation, have at least 3 words, do not end in an ellipsis and mention neither "javascript"
nor a cookie/privacy policy (the page-level rules, which drop whole pages, are left out: they would
score 0 on a dropped page). newsqc runs its per-document boilerplate rules with the default pack's
fixes (the corpus rule ``cross-document`` needs a whole corpus: ``qc audit`` runs it too).
Scores are the ones ``score.py`` computes: word-level precision/recall/F1 against the true article
(``boilerplate``), and the share of keep snippets kept / edge snippets removed (``snippets``).
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
    from qc.engine import check_document, clean_text
    from qc.model import Document
    from qc.pack import load_pack

    global _RULES
    if _RULES is None:
        pack = load_pack(select=["boilerplate"])
        rules = [r for r in pack.build() if r.id != "boilerplate/cross-document"]
        _RULES = (rules, {r.id for r in rules if pack.fix_enabled(r.id)})
    rules, fix = _RULES
    findings, _ = check_document(Document(id="x", text=text, lang=lang), rules)
    return clean_text(text, findings, fix)[0]


_RULES = None
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


def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[2] / "shared" / "devdata"
    bp, sn = load(root / "boilerplate"), load(root / "boilerplate_snippets")
    print(f"{'method':30s} {'P':>6s} {'R':>6s} {'F1':>6s} | {'keep kept':>9s} {'edge removed':>12s}")
    for name, method in METHODS.items():
        p, r, f = score_boilerplate(bp, method)
        k, e = score_snippets(sn, method)
        print(f"{name:30s} {p:6.3f} {r:6.3f} {f:6.3f} | {k:9.3f} {e:12.3f}")
    print(f"(boilerplate: {len(bp)} pages; snippets: {len(sn)} pages)")


if __name__ == "__main__":
    main()

"""Audit output directories for the HTML report tests, written the way ``qc audit`` writes them.

``write_audit_dir`` takes documents with findings and writes ``reports.jsonl``, ``edits.jsonl`` (edits
chosen by the engine's own ``choose_edits``), ``texts.jsonl`` and ``summary.json``. ``generated_corpus``
makes a deterministic corpus of any size with every family, clusters, astral characters and errors.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from qc.fixes import apply_edits, choose_edits
from qc.model import Finding, Severity

HOSTILE = '</script><img src=x onerror="window.__pwned=1">\n<script>window.__pwned=2</script><!-- <b>'


def finding(text: str, rule: str, start: int, end: int, message: str, fix: str | None = None,
            severity: str = "warning", score: float | None = None) -> Finding:
    return Finding(rule=rule, family=rule.split("/", 1)[0], severity=Severity(severity), start=start, end=end,
                   excerpt=text[start:end], message=message, fix=fix, score=score)


def doc(doc_id: str, text: str, findings: Iterable[Finding] = (), *, lang: str = "en", verdict: str | None = None,
        score: float | None = None, cluster: str | None = None, duplicate_of: str | None = None,
        error: str | None = None, dropped: bool = False, source: str | None = None) -> dict[str, Any]:
    fs = sorted(findings, key=lambda f: (f.start, f.end, f.rule))
    if verdict is None:
        verdict = "fail" if any(f.severity == Severity.ERROR for f in fs) else ("warn" if fs else "pass")
    if score is None:
        score = max(0.0, 1.0 - 0.15 * len(fs))
    return {"id": doc_id, "text": text, "findings": fs, "lang": lang, "verdict": verdict, "score": score,
            "cluster": cluster, "duplicate_of": duplicate_of, "error": error, "dropped": dropped,
            "source": source if source is not None else f"corpus/{doc_id}.txt"}


def write_audit_dir(out: Path, docs: list[dict[str, Any]], *, gate: dict[str, Any] | None = None,
                    texts: bool = True) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    verdicts: Counter[str] = Counter()
    by_rule: Counter[str] = Counter()
    by_family: Counter[str] = Counter()
    removed_total = 0
    with (out / "reports.jsonl").open("w", encoding="utf-8") as rep, \
         (out / "edits.jsonl").open("w", encoding="utf-8") as ed, \
         (out / "texts.jsonl").open("w", encoding="utf-8") as tx:
        for d in docs:
            edits, _ = choose_edits(d["findings"], d["text"])
            clean = apply_edits(d["text"], edits)
            removed = len(d["text"]) - len(clean)
            removed_total += removed
            verdicts[d["verdict"]] += 1
            for f in d["findings"]:
                by_rule[f.rule] += 1
                by_family[f.family] += 1
            rep.write(json.dumps({
                "id": d["id"], "source": d["source"], "lang": d["lang"], "chars": len(d["text"]),
                "score": d["score"], "verdict": d["verdict"], "findings": [f.to_dict() for f in d["findings"]],
                "cluster": d["cluster"], "duplicate_of": d["duplicate_of"], "error": d["error"],
                "removed_chars": removed, "dropped": d["dropped"]}, ensure_ascii=False) + "\n")
            if edits or d["dropped"]:
                ed.write(json.dumps({"id": d["id"], "edits": [e.to_dict() for e in edits],
                                     "dropped": d["dropped"]}, ensure_ascii=False) + "\n")
            if texts and not d["error"]:
                tx.write(json.dumps({"id": d["id"], "text": d["text"]}, ensure_ascii=False) + "\n")
    if not texts:
        (out / "texts.jsonl").unlink()
    dropped = sum(1 for d in docs if d["dropped"])
    summary = {
        "documents_in": len(docs), "documents_out": len(docs) - dropped,
        "verdicts": {v: verdicts.get(v, 0) for v in ("pass", "warn", "fail")},
        "errors": sum(1 for d in docs if d["error"]), "by_rule": dict(by_rule), "by_family": dict(by_family),
        "removed_chars": removed_total,
        "duplicates": {"clusters": len({d["cluster"] for d in docs if d["cluster"]}),
                       "documents": sum(1 for d in docs if d["duplicate_of"]), "threshold": 0.8},
        "gate": gate, "timings": {"read": 0.12, "rules": 1.5, "resolve": 0.3},
    }
    (out / "summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    return out


def small_corpus() -> list[dict[str, Any]]:
    """A handful of documents covering every family, overlaps, a hostile text, emoji, a cluster."""
    docs = []
    t = "Breaking: Prices rose by 5â€“7% in Berlin ðŸ˜€ yesterday.\nRead more: subscribe to our newsletter!"
    i = t.index("â€“")
    j = t.index("ðŸ˜€")
    k = t.index("Read more")
    docs.append(doc("mojibake-1", t, [
        finding(t, "encoding/mojibake", i, i + 3, "mojibake of an en dash", fix="–", severity="error"),
        finding(t, "encoding/mojibake", j, j + 4, "mojibake of an emoji", fix="😀", severity="error"),
        finding(t, "boilerplate/newsletter", k, len(t), "newsletter call to action", fix=""),
    ]))
    t2 = "Le gouvernement a annoncé 😀 des mesures. The minister said the plan is final. Fin."
    s2 = t2.index("The minister")
    e2 = t2.index(" Fin.")
    docs.append(doc("untranslated-2", t2, [
        finding(t2, "untranslated/foreign-sentence", s2, e2, "English sentence in a French document", fix=""),
        finding(t2, "mt-artifact/literal", s2 + 4, s2 + 12, "overlapping MT marker"),
    ], lang="fr"))
    docs.append(doc(HOSTILE[:24] + '"id', HOSTILE + "\nplain tail text",
                    [finding(HOSTILE, "encoding/control-char", 0, 9, "<b>hostile message</b>", fix="</script>")],
                    source='"><img src=x onerror="window.__pwned=3">'))
    base = ("The city council approved the new budget on Monday after a long debate about schools, roads and "
            "the harbour. The mayor said the vote was a good day for the city.")
    other = base.replace("Monday", "Tuesday").replace("long ", "") + " Copyright 2024 Example News."
    docs.append(doc("budget-a", base, [], cluster="c1"))
    docs.append(doc("budget-b", other, [
        finding(other, "near-duplicate/near-duplicate", 0, len(other), "near-duplicate of budget-a (0.86)",
                fix=None, score=0.86),
        finding(other, "boilerplate/copyright", other.index("Copyright"), len(other), "copyright line", fix=""),
    ], cluster="c1", duplicate_of="budget-a", dropped=True))
    docs.append(doc("clean-6", "A perfectly ordinary article with nothing wrong in it.", []))
    docs.append(doc("broken-7", "", [], verdict="fail", score=0.0, error="could not decode: invalid UTF-16"))
    return docs


_WORDS = ("the", "council", "report", "said", "prices", "market", "city", "water", "school", "minister", "vote",
          "budget", "police", "road", "weather", "storm", "club", "match", "season", "bank", "rate", "energy",
          "plan", "health", "hospital", "court", "trial")


def generated_corpus(n: int, seed: int = 7) -> list[dict[str, Any]]:
    """``n`` synthetic news documents: about a third clean, the rest with findings of every family."""
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    langs = ["en"] * 8 + ["de", "fr", "es"]
    for n_i in range(n):
        sents = []
        for _ in range(rng.randint(3, 8)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(6, 14))]
            sents.append(" ".join(words).capitalize() + ".")
        text = " ".join(sents)
        fs: list[Finding] = []
        kind = n_i % 6
        if kind == 1:
            text = text + " Prices rose by 5â€“7%."
            i = text.index("â€“")
            fs.append(finding(text, "encoding/mojibake", i, i + 3, "mojibake of an en dash", fix="–",
                              severity="error"))
        elif kind == 2:
            text = text + "\nSubscribe to our newsletter for more."
            i = text.index("\nSubscribe")
            fs.append(finding(text, "boilerplate/newsletter", i, len(text), "newsletter call to action", fix=""))
        elif kind == 3:
            text = "🙂 " + text + " Das ist nicht übersetzt."
            i = text.index("Das ist")
            fs.append(finding(text, "untranslated/foreign-sentence", i, len(text), "German sentence", fix=""))
            fs.append(finding(text, "mt-artifact/repeated-word", 2, 10, "repeated word run"))
        elif kind == 4:
            fs.append(finding(text, "mt-artifact/literal", 0, min(20, len(text)), "literal translation", score=0.7))
        cluster = dup = None
        if n_i % 50 in (10, 11, 12):
            cluster = f"cl{n_i // 50}"
            if n_i % 50 != 10:
                first = docs[n_i - n_i % 50 + 10]
                text = first["text"].replace("the", "a", 2) + " Extra line."
                dup = first["id"]
                fs = [finding(text, "near-duplicate/near-duplicate", 0, len(text), f"near-duplicate of {dup}",
                              score=0.9)]
        error = "could not decode" if n_i % 997 == 500 else None
        docs.append(doc(f"doc-{n_i:06d}", text, fs, lang=rng.choice(langs), cluster=cluster, duplicate_of=dup,
                        error=error, dropped=dup is not None,
                        score=round(rng.random() * (0.6 if fs else 1.0), 4)))
    return docs

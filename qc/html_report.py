"""The audit report a person opens: one HTML page with charts, highlighted findings and before/after views.

``write_html_report(out_dir)`` reads what ``qc audit`` wrote into ``out_dir`` (``summary.json``,
``reports.jsonl``, ``edits.jsonl`` and ``texts.jsonl``, the original texts) and writes
``out_dir/report.html``. Nothing is fetched from the network when the page is opened: CSS, JS and the
charts (inline SVG) are inside the file.

Scale: the documents table is driven by a compact columnar index (a few dozen bytes per document) that
the page parses at start; texts, findings and edits are stored per chunk of ``CHUNK_DOCS`` documents and
parsed only when a document of that chunk is opened. Small corpora keep the chunks inside the page
(``<script type="application/json">`` blocks, one file to mail around); above ``max_inline_docs``
documents or ``MAX_INLINE_TEXT_BYTES`` of text the chunks go to ``report_files/cNNNNN.js`` beside the page
(plain ``<script src>`` files, which browsers load from ``file://`` where ``fetch`` is refused).

Safety: document text never becomes markup. Embedded JSON escapes ``<``, ``>``, ``&`` and U+2028/9, the
page's JS only ever writes text with ``textContent``/text nodes, and a Content-Security-Policy that allows
only this page's own script (by hash) blocks inline handlers should anything slip through.

Offsets: findings and edits carry Python code-point offsets; the page works in JS UTF-16 code units, so
offsets are converted here for texts with characters outside the BMP (emoji, some CJK).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import html
import json
import math
import os
import re
import shutil
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from qc.model import FAMILIES
from qc.writers import atomic_path, make_temp_dir

__all__ = ["HTML_DEFAULT_MAX_DOCS", "write_html_report"]

# Above this many documents `qc audit` leaves --html off unless asked (a hint says how to turn it on).
# Measured: 100k generated news documents -> a 4.8 MB page (index ~48 bytes/document, texts in side
# files) that headless Chromium opens in 0.5 s, filters/sorts in < 0.4 s; 200k stays well within that.
HTML_DEFAULT_MAX_DOCS = 200_000
# Texts are kept inside report.html up to this many documents and this much text (texts.jsonl bytes);
# past either the chunks go to side files, so the page stays a few MB however large the corpus (at most
# ~4 MB of inline text plus the index). Measured with bench/bench_html_report.py: 20k news-sized
# documents (~3 KB) -> a 1.0 MB page + 60 MB of side files, where inlining them made a 61 MB page;
# 1,300 documents (3.8 MB of text) stay one 4.0 MB file.
MAX_INLINE_DOCS = 20_000
MAX_INLINE_TEXT_BYTES = 4 * 2**20
# Documents per detail chunk: opening one document parses at most this many texts (~0.5 MB of news).
CHUNK_DOCS = 128
SIDE_DIR = "report_files"
_SIDE_MARKER = ".newsqc-report-files"
# Rules drawn in the per-rule chart; the rest are summed in one "other rules" bar.
TOP_RULES = 30
TOP_LANGS = 12
HIST_BINS = 20
# Finding `data` is shown in the page when it is small; big blobs (e.g. cluster member lists) are not.
MAX_DATA_JSON = 600

VERDICTS = ("pass", "warn", "fail")
SEVERITIES = ("info", "warning", "error")
FAMILY_COLORS = {
    "encoding": "#e8590c",
    "untranslated": "#1c7ed6",
    "mt-artifact": "#ae3ec9",
    "boilerplate": "#0ca678",
    "near-duplicate": "#d6336c",
}
OTHER_COLOR = "#5c677d"
VERDICT_COLORS = {"pass": "#2b8a3e", "warn": "#e67700", "fail": "#c92a2a"}

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
_JSON_ESCAPE_RE = re.compile("[<>&\u2028\u2029]")


# ----------------------------------------------------------------------------------------- reading


def _iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _count_lines(path: Path) -> int:
    if not path.exists():
        return 0
    with path.open("rb") as fh:
        return sum(1 for line in fh if line.strip())


class _Texts:
    """Original texts by id, read in step with reports.jsonl.

    The runner writes texts.jsonl in report order and skips documents it could not read, so the text
    rows are a subsequence of the reports: a row whose id does not match waits for its document.
    """

    def __init__(self, path: Path) -> None:
        self.available = path.exists()
        self._it = _iter_jsonl(path)
        self._pending: dict[str, Any] | None = None

    def get(self, doc_id: str) -> str | None:
        if self._pending is None:
            self._pending = next(self._it, None)
        row = self._pending
        if row is None or str(row.get("id")) != doc_id:
            return None
        self._pending = None
        text = row.get("text")
        return text if isinstance(text, str) else None


def _u16(text: str) -> Callable[[int], int]:
    """Code-point offset -> UTF-16 offset (identity unless the text has astral characters)."""
    astral = [m.start() for m in _ASTRAL.finditer(text)]
    if not astral:
        return lambda i: i
    return lambda i: i + bisect.bisect_left(astral, i)


def _json_for_script(obj: Any) -> str:
    """JSON that is inert inside <script type="application/json"> (no `</script`, no `<!--`)."""
    s = json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
    return _JSON_ESCAPE_RE.sub(lambda m: _JSON_ESCAPES[m.group()], s)


def _safe_data(data: Any) -> Any:
    if not data:
        return None
    try:
        s = json.dumps(data, ensure_ascii=False)
    except (TypeError, ValueError):
        return None
    return data if len(s) <= MAX_DATA_JSON else None


# ----------------------------------------------------------------------------------------- building


class _Interner:
    def __init__(self, first: tuple[str, ...] = ()) -> None:
        self.items: list[str] = list(first)
        self.index: dict[str, int] = {v: i for i, v in enumerate(first)}

    def __call__(self, value: str) -> int:
        i = self.index.get(value)
        if i is None:
            i = self.index[value] = len(self.items)
            self.items.append(value)
        return i


def _build(out_dir: Path, side_dir: Path | None) -> tuple[dict[str, Any], list[str], dict[str, Any]]:
    """One pass over the audit output: the index, the inline chunks (or side files) and chart stats."""
    texts = _Texts(out_dir / "texts.jsonl")
    edits_by_id: dict[str, dict[str, Any]] = {}
    for row in _iter_jsonl(out_dir / "edits.jsonl"):
        edits_by_id[str(row.get("id"))] = row

    families = _Interner(FAMILIES)
    rules = _Interner()
    rule_family: list[int] = []
    langs = _Interner()
    clusters = _Interner()
    cols: dict[str, list[Any]] = {k: [] for k in
                                  ("id", "lang", "chars", "score", "verdict", "nf", "fam", "dr", "cl",
                                   "dup", "err", "rm", "ed", "drop")}
    dup_ids: list[str | None] = []
    stats: dict[str, Any] = {
        "verdicts": Counter(), "family_findings": Counter(), "rule_findings": Counter(),
        "rule_docs": Counter(), "severity": Counter(), "langs": Counter(),
        "hist": [[0, 0, 0] for _ in range(HIST_BINS)], "chars": 0, "removed": 0, "errors": 0,
        "cluster_sizes": Counter(), "duplicates": 0, "dropped": 0, "edited": 0, "findings": 0,
    }
    chunks: list[str] = []
    chunk: list[Any] = []

    def flush() -> None:
        if not chunk:
            return
        k = len(chunks)
        payload = _json_for_script(chunk)
        if side_dir is None:
            chunks.append(payload)
        else:
            (side_dir / f"c{k:05d}.js").write_text(f"window.qcChunk({k},{payload});\n", encoding="utf-8")
            chunks.append("")
        chunk.clear()

    for rep in _iter_jsonl(out_dir / "reports.jsonl"):
        doc_id = str(rep.get("id", len(cols["id"])))
        text = texts.get(doc_id) if texts.available else None
        conv = _u16(text) if text is not None else (lambda i: i)
        tlen = len(text) if text is not None else None
        verdict = rep.get("verdict") if rep.get("verdict") in VERDICTS else "warn"
        score = rep.get("score")
        score = float(score) if isinstance(score, int | float) and math.isfinite(score) else None
        findings = rep.get("findings") or []

        fam_mask = 0
        doc_rules: set[int] = set()
        compact_findings = []
        for f in findings:
            rule = str(f.get("rule", "?"))
            fam = str(f.get("family") or rule.split("/", 1)[0])
            fi = families(fam)
            ri = rules(rule)
            if ri == len(rule_family):
                rule_family.append(fi)
            fam_mask |= 1 << fi
            doc_rules.add(ri)
            sev = f.get("severity")
            s, e = int(f.get("start", 0) or 0), int(f.get("end", 0) or 0)
            if tlen is not None:
                s = max(0, min(s, tlen))
                e = max(s, min(e, tlen))
            fs = f.get("score")
            compact_findings.append([
                ri, SEVERITIES.index(sev) if sev in SEVERITIES else 1, conv(s), conv(e),
                str(f.get("message", "")), f.get("fix"),
                round(fs, 4) if isinstance(fs, int | float) and math.isfinite(fs) else None,
                str(f.get("excerpt", "")) if text is None else None,
                _safe_data(f.get("data")),
            ])
            stats["family_findings"][fam] += 1
            stats["rule_findings"][rule] += 1
            stats["severity"][sev] += 1
        for ri in doc_rules:
            stats["rule_docs"][rules.items[ri]] += 1
        stats["findings"] += len(findings)

        erow = edits_by_id.get(doc_id) or {}
        compact_edits = []
        last_end = -1
        for ed in sorted(erow.get("edits") or [], key=lambda x: (x.get("start", 0), x.get("end", 0))):
            s, e = int(ed.get("start", 0)), int(ed.get("end", 0))
            if tlen is not None and not (0 <= s <= e <= tlen):
                continue
            if s < last_end:  # overlapping edits cannot both apply; the engine never writes them
                continue
            last_end = e
            compact_edits.append([conv(s), conv(e), str(ed.get("new", "")), rules(str(ed.get("rule", "?"))),
                                  str(ed.get("old", "")) if text is None else None])
            if len(rule_family) < len(rules.items):
                rule_family.append(families(str(ed.get("rule", "?")).split("/", 1)[0]))
        dropped = bool(erow.get("dropped"))

        lang = str(rep.get("lang") or "und")
        cluster = rep.get("cluster")
        dup = rep.get("duplicate_of")
        error = rep.get("error")
        chars = int(rep.get("chars") or (tlen or 0))
        removed = int(rep.get("removed_chars") or 0)

        cols["id"].append(doc_id)
        cols["lang"].append(langs(lang))
        cols["chars"].append(chars)
        cols["score"].append(max(0, min(1000, round(score * 1000))) if score is not None else -1)
        cols["verdict"].append(VERDICTS.index(verdict))
        cols["nf"].append(len(findings))
        cols["fam"].append(fam_mask)
        cols["dr"].append(sorted(doc_rules))
        cols["cl"].append(clusters(str(cluster)) if cluster is not None else -1)
        cols["err"].append(1 if error else 0)
        cols["rm"].append(removed)
        cols["ed"].append(len(compact_edits))
        cols["drop"].append(1 if dropped else 0)
        dup_ids.append(str(dup) if dup is not None else None)

        chunk.append({"t": text, "src": str(rep.get("source") or ""), "f": compact_findings,
                      "e": compact_edits, "x": str(error) if error else None, "drop": dropped})
        if len(chunk) >= CHUNK_DOCS:
            flush()

        stats["verdicts"][verdict] += 1
        stats["langs"][lang] += 1
        if score is not None:  # binned on the stored milli-score so the page's bin filter agrees exactly
            s1000 = max(0, min(1000, round(score * 1000)))
            stats["hist"][min(HIST_BINS - 1, s1000 * HIST_BINS // 1000)][VERDICTS.index(verdict)] += 1
        stats["chars"] += chars
        stats["removed"] += removed
        stats["errors"] += 1 if error else 0
        if cluster is not None:
            stats["cluster_sizes"][str(cluster)] += 1
        stats["duplicates"] += 1 if dup is not None else 0
        stats["dropped"] += 1 if dropped else 0
        stats["edited"] += 1 if compact_edits else 0
    flush()

    first: dict[str, int] = {}
    for i, d in enumerate(cols["id"]):
        first.setdefault(d, i)
    cols["dup"] = [first.get(d, -1) if d is not None else -1 for d in dup_ids]
    while len(rule_family) < len(rules.items):
        rule_family.append(families(rules.items[len(rule_family)].split("/", 1)[0]))

    index = {
        "v": 1, "n": len(cols["id"]), "chunk": CHUNK_DOCS, "chunks": len(chunks),
        "inline": side_dir is None, "dir": SIDE_DIR, "hasText": texts.available,
        "families": families.items, "famColors": [FAMILY_COLORS.get(f, OTHER_COLOR) for f in families.items],
        "rules": rules.items, "ruleFamily": rule_family, "langs": langs.items, "clusters": clusters.items,
        "verdicts": list(VERDICTS), "severities": list(SEVERITIES), **cols,
    }
    return index, chunks, stats


# ----------------------------------------------------------------------------------------- overview

_e = html.escape


def _q(value: str) -> str:
    return urllib.parse.quote(value, safe="")


def _fmt(n: float) -> str:
    return f"{n:,.0f}" if float(n).is_integer() else f"{n:,.3g}"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def _hbar_chart(items: list[tuple[str, int, str, str | None, str]], label: str, unit: str) -> str:
    """Horizontal bars: (label, value, colour, link or None, tooltip extra)."""
    if not items:
        return '<p class="empty">None.</p>'
    row_h, label_w, bar_w, num_w = 22, 220, 360, 70
    h = row_h * len(items) + 4
    vmax = max(v for _, v, _, _, _ in items) or 1
    out = [f'<svg class="chart" role="img" aria-label="{_e(label)}" viewBox="0 0 {label_w + bar_w + num_w} {h}" '
           f'width="{label_w + bar_w + num_w}" height="{h}"><title>{_e(label)}</title>']
    for i, (name, v, color, link, extra) in enumerate(items):
        y = i * row_h + 2
        w = max(1.0, bar_w * v / vmax) if v else 0
        tip = f"{name}: {v:,} {unit}{extra}"
        short = name if len(name) <= 32 else name[:31] + "…"
        body = (f'<title>{_e(tip)}</title>'
                f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" class="lbl">{_e(short)}</text>'
                f'<rect x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" rx="2" fill="{color}"/>'
                f'<text x="{label_w + w + 5:.1f}" y="{y + 15}" class="num">{v:,}</text>')
        if link:
            out.append(f'<a href="{_e(link)}" class="bar">{body}</a>')
        else:
            out.append(f'<g class="bar">{body}</g>')
    out.append("</svg>")
    return "".join(out)


def _histogram(hist: list[list[int]]) -> str:
    w, h, pad_l, pad_b, pad_t = 560, 200, 44, 28, 10
    inner_w, inner_h = w - pad_l - 10, h - pad_b - pad_t
    totals = [sum(b) for b in hist]
    vmax = max(totals) or 1
    bw = inner_w / len(hist)
    out = [f'<svg class="chart" role="img" aria-label="Score histogram" viewBox="0 0 {w} {h}" width="{w}" '
           f'height="{h}"><title>Documents per score bin, stacked by verdict</title>']
    for t in (0, vmax // 2, vmax):
        y = pad_t + inner_h - inner_h * t / vmax
        out.append(f'<line x1="{pad_l}" x2="{w - 10}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                   f'<text x="{pad_l - 4}" y="{y + 4:.1f}" text-anchor="end" class="num">{t:,}</text>')
    for i, bins in enumerate(hist):
        x = pad_l + i * bw
        y = pad_t + inner_h
        lo, hi = i / len(hist), (i + 1) / len(hist)
        tip = f"score {lo:.2f}–{hi:.2f}: {sum(bins):,} documents (" + ", ".join(
            f"{n:,} {v}" for v, n in zip(VERDICTS, bins, strict=True)) + ")"
        out.append(f'<a href="#documents?smin={lo:.2f}&amp;smax={hi:.2f}" class="bar"><title>{_e(tip)}</title>')
        out.append(f'<rect x="{x:.1f}" y="{pad_t}" width="{bw:.1f}" height="{inner_h}" fill="transparent"/>')
        for v, n in zip(VERDICTS, bins, strict=True):
            if not n:
                continue
            bh = inner_h * n / vmax
            y -= bh
            out.append(f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{bw - 2:.1f}" height="{bh:.1f}" '
                       f'fill="{VERDICT_COLORS[v]}"/>')
        out.append("</a>")
    for t in range(0, 11, 2):
        x = pad_l + inner_w * t / 10
        out.append(f'<text x="{x:.1f}" y="{h - 8}" text-anchor="middle" class="num">{t / 10:.1f}</text>')
    out.append("</svg>")
    return "".join(out)


def _verdict_bar(counts: Counter[str], total: int) -> str:
    if not total:
        return ""
    parts = []
    for v in VERDICTS:
        n = counts.get(v, 0)
        if n:
            parts.append(f'<a href="#documents?verdict={v}" class="seg v-{v}" style="flex:{n}" '
                         f'title="{n:,} {v} ({_pct(n, total)})">{v} {_pct(n, total)}</a>')
    return f'<div class="vbar" role="img" aria-label="verdict shares">{"".join(parts)}</div>'


def _kv_table(d: dict[str, Any], caption: str) -> str:
    rows = []
    for k, v in d.items():
        if isinstance(v, float):
            v = f"{v:,.4g}"
        elif isinstance(v, int):
            v = f"{v:,}"
        elif not isinstance(v, str):
            v = json.dumps(v, ensure_ascii=False)
        rows.append(f"<tr><th scope=row>{_e(str(k))}</th><td>{_e(str(v))}</td></tr>")
    if not rows:
        return ""
    return f'<table class="kv"><caption>{_e(caption)}</caption>{"".join(rows)}</table>'


def _overview(summary: dict[str, Any], index: dict[str, Any], stats: dict[str, Any]) -> str:
    n = index["n"]
    docs_in = summary.get("documents_in", n)
    docs_out = summary.get("documents_out", n - stats["dropped"])
    verdicts = Counter({v: int((summary.get("verdicts") or {}).get(v, stats["verdicts"].get(v, 0)))
                        for v in VERDICTS})
    errors = summary.get("errors", stats["errors"])
    removed = summary.get("removed_chars", stats["removed"])
    chars_in = summary.get("chars_in", stats["chars"])
    n_clusters = len(stats["cluster_sizes"])
    in_clusters = sum(stats["cluster_sizes"].values())

    def card(label: str, value: str, sub: str = "", cls: str = "", link: str | None = None) -> str:
        inner = (f'<span class="lbl">{_e(label)}</span><span class="val">{_e(value)}</span>'
                 f'<span class="sub">{_e(sub)}</span>')
        if link:
            return f'<a class="card {cls}" href="{_e(link)}">{inner}</a>'
        return f'<div class="card {cls}">{inner}</div>'

    cards = [
        card("Documents in", _fmt(docs_in)),
        card("Documents out", _fmt(docs_out), f"{_fmt(docs_in - docs_out)} dropped" if docs_in != docs_out else ""),
        *(card(v.capitalize(), _fmt(verdicts[v]), _pct(verdicts[v], n), f"v-{v}", f"#documents?verdict={v}")
          for v in VERDICTS),
        card("Errors", _fmt(errors), "documents that could not be checked", "v-fail" if errors else "",
             "#documents?flag=err" if errors else None),
        card("Findings", _fmt(stats["findings"]), f"{len(index['rules'])} rules fired"),
        card("Characters removed", _fmt(removed), f"{_pct(removed, chars_in)} of {_fmt(chars_in)}",
             "", "#documents?flag=edited" if stats["edited"] else None),
        card("Near-duplicates", _fmt(stats["duplicates"]),
             f"{_pct(stats['duplicates'], n)} of documents · {n_clusters:,} clusters",
             "", "#documents?flag=dup" if stats["duplicates"] else None),
    ]

    gate = summary.get("gate")
    if gate is None:
        gate_html = ('<section class="panel gate none" aria-labelledby="gate-h"><h2 id="gate-h">Gate</h2>'
                     "<p>No gate policy was set for this run.</p></section>")
    else:
        passed = bool(gate.get("passed"))
        viol = gate.get("violations") or []
        vlist = "".join(f"<li>{_e(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))}</li>"
                        for v in viol)
        checks = [c for c in gate.get("checks") or [] if isinstance(c, dict)]
        crows = "".join(
            f'<tr class="{"ok" if c.get("passed") else "bad"}"><td>{"✓" if c.get("passed") else "✗"}</td>'
            f'<td>{_e(str(c.get("name", "")))}</td><td>{_e(str(c.get("message", "")))}</td></tr>' for c in checks)
        gate_html = (f'<section class="panel gate {"ok" if passed else "bad"}" aria-labelledby="gate-h">'
                     f'<h2 id="gate-h">Gate: <span class="gate-res">{"PASSED" if passed else "FAILED"}</span></h2>'
                     + (f'<table class="checks"><caption>Checks</caption>{crows}</table>' if crows else "")
                     + (f'<h3>Violations</h3><ul class="viol">{vlist}</ul>' if viol else "")
                     + _kv_table(gate.get("policy") or {}, "Policy")
                     + "</section>")

    fam_items = [(f, stats["family_findings"].get(f, 0), FAMILY_COLORS.get(f, OTHER_COLOR),
                  f"#documents?family={_q(f)}", "") for f in index["families"]]
    rule_counts = stats["rule_findings"].most_common()
    rule_items: list[tuple[str, int, str, str | None, str]] = [
        (r, c, FAMILY_COLORS.get(r.split("/", 1)[0], OTHER_COLOR), f"#documents?rule={_q(r)}",
         f" in {stats['rule_docs'][r]:,} documents") for r, c in rule_counts[:TOP_RULES]]
    if len(rule_counts) > TOP_RULES:
        rest = rule_counts[TOP_RULES:]
        rule_items.append((f"{len(rest)} other rules", sum(c for _, c in rest), OTHER_COLOR, None, ""))
    lang_counts = stats["langs"].most_common()
    lang_items: list[tuple[str, int, str, str | None, str]] = [
        (lang, c, "#495057", f"#documents?lang={_q(lang)}", "") for lang, c in lang_counts[:TOP_LANGS]]
    if len(lang_counts) > TOP_LANGS:
        lang_items.append((f"{len(lang_counts) - TOP_LANGS} other languages",
                           sum(c for _, c in lang_counts[TOP_LANGS:]), OTHER_COLOR, None, ""))

    biggest = stats["cluster_sizes"].most_common(10)
    corpus_stats = summary.get("corpus") if isinstance(summary.get("corpus"), dict) else {}
    dup_stats = "".join(_kv_table({k: v for k, v in st.items() if not isinstance(v, dict | list)}, rule)
                        for rule, st in corpus_stats.items() if isinstance(st, dict))
    dup_summary = summary.get("duplicates") or {}
    dup_rows = "".join(
        f'<li><a href="#documents?cluster={_e(str(index["clusters"].index(c)))}">{_e(c)}</a>'
        f' <span class="muted">{k:,} documents</span></li>' for c, k in biggest)
    dup_html = (f'<p>{stats["duplicates"]:,} documents ({_pct(stats["duplicates"], n)}) are near-duplicates of '
                f"another; {in_clusters:,} documents fall in {n_clusters:,} clusters.</p>"
                + (_kv_table({k: v for k, v in dup_summary.items() if not isinstance(v, dict | list)},
                             "Engine statistics") if isinstance(dup_summary, dict) else "")
                + (f"<details><summary>Corpus rule statistics</summary>{dup_stats}</details>" if dup_stats else "")
                + (f'<h3>Largest clusters</h3><ol class="clusters">{dup_rows}</ol>' if dup_rows else ""))

    # Timings (timings.json) are left out: the page, like summary.json, is the same for the same audit.

    return "".join([
        '<div class="cards">', *cards, "</div>",
        _verdict_bar(verdicts, sum(verdicts.values())),
        '<div class="grid2">', gate_html,
        '<section class="panel" aria-labelledby="hist-h"><h2 id="hist-h">Score distribution</h2>',
        _histogram(stats["hist"]),
        '<p class="legend">' + "".join(f'<span class="sw" style="background:{VERDICT_COLORS[v]}"></span>{v} '
                                         for v in VERDICTS) + "· click a bar to list its documents</p></section>",
        '<section class="panel" aria-labelledby="fam-h"><h2 id="fam-h">Findings per family</h2>',
        _hbar_chart(fam_items, "Findings per family", "findings"), "</section>",
        '<section class="panel" aria-labelledby="rule-h"><h2 id="rule-h">Findings per rule</h2>',
        _hbar_chart(rule_items, "Findings per rule", "findings"), "</section>",
        '<section class="panel" aria-labelledby="dup-h"><h2 id="dup-h">Near-duplicates</h2>', dup_html, "</section>",
        '<section class="panel" aria-labelledby="lang-h"><h2 id="lang-h">Languages</h2>',
        _hbar_chart(lang_items, "Documents per language", "documents"), "</section>",
        "</div>",
    ])


# ----------------------------------------------------------------------------------------- page


def _asset(name: str) -> str:
    return (resources.files("qc") / "html_assets" / name).read_text(encoding="utf-8")


def _page(out_dir: Path, summary: dict[str, Any], index: dict[str, Any], chunks: list[str],
          stats: dict[str, Any]) -> str:
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    csp = (f"default-src 'none'; script-src 'sha256-{digest}' 'strict-dynamic'; "
           "style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'")
    title = f"newsqc audit · {out_dir.resolve().name}"
    # The same audit gives the same page (a committed report does not churn): no wall-clock time unless
    # SOURCE_DATE_EPOCH (reproducible builds) fixes one, and the folder's name rather than its path.
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    generated = (datetime.fromtimestamp(int(epoch), UTC).strftime(" · generated %Y-%m-%d %H:%M UTC")
                 if epoch.isdigit() else "")
    parts = [
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{_e(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="color-scheme" content="light dark">',
        f"<title>{_e(title)}</title><style>{_asset('report.css')}</style></head><body>",
        '<a class="skip" href="#main">Skip to content</a>',
        '<header class="top"><div class="brand"><h1>newsqc audit report</h1>',
        f'<p class="sub">{_e(out_dir.resolve().name)}{generated} · {index["n"]:,} documents</p></div>',
        '<nav class="tabs" aria-label="Report sections">'
        '<a href="#overview" data-view="overview">Overview</a>'
        '<a href="#documents" data-view="documents">Documents</a>'
        '<a href="#documents" data-view="document" id="tab-doc" hidden>Document</a></nav></header>',
        '<main id="main" tabindex="-1">',
        '<section id="view-overview" class="view" aria-label="Overview">',
        _overview(summary, index, stats),
        "</section>",
        '<section id="view-documents" class="view" aria-label="Documents" hidden>'
        "<noscript><p>The documents table needs JavaScript.</p></noscript></section>",
        '<section id="view-document" class="view" aria-label="Document" hidden></section>',
        "</main>",
        f'<script type="application/json" id="qc-index">{_json_for_script(index)}</script>',
    ]
    for k, payload in enumerate(chunks):
        if index["inline"]:
            parts.append(f'<script type="application/json" id="qc-chunk-{k}">{payload}</script>')
    parts.append(f"<script>{script}</script></body></html>\n")
    return "".join(parts)


def _replace_dir(tmp: Path, final: Path) -> None:
    if final.exists():
        if not (final / _SIDE_MARKER).exists():
            raise FileExistsError(f"{final} exists and was not written by newsqc; not replacing it")
        shutil.rmtree(final)
    os.replace(tmp, final)


def write_html_report(out_dir: Path, *, max_inline_docs: int = MAX_INLINE_DOCS) -> Path:
    """Write ``out_dir/report.html`` from the audit output in ``out_dir``; return its path.

    Texts are embedded when the corpus has at most ``max_inline_docs`` documents and
    ``MAX_INLINE_TEXT_BYTES`` of text; otherwise they go to ``out_dir/report_files/`` (keep it next to the
    page). The page is written to a temporary file and renamed, so a reader never sees half a report.
    """
    out_dir = Path(out_dir)
    summary_path = out_dir / "summary.json"
    summary: dict[str, Any] = json.loads(summary_path.read_text(encoding="utf-8")) if summary_path.exists() else {}
    n_docs = _count_lines(out_dir / "reports.jsonl")
    texts_path = out_dir / "texts.jsonl"
    text_bytes = texts_path.stat().st_size if texts_path.exists() else 0
    inline = n_docs <= max_inline_docs and text_bytes <= MAX_INLINE_TEXT_BYTES

    side_final = out_dir / SIDE_DIR
    side_tmp: Path | None = None
    if not inline:
        side_tmp = make_temp_dir(out_dir, SIDE_DIR)
        (side_tmp / _SIDE_MARKER).write_text("written by newsqc; replaced on every report\n", encoding="utf-8")
    try:
        index, chunks, stats = _build(out_dir, side_tmp)
        page = _page(out_dir, summary, index, chunks, stats)
        with atomic_path(out_dir / "report.html") as tmp:
            tmp.write_text(page, encoding="utf-8")
            if side_tmp is not None:
                _replace_dir(side_tmp, side_final)
                side_tmp = None
            elif side_final.exists() and (side_final / _SIDE_MARKER).exists():
                shutil.rmtree(side_final)  # stale chunks of an earlier, larger run
    finally:
        if side_tmp is not None:
            shutil.rmtree(side_tmp, ignore_errors=True)
    return out_dir / "report.html"

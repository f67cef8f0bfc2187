"""Blind measurement of the mt-artifact family: the full rule pack against one that has never seen the dev items.

Dev figures on ``devdata/mt_artifacts`` flatter a lexicon: every place, title, calque and acronym the dev set
uses was added to a list. This script copies the rule pack to a temp dir and deletes every lexicon entry that
matches a truth span, by kind:

- ``gender``  places of ``mt_places_en.txt`` (the hand list beside the package gazetteer, which stays) named
  in the 160 characters before a gender span (the antecedent);
- ``casing``  modifiers of ``mt_casing_en.toml`` (and their ``allowed_lower`` rows) that are a word of a casing
  span (head nouns stay: the rule is meant to know a short generic list of them);
- ``calque``  ``[[calque]]`` entries of ``mt_calques_ru.toml`` whose pattern matches text overlapping a span,
  and the members of the open classes of ``mt_constructions_ru.toml`` (``[items]``: media names) named in
  a span (its constructions and closed word classes, ``[grammar]``, stay: they are the grammar under test);
- ``acronym`` ``[acronyms]`` entries of ``mt_acronyms_ru.toml`` whose key is the span;
- ``translit``, ``number``, ``quotes``, ``repeated-headline`` use no item list (wordfreq's Russian words, formats),
  so nothing is removed for them.

Then it runs ``score.py mt_artifacts`` with each pack (``--extra "--pack PATH"``) and prints recall per kind and
precision per rule for both, side by side, and the blind pack's recall on two halves of the gold items (split
by a hash of the item: the antecedent place for gender, the span text otherwise) so that tuning on one half can
be checked on the other. Usage (from the repository root)::

    PYTHONPATH=$PWD .venv/bin/python bench/blind_mt.py [--devdata /work/shared/devdata] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KIND_OF_RULE = {
    "mt-artifact/transliteration": "translit", "mt-artifact/name-variants": "translit",
    "mt-artifact/source-acronym": "acronym", "mt-artifact/gender-leak": "gender",
    "mt-artifact/title-casing": "casing", "mt-artifact/number-format": "number",
    "mt-artifact/quote-marks": "quotes", "mt-artifact/calque": "calque",
    "mt-artifact/repeated-headline": "repeated-headline",
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
ANTECEDENT_WINDOW = 160


def load_set(set_dir: Path) -> list[tuple[dict, str]]:
    rows = [json.loads(line) for line in (set_dir / "truth.jsonl").read_text(encoding="utf-8").splitlines() if line]
    return [(t, (set_dir / "docs" / f"{t['id']}.txt").read_text(encoding="utf-8")) for t in rows]


def spans_of(docs: list[tuple[dict, str]], kind: str) -> list[tuple[str, int, int]]:
    return [(text, s, e) for t, text in docs for s, e, k in t["spans"] if k == kind]


def place_pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])")


def antecedent(text: str, start: int, places: list[str]) -> str | None:
    """The last place named before ``start`` in the window (the pronoun's antecedent), or None."""
    window = text[max(0, start - ANTECEDENT_WINDOW):start]
    best: tuple[int, str] | None = None
    for p in places:
        for m in place_pattern(p).finditer(window):
            if best is None or m.start() > best[0]:
                best = (m.start(), p)
    return best[1] if best else None


def blind_places(lex: Path, docs: list[tuple[dict, str]]) -> list[str]:
    lines = lex.read_text(encoding="utf-8").splitlines()
    windows = [text[max(0, s - ANTECEDENT_WINDOW):s] for text, s, _e in spans_of(docs, "gender")]
    gone = sorted({p for p in place_names(lines) for w in windows if place_pattern(p).search(w)})
    lex.write_text("\n".join(ln for ln in lines if english_of(ln) not in gone) + "\n", encoding="utf-8")
    return gone


def english_of(line: str) -> str:
    return line.partition("=")[0].strip()


def place_names(lines: list[str]) -> list[str]:
    """English names of a places lexicon (``English`` or ``English = Russian`` lines)."""
    return [english_of(ln) for ln in lines if ln.strip() and not ln.startswith("#")]


def blind_casing(lex: Path, docs: list[tuple[dict, str]]) -> list[str]:
    raw = lex.read_text(encoding="utf-8")
    data = tomllib.loads(raw)
    words = {w.lower() for text, s, e in spans_of(docs, "casing") for w in WORD.findall(text[s:e])}
    gone = sorted(m for m in data["modifiers"] if m.lower() in words)
    kept = [m for m in data["modifiers"] if m not in gone]
    raw = re.sub(r"(?ms)^modifiers = \[.*?^\]", "modifiers = " + json.dumps(kept), raw)
    raw = "\n".join(ln for ln in raw.splitlines() if ln.split(" = ")[0].strip() not in gone
                    or not ln.rstrip().endswith("]")) + "\n"
    lex.write_text(raw, encoding="utf-8")
    return gone


def blind_calques(lex: Path, docs: list[tuple[dict, str]]) -> list[str]:
    raw = lex.read_text(encoding="utf-8")
    head, *blocks = re.split(r"(?m)^\[\[calque\]\]\n", raw)
    spans = spans_of(docs, "calque")
    kept, gone = [], []
    for block in blocks:
        entry = tomllib.loads(block)
        pat = re.compile(entry["pattern"], re.MULTILINE | (0 if entry.get("case") else re.IGNORECASE))
        hit = any(m.start() < e and s < m.end() for text, s, e in spans
                  for m in pat.finditer(text, max(0, s - 80), min(len(text), e + 80)))
        (gone if hit else kept).append(block)
    lex.write_text(head + "".join("[[calque]]\n" + b for b in kept), encoding="utf-8")
    return [tomllib.loads(b)["pattern"] for b in gone]


def blind_construction_items(lex: Path, docs: list[tuple[dict, str]]) -> list[str]:
    """Members of the open classes ([items]: media names) of ``mt_constructions_ru.toml`` named in a calque
    span; the closed word classes ([grammar]) stay."""
    raw = lex.read_text(encoding="utf-8")
    spans = [text[s:e] for text, s, e in spans_of(docs, "calque")]
    gone = sorted({m for members in tomllib.loads(raw).get("items", {}).values() for m in members
                   if any(re.search(rf"(?<![\w-]){re.escape(m)}(?![\w-])", sp) for sp in spans)})
    for m in gone:
        raw = re.sub(rf'"{re.escape(m)}", ?', "", raw)
    lex.write_text(raw, encoding="utf-8")
    return gone


def blind_acronyms(lex: Path, docs: list[tuple[dict, str]]) -> list[str]:
    raw = lex.read_text(encoding="utf-8")
    keys = tomllib.loads(raw)["acronyms"]
    spans = {re.sub(r"[ -]", " ", text[s:e]) for text, s, e in spans_of(docs, "acronym")}
    gone = sorted(k for k in keys if k in spans)
    lines = [ln for ln in raw.splitlines() if not any(ln.startswith(f'"{k}" =') for k in gone)]
    lex.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return gone


def build_blind_pack(dest: Path, docs: list[tuple[dict, str]]) -> dict[str, list[str]]:
    """Copy rules/ to ``dest`` and delete the dev items from its lexicons; returns what was removed per kind."""
    shutil.copytree(ROOT / "rules", dest)
    lex = dest / "lexicons"
    return {
        "gender": blind_places(lex / "mt_places_en.txt", docs),
        "casing": blind_casing(lex / "mt_casing_en.toml", docs),
        "calque": blind_calques(lex / "mt_calques_ru.toml", docs)
        + blind_construction_items(lex / "mt_constructions_ru.toml", docs),
        "acronym": blind_acronyms(lex / "mt_acronyms_ru.toml", docs),
    }


def run_score(devdata: Path, pack: Path, out: Path, python: str) -> dict:
    cmd = [python, str(devdata / "score.py"), "mt_artifacts", str(devdata / "mt_artifacts"),
           "--qc", f"{python} -m qc.cli", "--out", str(out), "--extra", f"--pack {pack}", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=tempfile.gettempdir())
    if proc.returncode:
        sys.exit(proc.stdout[-2000:] + proc.stderr[-4000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def item_key(kind: str, text: str, s: int, e: int, places: list[str]) -> str:
    if kind == "gender":
        return antecedent(text, s, places) or text[s:e].lower()
    return " ".join(text[s:e].lower().split())


def per_kind(docs: list[tuple[dict, str]], out: Path, places: list[str]) -> dict:
    """Recall per kind (all, half 0, half 1) and precision per kind of the rule that made the finding."""
    reports = {}
    for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        reports[Path(r["id"]).stem] = r
    recall: dict[str, list[int]] = collections.defaultdict(lambda: [0] * 6)  # hit, n; half0 hit, n; half1
    prec: dict[str, list[int]] = collections.defaultdict(lambda: [0, 0])
    control_flagged = 0
    for t, text in docs:
        fs = [f for f in reports.get(t["id"], {}).get("findings", []) if f.get("family") == "mt-artifact"]
        spans = [f for f in fs if isinstance(f.get("start"), int) and not f["rule"].endswith("/machine-translated")]
        if not t["spans"] and any(f["rule"].endswith("/machine-translated") for f in fs):
            control_flagged += 1
        for s, e, k in t["spans"]:
            cov = sum(max(0, min(e, f["end"]) - max(s, f["start"])) for f in spans)
            hit = int(cov >= 0.5 * max(1, e - s))
            half = zlib.crc32(item_key(k, text, s, e, places).encode()) % 2
            row = recall[k]
            row[0] += hit
            row[1] += 1
            row[2 + 2 * half] += hit
            row[3 + 2 * half] += 1
        for f in spans:
            kind = KIND_OF_RULE.get(f["rule"], f["rule"])
            prec[kind][1] += 1
            prec[kind][0] += int(any(f["start"] < e and s < f["end"] for s, e, _k in t["spans"]))
    return {"recall": dict(recall), "precision": dict(prec), "control_flagged": control_flagged}


def ratio(a: int, b: int) -> str:
    return f"{a / b:.3f}" if b else "  -  "


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--devdata", type=Path, default=Path("/work/shared/devdata"))
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--keep", type=Path, help="build the blind pack and the audit outputs here (kept)")
    ap.add_argument("--show-removed", action="store_true", help="list the lexicon entries the blind pack lacks")
    a = ap.parse_args()
    docs = load_set(a.devdata / "mt_artifacts")
    work = a.keep or Path(tempfile.mkdtemp(prefix="blind-mt-"))
    work.mkdir(parents=True, exist_ok=True)
    if (work / "blind-pack").exists():
        shutil.rmtree(work / "blind-pack")
    removed = build_blind_pack(work / "blind-pack", docs)
    from qc.mt_artifact.gazetteer import places as gazetteer

    lex = (ROOT / "rules" / "lexicons" / "mt_places_en.txt").read_text(encoding="utf-8").splitlines()
    places = sorted(set(place_names(lex)) | set(gazetteer(500_000)), key=len, reverse=True)
    results = {}
    for name, pack in (("full", ROOT / "rules" / "default.toml"), ("blind", work / "blind-pack" / "default.toml")):
        out = work / f"out-{name}"
        if out.exists():
            shutil.rmtree(out)
        summary = run_score(a.devdata, pack, out, a.python)
        results[name] = (summary, per_kind(docs, out, places))
    print("removed from the blind pack: " + ", ".join(f"{k} {len(v)}" for k, v in removed.items()))
    if a.show_removed:
        for k, v in removed.items():
            print(f"  {k}: {v}")
    kinds = sorted(set(results["full"][1]["recall"]) | set(results["full"][1]["precision"]))
    print(f"{'kind':<18} {'gold':>4} | {'recall full':>11} {'blind':>6} {'blind h0':>8} {'blind h1':>8} | "
          f"{'prec full':>9} {'blind':>6} {'n blind':>7}")
    for k in kinds:
        rf, rb = results["full"][1]["recall"].get(k, [0] * 6), results["blind"][1]["recall"].get(k, [0] * 6)
        pf, pb = results["full"][1]["precision"].get(k, [0, 0]), results["blind"][1]["precision"].get(k, [0, 0])
        print(f"{k:<18} {rf[1]:>4} | {ratio(rf[0], rf[1]):>11} {ratio(rb[0], rb[1]):>6} {ratio(rb[2], rb[3]):>8} "
              f"{ratio(rb[4], rb[5]):>8} | {ratio(*pf):>9} {ratio(*pb):>6} {pb[1]:>7}")
    for name in ("full", "blind"):
        s, pk = results[name]
        h = [sum(r[i] for r in pk["recall"].values()) for i in range(6)]
        print(f"{name}: recall={s['recall']:.3f} (h0 {ratio(h[2], h[3])}, h1 {ratio(h[4], h[5])}) "
              f"precision={s['precision']:.3f} fp_spans={s['fp_spans']} "
              f"control_docs_flagged={pk['control_flagged']} control_fp_per_10k_chars={s['control_fp_per_10k_chars']}")


if __name__ == "__main__":
    main()

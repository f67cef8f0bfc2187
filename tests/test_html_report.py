"""report.html: what the page embeds, how safely, and how it is written (the browser tests are in
tests/browser/)."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest

from qc.fixes import apply_edits, choose_edits
from qc.html_report import write_html_report
from tests.browser.corpus import HOSTILE, doc, finding, generated_corpus, small_corpus, write_audit_dir

BLOCK_RE = re.compile(r'<script type="application/json" id="(qc-[\w-]+)">(.*?)</script>', re.S)


def blocks(page: str) -> dict[str, Any]:
    return {name: json.loads(body) for name, body in BLOCK_RE.findall(page)}


def details(page: str) -> list[dict[str, Any]]:
    b = blocks(page)
    out: list[dict[str, Any]] = []
    for k in range(b["qc-index"]["chunks"]):
        out.extend(b[f"qc-chunk-{k}"])
    return out


@pytest.fixture
def small(tmp_path: Path) -> Path:
    gate = {"policy": {"max_fail_rate": 0.05}, "passed": False,
            "violations": ["fail rate 0.29 > 0.05 <img src=x onerror=\"window.__pwned=9\">"]}
    return write_audit_dir(tmp_path / "out", small_corpus(), gate=gate)


def test_hostile_document_text_never_becomes_markup(small: Path) -> None:
    page = write_html_report(small).read_text(encoding="utf-8")
    # Every <script opening is one of ours, and each is closed exactly once: the hostile `</script>`
    # inside the text, id and message cannot end a data block early.
    openings = re.findall(r"<script\b[^>]*>", page)
    assert openings == ['<script type="application/json" id="qc-index">',
                        '<script type="application/json" id="qc-chunk-0">', "<script>"]
    assert page.count("</script>") == len(openings)
    assert "<img" not in page and "<svg onload" not in page and "<!-- <b>" not in page
    # ...and the escaping is lossless: the page's data holds the hostile strings exactly.
    b = blocks(page)
    hostile_ids = [i for i in b["qc-index"]["id"] if i.startswith("</script>")]
    assert hostile_ids == [HOSTILE[:24] + '"id']
    hostile = next(d for d in details(page) if d["t"] and d["t"].startswith(HOSTILE))
    assert hostile["t"] == HOSTILE + "\nplain tail text"
    assert hostile["f"][0][4] == "<b>hostile message</b>"
    assert hostile["src"] == '"><img src=x onerror="window.__pwned=3">'
    # the gate violation is rendered by Python: escaped, not interpreted.
    assert "&lt;img src=x onerror=&quot;window.__pwned=9&quot;&gt;" in page


def test_csp_allows_only_the_pages_own_script(small: Path) -> None:
    page = write_html_report(small).read_text(encoding="utf-8")
    script = page[page.rindex("<script>") + len("<script>"):page.rindex("</script>")]
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
    csp = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1))
    assert f"script-src 'sha256-{digest}' 'strict-dynamic'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";", 1)[0]


def test_index_and_details_round_trip(small: Path) -> None:
    corpus = small_corpus()
    page = write_html_report(small).read_text(encoding="utf-8")
    idx = blocks(page)["qc-index"]
    dets = details(page)
    assert idx["n"] == len(corpus) == len(dets)
    assert idx["id"] == [d["id"] for d in corpus]
    assert [idx["verdicts"][v] for v in idx["verdict"]] == [d["verdict"] for d in corpus]
    assert idx["score"] == [round(d["score"] * 1000) for d in corpus]
    for i, d in enumerate(corpus):
        rules = {idx["rules"][r] for r in idx["dr"][i]}
        assert rules == {f.rule for f in d["findings"]}
        fams = {idx["families"][b] for b in range(len(idx["families"])) if idx["fam"][i] >> b & 1}
        assert fams == {f.family for f in d["findings"]}
        assert idx["nf"][i] == len(d["findings"])
        assert (idx["dup"][i] >= 0) == (d["duplicate_of"] is not None)
        if d["duplicate_of"]:
            assert idx["id"][idx["dup"][i]] == d["duplicate_of"]
        assert idx["err"][i] == (1 if d["error"] else 0)
        assert dets[i]["drop"] == d["dropped"]
    # the family of each rule is known to the page (it colours the highlights with it)
    for r, fam in zip(idx["rules"], idx["ruleFamily"], strict=True):
        assert idx["families"][fam] == r.split("/", 1)[0]


def _u16_slice(text: str, s: int, e: int) -> str:
    return text.encode("utf-16-le")[2 * s:2 * e].decode("utf-16-le")


def test_offsets_are_converted_to_utf16_for_astral_text(small: Path) -> None:
    """JS strings index UTF-16 code units: after an emoji, code-point offsets would be one short."""
    page = write_html_report(small).read_text(encoding="utf-8")
    idx = blocks(page)["qc-index"]
    for d, det in zip(small_corpus(), details(page), strict=True):
        if det["t"] is None:
            continue
        for f, cf in zip(d["findings"], det["f"], strict=True):
            assert _u16_slice(det["t"], cf[2], cf[3]) == d["text"][f.start:f.end]
        # the cleaned text the page rebuilds (original + edits applied in order) is the engine's
        edits, _ = choose_edits(d["findings"], d["text"])
        rebuilt, pos = [], 0
        u16 = det["t"].encode("utf-16-le")
        for s, e, new, ri, _old in det["e"]:
            rebuilt.append(u16[2 * pos:2 * s].decode("utf-16-le"))
            rebuilt.append(new)
            assert idx["rules"][ri] in {f.rule for f in d["findings"]}
            pos = e
        rebuilt.append(u16[2 * pos:].decode("utf-16-le"))
        assert "".join(rebuilt) == apply_edits(d["text"], edits)
    emoji_doc = next(det for det in details(page) if det["t"] and det["t"].startswith("Le gouvernement"))
    assert emoji_doc["f"][0][2] == small_corpus()[1]["findings"][0].start + 1


def test_out_of_range_spans_are_clamped(tmp_path: Path) -> None:
    t = "short text"
    bad = finding(t, "encoding/mojibake", 4, 10, "ok")
    bad = type(bad)(**{**{s: getattr(bad, s) for s in bad.__slots__}, "start": 8, "end": 500})
    out = write_audit_dir(tmp_path / "o", [doc("a", t, [bad])])
    det = details(write_html_report(out).read_text(encoding="utf-8"))[0]
    assert det["f"][0][2:4] == [8, len(t)]


def test_without_texts_the_page_keeps_excerpts(tmp_path: Path) -> None:
    out = write_audit_dir(tmp_path / "o", small_corpus(), texts=False)
    page = write_html_report(out).read_text(encoding="utf-8")
    idx, dets = blocks(page)["qc-index"], details(page)
    assert idx["hasText"] is False
    assert dets[0]["t"] is None
    assert dets[0]["f"][0][7] == "â€“"  # excerpt kept when the text is not there
    assert dets[0]["e"][0][4] == "â€“"  # and the old text of each edit


def test_documents_without_a_text_row_do_not_shift_the_others(small: Path) -> None:
    """texts.jsonl skips documents that could not be read; later texts must stay with their ids."""
    page = write_html_report(small).read_text(encoding="utf-8")
    idx, dets = blocks(page)["qc-index"], details(page)
    by_id = {d["id"]: d for d in small_corpus()}
    for i, det in enumerate(dets):
        d = by_id[idx["id"][i]]
        assert det["t"] == (None if d["error"] else d["text"])


def test_overview_shows_counts_gate_and_charts(small: Path) -> None:
    page = write_html_report(small).read_text(encoding="utf-8")
    overview = page[page.index('id="view-overview"'):page.index('id="view-documents"')]
    assert "Gate: <span class=\"gate-res\">FAILED</span>" in overview
    assert "max_fail_rate" in overview
    for rule in ("encoding/mojibake", "boilerplate/newsletter", "near-duplicate/near-duplicate"):
        assert f"#documents?rule={rule.replace('/', '%2F')}" in overview
    assert overview.count("<svg") == 4  # score histogram, per family, per rule, languages
    assert 'aria-label="Score histogram"' in overview
    assert ">Documents in</span><span class=\"val\">7</span>" in overview
    assert ">Documents out</span><span class=\"val\">6</span>" in overview


def test_gate_absent_and_passed(tmp_path: Path) -> None:
    out = write_audit_dir(tmp_path / "a", small_corpus(), gate=None)
    assert "No gate policy was set" in write_html_report(out).read_text(encoding="utf-8")
    out = write_audit_dir(tmp_path / "b", small_corpus(), gate={"policy": {"max_fail_rate": 0.5}, "passed": True,
                                                                "violations": []})
    assert 'class="gate-res">PASSED' in write_html_report(out).read_text(encoding="utf-8")


def test_histogram_bins_match_the_page_filter(tmp_path: Path) -> None:
    """A bar links to `smin..smax`; the page filters on milli-scores, so bin edges must agree."""
    docs = [doc(f"d{i}", "text", [], score=s) for i, s in enumerate((0.0, 0.0499, 0.05, 0.9999, 1.0))]
    out = write_audit_dir(tmp_path / "o", docs)
    page = write_html_report(out).read_text(encoding="utf-8")
    titles = re.findall(r"<title>score ([\d.]+)–([\d.]+): (\d+) documents", page)
    counts = {(lo, hi): int(n) for lo, hi, n in titles}
    assert counts[("0.00", "0.05")] == 1  # 0.0; 0.0499 rounds to 0.050 milli-score -> next bin, as in the page
    assert counts[("0.05", "0.10")] == 2
    assert counts[("0.95", "1.00")] == 2  # 0.9999 -> 1.000, and 1.0 itself belongs to the last bin


def test_large_corpora_get_side_files_and_small_ones_clean_them_up(tmp_path: Path) -> None:
    out = write_audit_dir(tmp_path / "o", generated_corpus(300))
    page = write_html_report(out, max_inline_docs=100).read_text(encoding="utf-8")
    idx = blocks(page)["qc-index"]
    assert idx["inline"] is False and "qc-chunk-0" not in page
    files = sorted((out / "report_files").glob("c*.js"))
    assert len(files) == idx["chunks"] == -(-300 // idx["chunk"])
    first = files[0].read_text(encoding="utf-8")
    assert first.startswith("window.qcChunk(0,")
    chunk = json.loads(first[len("window.qcChunk(0,"):first.rindex(");")])
    assert chunk[0]["t"] == generated_corpus(1)[0]["text"]
    # a later, small run embeds everything and removes the stale side files
    write_html_report(out)
    assert not (out / "report_files").exists()
    assert blocks((out / "report.html").read_text(encoding="utf-8"))["qc-index"]["inline"] is True


def test_a_foreign_report_files_folder_is_never_deleted(tmp_path: Path) -> None:
    out = write_audit_dir(tmp_path / "o", generated_corpus(20))
    (out / "report_files").mkdir()
    (out / "report_files" / "mine.txt").write_text("user data")
    with pytest.raises(FileExistsError):
        write_html_report(out, max_inline_docs=5)
    write_html_report(out)
    assert (out / "report_files" / "mine.txt").read_text() == "user data"
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp leftovers


def test_write_is_atomic(small: Path) -> None:
    report = write_html_report(small)
    before = report.read_bytes()
    assert not [p for p in small.iterdir() if p.name.startswith(".")]
    with (small / "reports.jsonl").open("a", encoding="utf-8") as fh:
        fh.write("{not json\n")
    with pytest.raises(json.JSONDecodeError):
        write_html_report(small)
    assert report.read_bytes() == before
    assert not [p for p in small.iterdir() if p.name.startswith(".")]
    assert report.stat().st_mode & 0o044 == 0o044  # readable by others, unlike a raw mkstemp file


def test_page_needs_no_network(small: Path) -> None:
    page = write_html_report(small).read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "@import" not in page and "url(" not in page.replace("url(#", "")


def test_same_input_same_page_with_source_date_epoch(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = write_html_report(small).read_bytes()
    assert write_html_report(small).read_bytes() == first
    assert b"generated 2023-11-14 22:13 UTC" in first


def test_page_stays_small_when_the_texts_are_large(tmp_path: Path) -> None:
    """Past MAX_INLINE_TEXT_BYTES of text the chunks go to side files: 20k news articles made a 127 MB page."""
    import random

    from qc.html_report import MAX_INLINE_TEXT_BYTES

    rng = random.Random(3)
    docs = generated_corpus(1500)
    for d in docs:  # news length (~3 KB): 1,500 documents are more text than the inline limit
        d["text"] += "\n" + " ".join(rng.choice(("council", "budget", "minister", "said")) for _ in range(430))
    out = write_audit_dir(tmp_path / "o", docs)
    assert (out / "texts.jsonl").stat().st_size > MAX_INLINE_TEXT_BYTES
    page = write_html_report(out)
    assert page.stat().st_size < 1_000_000
    assert blocks(page.read_text(encoding="utf-8"))["qc-index"]["inline"] is False
    assert (out / "report_files").is_dir()

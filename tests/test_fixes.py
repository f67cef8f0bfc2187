from __future__ import annotations

import itertools
import random

from qc.fixes import apply_edits, choose_edits, rebuild
from qc.model import Finding, Severity


def _f(start: int, end: int, fix: str | None, rule: str = "encoding/x") -> Finding:
    return Finding(rule, rule.split("/")[0], Severity.WARNING, start, end, "", "m", fix)


def test_removal_wins_over_overlapping_replacement() -> None:
    text = "aaaa bbbb cccc"
    edits, skipped = choose_edits([_f(5, 9, "BBBB"), _f(0, 10, "")], text)
    assert [(e.start, e.end, e.new) for e in edits] == [(0, 10, "")]
    assert [(f.start, f.end) for f in skipped] == [(5, 9)]
    assert apply_edits(text, edits) == "cccc"


def test_flag_only_findings_make_no_edit() -> None:
    edits, _ = choose_edits([_f(0, 3, None)], "abcdef")
    assert edits == []


def test_insertions_and_replacements_apply_in_order() -> None:
    text = "mediabankFlag of\xa0Daesh"
    edits, _ = choose_edits([_f(16, 17, " "), _f(9, 9, "\n")], text)
    assert apply_edits(text, edits) == "mediabank\nFlag of Daesh"


def test_edit_log_rebuilds_the_original_exactly() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice("ab é🙂\n\u0301字") for _ in range(rng.randint(0, 60)))
        findings = []
        for _ in range(rng.randint(0, 8)):
            s = rng.randint(0, len(text))
            e = min(len(text), s + rng.randint(0, 6))
            findings.append(_f(s, e, rng.choice(["", "X", "YY", " ", None])))
        edits, _ = choose_edits(findings, text)
        clean = apply_edits(text, edits)
        assert rebuild(clean, edits) == text
        # chosen edits never overlap
        for a, b in itertools.pairwise(edits):
            assert a.end <= b.start

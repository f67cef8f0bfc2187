"""qc.text helpers: match offsets from one split."""

from __future__ import annotations

import random
import re

import pytest

from qc.text import WORD_RE, split_offsets


@pytest.mark.parametrize("rx", [re.compile(f"({WORD_RE.pattern})"), re.compile(r"((?:[A-Z]\.){2,}|[A-Za-z]+)")])
def test_split_offsets_are_the_matches_of_finditer(rx: re.Pattern[str]) -> None:
    """Starts, ends and texts from one split equal finditer's, shifted by ``start``, on random strings
    with emoji, combining marks and Cyrillic (code-point offsets)."""
    rng = random.Random(5)
    alphabet = "aB Z1_'’-.\nжЖé😀\u0301 ,"
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        start = rng.randint(0, 50)
        got = list(zip(*split_offsets(rx, s, start), strict=True))
        assert got == [(start + m.start(), start + m.end(), m.group()) for m in rx.finditer(s)], s
    assert split_offsets(rx, "") == ([], [], [])

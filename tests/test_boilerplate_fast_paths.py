"""The classifier's fast paths find what the plain patterns find: the guarded date pattern, the ASCII twins of
the word and date patterns, and the plain-word tokeniser of lines without joiners."""

from __future__ import annotations

import re

import pytest

from qc.boilerplate.lines import WORD_RE_ASCII, ascii_twin, fold, words_of
from qc.boilerplate.phrases import trie_pattern
from qc.boilerplate.vocabulary import Vocabulary, date_pattern
from qc.lexicon import builtin_rules_dir, read_toml
from qc.text import WORD_RE

LINES = [
    "Updated 18:15, 5:52 AM EST", "published 29.03.2017 - minister meets envoy", "2019-11-20 and 05/10/2018",
    "20 November 2019 and Nov. 20, 2019", "sept 3rd 2021, dec 25", "on 3 mars 2020 à paris", "20 декабря 2019",
    "x20 nov 2019", "nov 20th", "mayor 12", "jan5 12 jan 1999 12jan", "the 1990s saw 12 people", "a-b c'd e’f -x- 'y'",
    "", "12", "décembre 12", "12 août 2020", "under_score 12_3 4:5 11:111",
]
MONTHS = ["jan", "nov", "sept*", "décembre", "декабря", "mars", "août"]


def _months(words: list[str]) -> tuple[str, set[str]]:
    items = sorted((w[:-1], r"\w*") if w.endswith("*") else (w, "") for w in words)
    return trie_pattern(items), {lit[:1] for lit, _ in items}


@pytest.mark.parametrize("words", [MONTHS, ["1st", "nov"], ["*", "jan"]])
def test_the_guarded_date_pattern_matches_as_the_plain_alternation(words: list[str]) -> None:
    months, initials = _months(words)
    guarded = re.compile(date_pattern(months, initials))
    plain = re.compile(date_pattern(months, initials, guarded=False))
    if words is MONTHS:
        assert guarded.pattern != plain.pattern  # the guards are there to test
    for line in LINES:
        assert [m.span() for m in guarded.finditer(line)] == [m.span() for m in plain.finditer(line)], line


def test_builtin_vocabulary_dates_match_as_the_plain_alternation() -> None:
    data = read_toml("boilerplate_vocabulary.toml", (builtin_rules_dir(),))
    vocab = Vocabulary.from_toml(data)
    months_words = [w for ws in data["months"].values() for w in ws]
    plain = re.compile(date_pattern(*_months(list(dict.fromkeys(w.lower() for w in months_words))), guarded=False))
    for line in LINES:
        folded = fold(line)
        spans = [m.span() for m in plain.finditer(folded)]
        assert [m.span() for m in vocab.date.finditer(folded)] == spans, line
        if folded.isascii():
            assert [m.span() for m in vocab.date_ascii.finditer(folded)] == spans, line


def test_ascii_twins_find_the_same_words_and_refuse_ignorecase() -> None:
    for line in LINES:
        folded = fold(line)
        assert words_of(folded) == WORD_RE.findall(folded), line
        if folded.isascii():
            assert WORD_RE_ASCII.findall(folded) == WORD_RE.findall(folded), line
    assert words_of("naïve café-bar l’été") == WORD_RE.findall("naïve café-bar l’été")
    with pytest.raises(ValueError, match="case-insensitive"):
        ascii_twin(re.compile("is", re.I))

"""Normalisation and shingling: what changes a shingle and what does not."""

from __future__ import annotations

import random
import re
import unicodedata

import numpy as np

from qc.near_duplicate.shingle import _PUNCT, Shingler, exact_hash, token_bytes, token_hash, tokens


def reference_tokens(text: str, fold_digits: bool = False) -> list[str]:
    t = unicodedata.normalize("NFKC", text).casefold()
    if fold_digits:
        t = re.sub(r"\d", "0", t)
    return re.findall(r"\w+", t)


def test_quotes_case_whitespace_and_linebreaks_fold() -> None:
    a = 'He said: "It\'s  over" — at 10:30.\nThe END'
    b = "he SAID “it’s over” – at 10 30 the end"
    assert tokens(a) == tokens(b) == ["he", "said", "it", "s", "over", "at", "10", "30", "the", "end"]


def test_nfkc_and_casefold() -> None:
    assert tokens("Ｆｕｌｌ－ｗｉｄｔｈ ﬁle STRASSE Straße") == ["full", "width", "file", "strasse", "strasse"]


def test_fold_digits() -> None:
    assert tokens("In 2024, 3.5 percent", fold_digits=True) == ["in", "0000", "0", "0", "percent"]
    assert tokens("In 2024") == ["in", "2024"]


def test_ascii_fast_path_equals_regex_path_on_random_text() -> None:
    rng = random.Random(11)
    alphabet = "abcXYZ019 _-'\".,;:!?\n\t()[]/\\@#$%&*+=<>|~`^" + "’‘“”—–…\u00a0•éßДж中ﬁ５"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        for fold in (False, True):
            assert tokens(text, fold) == reference_tokens(text, fold), repr(text)


def test_fast_path_punctuation_gives_the_regex_tokens() -> None:
    # ASCII text with only the replaced punctuation (a footer's copyright sign, guillemets, ...) takes
    # the byte-table path; it must read the same tokens as NFKC + casefold + \w+
    rng = random.Random(5)
    alphabet = "abcXYZ019 _-'.,\n" + "".join(_PUNCT)
    for ch in _PUNCT:
        text = f"\u00a9 2026 Daily{ch}News{ch} 10{ch}30 x{ch}"
        assert tokens(text) == reference_tokens(text), repr(ch)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        for fold in (False, True):
            assert tokens(text, fold) == reference_tokens(text, fold), repr(text)


def test_memo_shares_token_hashes_between_rules_of_a_document() -> None:
    sh5, sh1 = Shingler(5), Shingler(1)
    text, other = "The rain in Spain falls mainly on the plain, said Ana.", "Another text entirely, of words."
    memo: dict = {}
    assert sh1.exact(text, memo) == sh1.exact(text)
    cached = memo[("token_hashes", False)][1]
    hashes, exact = sh5.analyse(text, memo)
    assert sh5.token_hashes(text, memo) is cached  # computed once for both rules
    assert np.array_equal(hashes, sh5.hashes(text)) and exact == sh1.exact(text)
    assert np.array_equal(sh5.analyse(other, memo)[0], sh5.hashes(other))  # another text: recomputed
    assert sh5.exact(text, memo) == exact
    assert ("token_hashes", True) not in memo and Shingler(1, fold_digits=True).exact("a 1", memo) is not None
    assert ("token_hashes", True) in memo


def test_token_bytes_separates_with_spaces_only() -> None:
    assert token_bytes("Hello,\tworld!\n") .split() == [b"hello", b"world"]


def test_vectorised_token_hashes_equal_scalar_reference() -> None:
    sh = Shingler(3)
    text = "Zürich’s mayor — and the mayor of Köln — met on 12 May."
    toks = sh.tokens(text)
    expected = set()
    for i in range(len(toks) - 2):
        expected.add(sh.shingle_hash(" ".join(toks[i:i + 3])))
    assert sorted(expected) == sh.hashes(text).tolist()
    assert token_hash("mayor") != token_hash("mayors")


def test_shingles_are_distinct_word_ngrams() -> None:
    sh = Shingler(2)
    assert sh.shingles("a b a b a") == ["a b", "b a"]
    assert sh.hashes("a b a b a").size == 2


def test_short_text_is_one_shingle_and_empty_has_none() -> None:
    sh = Shingler(5)
    assert sh.shingles("only three words") == ["only three words"]
    assert sh.hashes("only three words").size == 1
    assert sh.hashes(" ... ").size == 0
    assert sh.exact("...") is None


def test_word_order_matters_for_shingles_not_for_tokens() -> None:
    sh = Shingler(2)
    assert set(sh.hashes("a b c").tolist()) != set(sh.hashes("c b a").tolist())


def test_exact_hash_ignores_formatting_but_not_words() -> None:
    sh = Shingler()
    assert sh.exact("The  Rain,\nin Spain.") == sh.exact("the rain in “spain”")
    assert sh.exact("The rain in Spain") != sh.exact("The rain in France")
    assert exact_hash(np.array([1, 2], dtype=np.uint64)) != exact_hash(np.array([2, 1], dtype=np.uint64))

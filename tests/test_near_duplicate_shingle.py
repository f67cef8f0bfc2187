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


def _naive_first_positions(grams: list[int]) -> tuple[list[int], list[int]]:
    first: dict[int, int] = {}
    for i, g in enumerate(grams):
        first.setdefault(g, i)
    values = sorted(first)
    return values, [first[v] * 256 // len(grams) for v in values]


def batch_texts(rng: random.Random) -> list[str]:
    """Long, short (fewer tokens than a shingle), empty and non-ASCII texts, in random order."""
    words = ["rain", "Spain", "plain", "Zürich", "naïve", "12", "mayor", "the", "of", "“quoted”", "—"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.choice([0, 1, 3, 4, 5, 6, 40, 300])))
             for _ in range(40)]
    return [*texts, "", " ... ", "a b"]


def test_batch_hashing_equals_each_text_alone(monkeypatch) -> None:
    """Token hashes, n-gram hashes and first positions of a batch are each text's own, whether the
    batch is hashed in one joined pass or cut into several (``_JOIN_BYTES``); no n-gram spans two
    texts; a text with fewer tokens than ``n`` is one shingle, an empty one none."""
    from qc.near_duplicate import shingle

    rng = random.Random(11)
    texts = batch_texts(rng)
    for join_bytes in (1 << 20, 64):
        monkeypatch.setattr(shingle, "_JOIN_BYTES", join_bytes)
        sh = Shingler(5)
        th, offsets = sh.token_hashes_many(texts)
        sets, exact = sh.analyse_many(texts)
        for i, text in enumerate(texts):
            toks = sh.tokens(text)
            assert th[offsets[i]:offsets[i + 1]].tolist() == [token_hash(t) for t in toks]
            n = min(5, len(toks))
            grams = [sh.shingle_hash(" ".join(toks[k:k + n])) for k in range(len(toks) - n + 1)] if toks else []
            values, positions = _naive_first_positions(grams)
            lo, hi = sets.offsets[i], sets.offsets[i + 1]
            assert sets.hashes[lo:hi].tolist() == values and sets.positions[lo:hi].tolist() == positions
            assert exact[i] == sh.exact(text)


def test_batch_memo_is_filled_and_reused() -> None:
    """``token_hashes_many`` memoises each text's hashes, and a later call (the other near-duplicate
    rule) reads them instead of hashing again; a memo made for another text is not used."""
    sh = Shingler(5)
    texts = ["the rain in spain", "falls mainly on the plain", "said ana"]
    memos: list[dict] = [{}, {}, {}]
    sh.exacts(texts, memos)
    cached = [m[("token_hashes", False)][1] for m in memos]
    memos[2][("token_hashes", False)] = ("another text", np.array([1], dtype=np.uint64))
    th, offsets = sh.token_hashes_many(texts, memos)
    assert np.shares_memory(memos[0][("token_hashes", False)][1], cached[0])
    assert th[offsets[2]:offsets[3]].tolist() == [token_hash("said"), token_hash("ana")]
    assert memos[2][("token_hashes", False)][0] is texts[2]


def test_a_long_document_does_not_leave_its_powers_behind() -> None:
    """Powers beyond one joined pass are built for the long text and dropped (a worker that met one
    huge document would otherwise hold 16 bytes per byte of it for the rest of the run)."""
    from qc.near_duplicate import shingle

    sh = Shingler(5)
    long_text = " ".join(["mayor", "Zürich", "rain"] * (shingle._JOIN_BYTES // 8))
    th = sh.token_hashes(long_text)
    assert sh._powers.p.shape[0] <= shingle._JOIN_BYTES + 2
    toks = sh.tokens(long_text)
    assert th.size == len(toks) > shingle._JOIN_BYTES // 8
    assert th[-3:].tolist() == [token_hash(t) for t in toks[-3:]]
    assert th[:3].tolist() == [token_hash(t) for t in toks[:3]]

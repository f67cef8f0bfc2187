"""The untranslated family's shortcuts (issue 14): each cheaper test must give the answer of the work it
replaces, on random texts built to reach its edge cases."""

from __future__ import annotations

import itertools
import random
import re
from collections import Counter

from qc.engine import prepare
from qc.model import Document
from qc.text import WORD_RE, iter_sentences
from qc.untranslated import foreign_language as fl
from qc.untranslated._common import (
    _script_counts,
    doc_non_ascii,
    doc_single_script,
    document_script,
    non_ascii_counts,
    only_script,
    sentences,
)
from qc.untranslated.ui_lexicon import UiLexicon


def _random_texts(alphabet: str, n: int, seed: int, longest: int = 30) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_sentences_are_iter_sentences() -> None:
    """The consumed-mark separator regex splits where ``SENTENCE_END_RE``'s look-behind does."""
    texts = _random_texts("ab .!?…\"'”’»)]\n \t\u2028\xa0", 20000, 3)
    texts += ["He left. Then: “Go!” she said.\n\nNext line…  and (this.) [that!] ok", "", "   ", ".\n.", "a.\""]
    for text in texts:
        assert sentences(text) == list(iter_sentences(text)), repr(text)


def test_upper_case_test_counts_as_the_regexes_did() -> None:
    """``_mostly_upper``: A-Z above 0.8 of A-Za-z, as the two regex scans counted them."""
    from qc.lang import _mostly_upper

    def by_regex(text: str) -> bool:
        upper = sum(map(len, re.findall(r"[A-Z]+", text)))
        return upper > 0.8 * sum(map(len, re.findall(r"[A-Za-z]+", text)))

    for text in [*_random_texts("aAbZ Жж1É.", 5000, 5, 12), "NASA AND FBI", "Nasa", "ÉTÉ A"]:
        assert _mostly_upper(text) == by_regex(text), text


def test_predictions_keep_one_label_string_per_language() -> None:
    from qc.lang import _segment_probs

    a = _segment_probs.__wrapped__("The council approved the budget after a long debate.", 3)
    b = _segment_probs.__wrapped__("Officials said the money would go to schools and roads.", 3)
    assert a[0][0] == b[0][0] == "en" and a[0][0] is b[0][0]
    assert [p for _lang, p in a] == sorted((p for _lang, p in a), reverse=True)


def test_loanword_gate_never_refuses_a_text_the_pattern_matches() -> None:
    """The run gate may let through texts without a loanword, never stop one with a loanword, in any
    case and between any characters."""
    rule = fl.ForeignLanguage()
    gate, pattern = rule._loanword_gate, rule._loanwords
    assert gate is not None and pattern is not None
    phrases = [p for p in rule.resources.lexicon(rule.options.loanwords) if p.isascii()]
    rng = random.Random(11)
    glue = ["", " ", "-", "'", "x", "1", ".", ", ", "_"]
    for phrase in phrases:
        for form in (phrase, phrase.upper(), phrase.title()):
            for _ in range(6):
                text = f"{rng.choice(glue)}{form}{rng.choice(glue)} and more"
                if pattern.search(text):
                    assert gate.may_hold(text.lower()), text
    assert not gate.may_hold("per cent of the vote went up")  # "per" opens two-word phrases only
    assert gate.may_hold("it was per se a bad idea")
    # no gate where a phrase does not open with a word character, nor where the hint is not exact
    assert fl._LoanwordGate.of(["(sic)", "de facto"]) is None
    assert fl._LoanwordGate.of(["ſans souci"]) is None


def test_gloss_precondition_never_refuses_a_text_the_pattern_matches() -> None:
    alphabet = "ab “”\"«»„‘’‚‹›(),"
    for text in _random_texts(alphabet, 30000, 13, 16):
        for s in (0, min(2, len(text))):
            if fl._GLOSSED_RE.search(text, s, len(text)):
                assert fl._may_gloss(text, s, len(text)), (text, s)
    assert not fl._may_gloss("Plain words, no quotes at all.", 0, 30)
    assert fl._may_gloss("the novel “Cien años”", 0, 21)


def test_ui_keys_are_looked_up_as_the_word_and_pair_grams_were() -> None:
    """The hits (first words of matched keys) from words, heads and only the pairs a key can open are
    those of every word, head and neighbouring pair, for a small lexicon and the shipped one."""
    from qc.pack import load_pack

    small = UiLexicon({"ru": ["Читать далее", "Реклама", "Войти"], "de": ["Lesen Sie auch", "Mehr"],
                       "en": ["Read more", "a b c", "Sign in"]})
    shipped = next(r for r in load_pack(None, select=["untranslated"]).build()
                   if r.id == "untranslated/ui-string").lexicon  # type: ignore[attr-defined]

    def old_hits(lexicon: UiLexicon, lower: str) -> set[str]:
        words = WORD_RE.findall(lower)
        heads = [re.split(r"['’\-]", w)[0] for w in words if re.search(r"['’\-]", w)]
        grams = {*words, *heads, *map(" ".join, itertools.pairwise(words))}
        return {k.split(" ")[0] for k in grams & lexicon.keys}

    rng = random.Random(17)
    for lexicon in (small, shipped):
        vocab = sorted({w for k in lexicon.keys for w in k.split(" ")})[:300]
        vocab += ["a", "the", "x", "войти-то", "a-b", "it's", "sign", "in"]
        for _ in range(3000):
            lower = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 8))).lower()
            assert lexicon.hits(lower) == old_hits(lexicon, lower), lower


def test_scripts_from_shared_non_ascii_counts() -> None:
    """The document's script and its single-script test read one count of its non-ASCII characters and
    answer as each did with its own regex pass."""
    for text in _random_texts("ab жЖωé😀 1\n", 3000, 19, 20):
        counts = non_ascii_counts(text)
        assert _script_counts(text, counts) == _script_counts(text)
        assert list(_script_counts(text, counts)) == list(_script_counts(text))
        for lang in ("en", "ru"):
            script = document_script(text, lang)
            assert document_script(text, lang, counts) == script
            assert only_script(text, script, counts) == only_script(text, script)
    doc = prepare(Document(id="d", text="Москва and more words here.", lang="en"))
    assert doc_single_script(doc) is False and doc_non_ascii(doc) == Counter("Москва")


def test_sentence_memo_keys_by_sentence_within_language_and_script() -> None:
    """One dict per (language, script): a sentence read in an English document is not reused in a
    Russian one, and the memo is emptied once it holds its size."""
    rule = fl.ForeignLanguage()
    text = "La police a ouvert une enquête pour déterminer les causes de l'incendie."
    en = list(rule.check(prepare(Document(id="a", text="He said so.\n" + text, lang="en"))))
    assert en and set(rule._sentence_memo) == {("en", "LATIN")}
    assert rule._sentence_memo_entries == 2 == len(rule._sentence_memo[("en", "LATIN")])
    list(rule.check(prepare(Document(id="b", text=text, lang="fr"))))
    assert set(rule._sentence_memo) == {("en", "LATIN"), ("fr", "LATIN")}
    rule._sentence_memo_entries = fl._SENTENCE_MEMO_SIZE
    again = list(rule.check(prepare(Document(id="a", text="He said so.\n" + text, lang="en"))))
    assert set(rule._sentence_memo) == {("en", "LATIN")} and rule._sentence_memo_entries == 2
    assert [(f.start, f.end, f.message) for f in again] == [(f.start, f.end, f.message) for f in en]

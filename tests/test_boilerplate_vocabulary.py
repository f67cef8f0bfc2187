"""The classifier's word lists come from ``rules/lexicons/boilerplate_vocabulary.toml``, not from code."""

from __future__ import annotations

import pytest

from qc.boilerplate.classify import LineScorer
from qc.boilerplate.evidence import EvidenceKind
from qc.boilerplate.vocabulary import Vocabulary
from qc.lexicon import builtin_rules_dir, read_toml

BUILTIN = read_toml("boilerplate_vocabulary.toml", (builtin_rules_dir(),))


def _kinds(vocab: Vocabulary, line: str) -> set[EvidenceKind]:
    return {e.kind for e in LineScorer({}, vocab).verdict(line, None).evidence}


def test_a_user_adds_month_names_of_another_language() -> None:
    line = "12 listopada 2024"
    assert EvidenceKind.DATE not in _kinds(Vocabulary.builtin(), line)
    polish = {**BUILTIN, "months": {**BUILTIN["months"], "pl": ["listopada", "grudnia"]}}
    assert EvidenceKind.DATE in _kinds(Vocabulary.from_toml(polish), line)


def test_comment_counters_social_networks_and_list_headings_are_read_from_the_file() -> None:
    vocab = Vocabulary.builtin()
    assert EvidenceKind.TERMINAL in _kinds(vocab, "12 комментариев")
    assert EvidenceKind.SOCIAL in _kinds(vocab, "Facebook Twitter")
    assert EvidenceKind.SECTION in _kinds(vocab, "More great science stories")
    empty = Vocabulary.from_toml({})
    assert EvidenceKind.TERMINAL not in _kinds(empty, "12 комментариев")
    assert EvidenceKind.SOCIAL not in _kinds(empty, "Facebook Twitter")
    assert EvidenceKind.SECTION not in _kinds(empty, "More great science stories")


def test_a_malformed_vocabulary_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"\[months\] pl must be a list of strings"):
        Vocabulary.from_toml({"months": {"pl": "listopada"}})


def test_month_stems_and_prefixes_match_whole_month_names_in_any_case() -> None:
    # the months are one character trie: "jun" must not stop "june" from matching, a stem matches its forms
    vocab = Vocabulary.from_toml({**BUILTIN, "months": {"en": ["jun", "june"], "pl": ["stycz*"]}})
    assert EvidenceKind.DATE in _kinds(vocab, "June 5, 2024")
    assert EvidenceKind.DATE in _kinds(vocab, "5 STYCZNIA 2024")
    assert vocab.date.search("june 5, 2024").group(0) == "june 5, 2024"
    assert EvidenceKind.DATE not in _kinds(vocab, "Junebug 5")

"""The classifier's word lists come from ``rules/lexicons/boilerplate_vocabulary.toml``, not from code."""

from __future__ import annotations

import pytest

from qc.boilerplate.blocks import BlockClassifier
from qc.boilerplate.vocabulary import Vocabulary
from qc.lexicon import builtin_rules_dir, read_toml

BUILTIN = read_toml("boilerplate_vocabulary.toml", (builtin_rules_dir(),))


def _evidence(vocab: Vocabulary, line: str) -> tuple[str, ...]:
    return BlockClassifier({}, vocabulary=vocab).line_evidence(line, None)[2]


def test_a_user_adds_month_names_of_another_language() -> None:
    line = "12 listopada 2024"
    assert not any(e.startswith("date/time line") for e in _evidence(Vocabulary.builtin(), line))
    polish = {**BUILTIN, "months": {**BUILTIN["months"], "pl": ["listopada", "grudnia"]}}
    assert "date/time line" in _evidence(Vocabulary.from_toml(polish), line)


def test_comment_counters_social_networks_and_list_headings_are_read_from_the_file() -> None:
    vocab = Vocabulary.builtin()
    assert any(e.startswith("end of article") for e in _evidence(vocab, "12 комментариев"))
    assert "social-network links" in _evidence(vocab, "Facebook Twitter")
    assert any(e.startswith("section heading") for e in _evidence(vocab, "More great science stories"))
    empty = Vocabulary.from_toml({})
    assert not any(e.startswith("end of article") for e in _evidence(empty, "12 комментариев"))
    assert "social-network links" not in _evidence(empty, "Facebook Twitter")
    assert not any(e.startswith("section heading") for e in _evidence(empty, "More great science stories"))


def test_a_malformed_vocabulary_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"\[months\] pl must be a list of strings"):
        Vocabulary.from_toml({"months": {"pl": "listopada"}})

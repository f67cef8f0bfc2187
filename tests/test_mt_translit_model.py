"""The character model of Russian-in-Latin (rules/models/translit_ru.json, bench/train_translit.py)."""

from __future__ import annotations

import dataclasses

from qc.lexicon import builtin_rules_dir
from qc.model import Document
from qc.mt_artifact._common import TranslitModel, ngrams, translit_model
from qc.mt_artifact.transliteration import Transliteration


def _model() -> TranslitModel:
    return translit_model(str(builtin_rules_dir() / "models" / "translit_ru.json"))


def test_ngrams_mark_word_boundaries() -> None:
    assert ngrams("ab", 2) == ["a", "b", "^a", "ab", "b$"]


def test_russian_case_forms_read_as_russian_in_several_schemes() -> None:
    m = _model()
    for word in ("rossii", "moskve", "goroda", "ponyatno", "skazal", "zayavlenie", "sajawil", "vyskazal"):
        assert m.score(word) > 0.3, word


def test_english_words_and_western_names_do_not() -> None:
    m = _model()
    for word in ("garden", "weather", "schneider", "giuseppe", "gonzalez", "kube", "redis"):
        assert m.score(word) < 0.3, word


def test_score_is_length_independent_mean() -> None:
    m = TranslitModel(order=1, weights={"a": 1.0, "b": -1.0}, unseen=0.0)
    assert m.score("ab") == 0.0
    assert m.score("aaaa") == 1.0


def _flags(rule: Transliteration, text: str) -> list[str]:
    return [text[f.start:f.end] for f in rule.check(Document(id="t", text=text, lang="en"))]


def test_lone_word_needs_the_model_not_just_a_key() -> None:
    text = "The team runs kube clusters in two regions."
    rule = Transliteration()
    assert _flags(rule, text) == []
    loose = Transliteration(options=dataclasses.replace(rule.options, min_lone_score=-100.0))
    assert _flags(loose, text) == ["kube"]


def test_lone_russian_word_still_found() -> None:
    assert _flags(Transliteration(), "Officials say the rules are ponyatno to every driver.") == ["ponyatno"]

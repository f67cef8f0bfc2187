"""The sparse langdetect profiles give langdetect's own answers, to the last bit."""

from __future__ import annotations

import pytest

from qc.untranslated import langdetect_profiles
from qc.untranslated.langdetect_profiles import langdetect_probs

TEXTS = [
    "Timeline of events",
    "The minister said the talks would resume next week in Geneva.",
    "Министр заявил, что переговоры возобновятся на следующей неделе.",
    "Der Minister sagte, die Gespräche würden nächste Woche fortgesetzt.",
    "Le ministre a déclaré que les négociations reprendraient la semaine prochaine.",
    "Міністр заявив, що переговори відновляться наступного тижня.",
    "Ministr řekl, že jednání budou pokračovat příští týden.",
    "El ministro dijo que las conversaciones se reanudarán la próxima semana.",
    "Sejm",
    "ok 2026",
]


def _langdetect_own(text: str) -> dict[str, float]:
    from langdetect.lang_detect_exception import LangDetectException

    factory = langdetect_profiles._dense_factory()
    det = factory.create()
    try:
        det.append(text)
        return {p.lang.split("-")[0]: p.prob for p in det.get_probabilities()}
    except LangDetectException:
        return {}


@pytest.mark.parametrize("text", TEXTS)
def test_sparse_profiles_give_langdetects_own_probabilities(text: str) -> None:
    assert langdetect_probs(text) == _langdetect_own(text)


def test_sparse_profiles_keep_only_the_non_zero_entries() -> None:
    dense = langdetect_profiles._dense_factory().word_lang_prob_map
    sparse = langdetect_profiles.profiles().word_lang_prob_map
    assert sparse.keys() == dense.keys()
    for word in ("th", "ш", "ü", "the"):
        pairs = sparse[word]
        assert dict(zip(pairs[::2], pairs[1::2], strict=True)) == {i: p for i, p in enumerate(dense[word]) if p}


def test_text_without_features_gives_no_probabilities() -> None:
    assert langdetect_probs("12345 !!!") == {}

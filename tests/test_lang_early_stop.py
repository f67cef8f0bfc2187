"""detect_language's early stop (qc.lang.AGREE_LINES): the same language as the full line vote on
crafted English, Russian and mixed texts, fewer fastText calls where the heaviest lines agree, and no
early decision from one line read twice (its two ends) or repeated."""

from __future__ import annotations

import pytest

import qc.lang as lang
from qc.lang import detect_language, identify

EN = [
    "The city council approved the new budget on Tuesday after a long and often heated debate about "
    "how much money should go to schools, roads and public transport over the next five years.",
    "Officials said the plan would be reviewed again in the spring, when the first figures on spending "
    "and on the number of new teachers hired across the region are expected to be published.",
    "The mayor thanked residents for their patience during the consultation and promised that every "
    "neighbourhood would see some of the promised improvements before the end of the year.",
    "Opposition members argued that the budget relied on optimistic forecasts of tax revenue and "
    "warned that services could be cut if the economy slowed down later in the decade.",
]
RU = [
    "Городской совет во вторник утвердил новый бюджет после долгих и жарких споров о том, сколько денег "
    "следует направить на школы, дороги и общественный транспорт в ближайшие пять лет.",
    "Чиновники заявили, что план будет снова рассмотрен весной, когда ожидается публикация первых данных "
    "о расходах и о числе новых учителей, нанятых по всему региону за этот период.",
    "Мэр поблагодарил жителей за терпение во время обсуждения и пообещал, что каждый район увидит часть "
    "обещанных улучшений до конца года, несмотря на все трудности с финансированием.",
    "Депутаты оппозиции утверждали, что бюджет опирается на слишком оптимистичные прогнозы налоговых "
    "поступлений, и предупредили о возможном сокращении услуг в случае замедления экономики.",
]
FR = ("Le conseil municipal a approuvé mardi le nouveau budget après un long débat sur la part des fonds "
      "destinée aux écoles, aux routes et aux transports publics pour les cinq prochaines années, et les "
      "élus de l'opposition ont dénoncé des prévisions de recettes fiscales beaucoup trop optimistes.")


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    real = lang.segment_probs

    def counted(text: str, k: int = 3) -> list[tuple[str, float]]:
        calls.append(text)
        return real(text, k)

    monkeypatch.setattr(lang, "segment_probs", counted)
    return calls


@pytest.mark.parametrize(("lines", "expected"), [(EN * 3, "en"), (RU * 3, "ru")])
def test_agreeing_lines_decide_early_with_the_full_votes_answer(
        monkeypatch: pytest.MonkeyPatch, lines: list[str], expected: str) -> None:
    text = "\n".join(lines)
    full = identify(text)[0][0]
    calls = _counting(monkeypatch)
    identify(text)
    full_calls = len(calls)
    calls.clear()
    assert detect_language(text) == full == expected
    assert 0 < len(calls) < full_calls  # it read less
    # it stops after AGREE_LINES distinct lines: no more segments than those lines hold
    assert len(calls) <= 2 * lang.AGREE_LINES


def test_one_line_repeated_is_no_agreement(monkeypatch: pytest.MonkeyPatch) -> None:
    # The heaviest line (French, three times) agrees with itself on both its ends: deciding there would
    # say French; the English lines outweigh it and the full vote says English.
    text = "\n".join([FR, FR, FR, *EN, *EN])
    assert identify(text)[0][0] == "en"
    assert detect_language(text) == "en"
    assert identify(text, agree_lines=1)[0][0] == "fr"  # what reading one line would decide


def test_disagreeing_lines_fall_back_to_the_full_vote() -> None:
    for text in ("\n".join([RU[0], EN[0], RU[1], EN[1], EN[2]]), "\n".join([EN[0], FR, EN[1], RU[2]])):
        assert detect_language(text) == identify(text)[0][0]
        assert identify(text, agree_lines=lang.AGREE_LINES) == identify(text, agree_lines=lang.AGREE_LINES)


def test_other_callers_keep_the_full_vote() -> None:
    # identify's default (boilerplate's language test reads its probability) is the full vote
    text = "\n".join(EN * 3)
    assert identify(text) == identify(text, agree_lines=0)
    assert identify(text, k=2, agree_lines=2) == identify(text, k=2)  # k > 1: never early

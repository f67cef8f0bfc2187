"""untranslated/foreign-language's end-probe gate (``probe_gate``): an end of only the document
language's own words and names is not probed, an end holding foreign words is, and the findings are the
ungated rule's on crafted English and Russian text."""

from __future__ import annotations

import pytest

from qc.engine import prepare
from qc.model import Document
from qc.untranslated.foreign_language import ForeignLanguage

EN_BODY = ("The city council approved the new budget on Tuesday after a long debate about schools. "
           "Officials said the money would go to roads and public transport over the next years.\n")
RU_BODY = ("Городской совет во вторник утвердил новый бюджет после долгих споров о школах. "
           "Чиновники заявили, что деньги пойдут на дороги и общественный транспорт.\n")
# A headline-like sentence with few function words: not passed by the pre-filter, both ends probed
EN_OWN = "Council approves budget after long debate over schools roads transport plans while residents welcome changes"
EN_FOREIGN = ("Council approves budget after long debate over schools roads and transport die Regierung "
              "hat das neue Gesetz gestern endlich beschlossen")
RU_OWN = "Совет утвердил бюджет после долгих споров школы дороги транспорт планы жители приветствуют перемены"
RU_FOREIGN = ("Совет утвердил бюджет после долгих споров школы дороги транспорт уряд ухвалив новий закон "
              "який набуде чинності наступного тижня")


def _run(text: str, gate: bool) -> tuple[list[tuple[int, int, str]], int, str]:
    rule = ForeignLanguage(options=ForeignLanguage.options_from({"probe_gate": gate}))
    probes = 0
    probe = rule._probe

    def counted(window: str, lang: str) -> bool:
        nonlocal probes
        probes += 1
        return probe(window, lang)

    rule._probe = counted  # type: ignore[method-assign]
    doc = prepare(Document(id="d", text=text))
    return [(f.start, f.end, f.message) for f in rule.check(doc)], probes, doc.lang


@pytest.mark.parametrize(("body", "sentence", "lang"), [(EN_BODY, EN_OWN, "en"), (RU_BODY, RU_OWN, "ru")])
def test_an_end_of_own_words_is_not_probed(body: str, sentence: str, lang: str) -> None:
    text = body * 3 + sentence + ".\n" + body
    gated, gated_probes, doc_lang = _run(text, gate=True)
    plain, plain_probes, _ = _run(text, gate=False)
    assert doc_lang == lang
    assert plain_probes > 0  # the ungated rule probes the sentence's ends
    assert gated_probes == 0
    assert gated == plain


@pytest.mark.parametrize(("body", "sentence", "lang", "foreign"),
                         [(EN_BODY, EN_FOREIGN, "en", "de"), (RU_BODY, RU_FOREIGN, "ru", "uk")])
def test_an_end_with_foreign_words_is_probed_and_found(body: str, sentence: str, lang: str, foreign: str) -> None:
    text = body * 3 + sentence + ".\n" + body
    gated, gated_probes, doc_lang = _run(text, gate=True)
    plain, _probes, _ = _run(text, gate=False)
    assert doc_lang == lang
    assert gated_probes > 0
    assert gated == plain
    # the run at the sentence's end is found (the scan runs only after a probe found it)
    assert len(gated) == 1 and f"text in {foreign} " in gated[0][2]
    assert text[gated[0][0]:gated[0][1]] in sentence

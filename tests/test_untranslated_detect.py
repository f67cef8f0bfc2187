"""Language identification and the untranslated family's options: deterministic, robust, configurable."""

from __future__ import annotations

import pytest

from qc.engine import clean_text, prepare
from qc.lang import detect_language, identify
from qc.model import Document
from qc.untranslated._common import placement, token_script
from qc.untranslated.foreign_language import ForeignLanguage, langdetect_probs
from qc.untranslated.foreign_script import ForeignScript

ENGLISH = (
    "The city council approved the new budget on Tuesday after a long debate.\n"
    "Officials said the money would go to schools, roads and public transport.\n"
    "The mayor thanked residents for their patience during the consultation.\n"
)


def test_document_language_is_deterministic() -> None:
    assert {detect_language(ENGLISH) for _ in range(5)} == {"en"}
    assert identify(ENGLISH, k=2) == identify(ENGLISH, k=2)


def test_document_language_ignores_a_leading_foreign_fragment() -> None:
    # A first-3000-characters guess follows a long Russian opening; the line vote does not.
    opening = "Сорок кораблей и судов пополнят в текущем году состав флота, заявили в министерстве обороны.\n"
    text = opening + ENGLISH * 2
    assert detect_language(text) == "en"


def test_langdetect_is_seeded() -> None:
    short = "Timeline of saga"  # on 1-3 words unseeded langdetect changes its answer between runs
    assert len({tuple(sorted(langdetect_probs(short).items())) for _ in range(5)}) == 1


def test_no_break_spaces_do_not_change_the_language() -> None:
    line = "Earlier in\xa0the day, Iraqi servicemen released a video of\xa0foreign militants found in\xa0Mosul."
    doc = prepare(Document(id="d", text=ENGLISH + line, lang="en"))
    assert list(ForeignLanguage().check(doc)) == []


def test_token_scripts() -> None:
    assert token_script("Москва") == "CYRILLIC"
    assert token_script("přátelé") == "LATIN"
    assert token_script("π") == ""  # a symbol, not a word
    assert token_script("Ñëåäóþùèå") == ""  # cp1251 read as Latin-1: mojibake
    assert token_script("Ð¢Ð°ÐºÐ¶Ðµ") == ""


def test_placements() -> None:
    text = "First line.\nЛента новостей\nText. Фраза здесь. More text here.\nEnd. Конец"
    assert placement(text, 12, 26) == "line"
    assert placement(text, text.index("Конец"), len(text)) == "edge"
    s = text.index("Фраза")
    assert placement(text, s, s + 17, (s, s + 17)) == "sentence"
    assert placement(text, s, s + 5) == "inline"


def test_bad_remove_at_is_an_error() -> None:
    with pytest.raises(ValueError, match="remove_at"):
        ForeignScript(options=ForeignScript.options_from({"remove_at": ["everywhere"]}))


def test_ui_strings_are_left_to_ui_string_unless_told_otherwise() -> None:
    text = ENGLISH + "Читать далее\n"
    doc = prepare(Document(id="d", text=text, lang="en"))
    assert list(ForeignScript().check(doc)) == []
    own = ForeignScript(options=ForeignScript.options_from({"defer_ui_strings": False}))
    findings = list(own.check(doc))
    assert len(findings) == 1
    fixed, _ = clean_text(text, findings, {own.id})
    assert fixed == ENGLISH


def test_remove_at_inline_removes_fragments_inside_sentences() -> None:
    text = "The minister, говорят наши источники в правительстве, resigned on Friday after the vote."
    doc = prepare(Document(id="d", text=text, lang="en"))
    (flag_only,) = ForeignScript().check(doc)
    assert flag_only.fix is None
    rule = ForeignScript(options=ForeignScript.options_from({"remove_at": ["line", "edge", "inline"]}))
    (f,) = rule.check(doc)
    assert f.fix == ""
    assert clean_text(text, [f], {rule.id})[0] == "The minister, resigned on Friday after the vote."

"""Language identification and the untranslated family's options: deterministic, robust, configurable."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from qc.engine import clean_text, prepare
from qc.lang import detect_language, identify
from qc.model import Document
from qc.untranslated._common import URL_RE, document_script, placement, token_script
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
    opening = "Городские власти утвердили новый план развития общественного транспорта на ближайшие годы.\n"
    text = opening + ENGLISH * 2
    assert detect_language(text) == "en"


def test_langdetect_is_seeded() -> None:
    short = "Timeline of events"  # on 1-3 words unseeded langdetect changes its answer between runs
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


def test_loanwords_are_read_as_english_only_with_their_lexicon() -> None:
    text = "Prices went up again this spring. The menu offered croissants, pain au chocolat and café au lait."
    doc = prepare(Document(id="d", text=text, lang="en"))
    assert list(ForeignLanguage().check(doc)) == []
    bare = ForeignLanguage(options=ForeignLanguage.options_from({"loanwords": ""}))
    assert len(list(bare.check(prepare(Document(id="d", text=text, lang="en"))))) == 1


def test_names_around_english_words_are_not_a_foreign_run() -> None:
    # Both detectors read "praised Wojciech Szczęsny and Martin" as Polish; its ordinary words are English.
    text = ENGLISH + "Coach Jürgen Klopp praised Wojciech Szczęsny and Martin Ødegaard after the game."
    assert list(ForeignLanguage().check(prepare(Document(id="d", text=text, lang="en")))) == []
    off = ForeignLanguage(options=ForeignLanguage.options_from({"min_foreign_words": 0}))
    assert len(list(off.check(prepare(Document(id="d", text=text, lang="en"))))) == 1


FOREIGN_MIX = [
    ENGLISH + "La police a ouvert une enquête pour déterminer les causes de l'incendie.\n",
    "Wir haben alles getan, was in unserer Macht stand, sagte der Trainer nach dem Spiel The club thanked "
    "its fans.\n" + ENGLISH,
    ENGLISH + "Nadie sabe por qué.\n" + ENGLISH,
    ENGLISH + "Coach Jürgen Klopp praised Wojciech Szczęsny and Martin Ødegaard after the game.\n",
]


@pytest.mark.parametrize("text", FOREIGN_MIX)
def test_prefilter_changes_no_finding(text: str) -> None:
    """The frequent-word pre-filter saves identifier calls, not findings: with it off, the same fragments
    (a sentence it passes as mostly English is not flagged whole, so a run's span may be tighter)."""
    on = ForeignLanguage()
    off = ForeignLanguage(options=ForeignLanguage.options_from({"prefilter": False}))
    a, b = ([(f.start, f.end) for f in r.check(prepare(Document(id="d", text=text, lang="en")))] for r in (on, off))
    assert len(a) == len(b)
    assert all(s1 < e2 and s2 < e1 for (s1, e1), (s2, e2) in zip(a, b, strict=True))


def test_prefilter_spares_identification_on_plain_english(monkeypatch: pytest.MonkeyPatch) -> None:
    import qc.untranslated.foreign_language as fl

    calls: list[str] = []
    real = fl.segment_probs_above
    monkeypatch.setattr(fl, "segment_probs_above", lambda t, floor: calls.append(t) or real(t, floor))
    doc = prepare(Document(id="d", text=ENGLISH * 3, lang="en"))
    assert list(ForeignLanguage().check(doc)) == []
    assert calls == []  # every sentence holds enough English words: no fastText call at all


def test_a_paragraph_opening_with_a_foreign_sentence_votes_for_its_body() -> None:
    # The vote reads a long line's first and last characters: a paragraph that opens with an untranslated
    # sentence is not counted as that sentence's language.
    para = ("Городские власти утвердили новый план развития транспорта. " + ENGLISH.replace("\n", " ") * 2)
    text = para + "\nThe plan will be published next week.\n"
    assert detect_language(text) == "en"


def test_rules_share_tokens_and_ui_matches_through_the_memo() -> None:
    from qc.untranslated.ui_string import UiString

    text = ENGLISH + "Нашли ошибку? Выделите текст и нажмите Ctrl+Enter\n"
    doc = prepare(Document(id="d", text=text, lang="en"))
    rules = [UiString(), ForeignScript(), ForeignLanguage()]
    found = [f.rule for r in rules for f in r.check(doc)]
    assert found == ["untranslated/ui-string"]  # the others defer to it
    assert ("untranslated", "tokens") in doc.memo
    assert any(k[:2] == ("untranslated", "ui") for k in doc.memo)


def test_languages_whose_word_lists_need_extra_tokenizers_do_not_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    # wordfreq needs MeCab for Japanese and Korean (not a dependency): the own-words test skips them.
    import qc.untranslated.foreign_language as fl

    assert not {"ja", "ko", "zh"} & fl._wordfreq_langs()
    monkeypatch.setattr(fl, "_wordfreq_langs", lambda: frozenset({"ja"}))
    rule = ForeignLanguage()
    assert rule._own("政府は火曜日に新しい予算案を発表した", "ja", "zh") is False  # no ImportError raised


@pytest.mark.parametrize("token", ["@" * 20000, "a." * 20000, "x@" + "b" * 40000, "a@" * 20000])
def test_url_pattern_is_linear_on_one_long_token(token: str) -> None:
    # The old ``\\S+@\\S+\\.\\w+`` took 11 s on 2,000 ``@`` (cubic); 20,000 now take milliseconds.
    t0 = time.perf_counter()
    assert list(URL_RE.finditer(token)) == []
    assert time.perf_counter() - t0 < 0.5


@pytest.mark.parametrize(("text", "found"), [
    ("mail john.doe@example.com now", ["john.doe@example.com"]), ("see www.bbc.co.uk/news", ["www.bbc.co.uk/news"]),
    ("visit example.com/a?b=1 ok", ["example.com/a?b=1"]), ("at https://x.y/z.", ["https://x.y/z."]),
    ("a-b.de/x and foo.ru", ["a-b.de/x", "foo.ru"]),
])
def test_url_pattern_still_finds_addresses(text: str, found: list[str]) -> None:
    assert [m.group() for m in URL_RE.finditer(text)] == found


def test_the_packs_ui_lexicon_reaches_all_three_rules(tmp_path: Path) -> None:
    from qc.pack import load_pack

    # A site string the default lexicon does not hold: only a pack's own lexicon names it.
    (tmp_path / "lexicons").mkdir()
    lexicon = 'ru = ["Свежий выпуск газеты"]\nde = ["Neue Ausgabe der Zeitung lesen"]\n'
    (tmp_path / "lexicons" / "site_ui.toml").write_text(lexicon, encoding="utf-8")
    pack_file = tmp_path / "p.toml"
    pack_file.write_text('[pack]\nselect = ["untranslated"]\n'
                         '[rules."untranslated/ui-string"]\nlexicon = "site_ui.toml"\n', encoding="utf-8")
    text = ENGLISH + "Свежий выпуск газеты\nNeue Ausgabe der Zeitung lesen und mehr erfahren\n"

    def rules_found(pack_path: Path | None) -> list[str]:
        rules = load_pack(pack_path, select=None if pack_path else ["untranslated"]).build()
        doc = prepare(Document(id="d", text=text, lang="en"))
        return sorted(f.rule for r in rules for f in r.check(doc))

    assert rules_found(None) == ["untranslated/foreign-language", "untranslated/foreign-script"]
    assert rules_found(pack_file) == ["untranslated/ui-string", "untranslated/ui-string"]
    # also when ui-string itself is not selected: the others still read the pack's lexicon
    pack_file.write_text('[pack]\nselect = ["untranslated/foreign-script", "untranslated/foreign-language"]\n'
                         '[rules."untranslated/ui-string"]\nlexicon = "site_ui.toml"\n', encoding="utf-8")
    assert rules_found(pack_file) == []


def test_untranslated_modules_import_without_a_circle() -> None:
    import subprocess
    import sys

    for mod in ("qc.untranslated.foreign_script", "qc.untranslated.foreign_language", "qc.untranslated.ui_string",
                "qc.untranslated.ui_lexicon", "qc.untranslated.runs"):
        code = f"import {mod}, sys; print(sorted(m for m in sys.modules if m.startswith('qc.untranslated.')))"
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
        loaded = set(eval(out))
        if mod != "qc.untranslated.ui_string":
            assert "qc.untranslated.ui_string" not in loaded, mod  # the shared lexicon lives apart from the rule
        if mod.endswith(("foreign_language", "ui_string", "ui_lexicon", "runs")):
            assert "qc.untranslated.foreign_script" not in loaded, mod


def test_many_short_runs_in_one_long_sentence_are_linear() -> None:
    from qc.untranslated.runs import script_runs

    text = "жж жж ab cd ef " * 10000  # 10,000 runs in one sentence: each counted it whole (51 s), now 0.3 s
    t0 = time.perf_counter()
    assert len(script_runs(text, "LATIN")) == 10000
    assert time.perf_counter() - t0 < 3


def test_a_repeated_sentence_is_read_once_and_found_at_its_offsets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-sentence memo: the second document holding the same foreign sentence costs no fastText
    call, and its finding stands at that document's own offsets, as a fresh rule reports it."""
    import qc.untranslated.foreign_language as fl

    calls: list[str] = []
    real = fl.segment_probs_above
    monkeypatch.setattr(fl, "segment_probs_above", lambda t, floor: calls.append(t) or real(t, floor))
    foreign = "La police a ouvert une enquête pour déterminer les causes de l'incendie."
    first = ENGLISH + foreign + "\n"
    second = "Breaking news from the region.\n" + ENGLISH + "He left. " + foreign + " Then he came back.\n"
    rule = ForeignLanguage()
    a = list(rule.check(prepare(Document(id="a", text=first, lang="en"))))
    n = len(calls)
    assert n > 0 and [first[f.start:f.end].strip() for f in a] == [foreign]
    doc = prepare(Document(id="b", text=second, lang="en"))
    b = list(rule.check(doc))
    assert len(calls) == n  # every sentence of the second document was read before
    fresh = list(ForeignLanguage().check(prepare(Document(id="b", text=second, lang="en"))))
    assert [(f.start, f.end, f.message) for f in b] == [(f.start, f.end, f.message) for f in fresh]
    assert [second[f.start:f.end].strip() for f in b] == [foreign]


def test_masks_are_applied_where_their_characters_stand() -> None:
    """``_masked`` tries the URL, hashtag and glossed-term patterns only on sentences holding a character
    each needs; where one stands, it is blanked as before."""
    from qc.untranslated._common import tokens
    from qc.untranslated.foreign_language import _masked

    text = "Voir www.exemple.fr/page et #marché puis “el barrio viejo” (the old quarter) ici."
    got = _masked(text, 0, len(text), tokens(text), "LATIN")
    assert len(got) == len(text)
    for gone in ("www.exemple.fr/page", "#marché", "el barrio viejo"):
        assert gone not in got and " " * len(gone) in got
    assert "Voir" in got and "(the old quarter) ici." in got
    plain = "Nothing here to blank, only words."
    assert _masked(plain, 0, len(plain), tokens(plain), "LATIN") == plain


def test_segment_probs_are_shared_but_each_call_gets_its_own_list() -> None:
    from qc.lang import _segment_probs, segment_probs

    line = "The council approved the budget after a long debate on Tuesday."
    first = segment_probs(line)
    first.clear()  # a caller's list is its own: the memo keeps the prediction
    assert segment_probs(line) == list(_segment_probs.__wrapped__(line, 3)) != []


def test_the_three_rules_share_one_ui_lexicon() -> None:
    """Built once per process (its patterns compiled once), not once per rule."""
    from qc.pack import load_pack
    from qc.untranslated.ui_string import UiString

    rules = {r.id: r for r in load_pack(None, select=["untranslated"]).build()}
    ui = rules["untranslated/ui-string"]
    assert isinstance(ui, UiString)
    assert rules["untranslated/foreign-script"]._ui is ui.lexicon  # type: ignore[attr-defined]
    assert rules["untranslated/foreign-language"]._ui is ui.lexicon  # type: ignore[attr-defined]


def test_tokens_are_the_word_matches_with_their_scripts_and_offsets() -> None:
    """``tokens`` builds its tuples from a split and running lengths: the same tokens as one per
    WORD_RE match, at the same code-point offsets (emoji, combining marks, Cyrillic), inside any slice."""
    import random

    from qc.text import WORD_RE
    from qc.untranslated._common import Token, tokens

    def one_per_match(text: str, start: int, end: int) -> list[Token]:
        return [Token(start + m.start(), start + m.end(), m.group(), token_script(m.group()))
                for m in WORD_RE.finditer(text[start:end])]

    rng = random.Random(14)
    alphabet = "ab Z1_'’-.\nжЖé😀\u0301 ,"
    for _ in range(5000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 20)))
        a = rng.randint(0, len(s))
        b = rng.randint(a, len(s))
        got = tokens(s, a, b)
        assert got == one_per_match(s, a, b) and all(type(t) is Token for t in got)
    text = "😀 Café́ naïve Москва's co-op 42"
    # a combining mark is no word character: the word ends before it, as WORD_RE says
    assert [text[t.start:t.end] for t in tokens(text)] == ["Café", "naïve", "Москва's", "co-op", "42"]
    assert [t.script for t in tokens(text)] == ["LATIN", "LATIN", "CYRILLIC", "LATIN", ""]


def test_the_loanword_hint_finds_every_loanword_the_pattern_finds_in_ascii_text() -> None:
    """Sentences without a loanword skip the case-folded loanword pattern: its ASCII hint must find, in
    the lower-cased text, every phrase the pattern matches, in any case."""
    from qc.untranslated.foreign_language import _ascii_hint

    rule = ForeignLanguage()
    assert rule._loanwords is not None and rule._loanword_hint is not None
    phrases = rule.resources.lexicon(rule.options.loanwords)
    for phrase in (p for p in phrases if p.isascii()):
        for form in (phrase, phrase.upper(), phrase.title()):
            text = f"They called it {form} again."
            assert rule._loanwords.search(text) and rule._loanword_hint.search(text.lower()), form
    assert rule._loanword_hint.search("nothing borrowed here.") is None
    # a non-ASCII letter that case-folds to an ASCII one (long s, Kelvin sign): no hint, the pattern runs
    assert _ascii_hint(["ſans souci"]) is None and _ascii_hint(["\u212aitsch"]) is None
    assert _ascii_hint(["déjà vu", "de facto"]) is not None
    # an ASCII sentence whose loanwords are blanked through the hint's path reads as English
    text = ("Prices went up again this spring. "
            "The menu offered croissants, pain au chocolat, hors d'oeuvre and creme brulee.")
    assert text.isascii() and list(rule.check(prepare(Document(id="d", text=text, lang="en")))) == []
    bare = ForeignLanguage(options=ForeignLanguage.options_from({"loanwords": ""}))
    assert len(list(bare.check(prepare(Document(id="d", text=text, lang="en"))))) == 1


def test_letter_counts_of_ascii_lines_are_the_patterns_counts() -> None:
    """The line vote counts an ASCII line's letters from its bytes: the same count as the letter
    pattern's runs, for ASCII and other text (digits, underscores, superscripts, accents, Cyrillic)."""
    import random

    from qc.lang import _LETTERS_RE, _count, _letters

    rng = random.Random(14)
    samples = ["", "Hello, world 42_x", "naïve Москва ²½", "\t- * -"]
    samples += ["".join(rng.choice("aZm1_ .-\t²½éж") for _ in range(rng.randint(0, 12))) for _ in range(20000)]
    for s in samples:
        assert _letters(s) == _count(_LETTERS_RE, s), s
    assert _letters("Hello, world 42_x") == 11


def test_letter_counts_of_mixed_lines_are_the_patterns_counts_over_all_of_unicode() -> None:
    """A non-ASCII line's letters are its ASCII ones plus the pattern's runs outside ASCII: the same count
    as the pattern's on crafted English and Russian lines with accents, digits of other scripts, marks
    and numerals, and on every code point (each alone, and each between ASCII letters and digits)."""
    import sys

    from qc.lang import _LETTERS_RE, _count, _letters

    lines = ["Café owners in Zürich paid €4.5m (Ⅻ, ², ½) to José Ñúñez_2",
             "Москва заявила, что 2024 год — «год семьи», сообщает ТАСС", "Путин said: “да” — and left",
             "e\u0301t\u00e9 \u0663\u0664 x_\u00b2y\u2167",
             "ǅemal ﬁnds ΣΊΣΥΦΟΣ in İzmir", "日本語のテキスト and 中文 42"]
    for s in lines:
        assert _letters(s) == _count(_LETTERS_RE, s), s
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for k in range(0, len(chars), 4096):
        chunk = "".join(chars[k:k + 4096])
        assert _letters(chunk) == _count(_LETTERS_RE, chunk), k
        mixed = "a1_".join(chars[k:k + 4096])
        assert _letters(mixed) == _count(_LETTERS_RE, mixed), k
    assert _letters("Zürich 2") == 6 and _letters("Москва x") == 7


def test_script_counts_are_per_letter_counts_in_first_appearance_order() -> None:
    """The document's script counts (bytes for ASCII letters, one count of the non-ASCII characters) are
    the per-letter counts, their scripts in the order a per-letter pass meets them (ties follow it)."""
    import random
    from collections import Counter

    from qc.untranslated._common import _script_counts, char_script

    def per_letter(text: str) -> list[tuple[str, int]]:
        c: Counter[str] = Counter()
        if n := sum(ch.isascii() and ch.isalpha() for ch in text):
            c["LATIN"] = n
        c.update(s for ch in text if not ch.isascii() and (s := char_script(ch)))
        return list(c.items())

    rng = random.Random(14)
    samples = ["abc Ωмир 漢字 ", "ж a ω", "Ωж", "1234 !?"]
    samples += ["".join(rng.choice("aZ 1жЖΩωé漢٣\u0301") for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    for s in samples:
        assert list(_script_counts(s).items()) == per_letter(s), s
    assert document_script("ж ω", "en") == "CYRILLIC"  # a tie: the script met first


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_own_words_test_is_wordfreqs_zipf_threshold(lang: str, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """foreign-language's own-words test reads a cached set of frequent words, not wordfreq's whole dict:
    the same answer as ``zipf_frequency(word) >= min_zipf`` for words on both sides of the threshold, in
    other cases, with apostrophes and digits, and for words wordfreq does not list."""
    import random

    import wordfreq

    from qc.untranslated import foreign_language as fl

    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))  # built here, not read from an old cache
    fl.frequent_words.cache_clear()
    fl.zipf_at_least.cache_clear()
    rng = random.Random(7)
    bands = wordfreq.get_frequency_list(lang)
    near = [w for i in range(520, 680, 4) for w in rng.sample(bands[i], min(8, len(bands[i])))]
    words = near + [w.upper() for w in near[:40]] + [w.capitalize() for w in near[:40]]
    words += ["don’t", "it's", "l'état", "covid19", "2024", "qzxv", "ёлка", "елка", "élan", "naïve", "x"]
    for min_zipf in (3.0, 2.5):
        for w in words:
            assert fl.zipf_at_least(w, lang, min_zipf) == (wordfreq.zipf_frequency(w, lang) >= min_zipf), (w, min_zipf)
    assert len(fl.frequent_words(lang, 3.0)) < 100_000
    assert list(tmp_path.glob("frequent-words-*.pickle"))  # cached on disk for the next process
    fl.frequent_words.cache_clear()
    fl.zipf_at_least.cache_clear()

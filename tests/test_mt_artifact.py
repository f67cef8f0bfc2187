"""mt-artifact family: transliteration keys, lexicon integrity, the document-level score, seed 004.

Rule-by-rule positives and near misses live in tests/cases/mt-artifact/*.toml.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from qc.engine import clean_text, prepare
from qc.lexicon import builtin_rules_dir, read_toml
from qc.model import Document
from qc.mt_artifact._common import Transliterator, english_typo
from qc.mt_artifact.calque import Calque, expand_constructions
from qc.mt_artifact.gazetteer import feminine, places
from qc.mt_artifact.machine_translated import EVIDENCE_RULES, MachineTranslated
from qc.mt_artifact.source_acronym import SourceAcronym
from qc.mt_artifact.transliteration import Transliteration
from qc.pack import load_pack
from qc.registry import RULES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
RULES_DIR = (builtin_rules_dir(),)


def en(text: str) -> Document:
    return Document(id="t", text=text, lang="en")


@pytest.fixture(scope="module")
def mt() -> MachineTranslated:
    return MachineTranslated()


# --- transliteration keys ---------------------------------------------------------------------

@pytest.mark.parametrize(("latin", "cyrillic"), [
    ("soobshchili", "сообщили"),     # BGN/PCGN
    ("soobschtschil", "сообщил"),    # German scheme
    ("zhurnalist", "журналист"),
    ("Yuliya", "юлия"),
    ("Julija", "юлия"),
    ("Khabarovsk", "хабаровск"),
    ("podezd", "подъезд"),           # hard sign dropped
])
def test_romanisations_meet_the_source_word_in_one_key(latin: str, cyrillic: str) -> None:
    tr = Transliterator(read_toml("mt_translit_ru.toml", RULES_DIR))
    assert tr.latin_key(latin) == tr.source_key(cyrillic)


def test_non_letters_have_no_key() -> None:
    tr = Transliterator(read_toml("mt_translit_ru.toml", RULES_DIR))
    assert tr.latin_key("co2") is None
    assert tr.source_key("abc") is None


def test_typos_of_english_words_are_recognised_and_source_words_are_not() -> None:
    assert english_typo("probleem") and english_typo("emal") and english_typo("tabel")
    assert not english_typo("tolko") and not english_typo("poobeshchal")


def test_transliteration_names_the_source_words() -> None:
    [f] = Transliteration().check(en("The plant will close in May, soobshchili v ministerstve."))
    assert f.data["source"] == "сообщили в министерстве"


def test_other_source_language_is_a_pack_setting() -> None:
    with pytest.raises(FileNotFoundError):
        Transliteration(options=Transliteration.options_from({"source_lang": "xx"}))


# --- lexicons -----------------------------------------------------------------------------------

def test_every_calque_has_its_source_phrase_and_compiles() -> None:
    entries = read_toml("mt_calques_ru.toml", RULES_DIR)["calque"]
    assert len(entries) >= 30
    for e in entries:
        assert re.compile(e["pattern"])
        assert re.search(r"[а-яё]", e["source"], re.IGNORECASE), e["pattern"]
        assert e["english"]
        assert 0 < e.get("weight", 1.0) <= 1.0


def test_calque_finding_carries_source_for_explain() -> None:
    [f] = Calque().check(en("The outcome depends from the weather."))
    assert f.data["source"] == "зависит от" and "depends on" in f.message


def test_every_acronym_names_source_and_english() -> None:
    entries = read_toml("mt_acronyms_ru.toml", RULES_DIR)["acronyms"]
    for latin, e in entries.items():
        assert re.search(r"[А-ЯЁа-яё]", e["source"]), latin
        assert e["english"]
    assert "FSB" not in entries and "GRU" not in entries  # English keeps these


def test_acronym_unless_is_per_document() -> None:
    rule = SourceAcronym()
    assert list(rule.check(en("The IG said the plan failed.")))
    assert not list(rule.check(en("The IG said the plan failed, the Inspector General's office added.")))


def _without_lexicon(*keys: str, **options: object) -> SourceAcronym:
    """The rule as a blind pack sees it: the named lexicon entries gone."""
    rule = SourceAcronym(options=dataclasses.replace(SourceAcronym.Options(), **options))
    for key in keys:
        rule.entries.pop(key)
    return rule


def test_two_letter_acronym_found_by_shape_and_institution_cue() -> None:
    text = "A representative of the IG declined to comment. Investigators of the SK opened a case."
    rule = _without_lexicon("IG", "SK")
    found = [(text[f.start:f.end], f.data["source"]) for f in rule.check(en(text))]
    assert found == [("IG", "ИГ"), ("SK", "СК")]
    assert not list(_without_lexicon("IG", "SK", two_letter=False).check(en(text)))


def test_two_letter_english_acronyms_and_spelt_out_ones_are_left_alone() -> None:
    rule = _without_lexicon("IG", "SK")
    for text in ("A representative of the UN said the talks would resume.",
                 "Members of the EU, the US and the UK met; officers of the IT department fixed it.",
                 "A spokesman of the OK campaign said so.",
                 "The Inspector General said a representative of the IG would testify.",
                 "The IG said the plan failed."):  # no institution cue
        assert not list(rule.check(en(text))), text


# --- family-wide behaviour ----------------------------------------------------------------------

def test_family_is_registered_and_flag_only() -> None:
    ids = {r.id for r in RULES if r.id.startswith("mt-artifact/")}
    assert ids == {r.id for r in EVIDENCE_RULES} | {"mt-artifact/machine-translated"}
    assert all(not r.fixes for r in RULES if r.id.startswith("mt-artifact/"))


def test_cleaning_leaves_machine_translated_text_as_is(mt: MachineTranslated) -> None:
    text = (SEEDS / "004_60d7c7439951a390.txt").read_text(encoding="utf-8")
    doc = en(text)
    findings = [f for rule in [*mt.evidence_rules, mt] for f in rule.check(doc)]
    assert findings and all(f.fix is None for f in findings)
    cleaned, _ = clean_text(text, findings, {f.rule for f in findings})
    assert cleaned == text


def test_only_english_documents_are_checked(mt: MachineTranslated) -> None:
    text = "Warsaw has not answered. She refused. The MID said, soobshchili v ministerstve."
    assert list(mt.check(en(text)))
    assert not list(mt.check(Document(id="t", text=text, lang="de")))


# --- the document-level score -------------------------------------------------------------------

def test_score_grows_with_evidence_and_stays_in_unit_interval(mt: MachineTranslated) -> None:
    one = "The MID said the talks went well. Prices rose again in May."
    two = one + " The talks passed in a constructive key, informed in the regional administration."
    three = two + " Warsaw has not answered the note. She has refused such demands before."
    totals = [mt.evidence(en(t))[0] for t in (one, two, three)]
    assert totals[0] < totals[1] < totals[2]
    [f] = mt.check(en(three))
    assert 0.0 < f.score <= 1.0 and (f.start, f.end) == (0, len(three))


def test_single_weak_signal_is_not_a_verdict(mt: MachineTranslated) -> None:
    assert not list(mt.check(en("Traffic rose to 95.2 mln passengers in 2022, the airport said.")))
    assert not list(mt.check(en("Storm closes roads in the north again today\n\n"
                                "Storm closes roads in the north again today\n\nRoads were shut.")))


def test_repeats_of_one_artifact_count_less_than_new_kinds(mt: MachineTranslated) -> None:
    repeated = "The MID said so. The MID said so."
    varied = "The MID said so. The FSIN said so."
    assert mt.evidence(en(repeated))[0] < mt.evidence(en(varied))[0]


def test_message_lists_the_evidence_by_kind(mt: MachineTranslated) -> None:
    text = ("Warsaw has not answered the note. She has refused such demands before. The MID said the "
            "talks passed in a constructive key. The Latvian foreign Ministry declined to comment.")
    [f] = mt.check(en(text))
    for kind in ("gender-leak", "source-acronym", "calque", "title-casing"):
        assert kind in f.message
    assert "'She'" in f.message and "'MID'" in f.message
    assert sorted(f.data["kinds"]) == f.data["kinds"] and len(f.data["kinds"]) == 4


def test_pack_threshold_decides_the_verdict() -> None:
    text = "The price depends from the season, the shop said on Monday."
    strict = MachineTranslated(options=MachineTranslated.options_from({"min_score": 0.9}))
    loose = MachineTranslated(options=MachineTranslated.options_from({"min_score": 0.3}))
    assert not list(strict.check(en(text)))
    assert list(loose.check(en(text)))


# --- seeds --------------------------------------------------------------------------------------

def test_seed_004_is_machine_translated_with_four_kinds() -> None:
    pack = load_pack(select=["mt-artifact"])
    rules = pack.build()
    text = (SEEDS / "004_60d7c7439951a390.txt").read_text(encoding="utf-8")
    doc = prepare(Document(id="004", text=text))
    findings = [f for r in rules for f in r.check(doc)]
    [verdict] = [f for f in findings if f.rule == "mt-artifact/machine-translated"]
    assert verdict.score >= 0.9
    kinds = {f.rule for f in findings} - {"mt-artifact/machine-translated"}
    assert len(kinds) >= 4, kinds
    excerpts = {f.excerpt for f in findings}
    assert {"IG", "She"} <= excerpts and any("foreign Minist" in e for e in excerpts)


@pytest.mark.parametrize("name", sorted(p.name for p in SEEDS.glob("00[0-3]_*.txt")))
def test_human_seeds_are_not_judged_machine_translated(name: str) -> None:
    rules = load_pack(select=["mt-artifact/machine-translated"]).build()
    doc = prepare(Document(id=name, text=(SEEDS / name).read_text(encoding="utf-8")))
    assert not [f for r in rules for f in r.check(doc)]


def test_calque_prefilter_literals_are_required_parts_of_matches() -> None:
    from qc.mt_artifact.calque import required_literals

    assert required_literals(r"\bdepends? from\b") == {"depend"}
    assert required_literals(r"\b(?:refused|declined) from\b") == {"refused", "declined"}
    assert required_literals(r"\b\w+ly\b") is None  # nothing literal enough: always run


def test_calque_prefilter_requires_every_literal_group() -> None:
    from qc.mt_artifact.calque import literal_groups

    groups = literal_groups(r"\bit is (?:necessary|worth) to (?:note|stress)\b", re.IGNORECASE)
    assert {"necessary", "worth"} in groups and {"note", "stress"} in groups
    # a text with only some of the groups never runs the regex (and could not match it)
    c = Calque()
    assert not list(c.check(en("It is necessary to go. We note the worth of it.")))


def test_calque_prefilter_changes_no_finding() -> None:
    texts = [
        "According to the words of the mayor, the price depends from the season.",
        "The talks passed in a constructive key, reports the agency with reference to own sources.",
        "On the eve, the ministry said so. Recall that the plant closed. It is specified that it reopens.",
        "The head of the Latvian foreign Ministry arrived; the media write that he refused from comments.",
    ]
    fast = Calque()
    slow = Calque()
    slow.entries = [(p, e, (), fold, None) for p, e, _, fold, _ in slow.entries]
    for text in texts:
        got = [(f.start, f.end) for f in fast.check(en(text))]
        assert got and got == [(f.start, f.end) for f in slow.check(en(text))]


# --- place gazetteer (gender-leak) --------------------------------------------------------------

@pytest.mark.parametrize(("russian", "fem"), [
    ("Турция", True), ("Москва", True), ("Южная Каролина", True), ("Беларусь", True), ("Житомирская область", True),
    ("Ирак", False), ("Берлин", False), ("Нидерланды", False), ("Токио", False), ("Соединённые Штаты", False),
    ("Объединённые Арабские Эмираты", False), ("Севастополь", False), ("Иран, Исламская Республика", False),
])
def test_russian_gender_is_read_off_the_name(russian: str, fem: bool) -> None:
    assert feminine(russian) is fem


def test_gazetteer_gives_packages_places_their_russian_gender() -> None:
    p = places(500_000)
    assert {n for n in ("Turkey", "Ukraine", "Moscow", "California", "Havana", "Odesa") if p[n][1]} == {
        "Turkey", "Ukraine", "Moscow", "California", "Havana", "Odesa"}
    assert not p["Iraq"][1] and not p["Berlin"][1] and not p["Texas"][1]
    assert len(p) > 1500  # countries, capitals, regions, US states and ~1,200 cities


# --- calque constructions over word classes -------------------------------------------------------

def _constructions() -> list[re.Pattern[str]]:
    entries = expand_constructions(read_toml("mt_constructions_ru.toml", RULES_DIR))
    return [re.compile(e["pattern"], re.MULTILINE | (0 if e.get("case") else re.IGNORECASE)) for e in entries]


@pytest.mark.parametrize("text", [
    "The governor told to Ukrinform that the bridge was safe.",            # reporting verb + to + media
    "Prices will rise, writes the portal, citing traders.",                 # inverted, generic outlet
    "Talks stalled, reports Kazinform with reference to a diplomat.",      # inverted, media name, with reference
    "The road is closed, told in the district traffic police.",             # subjectless, institution
    "Tariffs rose on the background of a weak harvest.",
    "A decision is expected in the nearest weeks.",
    "Tens of residents were evacuated overnight.",
    "Three miners received burns and one received a fracture.",
    "The outcome depended from the weather.",
    "It is clarified that the plant will reopen.",
    "The visit was held in a businesslike key.",
])
def test_constructions_catch_calques_no_phrase_names(text: str) -> None:
    assert any(p.search(text) for p in _constructions())
    rule = Calque()  # and the rule finds it through its constructions alone (anchors and prefilters included)
    constructions = {p.pattern for p in _constructions()}
    rule.entries = [e for e in rule.entries if e[0].pattern in constructions]
    assert list(rule.check(en(text)))


@pytest.mark.parametrize("text", [
    "The governor told Ukrinform, explained to CNN and confirmed to Reuters that the bridge was safe.",
    "Prices will rise, the portal wrote, citing traders.",
    "The road is closed, he said in a statement.",
    "He spoke on the sidelines of the summit, against a backdrop of protests.",
    "Tens of thousands marched; modern servers use tens of GB.",
    "Output declined from 5 % to 3 %.",
    "The conference was held in a virtual format, in a festive atmosphere.",
    "Based on the data of the survey, demand fell.",
])
def test_constructions_leave_native_look_alikes_alone(text: str) -> None:
    assert list(Calque().check(en(text))) == []


# --- bench/blind_mt.py: the blind pack ------------------------------------------------------------

def test_blind_pack_drops_exactly_the_items_a_truth_span_names(tmp_path: Path) -> None:
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("blind_mt", Path(__file__).parent.parent / "bench" / "blind_mt.py")
    assert spec and spec.loader
    blind = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(blind)
    text = ("Gaza has been here before. She went through it. The MID said so. A spokesman for the justice "
            "Ministry agreed. The price depends from the season.")
    spans = [[text.index("She"), text.index("She") + 3, "gender"],
             [text.index("MID"), text.index("MID") + 3, "acronym"],
             [text.index("justice"), text.index(" agreed"), "casing"],
             [text.index("depends"), text.index(" the season"), "calque"]]
    (tmp_path / "set" / "docs").mkdir(parents=True)
    (tmp_path / "set" / "docs" / "d1.txt").write_text(text, encoding="utf-8")
    (tmp_path / "set" / "truth.jsonl").write_text(json.dumps({"id": "d1", "spans": spans, "legit": []}) + "\n")
    removed = blind.build_blind_pack(tmp_path / "pack", blind.load_set(tmp_path / "set"))
    assert removed["gender"] == ["Gaza"] and removed["acronym"] == ["MID"] and removed["casing"] == ["justice"]
    assert any("from" in p for p in removed["calque"]) and len(removed["calque"]) == 1
    lex = tmp_path / "pack" / "lexicons"
    assert "Gaza" not in (lex / "mt_places_en.txt").read_text() and "Kiev" in (lex / "mt_places_en.txt").read_text()
    acr = read_toml("mt_acronyms_ru.toml", (tmp_path / "pack",))["acronyms"]
    assert "MID" not in acr and "MVD" in acr
    casing = read_toml("mt_casing_en.toml", (tmp_path / "pack",))
    assert "justice" not in casing["modifiers"] and "foreign" in casing["modifiers"]


def test_a_capitalised_source_word_is_judged_where_it_stands_in_each_document() -> None:
    """The fast path keeps each token text's verdict per process, but a capitalised source word counts
    only after a preposition or at a sentence start: seen first as a name, it is still found later."""
    rule = Transliteration()
    assert list(rule.check(en("The Moskve Group said the plant would close in May."))) == []
    [f] = rule.check(en("The talks in Moskve ended on Friday and the delegations left."))
    assert f.start == len("The talks in ") and f.end == f.start + len("Moskve")
    assert rule._kinds["Moskve"] == 2  # placed: its text alone decides nothing


def test_number_patterns_match_as_their_look_behind_first_forms() -> None:
    """The decimal-comma and space-group patterns open with the digit (scanned faster); they find what
    the plain forms (look-behind first) find, on seeded random strings of digits, separators and letters."""
    import random
    import re

    from qc.mt_artifact import number_format as nf

    plain = {
        nf._DECIMAL: re.compile(r"(?<![\w.,])\d{1,3},\d{1,2}(?![\d]|,\d)"),
        nf._GROUPS: re.compile(rf"(?<![\w.,+(])(?<![\d)] )\d{{1,3}}(?:{nf._SP}\d{{3}})+(?![\w]|[,.]\d|{nf._SP}\d)"),
    }
    rng = random.Random(14)
    alphabet = "0123456789,. \u00a0\u2009\u202f+()]a\n"
    samples = ["1,5 mln", "(2,25)", "x1,5", "12 345 678", "1 234,5", "5) 100 000", "+7 900 123"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(20000)]
    for fast, slow in plain.items():
        for s in samples:
            assert [m.span() for m in fast.finditer(s)] == [m.span() for m in slow.finditer(s)], (fast.pattern, s)
    assert [m.group() for m in nf._DECIMAL.finditer("rose 1,5 % and 2,25")] == ["1,5", "2,25"]
    assert [m.group() for m in nf._GROUPS.finditer("paid 1 234 567 rubles")] == ["1 234 567"]


def test_date_pattern_matches_as_its_look_behind_first_form() -> None:
    """The dd.mm.yyyy pattern opens with its first digit; it finds what the plain form finds, on seeded
    random strings of digits, full stops, letters and other digits."""
    import random
    import re

    from qc.mt_artifact import number_format as nf

    plain = re.compile(r"(?<![\w.])(?:0?[1-9]|[12]\d|3[01])\.(?:0[1-9]|1[0-2])\.(?:\d{4}|\d{2})(?![\w]|\.\d)")
    rng = random.Random(16)
    samples = ["29.03.2017", "1.05.20", "31.12.2021.5", "00.01.2020", "x1.01.2020", "45.01.2020", "٣.01.2020",
               "32.01.2020", "39.1.20", "0.01.20", "20.1.2020"]
    pieces = ["0", "1", "3", "9", "12", "31", "05", "2020", ".", ".", " ", "a", "_", "٣", "\n",
              "29.03.2017", "1.05.20", "31.12.2021", "00.01.20", ".12."]
    samples += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))) for _ in range(40000)]
    found = 0
    for s in samples:
        got = [m.span() for m in nf._DATE.finditer(s)]
        assert got == [m.span() for m in plain.finditer(s)], s
        found += len(got)
    assert found > 100


def test_abbreviation_prefilter_never_refuses_a_text_the_pattern_matches() -> None:
    """number-format's abbreviation pattern is tried only where the lower case holds an abbreviation (or
    a character folding to an ASCII letter stands): random texts of abbreviations in any case, digits and
    the folding characters never match where the prefilter refuses; and those characters are the only
    ones outside A-Za-z a case-folded pattern matches to an ASCII letter."""
    import random
    import re
    import sys

    from qc.mt_artifact import number_format as nf

    folding = re.compile("[a-z]", re.IGNORECASE)
    assert "".join(c for c in map(chr, range(128, sys.maxunicode + 1)) if folding.match(c)) == nf._FOLDS_TO_ASCII
    rule = nf.NumberFormat()
    rng = random.Random(17)
    pieces = ["mln", "MLRD", "Thous", "ty", "s", "ſ", "ı", "İ", "K", "th", "sd", " ", "5", "1,5", "\u00a0", "é", "."]
    refused = matched = 0
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 8)))
        hit = rule.abbr.search(text) is not None
        matched += hit
        if not rule._may_abbreviate(text):
            refused += 1
            assert not hit, text
    assert refused > 1000 and matched > 500
    assert nf.NumberFormat(options=nf.NumberFormat.options_from({"abbreviations": ["млн"]}))._may_abbreviate("x")


def test_quote_patterns_match_as_their_look_behind_first_forms() -> None:
    """The speech-dash and glued-quote patterns open with their literal (scanned faster); they find what
    the plain forms (look-behind first) find, on seeded random strings."""
    import random
    import re

    from qc.mt_artifact import quote_marks as qm

    plain = {
        qm._DASH: re.compile(r"(?<=[”\"»]),\s?[–—-](?=\s)"),
        qm._RESUME: re.compile(r"(?<=[a-z][.,]) [–—-](?= [A-Z])"),
        qm._GLUED: re.compile(r"(?<=[a-z])\" (?=[A-Z][^\"\n]{0,40}\")"),
    }
    rng = random.Random(14)
    alphabet = "aZ.,”\"» –—-\n"
    samples = ['”, – said', 'said. - Due', 'corvette" Stoyky"', "«Ростех», — сказал"]
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16))) for _ in range(20000)]
    for fast, slow in plain.items():
        for s in samples:
            assert [m.span() for m in fast.finditer(s)] == [m.span() for m in slow.finditer(s)], (fast.pattern, s)
    assert [m.span() for m in qm._GLUED.finditer('the corvette" Stoyky" sailed')] == [(12, 14)]


def test_title_casing_words_are_the_plain_patterns_words() -> None:
    """title-casing's word pattern takes the first letter out of its two branches and its words come
    from one split: the same (start, end, word) as the plain alternation's matches, on random strings."""
    import random
    import re

    from qc.mt_artifact import title_casing as tc
    from qc.text import split_offsets

    plain = re.compile(r"(?:[A-Z]\.){2,}|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
    rng = random.Random(14)
    samples = ["U.S. and U.K. officials", "the foreign Ministry's co-op", "A.B", "x-y-"]
    samples += ["".join(rng.choice("aBZ.' ’-\nx1é") for _ in range(rng.randint(0, 16))) for _ in range(20000)]
    for s in samples:
        words = list(zip(*split_offsets(tc._WORD_SPLIT, s), strict=True))
        assert words == [(m.start(), m.end(), m.group()) for m in plain.finditer(s)], s


def test_name_pattern_and_key_memo_keep_name_variants_per_document() -> None:
    """name-variants finds names from their capital (the plain ``\\b[A-Z][a-z]+\\b`` matches) and keeps
    each name's key per process, but the variants it compares stay those of one document."""
    import random
    import re

    from qc.mt_artifact.name_variants import _NAME, NameVariants

    plain = re.compile(r"\b[A-Z][a-z]+\b")
    rng = random.Random(14)
    for s in ["Yablonsky and Jablonski", *("".join(rng.choice("aZb Q1_é-") for _ in range(12)) for _ in range(20000))]:
        assert [m.span() for m in _NAME.finditer(s)] == [m.span() for m in plain.finditer(s)], s
    rule = NameVariants()
    both = "Mayor Yablonsky spoke on Monday. Later Jablonski said the plan would go ahead."
    assert [f.data["variants"] for f in rule.check(en(both))] == [["Yablonsky", "Jablonski"]]
    assert list(rule.check(en("Jablonski said the plan would go ahead on Monday."))) == []


def test_calque_automaton_names_the_entries_whose_rarest_group_is_present() -> None:
    """The Aho-Corasick pass gives the entries a substring test of each entry's rarest group gives (every
    entry without groups too), in the entries' order, and the starts of those strings give the windows a
    substring scan gives; and the rule still finds its calques through it."""
    from qc.mt_artifact.calque import _has_all, _windows, _windows_at

    rule = Calque()
    texts = [
        "The outcome depends from the weather, reported the agency, according to the words of the mayor.",
        "In the nearest time tens of residents received injuries, as it is known, the ministry informed.",
        "Nothing to see here: a plain English sentence about the weather.",
        "It is necessary to note that, as reported, the assassin passed. Passes, assessed, depends, depends.",
        (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text(encoding="utf-8"),
    ]
    windowed = 0
    for text in texts:
        lowered = text.lower()
        brute = [i for i, (_p, e, groups, fold, _w) in enumerate(rule.entries)
                 if e.get("anchor") or not groups or _has_all(lowered if fold else text, groups[:1])]
        live, at = rule._live(text, lowered)
        assert live == brute
        for i in live:  # the automaton's starts give the windows a substring scan gives
            _p, e, groups, fold, width = rule.entries[i]
            if groups and width is not None and not e.get("anchor"):
                hay = lowered if fold else text
                assert _windows_at(len(hay), groups[0], at[fold], width) == _windows(hay, groups[0], width)
                windowed += bool(_windows(hay, groups[0], width))
    assert windowed >= 5
    found = {f.data["source"] for f in rule.check(en(texts[0] + " " + texts[1]))}
    assert len(found) >= 3


def test_key_index_answers_as_the_dict_it_was_built_from() -> None:
    """The source index is stored as a KeyIndex (flat arrays): every key of the built dicts gives the same
    (word, zipf), other keys (prefixes, extensions, empty, NUL, non-ASCII) give nothing."""
    import pickle
    import random

    from qc.mt_artifact._common import KeyIndex, _build_source_index, freeze_table

    table = freeze_table(read_toml("mt_translit_ru.toml", RULES_DIR))
    exact, loose = _build_source_index("ru", table, 1.5)
    rng = random.Random(3)
    for built in (exact, loose):
        index = pickle.loads(pickle.dumps(KeyIndex(built)))
        assert len(index) == len(built)
        for key in rng.sample(sorted(built), 5000):
            assert index.get(key) == built[key] and key in index
            for other in (key[:-1], key + "a", key + "\0", "й" + key):
                assert index.get(other) == built.get(other)
        assert index.get("") == built.get("") and index.get("x" * 200) is None
    small = KeyIndex({"b": ("б", 1.5), "ab": ("аб", 2.25)})
    assert dict(small.items()) == {"ab": ("аб", 2.25), "b": ("б", 1.5)} and "a" not in small
    assert KeyIndex({}).get("a") is None
    # words in one byte a letter when a code page holds them all, as str otherwise; keys of 0-2 bytes
    for words in (("б", "аё"), ("é", "x"), ("中", "б")):
        items = {"": (words[0], 1.0), "a": (words[1], 2.0), "ab": (words[0], 3.0), "é": (words[1], 4.0)}
        index = pickle.loads(pickle.dumps(KeyIndex(items)))
        assert {k: index.get(k) for k in (*items, "b", "a\0", "abc")} == {**items, "b": None, "a\0": None, "abc": None}


def test_word_zipf_is_wordfreqs_dict_with_a_float_per_band(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """word_zipf is stored by band: the same items in the same order as the per-word conversion of
    wordfreq's dict (the source index keeps the first of equal Zipfs), one float object per band."""
    import wordfreq

    from qc.mt_artifact import _common as mc

    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))  # built here, then read back from the cache
    for _ in range(2):
        mc.word_zipf.cache_clear()
        got = mc.word_zipf("en")
        assert list(got.items()) == [(w, mc.zipf(f)) for w, f in wordfreq.get_frequency_dict("en", "large").items()]
        assert len({id(z) for z in got.values()}) < 2000
    mc.word_zipf.cache_clear()


def _case_texts(rule: str) -> list[str]:
    """The texts of tests/cases/mt-artifact/RULE.toml (written for the tests), passes and fails."""
    import tomllib

    cases = tomllib.loads((Path(__file__).parent / "cases" / "mt-artifact" / f"{rule}.toml").read_text("utf-8"))
    return [c["text"] for group in cases.values() if isinstance(group, list) for c in group if "text" in c]


def _spans(rule, texts: list[str]) -> list[list[tuple[int, int, str]]]:  # type: ignore[no-untyped-def]
    return [[(f.start, f.end, f.message) for f in rule.check(en(t))] for t in texts]


def test_transliteration_tokens_are_token_res_matches() -> None:
    """transliteration splits its tokens with TOKEN_RE's first letter before the look-behind: the same
    (start, end, token) as TOKEN_RE's matches, on random strings of letters, apostrophes and others."""
    import random

    from qc.mt_artifact import transliteration as tl
    from qc.mt_artifact._common import TOKEN_RE
    from qc.text import split_offsets

    rng = random.Random(14)
    samples = ["d'Estaing’s rock'n'roll", "Jósefsdóttir x1y _a a_", "'ab' ’c’", "İstanbul"]
    samples += ["".join(rng.choice("aBz'’ é_1-\nЖ") for _ in range(rng.randint(0, 16))) for _ in range(20000)]
    for s in samples:
        assert list(zip(*split_offsets(tl._TOKEN_SPLIT, s), strict=True)) == [
            (m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(s)], s


def test_transliteration_memos_stay_bounded_and_change_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """The per-process memos of token kinds and source words are bounded (a generation of at most
    _KIND_MEMO_SIZE texts, or one document's words, plus the one before): with tiny bounds, so that they
    turn over inside the run, every document gets the findings of a rule with the default bounds."""
    from qc.mt_artifact import transliteration as tl
    from qc.text import split_offsets

    texts = _case_texts("transliteration") * 3
    expected = _spans(Transliteration(), texts)
    assert sum(map(len, expected)) >= 10
    monkeypatch.setattr(tl, "_KIND_MEMO_SIZE", 7)
    monkeypatch.setattr(tl, "_SOURCE_MEMO_SIZE", 3)
    rule = Transliteration()
    for text, spans in zip(texts, expected, strict=True):
        assert _spans(rule, [text]) == [spans], text
        assert len(rule._kinds) <= max(7, len(set(split_offsets(tl._TOKEN_SPLIT, text)[2])))
        assert len(rule._sources) <= 3
        assert rule._placed == {w for w, kind in rule._kinds.items() if kind}


def test_name_variant_memo_generations_change_no_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    """name-variants keeps at most two generations of _KEY_MEMO_SIZE names: with a tiny size the memo
    turns over inside every document and the findings are the default rule's."""
    from qc.mt_artifact import name_variants as nv

    texts = _case_texts("name-variants") * 3
    expected = _spans(nv.NameVariants(), texts)
    assert any(expected)
    monkeypatch.setattr(nv, "_KEY_MEMO_SIZE", 2)
    rule = nv.NameVariants()
    assert _spans(rule, texts) == expected
    assert len(rule._keys) <= 2 and len(rule._keys_old) <= 2


def test_title_casing_looks_near_heads_only_and_finds_what_every_word_finds() -> None:
    """title-casing tests only the words up to 2 * max_run + 2 before a head as pattern openers: on the
    rule's cases and on seeded random phrases of heads, modifiers, joiners and names, it finds exactly
    what the rule finds when every word is tested."""
    import random

    from qc.mt_artifact.title_casing import TitleCasing

    class EveryWord(TitleCasing):
        def _near_heads(self, toks: list[str]) -> list[int]:
            return list(range(len(toks) - 1))

    vocab = re.findall(r"\S+", "the foreign Foreign Ministry ministry Prime prime Minister minister Deputy First "
                       "first Council security Security Emergency situations Department department of of and "
                       "and for the a Iraqi Russia's U.S. UN state State Supreme Court court said new Health "
                       "office President president National Social Investment Office Vice Affairs affairs "
                       "defense Defense He Moscow")
    seps = [" "] * 12 + [". ", ", ", "\n", "  "]
    rng = random.Random(14)
    texts = _case_texts("title-casing")
    texts += ["".join(rng.choice(vocab) + rng.choice(seps) for _ in range(rng.randint(2, 24)))
              for _ in range(4000)]
    for max_run in (4, 1):
        options = TitleCasing.Options(max_run=max_run)
        near, every = TitleCasing(options), EveryWord(options)
        expected = _spans(every, texts)
        assert sum(map(len, expected)) > 300
        assert _spans(near, texts) == expected


def test_transliteration_token_texts_from_the_words_are_the_splits() -> None:
    """The distinct token texts read from the untranslated family's words are the split's, on random
    strings of letters (ASCII and not), apostrophes, hyphens, digits and ``_``; None where two apostrophes
    stand side by side (a token may run across two words there)."""
    import random

    from qc.mt_artifact import transliteration as tl
    from qc.text import split_offsets
    from qc.untranslated._common import _WORD_SPLIT_RE

    rng = random.Random(15)
    samples = ["d'Estaing’s rock'n'roll", "Jósefsdóttir x1y _a a_", "'ab' ’c’", "İstanbul", "Moskva-based ex-USSR"]
    samples += ["".join(rng.choice("aBz'’ é_1-\nЖ.") for _ in range(rng.randint(0, 24))) for _ in range(30000)]
    declined = 0
    for s in samples:
        words = split_offsets(_WORD_SPLIT_RE, s)
        got = tl._token_texts(s, words)
        if got is None:
            assert any(q in s for q in ("''", "'’", "’'", "’’")), s
            declined += 1
            continue
        starts, _ends, toks = split_offsets(tl._TOKEN_SPLIT, s)
        assert got[0] == set(toks), s
        for w in got[0] - got[1]:  # a token no other word holds stands where the words equal to it do
            assert [a for a, t in zip(starts, toks, strict=True) if t == w] == \
                [a for a, x in zip(words[0], words[2], strict=True) if x == w], (s, w)
    assert tl._token_texts("a b", None) is None
    assert 1000 < declined < 20000


def test_transliteration_from_the_untranslated_words_finds_what_it_did() -> None:
    """A document the untranslated family has read (its word split in the memo) gets the findings of one
    it has not, over the rule's case texts and a document without candidates."""
    from qc.untranslated._common import doc_word_split

    texts = [*_case_texts("transliteration"), "The council met on Monday and approved the new budget.",
             "The Moskve Group met. The talks in Moskve-based firms ended.", "Kreml’s own x-Kreml"]
    rule, fresh = Transliteration(), Transliteration()
    found = 0
    for text in texts * 2:
        doc = en(text)
        doc_word_split(doc)
        got = [(f.start, f.end, f.message) for f in rule.check(doc)]
        assert got == [(f.start, f.end, f.message) for f in fresh.check(en(text))], text
        found += len(got)
    assert found >= 10

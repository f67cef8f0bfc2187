"""The encoding family as a whole: repairs restore text exactly, legitimate text is never touched,
fixes of different encoding rules never overlap, and the seeds' glitches are found and fixed."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from qc.encoding._scan import all_repairs
from qc.encoding.invalid_utf8 import InvalidUtf8
from qc.encoding.replacement_char import ReplacementChar
from qc.engine import check_document, clean_text
from qc.fixes import choose_edits
from qc.model import Document
from qc.registry import RULES

ENCODING = [r() for r in RULES if r.id.startswith("encoding/")]
FIXING = {r.id for r in ENCODING if r.fixes}
SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# Legitimate non-ASCII text of the kinds news carries (written for these tests).
LEGIT = [
    "Le président a déclaré « Nous sommes prêts » à l’Élysée, où l’on fêtait Noël.",
    "Über 50 Prozent der Bürger in Köln stimmten für die Straßenbahn — „gut“ gesagt.",
    "Włodzimierz Żółć z Łodzi powiedział, że źródło jest czyste; Dvořák, Šibenik, Žižek.",
    "Cumhurbaşkanı Erdoğan İstanbul’da “Türkiye güçlü” dedi; Çavuşoğlu da konuştu.",
    "Thủ tướng phát biểu tại Hà Nội về kinh tế; người dân đón Tết Nguyên Đán.",
    "Президент заявил, что «всё будет хорошо»; Ёлка, ЁЖ, «ЦЕНТР», «ЛЬВОВ» — слова.",
    "Прем’єр-міністр зустрівся з послом у Києві — розмова тривала дві години.",
    "Ο πρωθυπουργός δήλωσε ότι η Ελλάδα είναι έτοιμη για τις εκλογές στην Αθήνα.",
    "The ¼-mile stretch cost ¥3 million (€2.5 m, £2.1 m); −12 °C; x² + y²; √π ≈ 1.77.",
    "Fans replied with 👍 and 🇺🇦, ❤️ and 👨‍👩‍👧 within minutes. Café’s naïve résumé.",
    "東京で記者会見を開いた。 서울에서 기자회견을 열었다. قال الرئيس إن الاقتصاد قوي.",
    "ÉCOLE NORMALE — ÉTÉ 2023; ZÜRICH, ØRESUND, SÃO TOMÉ, ÞÓR; São Paulo é à noite.",
]

WORDS = ["don’t", "“quoted”", "café", "naïve", "Zürich", "Łódź", "Следующие", "протеста", "—",
         "Việt", "São", "€100", "Ελλάδα", "Києві"]
CODECS = ["sloppy-windows-1252", "latin-1", "sloppy-windows-1251", "mac_roman", "sloppy-windows-1250"]


def _clean(text: str) -> str:
    findings, errors = check_document(Document(id="t", text=text), ENCODING)
    assert not errors
    return clean_text(text, findings, FIXING)[0]


@pytest.mark.parametrize("text", LEGIT)
def test_legitimate_text_is_left_alone(text: str) -> None:
    findings, _ = check_document(Document(id="t", text=text), ENCODING)
    assert findings == []


@pytest.mark.parametrize("codec", CODECS)
def test_mojibake_of_each_codec_is_restored_exactly(codec: str) -> None:
    import ftfy.bad_codecs  # noqa: F401

    rng = random.Random(codec)
    for _ in range(20):
        words = rng.sample(WORDS, 4)
        bad = []
        for w in words:
            try:
                bad.append(w.encode("utf-8").decode(codec))
            except UnicodeDecodeError:
                bad.append(w)
        original = "The report said " + " and ".join(words) + " today."
        broken = "The report said " + " and ".join(bad) + " today."
        assert _clean(broken) == original, (codec, broken)


def test_double_encoding_and_cp1251_as_cp1252() -> None:
    original = "Она сказала: «Следующие акции протеста запланированы на 16 февраля» — it’s true."
    double = original.replace("it’s", "it’s".encode().decode("cp1252").encode().decode("cp1252"))
    assert _clean(double) == original
    words = original.split(" ")
    broken = " ".join(w.encode("cp1251").decode("cp1252") if w.isalpha() and not w.isascii() else w
                      for w in words)
    assert _clean(broken) == original


def test_repairs_never_overlap_and_are_all_applied() -> None:
    text = ("Ð¢Ð°ÐºÐ¶Ðµ the man\x92s &amp; іssuе in\xa0the donâ€™t mediabankFlag of\xa0the\xa0"
            "Ñëåäóþùèå ïðîòåñòà \ufeffok")
    findings, _ = check_document(Document(id="t", text=text), ENCODING)
    fixable = [f for f in findings if f.fix is not None and f.rule in FIXING]
    _, skipped = choose_edits(fixable, text)
    assert skipped == []
    assert _clean(text) == ("Также the man’s & issue in the don’t mediabank Flag of the "
                            "Следующие протеста ok")


def test_repairs_align_with_the_text() -> None:
    text = "x donâ€™t y Р—Р°РіРѕР»РѕРІРѕРє z"
    for r in all_repairs(text):
        assert text[r.start:r.end] in ("â€™", "Р—Р°РіРѕР»РѕРІРѕРє")


def test_ascii_fast_path_finds_nothing() -> None:
    text = "Plain ASCII news text, with 'quotes' and -- dashes. " * 200
    findings, _ = check_document(Document(id="t", text=text), ENCODING)
    assert findings == []


def test_invalid_utf8_reports_reader_errors_and_replacement_char_does_not_repeat_them() -> None:
    text = "caf\ufffd and \ufffd"
    doc = Document(id="t", text=text, decode_errors=((3, 4, b"\xe9"),))
    inv = list(InvalidUtf8().check(doc))
    rep = list(ReplacementChar().check(doc))
    assert [(f.start, f.end) for f in inv] == [(3, 4)]
    assert "e9" in inv[0].message
    assert [(f.start, f.end) for f in rep] == [(9, 10)]


def test_seed_nbsp_and_glued_word_are_found_and_fixed() -> None:
    for name in ("000_8e01145e200d4389.txt", "002_43968743169c8930.txt", "003_d609d6f525764dd4.txt"):
        text = (SEEDS / name).read_text(encoding="utf-8")
        assert "\xa0" in text
        findings, _ = check_document(Document(id=name, text=text), ENCODING)
        assert any(f.rule == "encoding/nbsp" for f in findings)
        clean = clean_text(text, findings, FIXING)[0]
        assert "\xa0" not in clean, name
        if name.startswith("000"):
            assert "mediabankFlag" not in clean and "mediabank Flag" in clean


def test_codec_bytes_and_utf8_runs_are_the_plain_forms() -> None:
    """``as_bytes`` (one charmap pass) gives ``translate(table).encode("latin-1", "replace")`` and
    ``utf8_runs`` (the run pattern tried only at lead bytes) gives ``UTF8_RUN_RE.finditer``, on seeded
    random text drawn from every table, ASCII, U+FFFD, CJK and a lone surrogate."""
    from qc.encoding._scan import CODECS, UTF8_RUN_RE, as_bytes, utf8_runs

    rng = random.Random(14)
    pool = sorted({chr(c) for _name, table in CODECS for c in table} | set("ab \n\x1a\ufffd漢\ud83d\u00e9\u00a0"))
    samples = ["CafÃ© â€œquotedâ€\x9d", "Ð¢Ð°ÐºÐ¶Ðµ", "plain ascii"]
    samples += ["".join(rng.choice(pool) for _ in range(rng.randint(0, 12))) for _ in range(5000)]
    for s in samples:
        for name, table in CODECS:
            raw = s.translate(table).encode("latin-1", "replace")
            assert as_bytes(s, name) == raw, (name, s)
            assert [m.span() for m in utf8_runs(raw)] == [m.span() for m in UTF8_RUN_RE.finditer(raw)], (name, s)


def test_suspect_and_case_change_prefilters_find_what_their_plain_forms_find() -> None:
    """The byte-scan prefilter and glued-words' case-change test open with one character class (scanned
    faster); they match where the plain alternations match, on seeded random text."""
    import re

    from qc.encoding import _scan
    from qc.encoding.glued_words import CASE_CHANGE_RE

    leads = {chr(cp) for _n, t in _scan.CODECS for cp, b in t.items() if 0xC2 <= b <= 0xF4}
    conts = {chr(cp) for _n, t in _scan.CODECS for cp, b in t.items() if 0x80 <= b <= 0xBF} | {"\ufffd"}
    typo = set("’‘“”—–…«»•\xa0")

    def cls(chars: set[str]) -> str:
        return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"

    plain_suspect = re.compile(f"{cls(leads - typo)}{cls(conts)}|{cls(leads & typo)}{cls(conts - typo)}")
    plain_case = re.compile("[a-z][A-Z]|[а-яё][А-ЯЁ]")
    rng = random.Random(14)
    pool = sorted(leads | conts | set("aZ яЯёЁ\n"))
    for _ in range(20000):
        s = "".join(rng.choice(pool) for _ in range(rng.randint(0, 8)))
        assert [m.span() for m in _scan.SUSPECT_RE.finditer(s)] == [m.span() for m in plain_suspect.finditer(s)], s
        assert bool(CASE_CHANGE_RE.search(s)) == bool(plain_case.search(s)), s
    assert _scan.SUSPECT_RE.search("CafÃ©") and not _scan.SUSPECT_RE.search("It’s\xa0fine — “yes”")


def test_nbsp_keeps_off_glued_and_homoglyph_words() -> None:
    """other_spans tries the glued-word and homoglyph patterns only where a capital follows a lower-case
    letter and a Cyrillic or Greek letter stands; where they do, their words are still in the spans."""
    from qc.encoding.nbsp import other_spans

    text = "Visit mediabankFlag\xa0today in M\u043escow\xa0now"
    spans = other_spans(text)
    glued = (text.index("mediabankFlag"), text.index("mediabankFlag") + len("mediabankFlag"))
    mixed = (text.index("M\u043escow"), text.index("M\u043escow") + len("M\u043escow"))
    assert glued in spans and mixed in spans
    assert other_spans("plain\xa0text here\xa0and there") == []

"""The boilerplate family's fast paths give the answers of the slow ones they replace (crafted lines and
seeded random ones; no timing here: bench/bench_audit.py measures the cost)."""

from __future__ import annotations

import random
import re

import polars as pl
import pytest

from qc.boilerplate import classify
from qc.boilerplate.classify import CATEGORIES, LineScorer
from qc.boilerplate.cross_document import CrossDocument
from qc.boilerplate.language import BODY_STOP_OK, body_language, stoplist
from qc.boilerplate.lines import build_line_table, fold
from qc.boilerplate.repeated_block import _words, folded_words_are_words
from qc.lang import identify
from qc.lexicon import builtin_rules_dir, read_toml
from qc.model import Document
from qc.rule import CorpusRule
from qc.text import WORD_RE

LINES = [
    "Sign up for our newsletter and follow us on social media.",
    "© 2024 Daily Planet. All rights reserved.",
    "Related stories",
    "Read more",
    "Cookies help us deliver our services. By using our services, you agree to our use of cookies.",
    "Please donate: your donations keep us independent. Support us with a monthly contribution.",
    "The minister said on Tuesday that the subscription scheme would be reviewed by the committee.",
    "Photo: Reuters / Jane Doe",
    "Image copyright Getty Images",
    "Comments (12)",
    "12 comments",
    "Share this article on Facebook Twitter WhatsApp",
    "Подписывайтесь на наш канал в Telegram",
    "Lesen Sie auch: Spende jetzt",
    "20 November 2019",
    "Nov. 20, 2019 5:52 AM",
    "29.03.2017 - Minister resigns over scandal",
    "Minister resigns over scandal | 05/10/2018",
    "Posted on 20 November 2019 at 18:15 by Jane Doe",
    "Updated 18:15",
    "On 20 November 2019 the council met and on 21 November 2019 it voted.",
    "The 2019-11-20 meeting, in pre-20 November talks, ended at 5:52 am.",
    "Tel.: +49 30 1234 5678",
    "Jane Doe is a staff writer at the Daily Planet.",
    "www.example.com",
    "",
    "---",
    "Ctrl+Enter",
]


@pytest.fixture(scope="module")
def scorer() -> LineScorer:
    return LineScorer(read_toml("boilerplate_phrases.toml", (builtin_rules_dir(),)))


def _stops() -> frozenset[str]:
    return frozenset({"the", "a", "of", "on", "and", "to", "our", "that", "by", "would", "be", "it", "at"})


def test_categories_found_holds_every_category_whose_phrase_regex_matches(scorer: LineScorer) -> None:
    for line in LINES:
        folded = fold(line)
        found = scorer._categories_found(folded)
        for cat in CATEGORIES:
            regex = scorer.matchers[cat].regex
            if regex is not None and regex.search(folded):
                assert cat in found, (line, cat)
    assert scorer._categories_found(fold("Related stories")) >= {"section"}
    assert scorer._categories_found(fold("The minister spoke")) == frozenset()


def test_verdicts_equal_those_that_scan_every_category(scorer: LineScorer, monkeypatch: pytest.MonkeyPatch) -> None:
    stops = _stops()
    fast = [scorer._verdict(line, st, None, None) for line in LINES if line for st in (stops, None)]
    # the slow path: every category's regex runs on a line holding any phrase literal
    real = LineScorer._categories_found
    monkeypatch.setattr(LineScorer, "_categories_found",
                        lambda self, folded: frozenset(CATEGORIES) if real(self, folded) else frozenset())
    slow = [scorer._verdict(line, st, None, None) for line in LINES if line for st in (stops, None)]
    assert fast == slow
    assert any(v.kind == "furniture" for v in fast) and any(v.kind == "prose" for v in fast)


def _date_only_slow(scorer: LineScorer, folded: str) -> bool:
    """The definition: the words left when every date is replaced by a space, less fillers and numbers."""
    v = scorer.vocab
    rest = [t for t in WORD_RE.findall(v.date.sub(" ", folded)) if t not in v.date_fillers and not t.isdigit()]
    return len(rest) <= 1


def test_date_only_reads_the_gaps_between_dates_as_the_substitution_does(scorer: LineScorer) -> None:
    rng = random.Random(7)
    pieces = ["20 november 2019", "nov. 20, 2019", "18:15", "5:52 am", "29.03.2017", "2019-11-20", "on", "at",
              "the", "minister", "pre-", "-", "|", "x", "2019", "12", "o'clock", ",", "."]
    lines = [fold(line) for line in LINES if line]
    lines += [" ".join(rng.choice(pieces) for _ in range(rng.randint(1, 7))) for _ in range(3000)]
    seen = set()
    for folded in lines:
        dates = scorer.vocab.date.finditer(folded)
        first = next(dates, None)
        if first is None:
            continue
        got = scorer._date_only(folded, first, dates)
        assert got == _date_only_slow(scorer, folded), folded
        seen.add(got)
    assert seen == {True, False}


def test_other_words_counts_the_words_of_the_slice() -> None:
    text = "pre-20 nov, the x'y 12 at-3 o’clock"
    fillers = frozenset({"the", "at"})
    for start in range(len(text) + 1):
        for end in range(start, len(text) + 1):
            words = [t for t in WORD_RE.findall(text[start:end]) if t not in fillers and not t.isdigit()]
            for limit in (1, 2):
                assert classify._other_words(text, start, end, fillers, limit) == min(len(words), limit)


def _body_language_slow(text: str, fallback: str) -> str:
    """The definition: the long lines of ``splitlines``, joined, cut, lowered and tokenised."""
    sample = " ".join(ln for ln in text.splitlines() if len(ln) >= 80)[:3000]
    if len(sample) < 200:
        return fallback
    stops = stoplist(fallback)
    if stops:
        tokens = WORD_RE.findall(sample.lower())
        if tokens and sum(map(stops.__contains__, tokens)) / len(tokens) >= BODY_STOP_OK:
            return fallback
    lang, prob = identify(sample)[0]
    return lang if prob >= 0.5 and lang != "und" else fallback


LONG_EN = ("The minister said on Tuesday that the council would review the plan and that it was going to "
           "take some time before anything changed for the people of the town.")
LONG_PL = "Minister powiedział we wtorek, że rada przejrzy plan i że zajmie to trochę czasu, zanim coś się zmieni."


@pytest.mark.parametrize("text", [
    "\n".join([LONG_EN] * 3),
    "Menu\nHome\n" + "\n\n".join([LONG_EN] * 40),  # the sample is cut inside a line
    "\n".join([LONG_EN[:79]] * 10),  # no line is long
    LONG_EN + "\n" + LONG_EN[:130],  # below the sample minimum
    "\n".join([LONG_EN.replace("don't", "don’t").replace("the plan", "the ‘plan’ «x» “y”")] * 5),
    "\n".join([LONG_PL] * 4),  # few English stopwords: identified again
    "\r\n".join([LONG_EN] * 4),  # other line breaks: the slow path
    LONG_EN + "\u2028" + LONG_EN + "\n" + LONG_EN,
    "\n".join(["ΟΔΟΣ ΣΤΟ ΣΠΙΤΙ, " + LONG_EN, "İstanbul " + LONG_EN, LONG_EN + "\u00a0 \t done"] * 2),
])
def test_body_language_from_the_line_table_equals_the_sample(text: str) -> None:
    table = build_line_table(text)
    for fallback in ("en", "pl", "de", "xx"):
        assert body_language(text, fallback, table) == _body_language_slow(text, fallback)


def test_body_language_cut_sample_words_equal_the_tokenised_sample() -> None:
    from qc.boilerplate.language import LONG_LINE_CHARS, _sample_words, sample_of

    rng = random.Random(3)
    words = ["the", "minister", "don’t", "‘quoted’", "x-y", "ΟΔΟΣ", "İzmir", "«a»", "naïve", "e.g.", "12,5"]
    for _ in range(300):
        lines = [" ".join(rng.choice(words) for _ in range(rng.randint(1, 60))) for _ in range(rng.randint(1, 80))]
        text = "\n".join(lines)
        rows = [r for r in build_line_table(text) if len(r[2]) >= LONG_LINE_CHARS]
        assert _sample_words(rows) == WORD_RE.findall(sample_of([r[2] for r in rows]).lower())


def test_folded_words_are_the_lowered_words_when_the_check_says_so() -> None:
    rng = random.Random(11)
    alphabet = [*"aZ9_ -'’‘“”«»\u00a0.,ΣσςΑΒİıIiÄäßẞǅﬁДдЁё\u0301\u0307", "  ", "\t"]
    agreed = differed = 0
    for _ in range(50_000):
        line = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        same = _words(line) == WORD_RE.findall(fold(line)) or (_words(line) == [] and not WORD_RE.findall(fold(line)))
        if folded_words_are_words(line):
            assert same, line
            agreed += 1
        differed += not same
    assert agreed > 10_000 and differed > 1_000  # the excluded characters do change the words
    for line in ("İstanbul", "ΟΔΟΣ.Α", "don’t", "rock‘n roll"):
        assert not folded_words_are_words(line) and _words(line) != WORD_RE.findall(fold(line))


def test_every_other_character_lowers_to_one_of_its_class() -> None:
    """The premise of ``folded_words_are_words``: lowering keeps each character's word, joiner and space
    class and its length, except "İ" (and "Σ", whose lowering depends on its neighbours)."""
    word = re.compile(r"\w")
    odd = []
    for i in range(0x110000):
        c = chr(i)
        low = c.lower()
        if len(low) != 1 or bool(word.match(c)) != bool(word.match(low)) or c.isspace() != low.isspace() \
                or (c in "'’-") != (low in "'’-"):
            odd.append(c)
    assert odd == ["\u0130"]


def test_cross_document_batch_rows_equal_the_per_document_rows() -> None:
    rule = CrossDocument(options=CrossDocument.options_from({}))
    footer = "Example footer line that repeats on every page"
    docs = [Document(id=f"d{i}", text=f"Home\nNews\n{LONG_EN} Number {i}.\n\n{footer}\n" * (i % 3), lang="en",
                     meta={"url": f"https://site{i % 2}.example/{i}"}) for i in range(7)]
    docs.insert(2, Document(id="blank", text="\n\n", lang="en"))
    cleans = [d.text for d in docs]
    batch = rule.sketch_batch(docs, cleans)
    slow = CorpusRule.sketch_batch(rule, docs, cleans)  # one frame per document, tagged with its position
    assert batch is not None and slow is not None and batch.height > 10
    assert batch.schema == slow.schema
    assert batch.equals(slow)
    assert rule.sketch_batch(docs[2:3], cleans[2:3]) is None
    assert batch.filter(pl.col("doc") == 0).height == 0  # the empty first document adds no row
    assert sorted(set(batch["doc"].to_list())) == [1, 3, 5, 6]  # the documents with text



def test_sentence_end_reads_the_line_end_as_the_pattern_does() -> None:
    rng = random.Random(5)
    alphabet = [*"ab .!?…。！？\"'”’»)]:,(", "Mr. X"]
    ends = 0
    for _ in range(20_000):
        stripped = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 8))).strip()
        expected = bool(classify._SENT_END_RE.search(stripped))
        assert classify.sentence_end(stripped) == expected, stripped
        ends += expected
    assert 1_000 < ends < 19_000


def test_count_to_stops_at_the_limit() -> None:
    pattern = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+\S")
    for text in ("One. Two. Three. Four", "One. Two", "No stop", "A! B? C… D"):
        for limit in (1, 2, 3):
            assert classify._count_to(pattern.finditer(text), limit) == min(len(pattern.findall(text)), limit)

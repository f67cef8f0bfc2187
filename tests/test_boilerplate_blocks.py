"""The shared block classifier and the corpus rule's plumbing (the rule cases are in tests/cases/)."""

from __future__ import annotations

import importlib.util

import polars as pl
import pytest

from qc.boilerplate import blocks
from qc.boilerplate.cross_document import CrossDocument, source_key
from qc.boilerplate.inner import Inner
from qc.boilerplate.leading import Leading
from qc.boilerplate.trailing import Trailing
from qc.engine import clean_text
from qc.model import Document

ARTICLE = (
    "The city council approved a new budget for public schools on Tuesday, adding money for teachers.\n"
    "Members voted eight to three after a long debate about class sizes and the cost of new buildings.\n"
    "The mayor said the plan would be reviewed again next spring, when the tax figures are known.\n"
)
PAGE = "Menu\nNews\nSign in\n" + ARTICLE + "Sign up for our newsletter\n© 2024 Example Daily\n"


def test_three_rules_classify_a_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [Leading(), Trailing(), Inner()]
    assert rules[0].classifier is rules[1].classifier is rules[2].classifier
    calls = []
    original = blocks.BlockClassifier._classify

    def counting(self: blocks.BlockClassifier, text: str, lang: str) -> blocks.Layout:
        calls.append(text)
        return original(self, text, lang)

    monkeypatch.setattr(blocks.BlockClassifier, "_classify", counting)
    doc = Document(id="cache-test-1", text=PAGE + "\n", lang="en")
    for rule in rules:
        list(rule.check(doc))
    assert len(calls) == 1
    # a changed text under the same id is classified again
    list(rules[0].check(Document(id="cache-test-1", text=PAGE + "\n\n", lang="en")))
    assert len(calls) == 2


def test_messages_name_their_evidence() -> None:
    doc = Document(id="m", text=PAGE, lang="en")
    trailing = list(Trailing().check(doc))
    assert trailing and '"sign up"' in trailing[0].message and "no sentence punctuation" in trailing[0].message
    leading = list(Leading().check(doc))
    assert leading and leading[0].message.startswith("leading block")


def test_cleaning_removes_leading_and_trailing_without_debris() -> None:
    doc = Document(id="c", text="Menu\n\nNews\n\n" + ARTICLE + "\nSign up for our newsletter\n\n", lang="en")
    findings = list(Leading().check(doc)) + list(Trailing().check(doc))
    clean, _ = clean_text(doc.text, findings, {"boilerplate/leading", "boilerplate/trailing"})
    assert clean == ARTICLE


def test_hard_wrapped_paragraph_reads_as_prose() -> None:
    wrapped = (
        "Home\nBlog\n"
        "This blog article reminded me to write up the equivalent for\n"
        "another language, where the same idea has been used for a long\n"
        "time by people who wanted to change the behaviour of existing\n"
        "functions without editing the original code in any way at all.\n"
    )
    layout = blocks.BlockClassifier({}).classify(Document(id="w", text=wrapped, lang="en"))
    assert layout.core is not None
    core = [ln.index for ln in layout.lines if ln.region == "core"]
    assert core == [2, 3, 4, 5]


def test_no_article_is_flagged_but_never_emptied() -> None:
    doc = Document(id="n", text="Home\nNews\nSport\nWeather\n", lang="en")
    findings = list(Leading().check(doc))
    assert len(findings) == 1 and findings[0].fix is None
    assert not list(Trailing().check(doc))


@pytest.mark.skipif(importlib.util.find_spec("justext") is None, reason="justext not installed")
def test_stoplists_come_from_justext() -> None:
    en, ru = blocks.stoplist("en"), blocks.stoplist("ru")
    assert en is not None and "the" in en
    assert ru is not None and "и" in ru
    assert blocks.stoplist("xx") is None


def test_source_key() -> None:
    assert source_key(Document(id="a", text="", meta={"url": "https://www.example.com/a/b"})) == "host:example.com"
    assert source_key(Document(id="a", text="", meta={"path": "/data/site1/page.txt"})) == "dir:/data/site1"
    assert source_key(Document(id="a", text="")) == "corpus"


def test_cross_document_counts_per_source() -> None:
    rule = CrossDocument(options=CrossDocument.options_from({"min_docs": 3}))
    footer = "Example footer line that repeats on every page\n"
    docs = [
        Document(id=f"{host}{i}", text=f"Article number {i} on {host} says something different.\n" + footer,
                 meta={"url": f"https://{host}/story/{i}"}, lang="en")
        for host in ("a.example", "b.example") for i in range(2)
    ]
    frames = [rule.sketch(d, d.text).with_columns(pl.lit(i, dtype=pl.Int64).alias("doc"))
              for i, d in enumerate(docs)]
    res = rule.resolve(pl.concat(frames), [d.id for d in docs])
    assert res.findings == {}  # two pages per host: below min_docs in each source
    docs.append(Document(id="a2", text="Another story.\n" + footer, meta={"url": "https://a.example/x"}, lang="en"))
    frames.append(rule.sketch(docs[-1], docs[-1].text).with_columns(pl.lit(4, dtype=pl.Int64).alias("doc")))
    res = rule.resolve(pl.concat(frames), [d.id for d in docs])
    assert sorted(res.findings) == [0, 1, 4]
    for i, fs in res.findings.items():
        assert [docs[i].text[f.start:f.end] for f in fs] == [footer]

"""The five seed pages: cleaning with the default pack removes all leading and trailing furniture and
keeps every article sentence. For each seed the test names the article by content (its first and last
sentence, and sentences in between that sit next to furniture) and the furniture by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from qc.engine import check_document, clean_text, prepare
from qc.model import Document
from qc.pack import load_pack

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

# seed file prefix -> (article lines that must stay, furniture lines that must go); matched as substrings
CASES: dict[str, tuple[list[str], list[str]]] = {
    "000": (
        [
            "Russian Embassy in Iraq has no information regarding the video recording",  # first
            "MOSCOW (Sputnik) — Earlier in the day, Iraqi servicemen released a video",
            '"Russian Embassy has no information about this video," Petin told RIA Novosti.',
            "The operation to liberate Mosul from Daesh terrorists began on October 17, 2016.",
            "over 3,200 Russians have arrived in Syria and Iraq to fight",  # last
        ],
        [
            "- Sputnik International\nWorld\nGet the latest", "Get the latest news from around the world",
            "Subscribe\n",
            "Go to the mediabank", "Flag of the Islamic State in the conflict zone - Sputnik International",
            "Never miss a story again", "Newsfeed", "To participate in the discussion", "log in or register",
            "loader", "Chats", "Заголовок открываемого материала",
        ],
    ),
    "001": (
        [
            "There are no and can be no ground operations",  # the lead, first
            "No one is recruiting Russian volunteers to serve in Syria",
            "Russia’s aerospace forces launched pinpoint strikes",  # last
        ],
        [
            "First published by TASS.", "All rights reserved by Rossiyskaya Gazeta.",
            "We've got more than 1,5 million followers on Facebook. Join them!", "Read more",
            "This website uses cookies.", "Accept cookies",
        ],
    ),
    "002": (
        [
            "Some 2,000 Russians are fighting alongside the",  # first
            "In June, Russian officials called on the Education Ministry",  # last
        ],
        [
            "Support The Moscow Times!", "Sign up for our free weekly newsletter",
            "Our weekly newsletter contains", "Subscribers agree to the Privacy Policy",
            "A Message from The Moscow Times:", "Dear readers,", "We are facing unprecedented challenges.",
            "we need your help", "Your support, no matter how small", "By supporting The Moscow Times",
            "Once\nMonthly\nAnnual", "Not ready to support today?", "Remind me later.", "Read more",
        ],
    ),
    "003": (
        [
            "The Russian Federation fully shares the concern expressed by the OPCW",  # first
            "We strongly believe that those responsible for all crimes",
            "Russia came forward with a timely and urgent initiative",  # last paragraph
        ],
        [
            "29 March 2017", "Moscow: 18:15", "London: 16:15", "Consular queries:", "+44 (0) 203 668 7474",
            # the list of eight other stories (dated headline + teaser) after the article
            "29.03.2017 - Russian Embassy’s press-secretary responds", "Question: Can you comment on a",
            "28.03.2017 - On FCO", "Surprised with the statement of the Foreign office.",
            "24.03.2017 - Briefing by Foreign Ministry Spokesperson",
            "22.03.2017 - Press release on Foreign Minister Sergey Lavrov’s meeting",
            "On March 22, Foreign Minister Sergey Lavrov met in Moscow", "all messages",
        ],
    ),
    "004": (
        [
            "MOSCOW, December 12. The Russian foreign Minister Sergei Lavrov",  # first
            "“The Russian side expressed firm position of principle",
            "Ankara said that the troop movement was routine",
            "On 8 December the UN security Council at Russia’s initiative",
            "The IG recognized as a terrorist organization",  # last
        ],
        [],  # the headline printed twice: only its first copy may stay (checked below)
    ),
}


def _fold(text: str) -> str:
    """Whitespace folded (the seeds carry no-break spaces), so checks compare words."""
    return " ".join(text.split())


def _clean(path: Path) -> str:
    pack = load_pack(select=["boilerplate"])
    rules = [r for r in pack.build() if r.id != "boilerplate/cross-document"]
    fix = {r.id for r in rules if pack.fix_enabled(r.id)}
    doc = prepare(Document(id=path.name, text=path.read_text(encoding="utf-8")))
    findings, errors = check_document(doc, rules)
    assert not errors
    return clean_text(doc.text, findings, fix)[0]


def _seed(prefix: str) -> Path:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert found, f"seed {prefix} missing"
    return found[0]


@pytest.mark.parametrize("prefix", sorted(CASES))
def test_seed_article_kept_and_furniture_removed(prefix: str) -> None:
    article, furniture = CASES[prefix]
    raw_text = _seed(prefix).read_text(encoding="utf-8")
    raw, clean = _fold(raw_text), _fold(_clean(_seed(prefix)))
    article, furniture = [_fold(x) for x in article], [_fold(x) for x in furniture]
    for line in article:
        assert line in raw, f"test data: {line!r} not in seed {prefix}"
        assert line in clean, f"seed {prefix}: article text lost: {line!r}"
    for line in furniture:
        assert line in raw, f"test data: {line!r} not in seed {prefix}"
        assert line not in clean, f"seed {prefix}: furniture kept: {line!r}"
    # every article paragraph between the first and last article line survives whole
    paras = [_fold(p) for p in raw_text.split("\n")]
    first = next(i for i, p in enumerate(paras) if article[0] in p)
    last = next(i for i, p in enumerate(paras) if article[-1] in p)
    for para in paras[first:last + 1]:
        if len(para.split()) >= 12 and para.endswith((".", "”", '"')):
            assert para in clean, f"seed {prefix}: article paragraph lost: {para[:80]!r}"


def test_seed_004_headline_printed_twice_is_removed() -> None:
    headline = "Lavrov discussed with the head of the Iraqi foreign Ministry the situation surrounding"
    raw = _seed("004").read_text(encoding="utf-8")
    assert raw.count(headline) == 2
    assert _clean(_seed("004")).count(headline) <= 1


@pytest.mark.parametrize(("prefix", "copy"), [
    ("004", "Lavrov discussed with the head of the Iraqi foreign Ministry"),
    ("000", "Flag of the Islamic State in the conflict zone - Sputnik International"),
])
def test_seed_repeated_blocks_are_found(prefix: str, copy: str) -> None:
    from qc.boilerplate.repeated_block import RepeatedBlock

    path = _seed(prefix)
    doc = Document(id=path.name, text=path.read_text(encoding="utf-8"), lang="en")
    excerpts = [doc.text[f.start:f.end] for f in RepeatedBlock().check(doc)]
    assert any(copy in e for e in excerpts), excerpts

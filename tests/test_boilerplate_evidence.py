"""Evidence is a typed value (kind + detail): decisions read the kind, messages its one rendering."""

from __future__ import annotations

from qc.boilerplate.blocks import BlockClassifier
from qc.boilerplate.evidence import Evidence, EvidenceKind
from qc.boilerplate.lines import Line
from qc.boilerplate.messages import describe
from qc.lexicon import builtin_rules_dir, read_toml
from qc.model import Document

LEXICON = read_toml("boilerplate_phrases.toml", (builtin_rules_dir(),))

ARTICLE = (
    "The river burst its banks on Sunday night and flooded the lower town, where water reached the first "
    "floor of several houses.\n"
    "Firefighters worked through the night to pump out cellars, and the mayor asked residents to stay away "
    "from the embankment until the level falls.\n"
)
CARDS = "".join(f"{title}\n{summary}\nRead more...\n" for title, summary in (
    ("Harbour wall gets repaired", "Divers will inspect the old stones of the wall for three weeks in June."),
    ("Orchestra plays in the park", "The concert is free and starts at seven if the weather stays dry."),
    ("Ferry adds a morning crossing", "Commuters asked for the earlier boat in a survey held last winter."),
))


def test_every_kind_renders_to_its_own_text() -> None:
    # describe() counts evidence by value: two kinds must never read the same in a message
    texts = [str(Evidence(kind, "x")) for kind in EvidenceKind]
    assert all(texts) and len(set(texts)) == len(texts)
    assert str(Evidence(EvidenceKind.CTA, "sign up")) == 'call-to-action phrase "sign up"'


def test_teaser_card_lines_carry_the_kind_and_name_the_marker() -> None:
    text = "Menu\n" + ARTICLE + CARDS
    layout = BlockClassifier(LEXICON).classify(Document(id="cards", text=text, lang="en"))
    summary = next(ln for ln in layout.lines if text[ln.start:ln.end].startswith("Divers will inspect"))
    assert summary.kind == "furniture" and summary.region == "trail"
    (card,) = [e for e in summary.evidence if e.kind is EvidenceKind.TEASER_CARD]
    assert str(card) == 'teaser card (3 "read more" links)'


def test_named_evidence_comes_before_the_lines_shape_in_messages() -> None:
    generic = (Evidence(EvidenceKind.UNPUNCTUATED), Evidence(EvidenceKind.SHORT, "2"))
    lines = [Line(k, 0, 1, 2, -1.5, "short", generic, "trail") for k in range(3)]
    lines.append(Line(3, 0, 1, 2, -11.0, "furniture", (Evidence(EvidenceKind.CTA, "sign up"),), "trail"))
    # the phrase is on one line of four, the shape on three: the phrase still leads
    assert describe(lines, "") == 'call-to-action phrase "sign up"; no sentence punctuation; short (2 words)'

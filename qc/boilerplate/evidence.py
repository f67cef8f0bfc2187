"""Why a line was judged furniture: a typed ``Evidence`` (a kind and a detail), rendered as display text here
only. Code that decides on evidence (the classifier's passes, the line model's features) reads the kind;
messages read ``str(evidence)``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class EvidenceKind(Enum):
    """One kind of evidence; the lexicon categories carry their category name as value."""

    SECTION = "section"
    NAV = "nav"
    CTA = "cta"
    COOKIE = "cookie"
    DONATION = "donation"
    LEGAL = "legal"
    COMMENTS = "comments"
    CAPTION = "caption"
    TERMINAL = "terminal"
    SOCIAL = "social"
    BIO = "bio"
    CREDIT = "credit"
    URL = "url"
    DATE = "date"
    DATED_HEADLINE = "dated_headline"
    PHONE = "phone"
    STORY_LIST = "story_list"
    TEASER_CARD = "teaser_card"
    REPEATED = "repeated"
    FEW_STOPWORDS = "few_stopwords"
    UNPUNCTUATED = "unpunctuated"
    SHORT = "short"
    LINE_MODEL = "line_model"
    PROSE_OUTSIDE = "prose_outside"


# Display text per kind; ``{}`` takes the detail (a phrase, a count, a share).
_TEMPLATES: dict[EvidenceKind, str] = {
    EvidenceKind.SECTION: 'section heading "{}"',
    EvidenceKind.NAV: 'navigation label "{}"',
    EvidenceKind.CTA: 'call-to-action phrase "{}"',
    EvidenceKind.COOKIE: 'cookie/privacy notice "{}"',
    EvidenceKind.DONATION: 'donation appeal "{}"',
    EvidenceKind.LEGAL: 'copyright/legal notice "{}"',
    EvidenceKind.COMMENTS: 'comment widget "{}"',
    EvidenceKind.CAPTION: 'image credit/caption "{}"',
    EvidenceKind.TERMINAL: 'end of article "{}"',
    EvidenceKind.SOCIAL: "social-network links",
    EvidenceKind.BIO: "author bio",
    EvidenceKind.CREDIT: "credit or breadcrumb (slash-separated)",
    EvidenceKind.URL: "URL or e-mail address",
    EvidenceKind.DATE: "date/time line",
    EvidenceKind.DATED_HEADLINE: "date with headline (story list item)",
    EvidenceKind.PHONE: "phone number",
    EvidenceKind.STORY_LIST: "story list ({} dated items)",
    EvidenceKind.TEASER_CARD: "teaser card ({})",
    EvidenceKind.REPEATED: "printed {} times",
    EvidenceKind.FEW_STOPWORDS: "few stopwords ({})",
    EvidenceKind.UNPUNCTUATED: "no sentence punctuation",
    EvidenceKind.SHORT: "short ({} words)",
    EvidenceKind.LINE_MODEL: "line model p(article) {}",
    EvidenceKind.PROSE_OUTSIDE: "sentence-like prose outside the article core ({} words)",
}

# Evidence named by an in-line lexicon phrase (what the embedded-prose pass may overrule).
LEXICON_KINDS = frozenset({EvidenceKind.COOKIE, EvidenceKind.DONATION, EvidenceKind.COMMENTS, EvidenceKind.LEGAL,
                           EvidenceKind.CTA, EvidenceKind.CAPTION})
# Evidence of a line that closes a teaser card ("Read more...").
CARD_MARKER_KINDS = frozenset({EvidenceKind.CTA, EvidenceKind.NAV})
# The line's shape rather than a named reason: listed after named evidence in messages.
GENERIC_KINDS = frozenset({EvidenceKind.UNPUNCTUATED, EvidenceKind.SHORT, EvidenceKind.FEW_STOPWORDS,
                           EvidenceKind.REPEATED})


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: EvidenceKind
    detail: str = ""  # the phrase, count or share the display text names ("" for kinds that name none)

    def __str__(self) -> str:
        return _TEMPLATES[self.kind].format(self.detail)


def has_kind(evidence: tuple[Evidence, ...], kinds: EvidenceKind | frozenset[EvidenceKind]) -> bool:
    """Does any item of ``evidence`` have the kind (or one of the kinds)?"""
    if isinstance(kinds, EvidenceKind):
        return any(e.kind is kinds for e in evidence)
    return any(e.kind in kinds for e in evidence)

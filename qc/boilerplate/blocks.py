"""The block classifier shared by ``boilerplate/leading``, ``trailing`` and ``inner``.

Plain text only (no HTML): every line is a block. Each line gets a score in "words of evidence":
article-like prose scores its word count, furniture scores a negative penalty, short lines without
sentence punctuation (menus, headlines, labels) a small negative one. The article core is the
contiguous run of lines with the largest total score (Kadane's maximum-sum segment, the idea of
Finn et al.'s Body Text Extraction, 2001): long prose outweighs an inline prompt, a run of menus,
story lists or banners does not. Lines before the core are the leading furniture, lines after it
the trailing furniture, furniture-evidence lines inside it the inner furniture.

Evidence per line, as jusText (Pomikálek 2011) does on HTML paragraphs: length, stopword density
for the document language (jusText's own stoplists when the ``justext`` package is installed),
sentence punctuation; plus a multilingual phrase lexicon (``boilerplate_phrases.toml``:
call-to-action, navigation, cookie, donation, legal, comment-widget, caption), dates/times and
dated headlines (story lists), teaser cards closed by a repeated "Read more" line, phone numbers, URLs,
capitalisation.

Three corrections to the maximum-sum core, each for article text the block scores alone lose:
- a list inside the article (a deals page's products, ingredients, feature bullets) carries the core
  from prose to prose when its lines are phrases on the article's topic with almost no furniture
  evidence (``LIST_*`` constants; shorter lists after an intro line ending in a colon);
- a long punctuated line whose only furniture evidence is lexicon phrases, between two prose lines, is
  prose (a privacy policy or a story about subscriptions talks about cookies and sign-ups);
- a standfirst or a last sentence without its full stop next to the core joins it.

The line table (folded and normalised lines) and the classification are computed once per document and
kept in ``doc.memo``, so the five rules of the family share them.
"""

from __future__ import annotations

import itertools
import re
import threading
from collections.abc import Mapping
from typing import Any

from qc.boilerplate.decode import apply_model
from qc.boilerplate.language import body_language, stoplist
from qc.boilerplate.lines import (
    _EDGE_PUNCT,
    Layout,
    Line,
    LineRow,
    _line_table,
    _straighten,
    fold,
    line_table,
    normalise,
)
from qc.boilerplate.model import LineModel, load_model
from qc.boilerplate.vocabulary import Vocabulary
from qc.lexicon import locate
from qc.model import Document
from qc.text import WORD_RE

# ---------------------------------------------------------------- weights (measured on devdata)
# All scores are in words: a prose line scores its word count.
PROSE_MIN_WORDS = 6  # a sentence-punctuated line this long counts as prose (jusText's "short" limit is ~70
#                      characters, about 10 words; 6 keeps short article sentences such as one-line quotes)
LONG_WORDS = 25  # a line this long with stopwords is prose even without final punctuation
SHORT_WORDS = 25  # lexicon hits are strong evidence on lines up to this long (banners are short)
PROSE_SHORT_WORDS = 12  # a punctuated line longer than this needs two lexicon phrases to count as furniture
STOP_MIN = 0.20  # stopword density below this is not prose (jusText: stopwords_low = 0.30 on HTML
#                  paragraphs; one-paragraph lines with names and numbers run lower, 0.20 measured)
# The penalties below were set on devdata/boilerplate (27 pages) and checked on boilerplate_snippets
# (50 pages); the grid over REPEAT_PENALTY (1.5, 3, 6) x SECTION_PENALTY (20, 30) moved F1 between 0.907
# and 0.925, LABEL/MEDIUM_PENALTY (0.5-1.5 / 0.1-0.5) by under 0.001.
STRONG_PENALTY = 10.0  # a strong furniture line (lexicon, dated headline, URL) costs this plus half its words
SECTION_PENALTY = 30.0  # a heading that opens a non-article section ("Related stories", "Don't miss")
SHORT_PENALTY = 1.5  # a 1-2 word line without sentence punctuation (menu item, label)
LABEL_PENALTY = 1.0  # a 3-7 word line without sentence punctuation (headline, label, list item)
MEDIUM_PENALTY = 0.25  # a longer unpunctuated line with stopwords (list item, feature bullet, headline)
SECTION_PREFIX_WORDS = 7  # "More from the Los Angeles Times": a heading, not a sentence
REPEAT_PENALTY = 6.0  # a non-prose line printed again elsewhere in the page (teaser cards, category labels)
STANDFIRST_WORDS = 12  # an unpunctuated line this long just above the core is its standfirst (headlines are
#                        shorter: 7-10 words on devdata)
STANDFIRST_GAP = 2  # ... when at most this many widget lines (no strong furniture) sit between
STORY_LIST_MIN = 3  # this many dated lines at regular gaps make a story list (seed 003 has eight)
CARD_MAX_LINES = 4  # a teaser card (kicker, headline, summary) between two "Read more" lines is this short
TERMINAL_MIN_PROSE = 50  # words of article prose before a comment section / author box for it to end the
#                          article (a standfirst before a share bar is shorter; measured: snippets edge
#                          removal 0.744 -> 0.810, keep unchanged)
# A list inside the article (products of a deals page, ingredients, features, a timeline) continues the core
# from its last prose line to a later prose line when the run in between reads as the article's own list:
# long enough to be a list, nearly free of furniture evidence, made of phrases rather than menu labels, and
# on the article's topic. Measured on the 77 dev pages (both sets): of the 77 forward/backward runs from a
# core to the next prose line, only the deals page's product list (63 lines, 1 furniture line = 1.6 %,
# 73 % phrases, 41 % topical) passes; the nearest furniture runs fail on furniture share (a wiki's
# appearances/categories list: 7.6 %), on phrases (town lists, menus: 10-35 %) or on length (5-6 lines).
LIST_MIN_LINES = 8  # a run this long is a list, not a share bar or a byline block
LIST_MAX_FURNITURE = 0.03  # at most this share of its lines carry furniture evidence (lexicon, dates, ...)
LIST_MIN_PHRASES = 0.5  # at least this share of its lines have 3+ words (list items, not menu labels)
LIST_MIN_TOPICAL = 0.3  # at least this share share a content word with the core's prose
LIST_MIN_ITEMS = 2  # ... or this long after an intro line ending in a colon ("You will need:")
LIST_INTRO_WORDS = 4  # an intro has this many words ("Here is the list:"; "Ingredients:" is a label)
LIST_MAX_SCAN = 400  # lines looked at beyond the core (bounded work on huge pages)

_CATEGORY_LABEL = {
    "section": "section heading",
    "nav": "navigation label",
    "cta": "call-to-action phrase",
    "cookie": "cookie/privacy notice",
    "donation": "donation appeal",
    "legal": "copyright/legal notice",
    "comments": "comment widget",
    "caption": "image credit/caption",
    "terminal": "end of article",
}
# Evidence named by an in-line lexicon phrase (what ``_keep_embedded_prose`` may overrule).
_LEXICON_EVIDENCE = tuple(f'{_CATEGORY_LABEL[c]} "' for c in ("cookie", "donation", "comments", "legal", "cta",
                                                             "caption"))
# Evidence of a line that closes a teaser card ("Read more...").
_CARD_MARKER_EVIDENCE = (f'{_CATEGORY_LABEL["cta"]} "', f'{_CATEGORY_LABEL["nav"]} "')
# Categories whose hit is strong at any length when at least two distinct phrases hit (banners and
# appeals are written as prose; one stray "cookies" in an article is not enough).
_PROSE_BANNERS = ("cookie", "donation", "comments", "legal")

_SENT_END_RE = re.compile(r"[.!?…。！？](?:[\"'”’»)\]]*)$")
_SENT_INNER_RE = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+\S")
_DIGIT_RE = re.compile(r"\d")
_CJK_RE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
# The domain holds no ``@``: one backtrack per ``@`` instead of one per pair (``'@' * 100000``: 24 s -> 1 ms).
_URL_RE = re.compile(r"^(?:https?://|www\.)\S+$|^\S+@[^\s@]+\.\w+$", re.I)
# A phone number: an international prefix, an area code in brackets, or a phone keyword before digits
# (bare digit groups are dates as often as phones).
_PHONE_RE = re.compile(
    r"(?:\+\d{1,3}[\s.-]?(?:\(\d{1,4}\)[\s.-]?)?|\(\d{2,5}\)[\s.-]?|(?:tel|phone|fax|телефон|тел)\.?:?\s*)"
    r"\d{2,4}(?:[\s.-]?\d{2,4}){1,}",
    re.I,
)

# An author bio at the foot of an article: "Jane Doe is a staff writer at ...".
_BIO_RE = re.compile(
    r"^[\w.'’-]+(?:\s[\w.'’()@-]+){0,4}\s(?:is|was)\s(?:a|an|the)\s[\w\s,-]{0,60}?"
    r"\b(?:writer|reporter|correspondent|editor|columnist|journalist|contributor|producer|host|author)\b",
    re.I,
)
# "PAP/ Jan Kowalski", "Reuters / Jane Doe", "News / World": an agency credit or a breadcrumb.
_SLASH_CREDIT_RE = re.compile(r"^[\w.&'’-]{2,25}(?:\s?/\s?[\w.&'’ -]{2,40}){1,4}$")
_WRAP_END_RE = re.compile(r"[.!?…:。！？][\"'”’»)\]]*$")


def _continues(line: str, nxt: str) -> bool:
    """Does ``nxt`` continue ``line``'s sentence (a hard line wrap)?"""
    a, b = line.strip(), nxt.strip()
    if not a or not b or _WRAP_END_RE.search(a) or len(a.split()) < 4:
        return False
    return b[0].islower() or a[-1] in ",;-–—("


def _max_segment(raw: list[list[Any]], lo: int, hi: int) -> tuple[int, int] | None:
    """Kadane's maximum-sum run of non-blank rows in ``raw[lo:hi]`` (row[4] is the score)."""
    best = 0.0
    best_span: tuple[int, int] | None = None
    cur = 0.0
    cur_start = lo
    for k in range(lo, hi):
        row = raw[k]
        if row[5] == "blank":
            continue
        if cur <= 0:
            cur, cur_start = 0.0, k
        cur += row[4]
        if cur > best:
            best, best_span = cur, (cur_start, k)
    return best_span


def _trie_pattern(items: list[tuple[str, str]]) -> str:
    """One regex for many literals, as a character trie (Python's ``re`` tries alternatives one by one,
    which made hundreds of phrases the classifier's main cost); each literal ends with its suffix."""
    trie: dict[str, Any] = {}
    for lit, suffix in items:
        node = trie
        for ch in lit:
            node = node.setdefault(ch, {})
        node[""] = suffix

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append(node[""])  # the shorter literal ends here: tried after the longer ones
        return alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"

    return build(trie)


class _Matcher:
    """One lexicon category: whole-line entries and in-line phrases."""

    def __init__(self, lines: list[str], phrases: list[str]):
        self.lines = frozenset(normalise(x) for x in lines)
        word_start: list[tuple[str, str]] = []
        other: list[tuple[str, str]] = []
        for p in {_straighten(x).lower().strip() for x in phrases if x.strip()}:
            stem = p.endswith("*")
            p = p.rstrip("*")
            right = "" if stem or not p[-1].isalnum() else r"(?!\w)"
            (word_start if p[0].isalnum() else other).append((p, right))
        self.word_start, self.other = word_start, other
        parts = []
        if word_start:
            parts.append(r"(?<!\w)" + _trie_pattern(word_start))
        if other:
            parts.append(_trie_pattern(other))
        self.regex = re.compile("|".join(parts)) if parts else None

    def hits(self, folded: str, norm: str) -> list[str]:
        if norm in self.lines:
            return [norm]
        if self.regex is None:
            return []
        return sorted({m.group(0) for m in self.regex.finditer(folded)})


class BlockClassifier:
    """Line classification and article core of a document; results cached per document."""

    def __init__(self, lexicon: Mapping[str, Any], use_stopwords: bool = True, model: LineModel | None = None,
                 vocabulary: Vocabulary | None = None):
        self.vocab = vocabulary or Vocabulary.builtin()  # months, counters, networks, list headings
        self.model = model  # the learned line model re-deciding the cascade's layout (None: the cascade alone)
        self.matchers = {
            cat: _Matcher(list(lexicon.get(cat, {}).get("lines", [])),
                          list(lexicon.get(cat, {}).get("phrases", [])))
            for cat in _CATEGORY_LABEL
        }
        self.use_stopwords = use_stopwords
        # One regex over every category's phrases: most lines match none, and one search tells so (a
        # superset of the categories' matches: a literal that is a stem anywhere is a stem here).
        merged: dict[bool, dict[str, str]] = {True: {}, False: {}}
        for m in self.matchers.values():
            for ws, items in ((True, m.word_start), (False, m.other)):
                for lit, right in items:
                    merged[ws][lit] = "" if merged[ws].get(lit, right) == "" else right
        parts = []
        if merged[True]:
            parts.append(r"(?<!\w)" + _trie_pattern(sorted(merged[True].items())))
        if merged[False]:
            parts.append(_trie_pattern(sorted(merged[False].items())))
        self._any_phrase = re.compile("|".join(parts)) if parts else None
        # multi-word section headings by first word, longest first (a line is looked up, not scanned for)
        self._section_prefixes: dict[str, tuple[str, ...]] = {}
        for e in sorted((e for e in self.matchers["section"].lines if " " in e), key=len, reverse=True):
            first = e.split(" ", 1)[0]
            self._section_prefixes[first] = (*self._section_prefixes.get(first, ()), e)

    # ------------------------------------------------------------ public
    def classify(self, doc: Document) -> Layout:
        """The document's layout, computed once per document and classifier (kept in ``doc.memo``)."""
        key = ("boilerplate-layout", id(self))
        layout = doc.memo.get(key)
        if layout is None:
            layout = doc.memo[key] = self._classify(doc.text, doc.lang, line_table(doc))
        return layout

    # ------------------------------------------------------------ per line
    def line_evidence(self, line: str, stops: frozenset[str] | None,
                      folded: str | None = None) -> tuple[float, str, tuple[str, ...], int, int]:
        """(score, kind, evidence, words, dated) of one non-blank line; dated: 0 no date, 1 a date/time
        line, 2 a dated headline (story-list item). ``folded``: ``fold(line)`` when already known."""
        if folded is None:
            folded = fold(line)
        norm = folded.strip(_EDGE_PUNCT)
        tokens = WORD_RE.findall(folded)
        n = max(len(tokens), len(_CJK_RE.findall(line)) // 2)
        stripped = line.strip()
        sent_end = bool(_SENT_END_RE.search(stripped))
        n_sent = len(_SENT_INNER_RE.findall(stripped)) + sent_end
        stop = (sum(1 for t in tokens if t in stops) / len(tokens)) if stops and tokens else None
        evidence: list[str] = []

        if self._any_phrase is not None and self._any_phrase.search(folded):
            hits = {cat: m.hits(folded, norm) for cat, m in self.matchers.items()}
        else:  # no phrase anywhere in the line: only whole-line entries can hit
            hits = {cat: [norm] if norm in m.lines else [] for cat, m in self.matchers.items()}
        whole = {cat for cat, m in self.matchers.items() if norm and norm in m.lines}

        date_only = False
        dated = False
        headline_item = False
        has_digit = _DIGIT_RE.search(folded) is not None  # dates and phone numbers need one: skip them
        if has_digit and self.vocab.date.search(folded):
            rest = [t for t in WORD_RE.findall(self.vocab.date.sub(" ", folded))
                    if t not in self.vocab.date_fillers and not t.isdigit()]
            date_only = len(rest) <= 1
            dated = date_only or (n <= 30 and bool(self.vocab.dated_headline.search(folded)))
        headline_item = dated and not date_only

        # strong furniture evidence
        strong: list[str] = []
        section = norm if "section" in whole else self._section_prefix(norm, n)
        if not section and n <= SECTION_PREFIX_WORDS and self.vocab.list_heading.match(norm):
            section = norm
        if section:
            strong.append(f'section heading "{section}"')
        colon_end = stripped.endswith(":") and n_sent >= 1  # "As usual, it knows the answer. In short:"
        # a sentence leading into a list ("... from donations. Here is what you can borrow:") is prose too
        sentence_like = (sent_end or colon_end) and n > PROSE_SHORT_WORDS
        for cat in ("cookie", "donation", "comments", "legal", "cta", "caption"):
            found = hits[cat]
            if not found:
                continue
            # One phrase in a real sentence ("customers signed up for the trial") is not enough; two are
            # ("Never miss a story again: sign up to our Telegram channel").
            single_ok = n <= SHORT_WORDS and not sentence_like
            many = len(found) >= 3 or (len(found) >= 2 and (n <= 2 * SHORT_WORDS or cat in _PROSE_BANNERS))
            if single_ok or many or cat in whole:
                strong.append(f'{_CATEGORY_LABEL[cat]} "{found[0]}"')
        terminal = hits["terminal"] if n <= SHORT_WORDS else []
        if terminal or self.vocab.comment_count.match(norm):
            strong.append(f'end of article "{terminal[0] if terminal else norm}"')
        if n <= SHORT_WORDS and len(self.vocab.social_networks.intersection(tokens)) >= 2:
            strong.append("social-network links")
        if n <= 60 and _BIO_RE.match(stripped):
            strong.append("author bio")
        if n <= 8 and not sent_end and _SLASH_CREDIT_RE.match(stripped) and not _URL_RE.match(stripped):
            strong.append("credit or breadcrumb (slash-separated)")
        if _URL_RE.match(stripped):
            strong.append("URL or e-mail address")
        if dated:
            strong.append("date/time line" if date_only else "date with headline (story list item)")
        if has_digit and n <= SHORT_WORDS and not sent_end and _PHONE_RE.search(stripped):
            strong.append("phone number")

        prose = (
            (sent_end or n_sent >= 2 or colon_end) and n >= PROSE_MIN_WORDS and (stop is None or stop >= STOP_MIN)
        ) or (n >= LONG_WORDS and (stop is None or stop >= STOP_MIN + 0.05))

        if strong:
            evidence.extend(strong)
            if not sent_end:
                evidence.append("no sentence punctuation")
            penalty = SECTION_PENALTY if section else STRONG_PENALTY
            return -(penalty + 0.5 * n), "furniture", tuple(evidence), n, 2 if headline_item else int(dated)
        if "nav" in whole:
            return -(SHORT_PENALTY + 1.0), "furniture", (f'navigation label "{norm}"',), n, 0
        if prose:
            return float(n), "prose", (), n, 0
        # Short or list-like line: a headline, a label, a byline, a menu entry.
        if not sent_end:
            evidence.append("no sentence punctuation")
        if stop is not None and stop < STOP_MIN and n >= 3:
            evidence.append(f"few stopwords ({stop:.0%})")
        if n < PROSE_MIN_WORDS:
            evidence.append(f"short ({n} words)")
        if n >= 8 and (stop is None or stop >= STOP_MIN):
            return -MEDIUM_PENALTY, "short", tuple(evidence), n, 0
        if n >= 3:
            return -LABEL_PENALTY, "short", tuple(evidence), n, 0
        return -SHORT_PENALTY, "short", tuple(evidence), n, 0

    def _section_prefix(self, norm: str, n: int) -> str:
        """A short line opening with a multi-word section heading ("More from The Times")."""
        if n > SECTION_PREFIX_WORDS:
            return ""
        for entry in self._section_prefixes.get(norm.split(" ", 1)[0], ()):
            if norm.startswith(entry) and norm[len(entry):len(entry) + 1] in (" ", ":"):
                return entry
        return ""

    # ------------------------------------------------------------ whole document
    def _classify(self, text: str, lang: str, table: list[LineRow] | None = None) -> Layout:
        stops = stoplist(body_language(text, lang)) if self.use_stopwords else None
        raw: list[list[Any]] = []  # [index, start, end, words, score, kind, evidence, dated, normalised]
        for i, (s, e, line, folded, norm) in enumerate(table if table is not None else _line_table(text)):
            if not folded:
                raw.append([i, s, e, 0, 0.0, "blank", (), False, ""])
                continue
            score, kind, ev, n, dated = self.line_evidence(line, stops, folded)
            raw.append([i, s, e, n, score, kind, ev, dated, norm])
        self._merge_wrapped(raw, text, stops)
        self._mark_repeats(raw, text)
        self._mark_story_lists(raw)
        self._mark_teaser_cards(raw)
        self._keep_embedded_prose(raw, text, stops)

        best_span = _max_segment(raw, 0, len(raw))
        if best_span is not None:
            # An article has ended for good at a comment section or author box that follows enough prose.
            prose = 0
            for k in range(best_span[0], best_span[1] + 1):
                row = raw[k]
                if row[5] == "prose":
                    prose += row[3]
                elif prose >= TERMINAL_MIN_PROSE and any(e.startswith("end of article") for e in row[6]):
                    best_span = _max_segment(raw, best_span[0], k)
                    break
        if best_span is not None:
            # A last sentence without its full stop: an unpunctuated prose-like line right after the core.
            nxt = next((k for k in range(best_span[1] + 1, len(raw)) if raw[k][5] != "blank"), None)
            if nxt is not None and raw[nxt][5] == "short" and raw[nxt][3] >= 8 and raw[nxt][4] > -SHORT_PENALTY \
                    and not raw[nxt][7]:
                best_span = (best_span[0], nxt)
            best_span = self._extend_over_lists(raw, text, best_span, stops)
            # A standfirst without a full stop, separated from the body by a share bar or a byline.
            before = [k for k in range(best_span[0] - 1, -1, -1) if raw[k][5] != "blank"][:STANDFIRST_GAP + 1]
            for k in before:
                row = raw[k]
                if row[5] == "short" and row[3] >= STANDFIRST_WORDS and row[4] > -SHORT_PENALTY and not row[7]:
                    best_span = (k, best_span[1])
                    break
                if row[4] <= -STRONG_PENALTY:
                    break
        lines = []
        for row in raw:
            i = row[0]
            if best_span is None or i < best_span[0]:
                region = "lead"
            elif i > best_span[1]:
                region = "trail"
            else:
                region = "core"
            lines.append(Line(i, row[1], row[2], row[3], row[4], row[5], row[6], region))
        layout = Layout(tuple(lines), best_span, len(text))
        if self.model is None:
            return layout
        return apply_model(layout, text, stops, self.model)

    @staticmethod
    def _extend_over_lists(raw: list[list[Any]], text: str, span: tuple[int, int],
                           stops: frozenset[str] | None) -> tuple[int, int]:
        """Carry the core over a list that belongs to the article (see LIST_MIN_LINES): to the farthest
        prose line, forward and backward, such that every line between passes the list tests."""
        vocab: set[str] | None = None

        def content(k: int) -> set[str]:
            toks = WORD_RE.findall(text[raw[k][1]:raw[k][2]].lower())
            return {t for t in toks if len(t) > 2 and not t.isdigit() and not (stops and t in stops)}

        def intro(k: int) -> bool:  # "You will need:" - a line announcing the list after it
            return raw[k][3] >= LIST_INTRO_WORDS and text[raw[k][1]:raw[k][2]].rstrip().endswith(":")

        first, last = span
        for direction in (1, -1):
            edge = last if direction == 1 else first
            n = furniture = phrases = topical = 0
            best = edge
            k = edge + direction
            stop_at = edge + direction * LIST_MAX_SCAN
            # forward, the list's intro is the core's last line or the list's first; backward, the line
            # reached last (the prose line) or the one read just before it
            opened = direction == 1 and intro(edge)
            previous = -1
            while 0 <= k < len(raw) and k != stop_at:
                row = raw[k]
                kind = row[5]
                if kind != "blank":
                    if direction == 1 and n == 0 and kind != "prose":
                        opened = opened or intro(k)
                    announced = opened if direction == 1 else intro(k) or (previous >= 0 and intro(previous))
                    min_lines = LIST_MIN_ITEMS if announced else LIST_MIN_LINES
                    if kind == "prose" and n >= min_lines and furniture <= LIST_MAX_FURNITURE * n \
                            and phrases >= LIST_MIN_PHRASES * n and topical >= LIST_MIN_TOPICAL * n:
                        best = k
                    previous = k
                    if kind == "furniture":
                        if any(e.startswith("end of article") for e in row[6]):
                            break
                        furniture += 1
                        if furniture > LIST_MAX_FURNITURE * (n + LIST_MAX_SCAN) or furniture > 3:
                            break  # no longer run can bring the share down far enough
                    if kind != "prose":  # the list items themselves: prose between them passes anyway
                        n += 1
                        phrases += row[3] >= 3
                        if vocab is None:
                            vocab = set().union(*(content(m) for m in range(first, last + 1)
                                                  if raw[m][5] == "prose"))
                        topical += not vocab.isdisjoint(content(k))
                k += direction
            if direction == 1:
                last = best
            else:
                first = best
        return first, last

    def _merge_wrapped(self, raw: list[list[Any]], text: str, stops: frozenset[str] | None) -> None:
        """Hard-wrapped paragraphs (a line that stops mid-sentence, the next going on in lower case) are
        judged as one paragraph: each wrapped line alone looks like an unpunctuated label."""
        k = 0
        n = len(raw)
        while k < n:
            j = k
            while j + 1 < n and raw[j][5] != "blank" and raw[j + 1][5] != "blank" and _continues(
                    text[raw[j][1]:raw[j][2]], text[raw[j + 1][1]:raw[j + 1][2]]):
                j += 1
            if j > k:
                joined = " ".join(text[raw[m][1]:raw[m][2]].strip() for m in range(k, j + 1))
                _score, kind, _ev, _n, _dated = self.line_evidence(joined, stops)
                if kind == "prose":
                    for m in range(k, j + 1):
                        if raw[m][5] != "furniture":
                            raw[m][4] = float(max(raw[m][3], 1))
                            raw[m][5] = "prose"
                            raw[m][6] = ()
            k = j + 1

    @staticmethod
    def _keep_embedded_prose(raw: list[list[Any]], text: str, stops: frozenset[str] | None) -> None:
        """A long punctuated line whose only furniture evidence is lexicon phrases, between two prose lines,
        is the article talking about cookies, donations or sign-ups (a privacy policy, a story on a
        subscription scheme), not a banner: banners sit among menus at the edges of the page."""
        nonblank = [k for k, r in enumerate(raw) if r[5] != "blank"]
        for j in range(1, len(nonblank) - 1):
            r = raw[nonblank[j]]
            if r[5] != "furniture" or r[3] < LONG_WORDS or not r[6] \
                    or not all(e.startswith(_LEXICON_EVIDENCE) for e in r[6]):
                continue  # "no sentence punctuation" or a non-lexicon reason (date, URL, list) keeps it
            if raw[nonblank[j - 1]][5] != "prose" or raw[nonblank[j + 1]][5] != "prose":
                continue
            if stops:
                tokens = WORD_RE.findall(fold(text[r[1]:r[2]]))
                if not tokens or sum(t in stops for t in tokens) / len(tokens) < STOP_MIN:
                    continue
            r[4], r[5], r[6] = float(r[3]), "prose", ()

    @staticmethod
    def _mark_repeats(raw: list[list[Any]], text: str) -> None:
        """Non-prose lines printed more than once (category labels of teaser cards, a headline printed
        twice in a card) are page furniture."""
        counts: dict[str, int] = {}
        for r in raw:
            key = r[8]
            if key:
                counts[key] = counts.get(key, 0) + 1
        for r in raw:
            key = r[8]
            if key and counts[key] > 1 and r[5] != "prose":
                if r[4] > -REPEAT_PENALTY:
                    r[4] = -REPEAT_PENALTY
                r[6] = (*r[6], f"printed {counts[key]} times")

    @staticmethod
    def _mark_story_lists(raw: list[list[Any]]) -> None:
        """Runs of >= STORY_LIST_MIN dated lines at regular gaps (date+headline, then a teaser) are story
        lists: their teasers are furniture even when they read as prose."""
        nonblank = [k for k, r in enumerate(raw) if r[5] != "blank"]
        pos = {k: j for j, k in enumerate(nonblank)}
        for run in _close_runs([pos[k] for k in nonblank if raw[k][7]], 3):
            if len(run) < STORY_LIST_MIN:
                continue
            gaps = [b - a for a, b in itertools.pairwise(run)]
            gap = min(gaps)
            if max(gaps) - gap > 1:
                continue
            # Date-only lines also head the entries of a timeline inside an article: only lists of dated
            # headlines ("29.03.2017 - Minister meets envoy") turn their prose teasers into furniture.
            headlines = any(raw[nonblank[j]][7] == 2 for j in run)
            last = run[-1] + gap - 1
            for j in range(run[0], min(last, len(nonblank) - 1) + 1):
                r = raw[nonblank[j]]
                if r[5] == "furniture" or (r[5] == "prose" and not headlines):
                    continue
                r[4] = -(STRONG_PENALTY + 0.5 * r[3])
                r[5] = "furniture"
                r[6] = (*r[6], f"story list ({len(run)} dated items)")

    @staticmethod
    def _mark_teaser_cards(raw: list[list[Any]]) -> None:
        """Teaser cards without dates: a call-to-action or navigation line ("Read more...", "Mehr
        lesen...") printed >= STORY_LIST_MIN times at regular gaps, each card between two of them holding
        a headline-like short line and at most one prose line (a summary). The cards are furniture.
        Paragraphs separated by a repeated label ("Advertisement") are not cards: no headline between."""
        nonblank = [k for k, r in enumerate(raw) if r[5] != "blank"]
        markers: dict[str, list[int]] = {}
        for j, k in enumerate(nonblank):
            r = raw[k]
            if r[5] == "furniture" and r[8] and any(e.startswith(_CARD_MARKER_EVIDENCE) for e in r[6]):
                markers.setdefault(r[8], []).append(j)
        for key, pos in markers.items():
            if len(pos) < STORY_LIST_MIN:
                continue
            for run in _close_runs(pos, CARD_MAX_LINES + 1):
                if len(run) < STORY_LIST_MIN:
                    continue
                gaps = [b - a for a, b in itertools.pairwise(run)]
                gap = min(gaps)
                if max(gaps) - gap > 1 or gap < 2:
                    continue
                # the first card sits before the first marker: the marker closes its card
                cards = [range(max(0, run[0] - gap + 1), run[0])] + [range(a + 1, b) for a, b in
                                                                      itertools.pairwise(run)]
                if not all(sum(raw[nonblank[j]][5] == "prose" for j in c) <= 1
                           and any(raw[nonblank[j]][5] == "short" for j in c) for c in cards[1:]):
                    continue
                for c in cards:
                    for j in c:
                        r = raw[nonblank[j]]
                        if r[5] == "furniture":
                            continue
                        r[4] = -(STRONG_PENALTY + 0.5 * r[3])
                        r[5] = "furniture"
                        r[6] = (*r[6], f'teaser card ({len(run)} "{key}" links)')


# ---------------------------------------------------------------- shared instances and findings
_SHARED: dict[tuple[Any, ...], BlockClassifier] = {}
_SHARED_LOCK = threading.Lock()


def shared_classifier(resources: Any, lexicon: str, use_stopwords: bool, model: str = "",
                      vocabulary: str = "boilerplate_vocabulary.toml") -> BlockClassifier:
    """One classifier (and so one per-document cache) for every rule built with the same settings, so
    ``leading``, ``trailing`` and ``inner`` classify each document once. ``model``: a line model file found
    on the pack's search path (``""``: the rule cascade alone)."""
    key = (tuple(str(p) for p in resources.search_path), lexicon, use_stopwords, model, vocabulary)
    with _SHARED_LOCK:
        clf = _SHARED.get(key)
        if clf is None:
            line_model = load_model(locate(model, tuple(resources.search_path))) if model else None
            clf = _SHARED[key] = BlockClassifier(resources.toml(lexicon), use_stopwords, line_model,
                                                 Vocabulary.from_toml(resources.toml(vocabulary)))
        return clf


def evidence_key(line: Line) -> str:
    """The kind of evidence a line carries, for grouping neighbouring lines into one finding."""
    return "prose" if line.kind == "prose" else "furniture"


_GENERIC = re.compile(r"no sentence punctuation|short \(|few stopwords|printed \d+ times")


def describe(lines: list[Line], text: str, limit: int = 4) -> str:
    """Evidence of a run of lines, most frequent first, e.g. ``call-to-action phrase "sign up"; short``."""
    counts: dict[str, int] = {}
    for ln in lines:
        if ln.kind == "prose":
            counts[f"sentence-like prose outside the article core ({ln.words} words)"] = 1
        for ev in ln.evidence:
            counts[ev] = counts.get(ev, 0) + 1
    # named evidence (a phrase, a date, a list) before the generic kind (short, unpunctuated)
    top = sorted(counts, key=lambda e: (_GENERIC.match(e) is not None, -counts[e]))[:limit]
    return "; ".join(top) if top else "no article evidence"


def runs(lines: list[Line]) -> list[list[Line]]:
    """Group consecutive non-blank lines with the same evidence kind (blank lines are skipped; the
    caller's spans give them to the run before)."""
    out: list[list[Line]] = []
    last_key = None
    for ln in lines:
        if ln.kind == "blank":
            continue
        key = evidence_key(ln)
        if out and key == last_key:
            out[-1].append(ln)
        else:
            out.append([ln])
        last_key = key
    return out


def _close_runs(positions: list[int], max_gap: int) -> list[list[int]]:
    """Increasing positions grouped into runs whose neighbours are at most ``max_gap`` apart."""
    runs: list[list[int]] = []
    for p in positions:
        if runs and p - runs[-1][-1] <= max_gap:
            runs[-1].append(p)
        else:
            runs.append([p])
    return runs

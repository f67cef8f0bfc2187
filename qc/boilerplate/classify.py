"""Line verdicts: the score, kind and evidence of one line read alone, as jusText (Pomikálek 2011) judges
HTML paragraphs: length, stopword density for the document language, sentence punctuation; plus the
multilingual phrase lexicon (``boilerplate_phrases.toml``: call-to-action, navigation, cookie, donation,
legal, comment-widget, caption), section headings, dates/times and dated headlines, phone numbers, URLs,
author bios and slash-separated credits.

Scores are in "words of evidence": article-like prose scores its word count, furniture a negative
penalty, short lines without sentence punctuation (menus, headlines, labels) a small negative one.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

import ahocorasick

from qc.boilerplate.evidence import Evidence, EvidenceKind
from qc.boilerplate.lines import EDGE_PUNCT, WORD_RE_ASCII, LineKind, ascii_twin, fold
from qc.boilerplate.phrases import PhraseMatcher, trie_pattern
from qc.boilerplate.vocabulary import Vocabulary
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
# (50 pages); the grid over REPEAT_PENALTY (in ``corrections``: 1.5, 3, 6) x SECTION_PENALTY (20, 30)
# moved F1 between 0.907 and 0.925, LABEL/MEDIUM_PENALTY (0.5-1.5 / 0.1-0.5) by under 0.001.
STRONG_PENALTY = 10.0  # a strong furniture line (lexicon, dated headline, URL) costs this plus half its words
SECTION_PENALTY = 30.0  # a heading that opens a non-article section ("Related stories", "Don't miss")
SHORT_PENALTY = 1.5  # a 1-2 word line without sentence punctuation (menu item, label)
LABEL_PENALTY = 1.0  # a 3-7 word line without sentence punctuation (headline, label, list item)
MEDIUM_PENALTY = 0.25  # a longer unpunctuated line with stopwords (list item, feature bullet, headline)
CACHE_LINES = 50_000  # verdicts of recurring lines kept per scorer (cleared when full: bounded memory)
CACHE_MAX_CHARS = 200  # longer lines (prose) rarely recur: not cached
SECTION_PREFIX_WORDS = 7  # "More from the Los Angeles Times": a heading, not a sentence

# The lexicon's categories, each matched by its own ``PhraseMatcher``.
CATEGORIES = ("section", "nav", "cta", "cookie", "donation", "legal", "comments", "caption", "terminal")
# In-line phrase categories, in the order their evidence is listed.
_PHRASE_CATEGORIES = ("cookie", "donation", "comments", "legal", "cta", "caption")
# Categories whose hit is strong at any length when at least two distinct phrases hit (banners and
# appeals are written as prose; one stray "cookies" in an article is not enough).
_PROSE_BANNERS = ("cookie", "donation", "comments", "legal")

_UNPUNCTUATED = Evidence(EvidenceKind.UNPUNCTUATED)
# The hits of a line no phrase or whole-line entry matches (read only).
_NO_HITS: Mapping[str, list[str]] = {cat: [] for cat in (*_PHRASE_CATEGORIES, "terminal")}
_SENT_END_RE = re.compile(r"[.!?…。！？](?:[\"'”’»)\]]*)$")
_SENT_INNER_RE = re.compile(r"[.!?…。！？][\"'”’»)\]]*\s+\S")
_DIGIT_RE = re.compile(r"\d")
_DIGIT_RE_ASCII = ascii_twin(_DIGIT_RE)
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
# The same in German, French and Spanish ("Inga Buller ist Head of Social bei ...", "Jeanne Roy est
# journaliste"): the role word is a stem (Redakteur/Redakteurin, rédacteur/rédactrice), the article optional,
# so the subject must be a name (2-4 capitalised words: "Die gesamte Episode war uns Autoren wichtig" is not).
# Measured on boilerplate_snippets: the German bios below an article were kept as its last prose line.
_BIO_OTHER_RE = re.compile(
    r"^(?:(?:dr|prof)\.\s)?(?-i:[A-ZÀ-ÖØ-Þ])[\w'’-]+(?:\s(?-i:[A-ZÀ-ÖØ-Þ])[\w.'’-]+){1,3}"
    r"\s(?:ist|war|est|était|es|era)\s[\w\s,&-]{0,40}?"
    r"\b(?:redakteur|redaktor|autor|journalist|reporter|korrespondent|kolumnist|chefredakt|ressortleit|volontär|"
    r"head of|herausgeber|rédact|journaliste|correspondant|chroniqueu|éditorialiste|auteur|periodista|redactor|"
    r"corresponsal|columnista)",
    re.I,
)
_BIO_VERB_RE = re.compile(r" (?:ist|war|est|était|es|era) ")  # one scan rules most lines out
# "PAP/ Jan Kowalski", "Reuters / Jane Doe", "News / World": an agency credit or a breadcrumb.
_SLASH_CREDIT_RE = re.compile(r"^[\w.&'’-]{2,25}(?:\s?/\s?[\w.&'’ -]{2,40}){1,4}$")


_SENT_CHARS = ".!?…。！？"
_CLOSING_CHARS = "\"'”’»)]"


def sentence_end(stripped: str) -> bool:
    """``_SENT_END_RE.search(stripped)`` for a stripped line (no final newline), read from its end instead of
    tried at every position: the last character that is not a closing quote or bracket ends a sentence."""
    body = stripped.rstrip(_CLOSING_CHARS)
    return bool(body) and body[-1] in _SENT_CHARS


def _count_to(matches: Iterator[re.Match[str]], limit: int) -> int:
    """How many matches there are, counted up to ``limit``."""
    count = 0
    for _ in matches:
        count += 1
        if count >= limit:
            break
    return count


def _other_words(text: str, start: int, end: int, fillers: frozenset[str], limit: int) -> int:
    """How many words of ``text[start:end]`` are neither date fillers nor numbers, counted up to ``limit``
    (``WORD_RE`` has no anchor or look-around: its words between ``start`` and ``end`` are the slice's)."""
    count = 0
    for m in (WORD_RE_ASCII if text.isascii() else WORD_RE).finditer(text, start, end):
        word = m.group()
        if word not in fillers and not word.isdigit():
            count += 1
            if count >= limit:
                break
    return count


class Verdict(NamedTuple):
    """One line read alone."""

    score: float
    kind: LineKind  # never "blank": blank lines are not scored
    evidence: tuple[Evidence, ...]
    words: int
    dated: int  # 0 no date, 1 a date/time line, 2 a dated headline (story-list item)


class LineScorer:
    """The verdict of one line from the phrase lexicon and the vocabulary (months, counters, networks,
    list headings)."""

    def __init__(self, lexicon: Mapping[str, Any], vocabulary: Vocabulary | None = None):
        self.vocab = vocabulary or Vocabulary.builtin()
        self.matchers = {
            cat: PhraseMatcher(list(lexicon.get(cat, {}).get("lines", [])),
                               list(lexicon.get(cat, {}).get("phrases", [])))
            for cat in CATEGORIES
        }
        # One regex over every category's phrases: most lines match none, and one search tells so (a
        # superset of the categories' matches: a literal that is a stem anywhere is a stem here).
        merged: dict[bool, dict[str, str]] = {True: {}, False: {}}
        for m in self.matchers.values():
            for ws, items in ((True, m.word_start), (False, m.other)):
                for lit, right in items:
                    merged[ws][lit] = "" if merged[ws].get(lit, right) == "" else right
        parts = []
        if merged[True]:
            parts.append(r"(?<!\w)" + trie_pattern(sorted(merged[True].items())))
        if merged[False]:
            parts.append(trie_pattern(sorted(merged[False].items())))
        self._any_phrase = re.compile("|".join(parts)) if parts else None
        # Every match of that regex contains one of its literals: an Aho-Corasick scan for them (a quarter of
        # the regex's time) lets a line with none skip the regex, with the same outcome. Each literal's value is
        # the categories holding it: a category none of whose literals is in the line has no phrase hit either,
        # so only the categories found run their own regex (each a scan of the whole line).
        owners: dict[str, set[str]] = {}
        for cat, m in self.matchers.items():
            for lit, _right in (*m.word_start, *m.other):
                owners.setdefault(lit, set()).add(cat)
        self._literals = ahocorasick.Automaton()
        for lit in sorted({lit for side in merged.values() for lit in side}):
            self._literals.add_word(lit, frozenset(owners[lit]))
        if parts:
            self._literals.make_automaton()
        # multi-word section headings by first word, longest first (a line is looked up, not scanned for)
        self._section_prefixes: dict[str, tuple[str, ...]] = {}
        for e in sorted((e for e in self.matchers["section"].lines if " " in e), key=len, reverse=True):
            first = e.split(" ", 1)[0]
            self._section_prefixes[first] = (*self._section_prefixes.get(first, ()), e)
        # the categories whose whole-line entries a normalised line is (one look-up instead of one per category)
        whole: dict[str, set[str]] = {}
        for cat, m in self.matchers.items():
            for entry in m.lines:
                whole.setdefault(entry, set()).add(cat)
        self._whole = {entry: frozenset(cats) for entry, cats in whole.items()}
        self._cache: dict[tuple[str, frozenset[str] | None], Verdict] = {}

    def verdict(self, line: str, stops: frozenset[str] | None, folded: str | None = None,
                tokens: list[str] | None = None) -> Verdict:
        """The verdict of one non-blank line. ``folded``: ``fold(line)`` and ``tokens``: its words, when already
        known (the line table has both). Short lines are
        cached: a site's menus, prompts and footers recur on every page, and a line's verdict is a function of
        the line and the stoplist alone."""
        if len(line) > CACHE_MAX_CHARS:
            return self._verdict(line, stops, folded, tokens)
        key = (line, stops)
        v = self._cache.get(key)
        if v is None:
            if len(self._cache) >= CACHE_LINES:
                self._cache.clear()
            v = self._cache[key] = self._verdict(line, stops, folded, tokens)
        return v

    def _verdict(self, line: str, stops: frozenset[str] | None, folded: str | None,
                 tokens: list[str] | None) -> Verdict:
        if folded is None:
            folded = fold(line)
        norm = folded.strip(EDGE_PUNCT)
        if tokens is None:
            tokens = WORD_RE.findall(folded)
        n = len(tokens) if line.isascii() else max(len(tokens), len(_CJK_RE.findall(line)) // 2)
        stripped = line.strip()
        sent_end = sentence_end(stripped)
        # sentences ended inside the line, counted up to 2 and only for a line not ending one: n_sent is read
        # as ``>= 1`` with a final colon and as ``>= 2`` when the line does not end a sentence
        n_sent = 1 if sent_end else _count_to(_SENT_INNER_RE.finditer(stripped), 2)
        stop = (sum(map(stops.__contains__, tokens)) / len(tokens)) if stops and tokens else None
        evidence: list[Evidence] = []

        # the in-line phrase categories, and terminal headings on short lines, are the hits read below
        wanted = (*_PHRASE_CATEGORIES, "terminal") if n <= SHORT_WORDS else _PHRASE_CATEGORIES
        whole = self._whole.get(norm, frozenset()) if norm else frozenset()
        found = self._categories_found(folded)
        if found and self._any_phrase is not None and self._any_phrase.search(folded):
            # a category without a literal in the line has no phrase hit: ``hits`` would scan in vain
            hits = {cat: self.matchers[cat].hits(folded, norm) if cat in found
                    else [norm] if norm in self.matchers[cat].lines else [] for cat in wanted}
        elif whole:  # no phrase anywhere in the line: only whole-line entries can hit
            hits = {cat: [norm] if cat in whole else [] for cat in wanted}
        else:  # nothing hits (most lines): one shared, never modified mapping
            hits = _NO_HITS

        date_only = False
        dated = False
        headline_item = False
        ascii = folded.isascii()  # the patterns' ASCII twins read it alike, faster (``ascii_twin``)
        has_digit = (_DIGIT_RE_ASCII if ascii else _DIGIT_RE).search(folded) is not None  # dates and phones need one
        dates = (self.vocab.date_ascii if ascii else self.vocab.date).finditer(folded) if has_digit else iter(())
        first_date = next(dates, None)
        if first_date is not None:
            date_only = self._date_only(folded, first_date, dates)
            headline = self.vocab.dated_headline_ascii if ascii else self.vocab.dated_headline
            dated = date_only or (n <= 30 and bool(headline.search(folded)))
        headline_item = dated and not date_only

        # strong furniture evidence
        strong: list[Evidence] = []
        section = norm if "section" in whole else self._section_prefix(norm, n)
        if not section and n <= SECTION_PREFIX_WORDS and self.vocab.list_heading.match(norm):
            section = norm
        if section:
            strong.append(Evidence(EvidenceKind.SECTION, section))
        colon_end = stripped.endswith(":") and n_sent >= 1  # "As usual, it knows the answer. In short:"
        # a sentence leading into a list ("... from donations. Here is what you can borrow:") is prose too
        sentence_like = (sent_end or colon_end) and n > PROSE_SHORT_WORDS
        for cat in _PHRASE_CATEGORIES:
            found = hits[cat]
            if not found:
                continue
            # One phrase in a real sentence ("customers signed up for the trial") is not enough; two are
            # ("Never miss a story again: sign up to our Telegram channel").
            single_ok = n <= SHORT_WORDS and not sentence_like
            many = len(found) >= 3 or (len(found) >= 2 and (n <= 2 * SHORT_WORDS or cat in _PROSE_BANNERS))
            if single_ok or many or cat in whole:
                strong.append(Evidence(EvidenceKind(cat), found[0]))
        terminal = hits["terminal"] if n <= SHORT_WORDS else []
        if terminal or self.vocab.comment_count.match(norm):
            strong.append(Evidence(EvidenceKind.TERMINAL, terminal[0] if terminal else norm))
        if n <= SHORT_WORDS and len(self.vocab.social_networks.intersection(tokens)) >= 2:
            strong.append(Evidence(EvidenceKind.SOCIAL))
        # a bio has " is " or " was ": on an ASCII folded line (no dotless or dotted i, no long s) its folded
        # form holds one, and most lines need not be matched (the pattern backtracks over its first words)
        if n <= 60 and (
                ((not ascii or " is " in folded or " was " in folded) and _BIO_RE.match(stripped))
                or (_BIO_VERB_RE.search(folded) and _BIO_OTHER_RE.match(stripped))):
            strong.append(Evidence(EvidenceKind.BIO))
        if n <= 8 and not sent_end and _SLASH_CREDIT_RE.match(stripped) and not _URL_RE.match(stripped):
            strong.append(Evidence(EvidenceKind.CREDIT))
        if _URL_RE.match(stripped):
            strong.append(Evidence(EvidenceKind.URL))
        if dated:
            strong.append(Evidence(EvidenceKind.DATE if date_only else EvidenceKind.DATED_HEADLINE))
        if has_digit and n <= SHORT_WORDS and not sent_end and _PHONE_RE.search(stripped):
            strong.append(Evidence(EvidenceKind.PHONE))

        prose = (
            (sent_end or n_sent >= 2 or colon_end) and n >= PROSE_MIN_WORDS and (stop is None or stop >= STOP_MIN)
        ) or (n >= LONG_WORDS and (stop is None or stop >= STOP_MIN + 0.05))

        if strong:
            evidence.extend(strong)
            if not sent_end:
                evidence.append(_UNPUNCTUATED)
            penalty = SECTION_PENALTY if section else STRONG_PENALTY
            return Verdict(-(penalty + 0.5 * n), "furniture", tuple(evidence), n, 2 if headline_item else int(dated))
        if "nav" in whole:
            return Verdict(-(SHORT_PENALTY + 1.0), "furniture", (Evidence(EvidenceKind.NAV, norm),), n, 0)
        if prose:
            return Verdict(float(n), "prose", (), n, 0)
        # Short or list-like line: a headline, a label, a byline, a menu entry.
        if not sent_end:
            evidence.append(_UNPUNCTUATED)
        if stop is not None and stop < STOP_MIN and n >= 3:
            evidence.append(Evidence(EvidenceKind.FEW_STOPWORDS, f"{stop:.0%}"))
        if n < PROSE_MIN_WORDS:
            evidence.append(Evidence(EvidenceKind.SHORT, str(n)))
        if n >= 8 and (stop is None or stop >= STOP_MIN):
            return Verdict(-MEDIUM_PENALTY, "short", tuple(evidence), n, 0)
        if n >= 3:
            return Verdict(-LABEL_PENALTY, "short", tuple(evidence), n, 0)
        return Verdict(-SHORT_PENALTY, "short", tuple(evidence), n, 0)

    def _date_only(self, folded: str, first: re.Match[str], rest: Iterator[re.Match[str]]) -> bool:
        """Whether at most one word outside the dates (``first``, then ``rest``: the date pattern's matches in
        ``folded``) is neither a date filler nor a number. The words are those of ``folded`` with every date
        replaced by a space, read gap by gap and only until a second such word (a dated sentence has it early;
        tokenising every line with a date twice was the verdict's largest cost)."""
        other = 0
        pos = 0
        fillers = self.vocab.date_fillers
        for m in itertools.chain((first,), rest):
            other += _other_words(folded, pos, m.start(), fillers, 2 - other)
            if other > 1:
                return False
            pos = m.end()
        return other + _other_words(folded, pos, len(folded), fillers, 2 - other) <= 1

    def _categories_found(self, folded: str) -> frozenset[str]:
        """The categories with at least one of their phrase literals somewhere in ``folded`` (empty: none)."""
        if self._any_phrase is None:
            return frozenset()
        found: frozenset[str] = frozenset()
        for _end, cats in self._literals.iter(folded):
            found = found | cats
        return found

    def _section_prefix(self, norm: str, n: int) -> str:
        """A short line opening with a multi-word section heading ("More from The Times")."""
        if n > SECTION_PREFIX_WORDS:
            return ""
        for entry in self._section_prefixes.get(norm.split(" ", 1)[0], ()):
            if norm.startswith(entry) and norm[len(entry):len(entry) + 1] in (" ", ":"):
                return entry
        return ""


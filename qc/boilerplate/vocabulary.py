"""The block classifier's word lists (months, date fillers, social networks, comment counters, list
headings), read from ``rules/lexicons/boilerplate_vocabulary.toml`` and compiled once into the patterns the
classifier matches. Per language in the file, all languages used together (scraped pages mix them): a
corpus in another language adds its entries there, not in code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from qc.boilerplate.lines import ascii_twin
from qc.boilerplate.phrases import trie_pattern
from qc.lexicon import builtin_rules_dir, read_toml

DEFAULT_FILE = "boilerplate_vocabulary.toml"


def _words(data: Mapping[str, Any], section: str) -> list[str]:
    """Every language's entries of a section, in file order, lower-cased, first occurrence kept."""
    table = data.get(section, {})
    if not isinstance(table, Mapping):
        raise ValueError(f"boilerplate vocabulary: [{section}] must be a table of word lists")
    out: dict[str, None] = {}
    for lang, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise ValueError(f"boilerplate vocabulary: [{section}] {lang} must be a list of strings")
        out.update((w.strip().lower(), None) for w in words if w.strip())
    return list(out)


def _alternation(words: list[str]) -> str:
    """``a|b|stem\\w*``: entries ending in ``*`` are stems."""
    return "|".join(re.escape(w[:-1]) + r"\w*" if w.endswith("*") else re.escape(w) for w in words)


def date_pattern(months: str, month_initials: set[str], guarded: bool = True) -> str:
    """The date pattern: 29.03.2017, 05/10/2018, 2019-11-20; 20 November 2019; Nov. 20, 2019; 18:15, 5:52 AM.

    The forms opening with a digit are tried behind a ``(?=\\d)`` guard and the one opening with a month
    behind a guard of the months' first letters: ``re`` otherwise tries every form (the month trie's
    branches one by one) at every word start of every line with a digit, the verdict's largest regex cost.
    The matches are those of the unguarded alternation in its own order (digit forms, then month form),
    because a form opening with a digit cannot match where a month starts and the reverse; when a month
    could open with a digit or with nothing (an empty stem), or ``guarded`` is false, the guards are left out."""
    digit_forms = (
        r"\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}"
        rf"|\d{{1,2}}\.?\s+(?:{months})\.?(?:,?\s+\d{{4}})?"
    )
    month_form = rf"(?:{months})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    time_form = r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?"
    if not guarded or not month_initials or any(not c or re.match(r"\d", c) for c in month_initials):
        return rf"(?<!\w)(?:{digit_forms}|{month_form}|{time_form})(?!\w)"
    initials = "".join(sorted(re.escape(c) for c in month_initials))
    return rf"(?<!\w)(?:(?=\d)(?:{digit_forms}|{time_form})|(?=[{initials}]){month_form})(?!\w)"


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """The compiled patterns: dates, story-list items, list headings, comment counters; two word sets."""

    date: re.Pattern[str]
    dated_headline: re.Pattern[str]
    list_heading: re.Pattern[str]
    comment_count: re.Pattern[str]
    social_networks: frozenset[str]
    date_fillers: frozenset[str]
    date_ascii: re.Pattern[str]  # ``date`` and ``dated_headline`` for ASCII folded lines (``lines.ascii_twin``)
    dated_headline_ascii: re.Pattern[str]

    @classmethod
    def from_toml(cls, data: Mapping[str, Any]) -> Vocabulary:
        # Dates are matched on folded (lower-cased) lines, so without re.I, and the months as one character
        # trie: both searches run on every line with a digit (3 KB news documents: 1.85 -> 0.36 ms each).
        month_words = _words(data, "months")
        month_items = sorted((w[:-1], r"\w*") if w.endswith("*") else (w, "") for w in month_words)
        months = trie_pattern(month_items) if month_words else r"(?!x)x"
        date = re.compile(date_pattern(months, {lit[:1] for lit, _ in month_items}))
        # A story-list item: a date, a separator, then a headline (or the reverse).
        dated_headline = re.compile(
            rf"^\s*(?:{date.pattern})\s*(?:[-–—|•·:]|\s{{2,}})\s*\S|\S\s*(?:[-–—|•·]|\s{{2,}})\s*(?:{date.pattern})\s*$",
        )
        headings = data.get("list_headings", {})
        first = _alternation(_words({"h": {"first": headings.get("first", [])}}, "h")) or r"(?!x)x"
        last = _alternation(_words({"h": {"last": headings.get("last", [])}}, "h")) or r"(?!x)x"
        list_heading = re.compile(rf"^(?:{first})\b[\w\s'&-]{{0,40}}\b(?:{last})$", re.I)
        counters = _alternation(_words(data, "comment_counters")) or r"(?!x)x"
        comment_count = re.compile(rf"^\d+\s+(?:{counters})$", re.I)
        return cls(date, dated_headline, list_heading, comment_count,
                   frozenset(_words(data, "social_networks")), frozenset(_words(data, "date_fillers")),
                   ascii_twin(date), ascii_twin(dated_headline))

    @classmethod
    def builtin(cls) -> Vocabulary:
        return cls.from_toml(read_toml(DEFAULT_FILE, (builtin_rules_dir(),)))

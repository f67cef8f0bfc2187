"""The page language for stopword density: jusText's stoplists, and a second identification on the long
lines when the document language (read from a scraped page's first characters, often menus) does not fit."""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Sequence
from pathlib import Path

from qc.boilerplate.lines import LineRow
from qc.text import WORD_RE

BODY_STOP_OK = 0.30  # stopword share of the long lines above which the document language is trusted
#                      (measured on the 77 dev pages: own language 0.25-0.61, median ~0.45; English
#                      pages misread as Polish score 0.23-0.25 with the Polish list): below, re-identify

# ISO 639-1 -> jusText stoplist name
_STOPLIST_NAMES = {
    "af": "Afrikaans", "sq": "Albanian", "ar": "Arabic", "hy": "Armenian", "az": "Azerbaijani",
    "eu": "Basque", "be": "Belarusian", "bn": "Bengali", "bs": "Bosnian", "br": "Breton", "bg": "Bulgarian",
    "ca": "Catalan", "hr": "Croatian", "cs": "Czech", "da": "Danish", "nl": "Dutch", "en": "English",
    "eo": "Esperanto", "et": "Estonian", "fi": "Finnish", "fr": "French", "gl": "Galician", "ka": "Georgian",
    "de": "German", "el": "Greek", "gu": "Gujarati", "ht": "Haitian", "he": "Hebrew", "hi": "Hindi",
    "hu": "Hungarian", "is": "Icelandic", "id": "Indonesian", "ga": "Irish", "it": "Italian", "jv": "Javanese",
    "kn": "Kannada", "kk": "Kazakh", "ko": "Korean", "ku": "Kurdish", "ky": "Kyrgyz", "la": "Latin",
    "lv": "Latvian", "lt": "Lithuanian", "lb": "Luxembourgish", "mk": "Macedonian", "ms": "Malay",
    "ml": "Malayalam", "mt": "Maltese", "mr": "Marathi", "ne": "Nepali", "nb": "Norwegian_Bokmal",
    "no": "Norwegian_Bokmal", "nn": "Norwegian_Nynorsk", "oc": "Occitan", "fa": "Persian", "pl": "Polish",
    "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sr": "Serbian", "sh": "Serbo_Croatian",
    "sk": "Slovak", "sl": "Slovenian", "es": "Spanish", "su": "Sundanese", "sw": "Swahili", "sv": "Swedish",
    "tl": "Tagalog", "ta": "Tamil", "te": "Telugu", "tr": "Turkish", "tk": "Turkmen", "uk": "Ukrainian",
    "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "cy": "Welsh", "fy": "West_Frisian", "yo": "Yoruba",
}


@functools.lru_cache(maxsize=64)
def stoplist(lang: str) -> frozenset[str] | None:
    """jusText's stoplist for an ISO 639-1 code, read from the installed package without importing it
    (its import pulls in lxml); None when the language has none or justext is not installed."""
    name = _STOPLIST_NAMES.get(lang.split("-")[0].lower())
    if not name:
        return None
    try:
        spec = importlib.util.find_spec("justext")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for base in spec.submodule_search_locations:
        path = Path(base) / "stoplists" / f"{name}.txt"
        if path.is_file():
            return frozenset(w.strip().lower() for w in path.read_text(encoding="utf-8").splitlines() if w.strip())
    return None


LONG_LINE_CHARS = 80  # lines this long are the page's prose, read for its language
SAMPLE_CHARS = 3000  # ... joined by spaces, up to this many characters
MIN_SAMPLE_CHARS = 200  # a shorter sample keeps the document language
# Line breaks of ``str.splitlines`` other than "\n": without them the line table's lines are its lines.
_OTHER_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
# What ``straighten`` changes that ``WORD_RE`` sees (a quote inside or beside a word): a line without them
# has the line table's folded words as its lower-cased words (no-break spaces and runs of spaces divide
# words either way).
_WORD_QUOTES = ("’", "‘", "“", "”", "«", "»")


def body_language(text: str, fallback: str, table: Sequence[LineRow] | None = None) -> str:
    """Language of the long lines: the document language is read from its first characters, which on a
    scraped page are menus (an English page measured as Polish on devdata). ``table``: the text's line table,
    whose folded words spare tokenising the sample again (the same words; the result does not change)."""
    if table is None or any(b in text for b in _OTHER_BREAKS):
        long_lines = [ln for ln in text.splitlines() if len(ln) >= LONG_LINE_CHARS]
        words = None
    else:
        rows = [r for r in table if len(r[2]) >= LONG_LINE_CHARS]
        long_lines = [r[2] for r in rows]
        words = _sample_words(rows)
    if min(sum(map(len, long_lines)) + len(long_lines) - 1, SAMPLE_CHARS) < MIN_SAMPLE_CHARS:
        return fallback  # the sample " ".join(long_lines)[:SAMPLE_CHARS] is too short
    stops = stoplist(fallback)
    if stops:
        tokens = WORD_RE.findall(sample_of(long_lines).lower()) if words is None else words
        if tokens and sum(map(stops.__contains__, tokens)) / len(tokens) >= BODY_STOP_OK:
            return fallback  # the prose reads as the document language: no second identification
    from qc.lang import identify

    lang, prob = identify(sample_of(long_lines))[0]
    return lang if prob >= 0.5 and lang != "und" else fallback


def sample_of(long_lines: list[str]) -> str:
    """The text read for the page language: its long lines joined by spaces, cut at ``SAMPLE_CHARS``."""
    return " ".join(long_lines)[:SAMPLE_CHARS]


def _sample_words(rows: Sequence[LineRow]) -> list[str]:
    """``WORD_RE.findall(sample_of(lines).lower())`` for the long lines of a line table, from their folded
    words: a line's words do not depend on its neighbours (a space divides them); a line with a typographic
    quote and the line cut at ``SAMPLE_CHARS`` are tokenised here."""
    out: list[str] = []
    room = SAMPLE_CHARS  # characters of the sample left for the next line
    for row in rows:
        line = row[2]
        if room <= 0:
            break
        if len(line) > room:
            out += WORD_RE.findall(line[:room].lower())
            break
        out += row[5] if line.isascii() or not any(q in line for q in _WORD_QUOTES) else WORD_RE.findall(line.lower())
        room -= len(line) + 1
    return out

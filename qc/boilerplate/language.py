"""The page language for stopword density: jusText's stoplists, and a second identification on the long
lines when the document language (read from a scraped page's first characters, often menus) does not fit."""

from __future__ import annotations

import functools
import importlib.util
from pathlib import Path

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


def body_language(text: str, fallback: str) -> str:
    """Language of the long lines: the document language is read from its first characters, which on a
    scraped page are menus (an English page measured as Polish on devdata)."""
    long_lines = [ln for ln in text.splitlines() if len(ln) >= 80]
    sample = " ".join(long_lines)[:3000]
    if len(sample) < 200:
        return fallback
    stops = stoplist(fallback)
    if stops:
        tokens = WORD_RE.findall(sample.lower())
        if tokens and sum(map(stops.__contains__, tokens)) / len(tokens) >= BODY_STOP_OK:
            return fallback  # the prose reads as the document language: no second identification
    from qc.lang import identify

    lang, prob = identify(sample)[0]
    return lang if prob >= 0.5 and lang != "und" else fallback

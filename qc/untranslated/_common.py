"""Shared helpers of the untranslated family: scripts, word tokens, where a fragment stands, its fix.

A fragment's *placement* decides cleaning: ``line`` (alone on its line, give or take punctuation),
``edge`` (at the very start or end of the document), ``sentence`` (a whole sentence inside a paragraph) or
``inline`` (a clause inside a sentence). Rules remove fragments whose placement is in their ``remove_at``
option (default: line and edge) and only flag the others.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections import Counter
from typing import Any, NamedTuple

from qc.model import Document
from qc.text import WORD_RE, ascii_letter_count, split_offsets

PLACEMENTS = ("line", "edge", "sentence", "inline")

# Script groups by the first word of the Unicode character name; kana and Han read as one group.
_SCRIPT_ALIASES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "FULLWIDTH": "LATIN", "HALFWIDTH": "CJK"}
# The script a language is written in, for when a document has too few letters to count.
LANG_SCRIPT = {
    "ru": "CYRILLIC", "uk": "CYRILLIC", "be": "CYRILLIC", "bg": "CYRILLIC", "sr": "CYRILLIC",
    "mk": "CYRILLIC", "kk": "CYRILLIC", "ky": "CYRILLIC", "mn": "CYRILLIC", "tg": "CYRILLIC",
    "el": "GREEK", "ar": "ARABIC", "fa": "ARABIC", "ur": "ARABIC", "ps": "ARABIC", "he": "HEBREW",
    "yi": "HEBREW", "zh": "CJK", "ja": "CJK", "ko": "HANGUL", "hi": "DEVANAGARI", "mr": "DEVANAGARI",
    "ne": "DEVANAGARI", "th": "THAI", "ka": "GEORGIAN", "hy": "ARMENIAN", "bn": "BENGALI",
    "ta": "TAMIL", "te": "TELUGU", "am": "ETHIOPIC",
}

# Linear on any input: an address or a domain is tried only where its run of characters starts (the
# lookbehinds), and the local part is possessive, so a 1 MB run of ``@`` or ``a.`` is one attempt per run,
# not one per position with a backtrack over the rest (``\S+@\S+`` took minutes on ``'@' * 10000``).
URL_RE = re.compile(r"(?:https?://|www\.)\S+|(?<![^\s@])[^\s@]++@[^\s@]+\.\w+"
                    r"|(?<![\w.-])[\w.-]+\.(?:com|org|net|ru|de|fr|рф|uk|io)\b\S*")
HASHTAG_RE = re.compile(r"[#@]\w+")
# Every URL_RE match holds one of these.
URL_HINT_RE = re.compile(r"://|www\.|@|\.(?:com|org|net|ru|de|fr|рф|uk|io)\b")
# Openers and closers that enclose a quoted or glossed term.
OPEN_Q = "\"'“‘«„‚‹([{"
CLOSE_Q = "\"'”’»“‘›)]}"
_EDGE_PUNCT = " \t\r\n\"'“”‘’«»„‚‹›()[]{}*•·–—-:;,.!?…|/\\>"
_LINE_REST = _EDGE_PUNCT + "0123456789+%#"


@functools.lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """Script group of a letter (``LATIN``, ``CYRILLIC``, ``CJK`` ...); ``""`` for anything else."""
    if not ch.isalpha():
        return ""
    try:
        first = unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return ""
    if first in ("CJK", "IDEOGRAPHIC"):
        return "CJK"
    return _SCRIPT_ALIASES.get(first, first)


@functools.lru_cache(maxsize=32768)
def token_script(tok: str) -> str:
    """Majority script of a token's letters; ``""`` for tokens that belong to no language: numbers, single
    letters (``π``, ``μm`` reads as a unit) and mojibake (``Ñëåäóþùèå``: Cyrillic read as Latin-1)."""
    if tok.isascii():  # the common case, ~10x faster than counting scripts
        return "LATIN" if sum(ch.isalpha() for ch in tok) >= 2 else ""
    counts = Counter(s for s in map(char_script, tok) if s)
    if not counts or sum(counts.values()) < 2 or looks_mojibake(tok):
        return ""
    (top, n), *_ = counts.most_common(1)
    return top if 2 * n > sum(counts.values()) else ""


def looks_mojibake(tok: str) -> bool:
    """Latin letters mostly outside ASCII (no language writes so), or the UTF-8 lead bytes Ã/Â/Ð/Ñ
    followed by another non-ASCII character (``Ã©``, ``Ð¢``): the encoding family's business."""
    letters = [ch for ch in tok if ch.isalpha()]
    if len(letters) >= 3 and sum(not ch.isascii() for ch in letters) * 2 > len(letters) \
            and all(char_script(ch) == "LATIN" for ch in letters):
        return True
    return any((a in "ÃÂÐÑâ" and not b.isascii() and not b.isalpha()) or (a in "ÃÐÑ" and b in _CONT)
               for a, b in itertools.pairwise(tok))


# Characters a UTF-8 continuation byte becomes in cp1252/Latin-1 that no real word puts after Ã/Ð/Ñ.
_CONT = "\u00a0¡¢£¤¥¦§¨©ª«¬®¯°±²³´µ¶·¸¹º»¼½¾¿€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"


_ASCII_LETTERS_RE = re.compile(r"[A-Za-z]+")
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]+")


def non_ascii_counts(text: str) -> Counter[str]:
    """How often each non-ASCII character occurs in ``text``, in first-appearance order (one regex pass
    and one C count: what both the document's script and its single-script test read)."""
    return Counter("".join(_NON_ASCII_RE.findall(text)))


def _script_counts(text: str, non_ascii: Counter[str] | None = None) -> Counter[str]:
    """Letters per script (scripts in the order their first letter appears, after Latin). ASCII letters
    are counted by deleting them from the text's ASCII bytes, non-ASCII characters by one C count and a
    script look-up per distinct character: a fraction of a per-character loop. ``non_ascii``: the text's
    :func:`non_ascii_counts`, when already known."""
    counts: Counter[str] = Counter()
    ascii_letters = ascii_letter_count(text)
    if ascii_letters:
        counts["LATIN"] = ascii_letters
    for ch, k in (non_ascii_counts(text) if non_ascii is None else non_ascii).items():  # first appearance
        if s := char_script(ch):
            counts[s] += k
    return counts


def document_script(text: str, lang: str, non_ascii: Counter[str] | None = None) -> str:
    """The script most of the document's letters are in (the language's script on a tie or no letters)."""
    counts = _script_counts(text, non_ascii)
    if not counts:
        return LANG_SCRIPT.get(lang, "LATIN")
    (top, n), *rest = [*counts.most_common(2), ("", 0)]
    if rest and rest[0][1] == n:
        return LANG_SCRIPT.get(lang, top)
    return top


def only_script(text: str, script: str, non_ascii: Counter[str] | None = None) -> bool:
    """Whether every letter of ``text`` is in ``script`` (then no run in another script exists): one regex
    pass (none when ``non_ascii``, the text's :func:`non_ascii_counts`, is given) and a look at each
    distinct non-ASCII character."""
    chars = set("".join(_NON_ASCII_RE.findall(text))) if non_ascii is None else non_ascii.keys()
    if script != "LATIN" and _ASCII_LETTERS_RE.search(text):
        return False
    return all(char_script(ch) in ("", script) for ch in chars)


class Token(NamedTuple):
    """A word: its span, text and script (``""`` for numbers). A tuple, not a dataclass: a document has
    hundreds of them and tuples are several times cheaper to build."""

    start: int
    end: int
    text: str
    script: str

    @property
    def is_name(self) -> bool:
        """Capitalised or all-caps: how names, places, organisations and acronyms look."""
        return self.text[:1].isupper()


_WORD_SPLIT_RE = re.compile(f"({WORD_RE.pattern})")
_new_token = functools.partial(tuple.__new__, Token)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Word tokens of ``text[start:end]``; URLs, e-mail addresses, hashtags and @handles are left out."""
    end = len(text) if end is None else end
    chunk = text[start:end]
    masked = sorted((m.start(), m.end()) for m in HASHTAG_RE.finditer(chunk)) \
        if "#" in chunk or "@" in chunk else []
    if URL_HINT_RE.search(chunk):  # URL_RE tries ``\S+@`` at every position: only where one may be
        masked = sorted([*masked, *((m.start(), m.end()) for m in URL_RE.finditer(chunk))])
    if not masked:
        # Most chunks: every word. Split (words at the odd places), running lengths for the offsets, the
        # scripts from token_script's cache and the tuples built without a Python call per word: ~2x
        # cheaper than a loop over the matches.
        starts, ends, words = split_offsets(_WORD_SPLIT_RE, chunk, start)
        return list(map(_new_token, zip(starts, ends, words, map(token_script, words), strict=True)))
    out: list[Token] = []
    add, script = out.append, token_script
    merged: list[list[int]] = []
    for a, b in masked:  # disjoint, so one look (the last interval starting at or before a word) suffices
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    starts = [a for a, _b in merged]
    for m in WORD_RE.finditer(chunk):
        i = bisect.bisect_right(starts, m.start()) - 1
        if i >= 0 and m.start() < merged[i][1]:
            continue
        w = m.group()
        add(Token(start + m.start(), start + m.end(), w,
                  "LATIN" if len(w) > 1 and w.isascii() and w.isalpha() else script(w)))
    return out


# --- per-document work the three rules share (``Document.memo``) ------------------------------------
def _memo(doc: Document, key: str, make: Any) -> Any:
    k = ("untranslated", key)
    if k not in doc.memo:
        doc.memo[k] = make()
    return doc.memo[k]


def doc_script(doc: Document) -> str:
    return _memo(doc, "script", lambda: document_script(doc.text, doc.lang, doc_non_ascii(doc)))


def doc_non_ascii(doc: Document) -> Counter[str]:
    return _memo(doc, "non-ascii", lambda: non_ascii_counts(doc.text))


def may_mask(chunk: str) -> bool:
    """Whether :func:`tokens` may leave a word of ``chunk`` out (a hashtag, handle or URL may be there).
    Where not, its tokens are the words of one ``WORD_RE`` split (:func:`tokens_of_split`)."""
    return "#" in chunk or "@" in chunk or URL_HINT_RE.search(chunk) is not None


def tokens_of_split(split: tuple[list[int], list[int], list[str]], i: int = 0, j: int | None = None
                    ) -> list[Token]:
    """The tokens of words ``i:j`` of a ``split_offsets(_WORD_SPLIT_RE, ...)`` (their offsets as given):
    what :func:`tokens` builds where nothing is masked, with no regex pass."""
    starts, ends, words = split
    ws = words[i:j]
    return list(map(_new_token, zip(starts[i:j], ends[i:j], ws, map(token_script, ws), strict=True)))


def doc_word_split(doc: Document) -> tuple[list[int], list[int], list[str]]:
    """Starts, ends and texts of the document's ``WORD_RE`` words, from one split: the document's tokens,
    its lower-cased words and foreign-language's sentence tokens are all read from it (one regex pass
    over the text instead of one each)."""
    return _memo(doc, "word-split", lambda: split_offsets(_WORD_SPLIT_RE, doc.text))


def doc_tokens(doc: Document) -> list[Token]:
    return _memo(doc, "tokens", lambda: tokens(doc.text) if may_mask(doc.text)
                 else tokens_of_split(doc_word_split(doc)))


def lower_words(text: str, split: tuple[list[int], list[int], list[str]] | None = None
                ) -> tuple[str, list[int], list[str]]:
    """``text.lower()``, and the starts and texts of its ``WORD_RE`` words (``findall``'s words, from one
    ``split``). ``split``: the text's own word split, when known; then the lower case's words are its
    words lower-cased (one C ``join``, ``lower`` and ``split``, no regex pass). Lowering keeps every
    character's ``\\w`` class and leaves ``'’-`` alone (checked over all of Unicode in the tests), so where
    it keeps every character's place (one character each: only ``İ`` grows) the words stand where the
    text's do; and without capital sigma (the only character lowered by its context) a word lowered
    alone is the lower case's slice."""
    lower = text.lower()
    if split is not None and len(lower) == len(text) and "Σ" not in text:
        starts, _ends, words = split
        return lower, starts, "\x00".join(words).lower().split("\x00") if words else []
    starts, _ends, words = split_offsets(_WORD_SPLIT_RE, lower)
    return lower, starts, words


def doc_lower_words(doc: Document) -> tuple[str, list[int], list[str]]:
    """:func:`lower_words` of the document, once: the foreign-language pre-filter and the interface
    lexicon's look-up read the same words (one pass over the text instead of two)."""
    return _memo(doc, "lower-words", lambda: lower_words(doc.text, doc_word_split(doc)))


def known_word_split(doc: Document) -> tuple[list[int], list[int], list[str]] | None:
    """:func:`doc_word_split` when a rule has already computed it, else None."""
    return doc.memo.get(("untranslated", "word-split"))


def known_lower_words(doc: Document) -> tuple[str, list[int], list[str]] | None:
    """:func:`doc_lower_words` when a rule has already computed it, else None (a rule of another family
    that can use the words but would not pay for them)."""
    return doc.memo.get(("untranslated", "lower-words"))


# ``qc.text.SENTENCE_END_RE`` with its look-behind turned into a consumed character: the same separators
# (group 1 where a sentence mark opens the match), found ~2x faster. The look-behind is tried at every
# position of the text; the mark, by the regex engine's first-character scan. No separator holds a sentence
# mark, so the one a look-behind sees was never consumed by the separator before; and a match starting at the
# mark fails exactly when the look-behind's does at the next character. Every match opens with one character
# of one set, written first (each branch then checks which one by a look-behind): with a set in front the
# engine jumps between those characters instead of trying the alternation at every position (another ~2x on
# the 20k bench texts, same matches); ``\n(?:\s*\n)?`` is ``\n\s*\n|\n`` (the longer first).
_SENTENCE_END_FAST_RE = re.compile(r"[.!?…\n](?:(?<=[.!?…])([\"'”’»)\]]*\s+)|(?<=\n)(?:\s*\n)?)")


def sentences(text: str) -> list[tuple[int, int]]:
    """``list(qc.text.iter_sentences(text))``: (start, end) of the sentence-like segments between the
    separators, stripped of white space (``str.strip`` drops what ``str.isspace`` calls white space)."""
    out: list[tuple[int, int]] = []
    add = out.append
    pos = 0
    for m in _SENTENCE_END_FAST_RE.finditer(text):
        end = m.start(1) if m.lastindex else m.start()
        if end > pos:
            piece = text[pos:end]
            right = piece.rstrip()
            if right:
                add((end - len(piece) + len(right) - len(right.lstrip()), end - len(piece) + len(right)))
        pos = m.end()
    piece = text[pos:]
    right = piece.rstrip()
    if right:
        add((pos + len(right) - len(right.lstrip()), pos + len(right)))
    return out


def doc_sentences(doc: Document) -> list[tuple[int, int]]:
    return _memo(doc, "sentences", lambda: sentences(doc.text))


def doc_single_script(doc: Document) -> bool:
    """Whether every letter of the document is in its own script (most documents: nothing to find)."""
    return _memo(doc, "single-script", lambda: only_script(doc.text, doc_script(doc), doc_non_ascii(doc)))


def sentence_of(sentences: list[tuple[int, int]], pos: int) -> tuple[int, int] | None:
    """The sentence holding ``pos`` (``sentences`` sorted, as ``iter_sentences`` gives them)."""
    i = bisect.bisect_right(sentences, (pos, float("inf"))) - 1
    if i >= 0 and sentences[i][0] <= pos < sentences[i][1]:
        return sentences[i]
    return None


@functools.lru_cache(maxsize=2)
def _newlines(text: str) -> list[int]:
    """Offsets of the text's newlines, once per document (a str caches its hash, so a look-up is cheap)."""
    return [m.start() for m in re.finditer("\n", text)]


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """(start, end) of the line holding ``pos``, without its newline. By bisection: scanning for the
    newlines around ``pos`` costs the line's length, and a document may be one line with 10,000 runs."""
    if len(text) < 4096:
        ls = text.rfind("\n", 0, pos) + 1
        le = text.find("\n", pos)
        return ls, (len(text) if le < 0 else le)
    nl = _newlines(text)
    i = bisect.bisect_left(nl, pos)
    return (nl[i - 1] + 1 if i else 0), (nl[i] if i < len(nl) else len(text))


_NOT_LINE_REST_RE = re.compile(f"[^{re.escape(_LINE_REST)}]")
_NOT_EDGE_PUNCT_RE = re.compile(f"[^{re.escape(_EDGE_PUNCT)}]")


def _only(rx: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """``not text[start:end].strip(chars)`` without copying the slice: whether no character outside
    ``chars`` stands there (``rx`` matches one)."""
    return rx.search(text, start, max(start, end)) is None


def placement(text: str, start: int, end: int, sentence: tuple[int, int] | None = None) -> str:
    """Where ``text[start:end]`` stands: ``line``, ``edge``, ``sentence`` or ``inline``."""
    ls, le = line_bounds(text, start)
    # Alone on its line give or take punctuation and numbers: ``Комментарии (0)``, ``Фото 1/5``.
    if end <= le and _only(_NOT_LINE_REST_RE, text, ls, start) and _only(_NOT_LINE_REST_RE, text, end, le):
        return "line"
    if _only(_NOT_EDGE_PUNCT_RE, text, 0, start) or _only(_NOT_EDGE_PUNCT_RE, text, end, len(text)):
        return "edge"
    if sentence is not None:
        ss, se = sentence
        if _only(_NOT_EDGE_PUNCT_RE, text, ss, start) and _only(_NOT_EDGE_PUNCT_RE, text, end, se):
            return "sentence"
    return "inline"


def removal_span(text: str, start: int, end: int, where: str) -> tuple[int, int]:
    """The span a removal takes so no empty line, dangling bracket or double space is left behind."""
    if where == "line":
        ls, le = line_bounds(text, start)
        if le < len(text):
            return ls, le + 1
        return (ls - 1 if ls > 0 else ls), le
    if where == "edge":
        if not text[:start].strip(_EDGE_PUNCT):
            s = 0 if not text[:start].strip() else start
            e = end
            while e < len(text) and text[e] in CLOSE_Q + ".!?…":
                e += 1
            while e < len(text) and text[e].isspace():
                e += 1
            return s, e
        s = start
        while s > 0 and text[s - 1] in OPEN_Q:
            s -= 1
        while s > 0 and text[s - 1].isspace():
            s -= 1
        e = end if text[end:].strip(_EDGE_PUNCT) else len(text)
        return s, e
    s, e = start, end
    if s > 0 and e < len(text) and text[s - 1] in OPEN_Q and text[e] in CLOSE_Q:
        s, e = s - 1, e + 1
    if e < len(text) and text[e] in ",;" and text[max(0, s - 2):s].strip() in (",", ";"):
        e += 1  # a clause between commas takes one of them along
    if s > 0 and text[s - 1] == " ":
        s -= 1
    elif e < len(text) and text[e] == " ":
        e += 1
    return s, e


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip whitespace, and an opening bracket whose closer lies outside the span."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    while start < end and text[start] in "([{" and _closer(text[start]) not in text[start:end]:
        start += 1
    while end > start and text[end - 1] in ")]}" and _opener(text[end - 1]) not in text[start:end]:
        end -= 1
    return start, end


def _closer(ch: str) -> str:
    return {"(": ")", "[": "]", "{": "}"}[ch]


def _opener(ch: str) -> str:
    return {")": "(", "]": "[", "}": "{"}[ch]


def enclosed(text: str, start: int, end: int) -> bool:
    """Whether the span sits inside quotes or brackets (a quoted term, an organisation's own name)."""
    before = text[max(0, start - 3):start].rstrip()
    after = text[end:end + 3].lstrip()
    return bool(before) and before[-1] in OPEN_Q and bool(after) and after[0] in CLOSE_Q


def glossed(text: str, end: int) -> bool:
    """Whether a parenthesised gloss follows right after ``end`` (``“силовики” (security officials)``)."""
    rest = text[end:end + 6]
    i = 0
    while i < len(rest) and rest[i] in CLOSE_Q.replace(")", "") + " ,":
        i += 1
    return i < len(rest) and rest[i] == "("


def fix_for(where: str, remove_at: tuple[str, ...]) -> str | None:
    return "" if where in remove_at else None


def check_remove_at(values: tuple[str, ...], rule_id: str) -> None:
    bad = [v for v in values if v not in PLACEMENTS]
    if bad:
        raise ValueError(f"{rule_id}: remove_at takes {', '.join(PLACEMENTS)}; got {', '.join(bad)}")

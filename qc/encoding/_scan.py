"""Shared mojibake scanner of the encoding family (not a rule).

UTF-8 text that was decoded with a single-byte codec turns every non-ASCII character into 2-4 characters,
one per byte. We undo that without guessing per line: for each codec we map the whole text back to the
bytes it was read from (one byte per character, so offsets stay aligned; characters the codec cannot
produce become a NUL byte that breaks any sequence), find the runs of well-formed UTF-8 multi-byte
sequences with one bytes regex, decode them, and keep a run only when the repair is plausible (the
decoded characters are ordinary letters, punctuation or symbols, and the run does not cut a word of
foreign letters in two). Double encoding is undone by decoding the repaired run again while it stays
well formed. Russian cp1251 text shown as cp1252 (``Ñëåäóþùèå``) is not UTF-8 at all: it is found as whole
words made only of ``À-ÿ`` letters that read as Cyrillic words in cp1251.

Everything here is a pure function of its input; the rules ``mojibake``, ``control-char`` and ``nbsp``
share it so their fixes never overlap.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-*" and "utf-8-variants" codecs)


@dataclass(frozen=True, slots=True)
class Repair:
    start: int
    end: int
    fix: str
    codec: str  # what the bytes were wrongly read as ("+" joins layers of double encoding)


def _table(codecs: tuple[str, ...]) -> dict[int, int]:
    """char -> byte (as a code point < 256) for every non-ASCII char the codecs decode a byte to; every
    other char of U+0080..U+00FF maps to NUL so it cannot pass as the byte of the same number."""
    table: dict[int, int] = {cp: 0 for cp in range(0x80, 0x100)}
    for codec in codecs:
        for b in range(0x80, 0x100):
            table[ord(bytes([b]).decode(codec))] = b
    table[0xFFFD] = 0x1A  # a byte a strict decoder already lost (ftfy's convention): see LOSSY_RE
    return table


# The codecs UTF-8 is most often misread as. cp1252 and latin-1 differ only in 0x80-0x9F (cp1252 letters
# vs C1 controls), so one table holds both; ftfy's "sloppy" codecs map undefined bytes to C1 controls.
CODECS: tuple[tuple[str, dict[int, int]], ...] = (
    ("cp1252", _table(("latin-1", "sloppy-windows-1252"))),
    ("cp1251", _table(("sloppy-windows-1251",))),
    ("mac_roman", _table(("mac_roman",))),
    ("cp1250", _table(("sloppy-windows-1250",))),
    ("iso-8859-2", _table(("iso-8859-2",))),
    ("cp437", _table(("cp437",))),
)


# Each table as a charmap encoding map (Latin-1 for the rest, ``?`` beyond it): ``as_bytes`` is
# ``text.translate(table).encode("latin-1", "replace")`` in one C pass, ~2x cheaper on a 3 KB document.
_ENCODING_MAPS = {name: {**{c: c for c in range(256)}, **table} for name, table in CODECS}


def as_bytes(text: str, codec: str) -> bytes:
    """The bytes ``text`` came from if it is UTF-8 misread as ``codec`` (one of ``CODECS``)."""
    return codecs.charmap_encode(text, "replace", _ENCODING_MAPS[codec])[0]


def _suspect_re() -> re.Pattern[str]:
    """A lead character of some codec directly followed by a continuation character of some codec:
    every mojibake run contains such a pair, and legitimate text rarely does, so one C-speed search
    skips the per-codec scan for nearly every clean document."""
    leads: set[str] = set()
    conts: set[str] = set()
    for _name, table in CODECS:
        for cp, b in table.items():
            if 0xC2 <= b <= 0xF4:
                leads.add(chr(cp))
            elif 0x80 <= b <= 0xBF:
                conts.add(chr(cp))
    conts.add("\ufffd")  # a continuation byte lost to U+FFFD (LOSSY_RE)

    def cls(chars: set[str]) -> str:
        return "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"

    # Typography next to typography (``’\xa0``, ``—\xa0``, ``”…``) is how clean text looks; such a pair
    # only decodes to odd letters (``“•`` -> U+04A5), so it need not trigger the scan.
    typo = set("’‘“”—–…«»•\xa0")
    # ``L1 C1|L2 C2`` written as ``[L1 L2](?:(?<=L1)C1|(?<=L2)C2)``: the same matches, but a pattern that
    # opens with one class is scanned for it in a tight loop (an alternation is tried at every position).
    first, second = f"(?<={cls(leads - typo)}){cls(conts)}", f"(?<={cls(leads & typo)}){cls(conts - typo)}"
    return re.compile(f"{cls(leads)}(?:{first}|{second})")


SUSPECT_RE = _suspect_re()

# Well-formed UTF-8 multi-byte sequences (RFC 3629), plus CESU-8 surrogate pairs (emoji written as two
# 3-byte surrogates by Java/MySQL "utf8"), repeated: a run of mis-decoded characters.
_UTF8_SEQ = (
    rb"[\xc2-\xdf][\x80-\xbf]"
    rb"|\xed[\xa0-\xaf][\x80-\xbf]\xed[\xb0-\xbf][\x80-\xbf]"
    rb"|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
# A sequence with a byte lost to U+FFFD by a strict cp1252 decoder (``â€�`` for ``”``): it becomes one
# U+FFFD, as ftfy's ``replace_lossy_sequences`` does (its LOSSY_UTF8_RE, without the ``?`` forms).
_LOSSY_SEQ = (
    rb"[\xc2-\xdf]\x1a|[\xe0-\xef]\x1a[\x1a\x80-\xbf]|[\xe0-\xef][\x80-\xbf]\x1a"
    rb"|[\xf0-\xf4](?:\x1a[\x1a\x80-\xbf]{2}|[\x80-\xbf]\x1a[\x1a\x80-\xbf]|[\x80-\xbf]{2}\x1a)"
)
LOSSY_RE = re.compile(_LOSSY_SEQ)
UTF8_RUN_RE = re.compile(rb"(?:" + _UTF8_SEQ + rb"|" + _LOSSY_SEQ + rb")+")
_UTF8_FULL_RE = re.compile(rb"(?:" + _UTF8_SEQ + rb"|[\x00-\x7f])+")
# Every run opens with a lead byte: found by a one-class scan, which the regex engine does in a tight
# loop, while the run's alternation is tried at every byte (~6 scans of each suspect document).
_LEAD_RE = re.compile(rb"[\xc2-\xf4]")


def utf8_runs(raw: bytes) -> Iterator[re.Match[bytes]]:
    """``UTF8_RUN_RE.finditer(raw)``: the run pattern is tried only where a lead byte stands."""
    pos = 0
    while (lead := _LEAD_RE.search(raw, pos)) is not None:
        m = UTF8_RUN_RE.match(raw, lead.start())
        if m is None:
            pos = lead.start() + 1
            continue
        yield m
        pos = m.end()

# Blocks a repaired run may decode to (news text: Latin, Greek, Cyrillic, Hebrew, Arabic, CJK,
# punctuation, symbols, emoji). Anything else (IPA, Armenian, NKo, Hangul from three Latin-1 letters,
# private use...) means the "mojibake" was legitimate text such as ``ZZAJÉ’s`` or ``Brontë…”``
# (ftfy's negative test cases).
_OK_RANGES = (
    (0x00A0, 0x024F), (0x0300, 0x036F), (0x0370, 0x03FF), (0x0400, 0x045F), (0x0490, 0x04FF),
    (0x05D0, 0x05EA), (0x0600, 0x06FF), (0x1E00, 0x1EFF), (0x2000, 0x209F), (0x20A0, 0x20CF),
    (0x2100, 0x27BF), (0x2900, 0x2BFF), (0x3000, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
    (0xFE00, 0xFE0F), (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF), (0xE0020, 0xE007F),
)
# Latin Extended-B (U+0180-U+024F) is mostly African, phonetic and historic letters that legitimate
# text misread as mac_roman produces (``«É`` -> U+01C3): only the ones news languages use count.
_LATIN_EXT_B_USED = frozenset("ƏəƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜȘșȚțǦǧǪǫ")
_OK_CHARS = frozenset(
    chr(cp) for lo, hi in _OK_RANGES for cp in range(lo, hi + 1)
    if unicodedata.category(chr(cp)) not in ("Cn", "Co", "Cs", "Cc")
    and not (0x180 <= cp <= 0x24F and chr(cp) not in _LATIN_EXT_B_USED)
) | frozenset("\t\n")
# A decoded character of these blocks counts only when the run gives two or more of them: one CJK or
# Cyrillic character out of two or three legitimate Latin-1 characters is a coincidence.
_WEAK_RANGES = ((0x0400, 0x04FF), (0x3000, 0x9FFF), (0xAC00, 0xD7A3), (0x0600, 0x06FF), (0x05D0, 0x05EA))
# Scripts written without Latin-1 look-alikes: a repair must give at least two of their characters
# (``Brontë…”`` would otherwise read as one Hangul syllable in any document that has mojibake).
_MULTI_RANGES = ((0x3040, 0x30FF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0x0600, 0x06FF), (0x05D0, 0x05EA))


def _weak(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _WEAK_RANGES)


def _multi(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _MULTI_RANGES)


def script(ch: str) -> str:
    """Coarse script of a letter: enough to tell a word of one script from a cut between two."""
    cp = ord(ch)
    if cp < 0x250 or 0x1E00 <= cp <= 0x1EFF:
        return "latin"
    if 0x370 <= cp <= 0x3FF:
        return "greek"
    if 0x400 <= cp <= 0x52F:
        return "cyrillic"
    return "other"


def _decode(raw: bytes) -> str | None:
    if b"\x1a" in raw:
        raw = LOSSY_RE.sub(b"\xef\xbf\xbd", raw)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("utf-8-variants")
        except UnicodeDecodeError:
            return None


def _redecode(s: str, layers: list[str]) -> str:
    """Undo further layers of encoding while the whole string maps back to well-formed UTF-8."""
    for _ in range(3):
        if s.isascii():
            break
        for name, _table in CODECS:
            raw = as_bytes(s, name)
            if b"\x00" in raw or not _UTF8_FULL_RE.fullmatch(raw) or not UTF8_RUN_RE.search(raw):
                continue
            out = _decode(raw)
            if out is not None and out != s and plausible(s, out):
                layers.append(name)
                s = out
                break
        else:
            break
    return s


def plausible(src: str, fixed: str) -> bool:
    """Is ``fixed`` a believable reading of ``src``? Two or three legitimate characters form valid UTF-8
    by chance now and then (``ВІКІ`` in cp1251 is ``²ʲ``), so short repairs must decode to ordinary
    characters (``_OK_CHARS``); a longer one (3+ characters, or 3+ bytes each: double encodings, whole
    words, Thai or Devanagari) practically never happens by chance, so any assigned character counts."""
    if not fixed:
        return False
    if fixed.count("\ufffd") > src.count("\ufffd"):
        return False
    if len(src) >= 4 and (len(fixed) >= 3 or len(src) >= 3 * len(fixed)):
        return all(unicodedata.category(ch) not in ("Cn", "Co", "Cs", "Cc") or ch in "\t\n"
                   for ch in fixed)
    if any(ch not in _OK_CHARS and not (ch == "\ufffd" and ch in src) for ch in fixed):
        return False
    if len(fixed) < 2 and _multi(fixed):
        return False
    return unicodedata.category(fixed[0]) != "Mn" or "\ufe00" <= fixed[0] <= "\ufe0f"


def weak(src: str, fixed: str, codec: str) -> bool:
    """A repair that legitimate text produces by chance now and then: one character out of two or
    three source characters (``√π`` reads as mac_roman ``ù``; ``Я»`` as cp1251 U+07FB), unless the lead
    is one real text never puts before a symbol (``_STRONG_LEADS``). Weak repairs are kept only when
    the document has a strong one of the same codec."""
    if len(src) < 2 or len(fixed) > 1 or len(src) > 3 or (len(src) == 3 and not _weak(fixed)) or "\ufffd" in src:
        return False  # a lead byte before a lost one (``Ä�``) is damage already, not a coincidence
    if src[1] in _TYPO_CONT:
        return True  # ``Ã’s`` (a plural of Ã), ``SELKÄ\xa0``: a letter before a quote or a no-break space
    first = codec.split("+")[0]
    if src[0] in _STRONG_LEADS.get(first, "") and not _weak(fixed):
        return False
    return not (src[0] in _STRONG_BEFORE_SYMBOL.get(first, "") and not src[1].isalpha() and not _weak(fixed))


# Lead characters that legitimate text practically never puts before a cp1252/cp1250 symbol
# (``Ã©`` = é, ``Å¡`` = š, ``Ä‡`` = ć, ``Ĺ‚`` = ł, ``Ă©`` = é).
# ``Ä``, ``Å``, ``Ă`` are not: ``SELKÄ\xa0``, ``AHÅ™``, ``10 Å—``, ``NICIODATĂ™`` are ftfy's negative cases.
_STRONG_LEADS = {"cp1252": "ÃÂ", "cp1250": "Ĺ"}
_TYPO_CONT = frozenset("’‘“”\xa0")
# ... and leads that are strong before a symbol (``Г©`` = é in cp1251, ``√©`` = é in mac_roman).
_STRONG_BEFORE_SYMBOL = {"cp1251": "ГДЕ", "mac_roman": "√ƒ≈"}


def _cuts_word(seg: str, i: int, j: int) -> bool:
    """True when the run starts or ends with a letter that continues a word of the same script."""
    if j - i > 2:
        return False  # a 3-4 byte sequence (``â€œ``) does not happen by chance inside a word
    first, last = seg[i], seg[j - 1]
    # ``хорошоВ»`` is ``хорошо»``: a capital after a lowercase letter does not continue the word.
    if i > 0 and first.isalpha() and _same_word(seg[i - 1], first) and not (
            first.isupper() and seg[i - 1].islower()):
        return True
    return j < len(seg) and last.isalpha() and _same_word(last, seg[j])


def _same_word(a: str, b: str) -> bool:
    return (a.isalpha() and b.isalpha() and not a.isascii() and not b.isascii()
            and script(a) == script(b) != "other")


def utf8_repairs(text: str, start: int = 0, end: int | None = None) -> list[Repair]:
    """Mojibake runs of ``text[start:end]`` that decode to plausible text, non-overlapping, sorted."""
    end = len(text) if end is None else end
    seg = text[start:end]
    if seg.isascii() or not SUSPECT_RE.search(seg):
        return []
    cands: list[tuple[int, int, int, str, str, bool]] = []
    for prio, (name, _table) in enumerate(CODECS):
        raw = as_bytes(seg, name)
        for m in utf8_runs(raw):
            i, j = m.span()
            out = _decode(m.group())
            if out is None:
                continue
            layers = [name]
            out = _redecode(out, layers)
            src = seg[i:j]
            if out == src or not plausible(src, out):
                continue
            codec = "+".join(layers)
            is_weak = weak(src, out, codec)
            # Do not cut a word of non-ASCII letters: ``ЦЕНТР»`` is not mojibake of ``ЦЕНТ`` + ``л``.
            if is_weak and _cuts_word(seg, i, j):
                continue
            # mac_roman: a square root of a Greek letter (``√π``) is mathematics, not ``ù``.
            if name == "mac_roman" and src in ("√π", "√Ω") and not (i > 0 and seg[i - 1].isalpha()):
                continue
            cands.append((i, j, prio, out, codec, is_weak))
    if not cands:
        return []
    supported = {c[2] for c in cands if not c[5]}
    cands = [c for c in cands if c[2] in supported]
    cands.sort(key=lambda c: (c[0], c[5], -(c[1] - c[0]), c[2]))
    out_list: list[Repair] = []
    last = -1
    for i, j, _prio, fix, codec, _is_weak in cands:
        if i < last:
            continue
        out_list.append(Repair(start + i, start + j, fix, codec))
        last = j
    return out_list


# cp1251 bytes shown as cp1252: a whole word of À-ÿ letters (plus ¨ ¸ for Ё ё and the Ukrainian
# ² ³ ª º ¯ ¿ for І і Є є Ї ї), not touching any other letter or digit.
CP1251_WORD_RE = re.compile(r"(?<![\w\u00a8\u00b8\u00af\u00bf])"
                            r"[\u00c0-\u00ff\u00a8\u00b8\u00b2\u00b3\u00aa\u00ba\u00af\u00bf]+(?![\w])")
_CP1251_QUICK_RE = re.compile(r"[\u00c0-\u00ff\u00a8\u00b8\u00b2\u00b3\u00aa\u00ba\u00af\u00bf]{3}")
_NL_RE = re.compile("\n")
_VOWEL_RE = re.compile("[аеёиоуыэюяіїєАЕЁИОУЫЭЮЯІЇЄ]")
_CONS_RE = re.compile("[бвгджзйклмнпрстфхцчшщБВГДЖЗЙКЛМНПРСТФХЦЧШЩ]")
_CYR_WORD_RE = re.compile(r"[А-ЯЁІЇЄа-яёіїє]+")


def _case_ok(word: str) -> bool:
    """lower, Title, UPPER, or an abbreviation with a case ending (``МИДа``)."""
    return bool(_CASE_RE.fullmatch(word))


_CASE_RE = re.compile(r"[а-яёіїє]+|[А-ЯЁІЇЄ][а-яёіїє]*|[А-ЯЁІЇЄ]+[а-яёіїє]{0,2}")
_CYR_ANY_RE = re.compile("[а-яё]")
_PREV_WORD_RE = re.compile(r"([^\W\d_]+)[^\w\n]*$")
_NEXT_WORD_RE = re.compile(r"[^\w\n]*([^\W\d_]+)")


def _between_cyrillic(text: str, s: int, e: int) -> bool:
    """A short Latin-1 word between two Cyrillic words on its line (``в â Грозном``) is a Russian word."""
    ls = text.rfind("\n", 0, s) + 1
    le = text.find("\n", e)
    prev = _PREV_WORD_RE.search(text, max(ls, s - 40), s)
    nxt = _NEXT_WORD_RE.match(text, e, min(le if le >= 0 else len(text), e + 40))
    return bool(prev and nxt and _CYR_WORD_RE.fullmatch(prev.group(1)) and _CYR_WORD_RE.fullmatch(nxt.group(1)))


def cp1251_repairs(text: str, taken: list[tuple[int, int]] | None = None) -> list[Repair]:
    """Words of Russian (Ukrainian) cp1251 text read as cp1252: ``Ñëåäóþùèå`` -> ``Следующие``.
    ``taken``: sorted spans already repaired as UTF-8 mojibake (``áº¯`` is ``ắ``, not ``бєЇ``)."""
    if not _CP1251_QUICK_RE.search(text) and not _CYR_ANY_RE.search(text):
        return []  # no run of 3 such letters nor Cyrillic text around: nothing to repair
    found: list[tuple[int, int, str]] = []
    starts = [s for s, _ in taken or ()]
    for m in CP1251_WORD_RE.finditer(text):
        k = bisect.bisect_right(starts, m.start()) - 1
        if taken and ((k >= 0 and taken[k][1] > m.start())
                      or (k + 1 < len(taken) and taken[k + 1][0] < m.end())):
            continue
        w = m.group()
        try:
            cyr = w.encode("cp1252").decode("cp1251")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if not _CYR_WORD_RE.fullmatch(cyr) or not _case_ok(cyr):
            continue
        found.append((m.start(), m.end(), cyr))
    if not found:
        return []
    # A 1-2 letter word (``è`` = ``и``, ``íà`` = ``на``) counts only next to a longer one on the same line
    # or between two Cyrillic words; words of 3+ letters made only of accented Latin-1 letters do not
    # occur in Latin-script languages.
    newlines = [m.start() for m in _NL_RE.finditer(text)]
    line_of = [bisect.bisect_left(newlines, s) for s, _e, _c in found]
    # Strong: 3+ letters with a lowercase one (all-caps runs such as ``ÀÉÈÙ`` need a strong neighbour).
    lines_with_strong = {ln for ln, (s, e, c) in zip(line_of, found, strict=True)
                         if e - s >= 3 and not c.isupper() and _VOWEL_RE.search(c) and _CONS_RE.search(c)}
    out: list[Repair] = []
    for ln, (s, e, cyr) in zip(line_of, found, strict=True):
        if ln in lines_with_strong or _between_cyrillic(text, s, e):
            out.append(Repair(s, e, cyr, "cp1251-as-cp1252"))
    return out


# ftfy's "restore_byte_a0": the A0 byte of a UTF-8 sequence read as cp1252 became a plain space
# (``namedÂ â€ž`` = ``named\xa0„``, ``Å veices`` = ``Šveices``, ``Ð ÑƒÑ`` = ``Ру``) or vanished
# (``voilÃ le`` = ``voilà le``). ``Ã`` + space is ``à`` + space, except before the Portuguese words
# ftfy lists (``Ã s`` = ``às``, ``Ã quele`` = ``àquele``) and before a second space, where the space
# itself was the A0 byte.
_A0_RE = re.compile(r"(Â) (?=\S)|(?<![^\W\d_])([ÅÎÐ]) (?=\S)|(Ã|Г)( (?=quele|quela|quilo|s )| (?= )|(?= ))")
_A0_CODEC = {"Â": "cp1252", "Å": "cp1252", "Î": "cp1252", "Ð": "cp1252", "Ã": "cp1252", "Г": "cp1251"}
_A0_FIX = {"Â": "\xa0", "Å": "Š", "Î": "Π", "Ð": "Р", "Ã": "à", "Г": "à"}


def a0_repairs(text: str, codecs: set[str]) -> list[Repair]:
    if not codecs and "Ã" not in text:
        return []
    out = []
    for m in _A0_RE.finditer(text):
        lead = m.group(1) or m.group(2) or m.group(3)
        codec = _A0_CODEC[lead]
        after = text[m.end():m.end() + 2].lstrip()[:1]
        if m.start() and text[m.start() - 1].isupper():
            continue  # ``IRMÃ e``: a capital Ã ending an all-caps word is Portuguese
        if lead == "Ã":
            # ``Ã`` + space + lowercase word is never legitimate (Portuguese writes ``ã``); elsewhere
            # the document must already show cp1252 mojibake.
            if codec not in codecs and not after.islower():
                continue
        elif codec not in codecs:
            continue
        elif lead == "Г" and not (after.isascii() and after.isalpha()):
            continue  # ``Г l’ouest`` is ``à l’ouest``; before a Cyrillic word ``Г`` is Russian text
        elif lead in "ÅÎÐ" and not after.isalpha():
            continue
        out.append(Repair(m.start(), m.end() if not m.group(3) or m.group(4) else m.start() + 1, _A0_FIX[lead],
                          codec + " (A0 byte lost)"))
    return out


def all_repairs(text: str) -> list[Repair]:
    """Every mojibake repair of ``text``, non-overlapping, sorted by start."""
    if text.isascii():
        return []
    return list(_all_repairs(text))


# mojibake, control-char, homoglyph and nbsp all ask for the same document's repairs in a row: a tiny
# memo of a pure function (keyed by the text itself) makes that one scan instead of four.
@functools.lru_cache(maxsize=4)
def _all_repairs(text: str) -> tuple[Repair, ...]:
    reps = utf8_repairs(text)
    reps += cp1251_repairs(text, [(r.start, r.end) for r in reps])
    reps += a0_repairs(text, {r.codec.split("+")[0] for r in reps})
    reps.sort(key=lambda r: (r.start, -(r.end - r.start)))
    out: list[Repair] = []
    last = -1
    for r in reps:
        if r.start >= last:
            out.append(r)
            last = r.end
    return tuple(out)


# --- no-break spaces -------------------------------------------------------------------------------

_NBSP_SYMBOLS_AFTER = "%‰°€$£¥₽:;!?»"  # number + unit symbol; French spacing before : ; ! ? »
_NBSP_PREFIXES_RE = re.compile(r"(?:№|§|No\.|no\.|Nr\.|p\.|pp\.|vol\.|Vol\.|ch\.|art\.|Art\.|ст\.|п\.|т\.|[$€£¥₽«])$")
_INITIAL_RE = re.compile(r"(?:^|[\s(])[A-ZА-ЯЁ]\.$")


class NbspContext:
    """Tells a legitimate no-break space (``10\\xa0km``, ``1\\xa0000``, ``№\\xa05``, ``« mot »``, ``A.\\xa0Smith``)
    from one used as an ordinary space (``of\\xa0Daesh``)."""

    def __init__(self, units: list[str]):
        alts = "|".join(re.escape(u) for u in sorted(units, key=len, reverse=True))
        self.unit_re = re.compile(rf"(?:{alts})(?![^\W\d_])")

    def legit(self, text: str, start: int, end: int) -> bool:
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before.isdigit() and (after.isdigit() or after in _NBSP_SYMBOLS_AFTER
                                 or self.unit_re.match(text, end)):
            return True
        if (after in ":;!?»" and before and not before.isspace()) or before == "«":
            return True
        head = text[max(0, start - 5):start]
        if after.isdigit() and _NBSP_PREFIXES_RE.search(head):
            return True
        return bool(after.isupper() and _INITIAL_RE.search(head))

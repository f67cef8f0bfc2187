"""mt-artifact/source-acronym: source-language acronyms kept verbatim in English text.

What it finds: Russian acronyms transliterated letter by letter (``IG`` for ИГ where English writes IS,
``MID`` for МИД, ``MVD RF``, ``SNG`` for СНГ) from the lexicon ``mt_acronyms_<lang>.toml``.
Why it matters: English readers do not know these forms; a human translator writes IS, the Foreign
Ministry, CIS. They are a typical trace of machine or careless translation.
Example: ``The MID said on Monday`` -> flagged (English: the Foreign Ministry); text unchanged.
Acronyms not in the lexicon are found by kind: an organisation acronym after "the" (``the MChS``,
``the GUVD``) that is rare in English but, read back letter by letter into the source alphabet
(``[acronym]`` table of ``mt_translit_<lang>.toml``: MChS -> мчс), is a common source-language word.
Two-letter acronyms (IG = ИГ, SK = СК) read back to some Russian word almost always, so outside the lexicon
they are found by Cyrillic abbreviation shape and context only: two capitals that each spell one Cyrillic
letter, an institution cue before them (``a representative of the IG``, ``militants of the``, ``the press
service of the``), not an acronym English writes itself (``mt_acronyms_en.txt``: US, UN, EU, IT, OK, state
codes, ...) and not spelt out in the document (a capitalised phrase with those initials: Inspector General).
How to tune: edit ``mt_acronyms_<lang>.toml`` (each entry names its source form and the English one;
``unless`` lists phrases that show the acronym is a genuine English one in that document, e.g. IG =
Inspector General; ``[english] keep`` lists acronyms English news keeps: FSB, GRU). ``source_lang``
picks the lexicon. ``generic`` switches the lexicon-free check off; ``generic_max_english_zipf`` and
``generic_min_source_zipf`` set how rare in English and how common in the source a read-back must be;
``two_letter`` switches the two-letter check off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import Transliterator, applies, freeze_table, source_index, word_zipf
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # Lines whose letters are at least this share upper case are shouting headlines, where any word
    # looks like an acronym (measured: news headlines in caps are > 0.8).
    caps_line_share: float = 0.6
    generic: bool = True
    # Read-back acronyms: English Zipf below 2.7 (GRU 2.75, SMP 2.71 are English news usage; FMS 2.63,
    # MUR 2.55, MVD 2.1, MChS 1.4 are not; the ex-Soviet acronyms English keeps below it, SBU 2.4,
    # LDPR 1.5, are in the keep list) and source Zipf from 3.0 (мчс 4.4, фсин 3.5, гувд 3.2; the
    # letter strings of English acronyms after "the" in devdata human text read back to at most 2.9:
    # SMP -> смп).
    # Two-letter tokens read back to some Russian word almost always (ис, ун, ук): lexicon only.
    generic_max_english_zipf: float = 2.7
    generic_min_source_zipf: float = 3.0
    # Tokens English has never seen (Zipf < 1: FSTEK, UGRO, SPCh) need less from the source side:
    # Zipf 2.2 (фстэк 2.3, угро 2.6, чвк 2.7). No "the X" token of all devdata (English, human and
    # translated) with English Zipf < 1 reads back to a Russian word above 2.0 but UMVD and FSIN.
    unknown_english_zipf: float = 1.0
    unknown_min_source_zipf: float = 2.2
    generic_min_len: int = 3
    # Two-letter acronyms (IG = ИГ, SK = СК, VS = ВС) are found past the lexicon only by shape and context:
    # two capitals that each spell one Cyrillic letter, not an acronym English writes itself
    # (``mt_acronyms_en.txt``), no capitalised phrase in the document with those initials (Inspector
    # General = IG), and an institution cue: "a representative / militants / the press service of the XY".
    two_letter: bool = True


class SourceAcronym(Rule):
    id = "mt-artifact/source-acronym"
    summary = "Source-language acronyms kept verbatim (IG, MID, MVD RF) where English has its own."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        data = self.resources.toml(f"mt_acronyms_{self.options.source_lang}.toml")["acronyms"]
        self.entries = {k: v for k, v in data.items() if not v.get("skip")}
        alts = sorted(self.entries, key=len, reverse=True)
        body = "|".join(re.escape(a).replace(r"\ ", "[ -]") for a in alts)
        # no lookbehind in front: a pattern that opens with its alternatives lets the regex engine skip
        # ahead on their first letters (4x faster); the character before is checked in check()
        self.pattern = re.compile(rf"(?:{body})(?![\w\-&])")
        lang = self.options.source_lang
        self.keep = set(self.resources.toml(f"mt_acronyms_{lang}.toml").get("english", {}).get("keep", ()))
        letters = self.resources.toml(f"mt_translit_{lang}.toml").get("acronym", {})
        self.letters = {k: v.split("|") for k, v in letters.items()}
        self.letter_re = re.compile("|".join(re.escape(k) for k in sorted(self.letters, key=len, reverse=True)))
        self.en = word_zipf("en")
        self.src = word_zipf(lang)
        table = self.resources.toml(f"mt_translit_{lang}.toml")
        self.tr = Transliterator(table)
        self.exact = source_index(lang, freeze_table(table), 1.5)[0]
        self.english_acronyms = frozenset(self.resources.lexicon("mt_acronyms_en.txt"))

    def read_back_word(self, token: str) -> str | None:
        """A camel-case compound read as one source word (MinEnergo -> минэнерго), or None."""
        key = self.tr.latin_key(token.lower())
        hit = self.exact.get(key) if key else None
        return hit[0] if hit and hit[1] >= self.options.unknown_min_source_zipf else None

    def read_back(self, token: str) -> tuple[str, float] | None:
        """The most frequent source word the acronym spells letter by letter (MChS -> мчс), or None."""
        outs = [""]
        pos = 0
        for m in self.letter_re.finditer(token):
            if m.start() != pos:
                return None
            outs = [o + c for o in outs for c in self.letters[m.group()]]
            pos = m.end()
        if pos != len(token):
            return None
        best = max(outs, key=lambda w: self.src.get(w, 0.0))
        return best, self.src.get(best, 0.0)

    def warm(self) -> None:
        len(self.exact)  # loads the source index

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        excluded: dict[str, bool] = {}
        lexicon_hits: set[int] = set()
        # "XYZ RF" read as one acronym: a lexicon "RF" inside it is not a finding of its own
        inside_rf = {m.start() + m.group().index("RF") for m in _RF.finditer(text) if _free(text, m.start())}
        caps: dict[int, bool] = {}  # line start -> the line is a shouting headline
        # one pass over the whole text (not line by line): most documents have no match at all
        for m in self.pattern.finditer(text):
            if not _free(text, m.start()):
                continue
            key = re.sub(r"[ -]", " ", m.group())
            entry = self.entries.get(key)
            if entry is None or m.start() in inside_rf:
                continue
            if key not in excluded:
                excluded[key] = any(u in text for u in entry.get("unless", ()))
            if excluded[key]:
                continue
            if entry.get("after_the") and text[max(0, m.start() - 4):m.start()].lower() != "the ":
                continue
            if self._shouting(text, m.start(), caps) or _label(text, m.start(), m.end()):
                continue
            lexicon_hits.add(m.start())
            yield self.finding(
                doc, m.start(), m.end(),
                f"source acronym {m.group()!r} ({entry['source']}) kept verbatim; English: {entry['english']}",
                data={"source": entry["source"], "english": entry["english"]},
            )
        if self.options.generic:
            yield from self._generic(doc, lexicon_hits)

    def _shouting(self, text: str, pos: int, cache: dict[int, bool]) -> bool:
        """The line holding ``pos`` is mostly capitals (a shouting headline: any word looks like an acronym)."""
        start = text.rfind("\n", 0, pos) + 1
        if start not in cache:
            end = text.find("\n", pos)
            letters = [c for c in text[start:end if end >= 0 else len(text)] if c.isalpha()]
            cache[start] = len(letters) >= 12 and \
                sum(c.isupper() for c in letters) >= self.options.caps_line_share * len(letters)
        return cache[start]

    def _generic(self, doc: Document, skip: set[int]) -> Iterator[Finding]:
        o, text = self.options, doc.text
        caps: dict[int, bool] = {}  # _shouting's per-line cache, one per document
        for m in _RF.finditer(text):
            if not _free(text, m.start()) or sum(c.isupper() for c in m.group()[:-3]) < 2:
                continue  # the prefix is a word (Canon RF), not an acronym (MVD RF, MChS RF)
            if m.start() not in skip:
                yield self.finding(doc, m.start(), m.end(),
                                   f"{m.group()!r}: source-language acronym with the РФ (Russian Federation) "
                                   "suffix; English: the Russian ...", data={"source": m.group(), "weight": 1.0})
                skip.add(m.start())
        for m in _CAMEL.finditer(text):
            tok = m.group(1)
            if not _free(text, m.start()) or m.start(1) in skip or tok in self.keep \
                    or self.en.get(tok.lower(), 0.0) >= o.unknown_english_zipf:
                continue
            back = self.read_back_word(tok)
            if back is None and tok.startswith("Min"):  # Min + a source word: MinTsifry = Минцифры
                back = self.read_back_word(tok[3:])
                back = "мин" + back if back else None
            if back:
                yield self.finding(doc, m.start(1), m.end(1),
                                   f"{tok!r}: source-language compound abbreviation ({back}) kept verbatim; "
                                   "English writes the institution's English name",
                                   data={"source": back, "weight": 1.0})
        if o.two_letter:
            yield from self._two_letter(doc, skip)
        for m in _GENERIC.finditer(text):
            if not _free(text, m.start()):
                continue
            tok = m.group(1)
            if m.start(1) in skip or tok in self.keep or tok in self.entries:
                continue
            if sum(c.isupper() for c in tok) < 2:
                continue
            if len(self.letter_re.findall(tok)) < o.generic_min_len:
                continue
            en = self.en.get(tok.lower(), 0.0)
            if en >= o.generic_max_english_zipf:
                continue
            need = o.unknown_min_source_zipf if en < o.unknown_english_zipf else o.generic_min_source_zipf
            if f"({tok})" in text or text.startswith(" (", m.end(1)):
                continue  # defined in the text: "Federal Protective Service (FSO)"
            back = self.read_back(tok)
            if back is None or back[1] < need:
                continue
            if self._shouting(text, m.start(1), caps):
                continue
            yield self.finding(
                doc, m.start(1), m.end(1),
                f"source acronym {tok!r} (reads back as {back[0].upper()!r}) kept verbatim; English "
                "writes the institution's English name or acronym",
                data={"source": back[0].upper(), "english": "?", "weight": 0.8},
            )


    def _two_letter(self, doc: Document, skip: set[int]) -> Iterator[Finding]:
        text = doc.text
        caps: dict[int, bool] = {}  # _shouting's per-line cache, one per document
        for m in _TWO_LETTER.finditer(text):
            tok = m.group(1)
            cue = _CUE.search(text, max(0, m.start() - 20), m.start())
            if cue is None or m.start(1) in skip or tok in self.english_acronyms or tok in self.keep \
                    or tok in self.entries or any(c not in self.letters for c in tok):
                continue
            if f"({tok})" in text or re.search(rf"\b{tok[0]}[a-z]+ {tok[1]}[a-z]+", text):
                continue  # spelt out in the document (Inspector General ... the IG): the writer's own
            if self._shouting(text, m.start(1), caps):
                continue
            source = "".join(self.letters[c][0] for c in tok).upper()
            skip.add(m.start(1))
            yield self.finding(
                doc, m.start(1), m.end(1),
                f"source acronym {tok!r} (reads back as {source!r}) after {cue.group()!r} of the: "
                "kept verbatim; English writes the institution's English name or acronym",
                data={"source": source, "english": "?", "weight": 0.8},
            )


def _label(text: str, start: int, end: int) -> bool:
    """The acronym is not prose: alone on its line or in brackets alone (a menu, a language picker:
    ``EN / ES``, ``Programa (ES)``), or followed by a model number (``RF 28-70``, ``RF 50 mm``)."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start:line_end if line_end >= 0 else len(text)].strip()
    if line in (text[start:end], f"({text[start:end]})"):
        return True
    if text[start - 1:start] == "(" and text[end:end + 1] == ")":
        return True
    return bool(re.match(r" \d", text[end:end + 2]))


def _free(text: str, pos: int) -> bool:
    """Nothing word-like glued before ``pos`` (the regexes leave this check out to run faster)."""
    return pos == 0 or not (text[pos - 1].isalnum() or text[pos - 1] in "_-./&@#")


# Any acronym with the РФ suffix (FSB RF, MVD RF): English never writes it.
_RF = re.compile(r"[A-Z][A-Za-z]{1,6}[ -]RF(?![\w\-&])")
# Compound abbreviations after "the" written in camel case: MinEnergo (Минэнерго), GosSovet (Госсовет).
_CAMEL = re.compile(r"[Tt]he ((?:[A-Z][a-z]+){2,3})\b")
# A two-letter acronym as an institution: "a representative of the IG", "militants of the IG". Found by
# " of the XY" first (a literal the regex engine skips to), the cue word before it checked on a short tail.
_TWO_LETTER = re.compile(r" of the ([A-Z]{2})(?![\w\-&.])")
_CUE = re.compile(
    r"\b(?:[Rr]epresentatives?|[Ss]pokes(?:man|woman|person)|[Pp]ress service|[Hh]ead|[Ll]eaders?|[Ll]eadership"
    r"|[Cc]hief|[Oo]fficers?|[Ee]mployees?|[Ss]taff|[Mm]ilitants?|[Ff]ighters?|[Mm]embers?|[Cc]ommanders?"
    r"|[Ii]nvestigators?|[Uu]nits?|[Dd]ecision|[Rr]uling|[Pp]lenum|[Cc]hairman|[Ss]ources in)\Z")
# An organisation acronym after "the": capitals, with the source digraphs (Ch, Sh, Zh, Kh, Ts) allowed.
_GENERIC = re.compile(r"[Tt]he ([A-Z](?:[A-Z]|[hsau](?=[A-Z]|\b))+)(?![\w\-&.])")

"""encoding/mojibake: UTF-8 text decoded with the wrong codec, found run by run and repaired exactly.

What it finds: runs such as ``donâ€™t`` (UTF-8 read as cp1252 or latin-1), ``вЂ™`` / ``Р—Р°РіРѕР»РѕРІРѕРє``
(read as cp1251), ``‚Äô`` (mac_roman), ``â€ś`` (cp1250), ``Ã¢â‚¬â„¢`` (double encoding), CESU-8 emoji,
runs where a strict decoder already lost a byte (``â€�`` -> ``�``), ``Â``/``Ã`` whose A0 byte became a
space (``voilÃ le``), and Russian cp1251 text shown as cp1252 (``Ñëåäóþùèå``), which ftfy does not
handle. Each bad run (a word, a quote) is its own finding; the fix is the repaired run, so cleaning
restores the text exactly.
Why it matters: mojibake breaks tokenisers, language ID, search and deduplication, and it is invisible
in counts: the document looks like text.
Example: ``donâ€™t`` -> ``don’t``; ``Ð¢Ð°ÐºÐ¶Ðµ`` -> ``Также``; ``Ñëåäóþùèå`` -> ``Следующие``.
How it decides: the text is mapped back to the bytes each codec would have read, with ftfy's codecs
(``qc.encoding._scan``), and only runs of well-formed UTF-8 are candidates, the byte-level test of
ftfy's ``decode_inconsistent_utf8``, so runs are found even inside lines that mix good and bad text.
A candidate is kept when it decodes to ordinary characters (ftfy's negative cases ``ZZAJÉ’s``,
``Brontë…”``, ``√π``, ``SELKÄ\xa0`` decode to IPA, Hangul or odd letters and are left alone); a two-byte
repair that legitimate text can produce by chance (``Ä£``) counts only in a document that also has an
unambiguous one of the same codec. With ``ftfy_fallback`` on, a line that still looks bad to ftfy's
``badness`` heuristic is repaired with ``ftfy.fix_and_explain`` (its steps go in the message).
Measured on the encoding development set: every mojibake span found, none on the controls, every
recoverable document restored exactly; ftfy's own test cases: 36 of 37 negatives untouched.
How to tune: ``ftfy_fallback`` (default on) adds ftfy's line-level repair for what the byte scan misses;
``cp1251_as_cp1252`` (default on) turns the Russian cp1251-in-cp1252 detector on or off.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

import ftfy
from ftfy.badness import is_bad

from qc.encoding._scan import SUSPECT_RE, Repair, all_repairs, utf8_repairs
from qc.model import Document, Finding, Severity
from qc.rule import Rule
from qc.text import iter_lines

_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False,
    normalization=None, fix_surrogates=False, fix_c1_controls=False, explain=True,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class MojibakeOptions:
    ftfy_fallback: bool = True
    cp1251_as_cp1252: bool = True


class Mojibake(Rule):
    id = "encoding/mojibake"
    needs_lang = False
    summary = "Text decoded with the wrong codec (mojibake), repaired run by run."
    severity = Severity.ERROR
    fixes = True
    Options = MojibakeOptions

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if text.isascii():
            return
        reps = all_repairs(text) if self.options.cp1251_as_cp1252 else utf8_repairs(text)
        for r in reps:
            yield self._finding(doc, r)
        if self.options.ftfy_fallback:
            yield from self._ftfy(doc, reps)

    def _finding(self, doc: Document, r: Repair) -> Finding:
        return self.finding(doc, r.start, r.end, f"mojibake: UTF-8 read as {r.codec}; repair {r.fix!r}",
                            fix=r.fix, data={"codec": r.codec})

    def _ftfy(self, doc: Document, reps: list[Repair]) -> Iterator[Finding]:
        """ftfy on lines its badness heuristic still flags once the byte-scan repairs are applied."""
        text = doc.text
        if not SUSPECT_RE.search(text):
            return
        k = 0
        for start, end, line in iter_lines(text):
            if line.isascii():
                continue
            own = []
            while k < len(reps) and reps[k].start < end:
                if reps[k].end > start:
                    own.append(reps[k])
                k += 1
            if own:
                continue  # the byte scan handled this line; mixing ftfy's guesses in risks overlaps
            if not SUSPECT_RE.search(line) or not is_bad(line):
                continue
            fixed, plan = ftfy.fix_and_explain(line, config=_CONFIG)
            if fixed == line:
                continue
            steps = ", ".join(f"{step} {arg}" for step, arg in (plan or []))
            sm = difflib.SequenceMatcher(a=line, b=fixed, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "equal" or i1 == i2:
                    continue
                yield self.finding(doc, start + i1, start + i2, f"mojibake; ftfy repair: {steps}",
                                   fix=fixed[j1:j2], data={"codec": "ftfy"})

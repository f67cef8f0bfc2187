"""mt-artifact/quote-marks: source-locale quotation marks and direct-speech punctuation in English text.

What it finds: guillemets ``«…»`` and low-high quotes ``„…“`` / ``„…”`` (Russian, German, Polish
typography), the Russian direct-speech dash after a closing quote (``”, – said in the ministry``) or
resuming a quotation (``the doctor said. - Due to ...``), and straight quotes glued to the word before
(``the corvette" Stoyky"``).
Why it matters: English uses “…” or "…"; the source marks survive only when the text was converted
from another language without editing, usually by machine.
Quotes around foreign-language text («Ростех», „očkovací ...“) are foreign material, not English
typography, and are left to the untranslated family.
Example: ``the company «Atlas»`` -> flagged (English: “Atlas”); text unchanged.
How to tune: ``speech_dash`` switches the direct-speech dash check off.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies, cyrillic_near
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    speech_dash: bool = True
    max_quote_chars: int = 300


_MOJIBAKE = re.compile(r"[ÃÂâ€™¬‚ž]{2}|[ÃÂ]")
# The patterns open with a character and look behind it (``,(?<=[”"»],)`` is ``(?<=[”"»]),``): the regex
# engine scans for a leading literal, while a leading look-behind is tried at every position.
_DASH = re.compile(r",(?<=[”\"»],)\s?[–—-](?=\s)")
# The Russian dash that resumes quoted speech after the attribution: ..." the doctor said. - Due to ...
_RESUME = re.compile(r" (?<=[a-z][.,] )[–—-](?= [A-Z])")
# A straight quote glued to the word before it and spaced from the quoted word (the corvette" Stoyky"):
# guillemets converted by machine without their spacing.
_GLUED = re.compile(r"\"(?<=[a-z]\") (?=[A-Z][^\"\n]{0,40}\")")
_QUOTES = "«»„"  # every match of the rule's quote pattern holds one


class QuoteMarks(Rule):
    id = "mt-artifact/quote-marks"
    summary = "Source-locale quotation marks («», „“) and the direct-speech dash in English text."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        n = self.options.max_quote_chars
        self.quote = re.compile(rf"«[^«»\n]{{0,{n}}}»|„[^„“”\n]{{0,{n}}}[“”]|[«»„]")

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        for m in self.quote.finditer(text) if any(q in text for q in _QUOTES) else ():
            if not m.group()[1:-1].isascii() or cyrillic_near(text, m.start(), m.end(), 3):
                continue  # quoting a foreign-language name or sentence («Ростех»): foreign text, not English
            if _MOJIBAKE.search(text, max(0, m.start() - 2), min(len(text), m.end() + 2)):
                continue  # part of mojibake (â€ž), the encoding family's finding
            yield self.finding(doc, m.start(), m.end(),
                               f"source-locale quotation marks {m.group()[:1]}…; English uses “…”",
                               data={"kind": "guillemets"})
        if self.options.speech_dash:
            for m in _DASH.finditer(text):
                if cyrillic_near(text, m.start(), m.end()):
                    continue
                yield self.finding(doc, m.start(), m.end(),
                                   "direct-speech dash after a quotation (Russian «…», – said X); "
                                   "English writes: “…,” X said", data={"kind": "speech-dash"})
            for m in _RESUME.finditer(text):
                if text.count('"', max(0, m.start() - 200), m.start()) % 2 == 1 \
                        or "“" in text[max(0, m.start() - 200):m.start()]:
                    yield self.finding(doc, m.start() + 1, m.end(),
                                       "dash resuming quoted speech after the attribution (Russian "
                                       "typography); English reopens the quotation marks",
                                       data={"kind": "speech-dash"})
        for m in _GLUED.finditer(text):
            yield self.finding(doc, m.start(), m.start() + 1,
                               "quotation mark glued to the word before and spaced from the quoted word "
                               "(guillemets converted without their spacing)",
                               data={"kind": "glued-quote", "weight": 0.6})

"""mt-artifact/source-acronym: source-language acronyms kept verbatim in English text.

What it finds: Russian acronyms transliterated letter by letter (``IG`` for ИГ where English writes IS,
``MID`` for МИД, ``MVD RF``, ``SNG`` for СНГ) from the lexicon ``mt_acronyms_<lang>.toml``.
Why it matters: English readers do not know these forms; a human translator writes IS, the Foreign
Ministry, CIS. They are a typical trace of machine or careless translation.
Example: ``The MID said on Monday`` -> flagged (English: the Foreign Ministry); text unchanged.
How to tune: edit ``mt_acronyms_<lang>.toml`` (each entry names its source form and the English one;
``unless`` lists phrases that show the acronym is a genuine English one in that document, e.g. IG =
Inspector General). ``source_lang`` picks the lexicon. Acronyms English keeps (FSB, GRU) are not listed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies
from qc.rule import Rule
from qc.text import iter_lines


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # Lines whose letters are at least this share upper case are shouting headlines, where any word
    # looks like an acronym (measured: news headlines in caps are > 0.8).
    caps_line_share: float = 0.6


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
        self.pattern = re.compile(rf"(?<![\w\-./&@#])(?:{body})(?![\w\-&])")

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        excluded: dict[str, bool] = {}
        for start, _end, line in iter_lines(text):
            matches = list(self.pattern.finditer(line))
            if not matches:
                continue
            letters = [c for c in line if c.isalpha()]
            if len(letters) >= 12 and sum(c.isupper() for c in letters) >= self.options.caps_line_share * len(letters):
                continue
            for m in matches:
                key = re.sub(r"[ -]", " ", m.group())
                entry = self.entries.get(key)
                if entry is None:
                    continue
                if key not in excluded:
                    excluded[key] = any(u in text for u in entry.get("unless", ()))
                if excluded[key]:
                    continue
                yield self.finding(
                    doc, start + m.start(), start + m.end(),
                    f"source acronym {m.group()!r} ({entry['source']}) kept verbatim; English: {entry['english']}",
                    data={"source": entry["source"], "english": entry["english"]},
                )

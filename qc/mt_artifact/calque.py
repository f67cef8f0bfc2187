"""mt-artifact/calque: source-language phrases rendered word for word (calques).

What it finds: constructions from the pattern lexicon ``mt_calques_<lang>.toml``, each with the source
phrase it renders: ``according to the words of`` (по словам), ``depends from`` (зависит от), ``It is
specified that`` (уточняется, что), ``, informed in the ministry`` (сообщили в министерстве),
``speech ... is not`` (речь не идет).
Why it matters: these are grammatical but not English; they show a translation that followed the
source's words, and they read badly in training data.
Example: ``The price depends from the season.`` -> ``depends from`` flagged (English: depends on).
How to tune: add or remove entries in the lexicon (``pattern``, ``source``, ``english``, ``weight`` for
the document score, ``extend`` to cover the whole inverted clause); ``source_lang`` picks the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # An extended span stops at the clause end, or after this many characters.
    max_extend: int = 80


_CLAUSE_END = re.compile(r"[.;!?\n]|,\s|\s[–—]\s")


class Calque(Rule):
    id = "mt-artifact/calque"
    summary = "Calques: source-language phrases rendered word for word (according to the words of, depends from)."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        entries = self.resources.toml(f"mt_calques_{self.options.source_lang}.toml")["calque"]
        self.entries: list[tuple[re.Pattern[str], dict[str, Any]]] = []
        for e in entries:
            flags = re.MULTILINE | (0 if e.get("case") else re.IGNORECASE)
            self.entries.append((re.compile(e["pattern"], flags), e))

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        spans: list[tuple[int, int, dict[str, Any]]] = []
        for pattern, e in self.entries:
            for m in pattern.finditer(text):
                start, end = m.start(), m.end()
                if end <= start:
                    continue
                if e.get("extend"):
                    stop = _CLAUSE_END.search(text, end, min(len(text), end + self.options.max_extend))
                    end = stop.start() if stop else end
                spans.append((start, end, e))
        # overlapping matches of several patterns: keep the longest
        spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        last_end = -1
        for start, end, e in spans:
            if start < last_end:
                continue
            last_end = end
            yield self.finding(
                doc, start, end,
                f"calque of {e['source']!r}: {text[start:end]!r}; English: {e['english']}",
                data={"source": e["source"], "english": e["english"], "weight": e.get("weight", 1.0)},
            )

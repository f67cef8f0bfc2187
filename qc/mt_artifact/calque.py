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


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains, or None when none can be derived.

    A prefilter: most documents contain none of a calque's literals, so its regex is never run
    (halves the rule's time on news text). Derived from the parsed pattern, so lexicon authors do
    not maintain it; any parsing trouble just disables the prefilter for that pattern.
    """
    try:
        import re._constants as c  # type: ignore[import-not-found]
        import re._parser as sp  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - other Python versions
        return None

    def seq(items: list[Any]) -> set[str] | None:
        runs: list[set[str]] = []
        cur: list[str] = []
        for op, av in items:
            if op is c.LITERAL:
                cur.append(chr(av))
                continue
            if cur:
                runs.append({"".join(cur)})
                cur = []
            if op is c.SUBPATTERN:
                sub = seq(list(av[3]))
                if sub:
                    runs.append(sub)
            elif op is c.BRANCH:
                alts = [seq(list(b)) for b in av[1]]
                if all(alts):
                    runs.append(set().union(*alts))  # type: ignore[arg-type]
        if cur:
            runs.append({"".join(cur)})
        good = [r for r in runs if all(len(x.strip()) >= 3 for x in r)]
        return max(good, key=lambda r: min(len(x) for x in r)) if good else None

    try:
        found = seq(list(sp.parse(pattern, flags)))
    except Exception:  # a prefilter must never break the rule
        return None
    if not found:
        return None
    return frozenset(x.lower() for x in found) if flags & re.IGNORECASE else frozenset(found)


class Calque(Rule):
    id = "mt-artifact/calque"
    summary = "Calques: source-language phrases rendered word for word (according to the words of, depends from)."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        entries = self.resources.toml(f"mt_calques_{self.options.source_lang}.toml")["calque"]
        self.entries: list[tuple[re.Pattern[str], dict[str, Any], frozenset[str] | None]] = []
        for e in entries:
            flags = re.MULTILINE | (0 if e.get("case") else re.IGNORECASE)
            self.entries.append((re.compile(e["pattern"], flags), e, required_literals(e["pattern"], flags)))

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        lowered = text.lower()
        spans: list[tuple[int, int, dict[str, Any]]] = []
        for pattern, e, literals in self.entries:
            if literals is not None:
                hay = lowered if pattern.flags & re.IGNORECASE else text
                if not any(lit in hay for lit in literals):
                    continue
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

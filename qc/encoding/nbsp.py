"""encoding/nbsp: no-break spaces used as ordinary spaces (``of\\xa0Daesh``, ``in\\xa0the``).

What it finds: U+00A0 where a plain space belongs, as Russian CMSs and "typographer" plugins insert
after every short word, and as copy-paste from word processors leaves. One finding per line holding
such spaces (per run of lines with ``max_group_lines`` > 1); the fix is the same text with those
no-break spaces turned into plain spaces.
Why it matters: tokenisers, regexes (``\\b``, ``str.split()`` in some tools), search and deduplication see
``of\\xa0Daesh`` as one token or as different text from ``of Daesh``.
Example: ``fighting in\\xa0the\\xa0ranks`` -> ``fighting in the ranks``; ``10\\xa0km`` is kept.
How it keeps legitimate uses: a no-break space is left alone where typography wants one: between
digits (``1\\xa0000``), between a number and a unit, currency or percent sign (``10\\xa0km``, ``5\\xa0%``,
``25\\xa0млн``; units from ``encoding_nbsp_units.txt``), between ``№``/``§``/``p.``/a currency sign and a
number, before ``: ; ! ? »`` and after ``«`` (French spacing), and after an initial (``J.\\xa0Smith``).
No-break spaces that are part of a mojibake run (``Ã\\xa0`` = ``à``) are left to ``encoding/mojibake``.
A finding never spans text another encoding rule fixes, so fixes never collide.
How to tune: the units lexicon ``encoding_nbsp_units.txt``; ``max_group_lines`` (default 1: one finding
per line, so the edit never collides with line-level edits of other families, which win over it);
raise it to group a run of lines into one finding. ``min_per_doc`` (default 3): documents with fewer
ordinary-space no-break spaces are left alone (a stray one is typography, not a CMS habit).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.encoding._scan import NbspContext, all_repairs
from qc.encoding.control_char import CONTROL_RE
from qc.encoding.glued_words import CASE_CHANGE_RE, GLUED_RE
from qc.encoding.homoglyph import MIXED_RE, OTHER_SCRIPT_RE
from qc.encoding.html_entity import ENTITY_RE
from qc.model import Document, Finding, Severity
from qc.rule import Rule

_NBSP_RE = re.compile("\xa0")
_FFFD_RE = re.compile("\ufffd+")


@dataclass(frozen=True, slots=True, kw_only=True)
class NbspOptions:
    max_group_lines: int = 1
    # A CMS that types no-break spaces for spaces leaves many (the seeds: 4 to 60 per document); one or
    # two in a document are a typographic choice (ftfy's negative cases ``ammaccato,\xa0è``, ``[x]\xa0©``,
    # ``SELKÄ\xa0EDELLÄ``), so fewer than this many are left alone.
    min_per_doc: int = 3


def other_spans(text: str) -> list[tuple[int, int]]:
    """Spans other encoding rules may edit, merged and sorted: a no-break-space finding must not overlap
    them."""
    spans = [(r.start, r.end) for r in all_repairs(text)]
    # The homoglyph and glued-word patterns are tried at every position: only where their matches can
    # be (each holds a Cyrillic or Greek letter, and a lower-case letter before a capital).
    for rx in (ENTITY_RE, CONTROL_RE, MIXED_RE if OTHER_SCRIPT_RE.search(text) else None,
               GLUED_RE if CASE_CHANGE_RE.search(text) else None, _FFFD_RE):
        if rx is not None:
            spans.extend(m.span() for m in rx.finditer(text))
    spans.sort()
    merged: list[tuple[int, int]] = []  # union of the spans, so one bisect finds the one holding a point
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


class Nbsp(Rule):
    id = "encoding/nbsp"
    needs_lang = False
    summary = "No-break spaces used as ordinary spaces (legitimate ones such as 10\xa0km are kept)."
    severity = Severity.INFO
    fixes = True
    Options = NbspOptions

    def setup(self) -> None:
        self.context = NbspContext(self.resources.lexicon("encoding_nbsp_units.txt"))

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if text.isascii() or "\xa0" not in text:
            return
        others = other_spans(text)
        starts = [s for s, _ in others]
        flagged = []
        for m in _NBSP_RE.finditer(text):
            p = m.start()
            k = bisect.bisect_right(starts, p) - 1
            if k >= 0 and others[k][1] > p:
                continue  # inside another rule's span (mojibake ``Ã\xa0``)
            if not self.context.legit(text, p, p + 1):
                flagged.append(p)
        if len(flagged) < self.options.min_per_doc:
            return
        group: list[int] = []
        lines = 0  # line breaks inside the current group
        for p in flagged:
            if group:
                gap = text.count("\n", group[-1], p)
                # A new finding past ``max_group_lines`` lines or where another rule's span lies between.
                if (lines + gap >= self.options.max_group_lines
                        or bisect.bisect_right(starts, p) != bisect.bisect_right(starts, group[-1])):
                    yield self._finding(doc, group)
                    group, gap = [], 0
                lines = lines + gap if group else 0
            group.append(p)
        if group:
            yield self._finding(doc, group)

    def _finding(self, doc: Document, group: list[int]) -> Finding:
        a, b = group[0], group[-1] + 1
        chars = list(doc.text[a:b])
        for p in group:
            chars[p - a] = " "
        n = len(group)
        return self.finding(doc, a, b, f"{n} no-break space{'s' if n > 1 else ''} used as ordinary space",
                            fix="".join(chars))

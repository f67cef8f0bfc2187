"""encoding/html-entity: HTML character references left in text (``&amp;``, ``&#8217;``, ``&nbsp;``).

What it finds: named (``&rsquo;``), decimal (``&#8217;``) and hex (``&#x2019;``) character references that
the scraper did not decode, including double-escaped ones (``&amp;#8217;``). A reference must end with
``;`` and, if named, be one of HTML5's names, so ``AT&T`` or ``R&D;`` are left alone.
Why it matters: the entity text pollutes tokens (``don&#8217;t``), search and deduplication.
Example: ``don&#8217;t`` -> ``don’t``; ``of&nbsp;Daesh`` -> ``of Daesh``.
How to tune: ``nbsp_as_space`` (default true) decodes ``&nbsp;`` to a plain space: an escaped no-break
space in scraped text stands for a space (on the development set all 39 ``&nbsp;`` were plain spaces in
the source, ``247&nbsp;225`` included); false decodes it to U+00A0. ``keep_legit_nbsp`` (default false)
decodes it to U+00A0 where ``encoding/nbsp`` would keep a literal one (``10&nbsp;km``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from html.entities import html5

from qc.encoding._scan import NbspContext
from qc.model import Document, Finding, Severity
from qc.rule import Rule

# ``&amp;`` repeated (double escaping), then one reference; named references need the ``;`` here.
ENTITY_RE = re.compile(r"&(?:amp;)*(?:#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)")


@dataclass(frozen=True, slots=True, kw_only=True)
class HtmlEntityOptions:
    nbsp_as_space: bool = True
    keep_legit_nbsp: bool = False


def decode_entity(ref: str) -> str | None:
    """The text of a (possibly double-escaped) reference, or None when it is not one."""
    inner = ref[1:]
    while inner.startswith("amp;") and len(inner) > 4:
        inner = inner[4:]
    if not inner.startswith("#") and inner not in html5:
        return None
    s = ref
    for _ in range(8):
        t = html.unescape(s)
        if t == s:
            break
        s = t
    return None if s == ref else s


class HtmlEntity(Rule):
    id = "encoding/html-entity"
    needs_lang = False
    summary = "HTML character references (&amp;, &#8217;, &nbsp;) left undecoded in text."
    severity = Severity.WARNING
    fixes = True
    Options = HtmlEntityOptions

    def setup(self) -> None:
        self.nbsp = NbspContext(self.resources.lexicon("encoding_nbsp_units.txt"))

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if "&" not in text:
            return
        for m in ENTITY_RE.finditer(text):
            fix = decode_entity(m.group())
            if fix is None:
                continue
            if fix == "\xa0" and self.options.nbsp_as_space and not (
                    self.options.keep_legit_nbsp and self.nbsp.legit(text, m.start(), m.end())):
                fix = " "
            yield self.finding(doc, m.start(), m.end(), f"HTML entity {m.group()} left in text", fix=fix)

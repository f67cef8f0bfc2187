"""boilerplate/inner: furniture inside the article (image credits, captions, inline prompts, link lists).

What it finds: lines inside the article core (see ``qc.boilerplate.blocks``) that carry strong furniture
evidence: image credits and captions (``Image copyright``, ``Photo: ...``), ``See also`` / ``Read more``
headings and the links after them, inline subscribe prompts, ``Advertisement`` labels, dated teasers.
Why it matters: captions and inline prompts interrupt the article's sentences; they are page layout, not text.
Example: ``He said.\nImage copyright Reuters\nShe replied.`` -> ``He said.\nShe replied.`` (when fixing is on)
How to tune: the default pack flags these but does not remove them (``fix = false``): a short line
inside an article is sometimes a subheading. Same ``lexicon`` / ``stopwords`` / ``model`` options as
``leading`` (``model``: the same value on all five boilerplate rules).
"""

from __future__ import annotations

from collections.abc import Iterator

from qc.boilerplate._edge import LayoutRule
from qc.boilerplate.lines import line_span
from qc.boilerplate.messages import describe
from qc.model import Document, Finding, Severity


class Inner(LayoutRule):
    id = "boilerplate/inner"
    summary = "Furniture lines inside the article (captions, credits, inline prompts, link lists)."
    # info, flagged only: a short line inside an article is sometimes a subheading (the default pack's choice)
    severity = Severity.INFO
    fix_by_default = False

    def check(self, doc: Document) -> Iterator[Finding]:
        layout = self.layout(doc)
        if layout.core is None:
            return
        text = doc.text
        first, last = layout.core
        for ln in layout.lines[first:last + 1]:
            if ln.kind != "furniture":
                continue
            start, end = line_span(text, ln.start, ln.end)  # with its newline: no blank-line debris
            yield self.finding(doc, start, end, f"inner block: {describe([ln], text)}", fix="")

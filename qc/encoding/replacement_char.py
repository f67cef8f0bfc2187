"""encoding/replacement-char: U+FFFD REPLACEMENT CHARACTER in the text: a character lost for good.

What it finds: runs of ``\\ufffd`` that were already in the text as read (a decoder upstream replaced
bytes it could not read). Runs the reader itself produced from invalid UTF-8 are reported by
``encoding/invalid-utf8`` instead, so one problem gets one finding.
Why it matters: the original character (often a quote or dash, sometimes a letter of a name) cannot be
recovered; the document is damaged and should be re-fetched or decoded with the right codec.
Example: ``Apple\\ufffds offering`` -> flagged, no fix (the lost character is unknown).
How to tune: nothing to tune; the severity is error because the damage is permanent.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from qc.model import Document, Finding, Severity
from qc.rule import Rule

FFFD_RE = re.compile("\ufffd+")


class ReplacementChar(Rule):
    id = "encoding/replacement-char"
    needs_lang = False
    summary = "U+FFFD replacement characters: characters lost by an earlier decoder (no fix possible)."
    severity = Severity.ERROR

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        if text.isascii() or "\ufffd" not in text:
            return
        reader = [(s, e) for s, e, _raw in doc.decode_errors]
        for m in FFFD_RE.finditer(text):
            if any(s < m.end() and m.start() < e for s, e in reader):
                continue
            n = m.end() - m.start()
            yield self.finding(doc, m.start(), m.end(),
                               f"{n} replacement character{'s' if n > 1 else ''} (U+FFFD): text lost")

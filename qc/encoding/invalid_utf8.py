"""encoding/invalid-utf8: bytes that are not valid UTF-8, found by the reader.

What it finds: byte runs the reader could not decode, and lone surrogates (a JSON ``"\\ud83d"`` escape
without its pair, which no UTF-8 text can hold); they stand as U+FFFD in the text.
Why it matters: the original characters are lost; the file was probably saved in another codec, or an
emoji was cut in half by a truncating JSON encoder.
Example: ``caf\\xe9`` (latin-1 bytes) -> ``caf\\ufffd``.
How to tune: nothing to tune; ignore the rule to silence it.
"""

from __future__ import annotations

from collections.abc import Iterator

from qc.model import Document, Finding, Severity
from qc.rule import Rule


class InvalidUtf8(Rule):
    id = "encoding/invalid-utf8"
    needs_lang = False
    summary = "Bytes that are not valid UTF-8 (decoded as U+FFFD by the reader)."
    severity = Severity.ERROR

    def check(self, doc: Document) -> Iterator[Finding]:
        for start, end, raw in doc.decode_errors:
            yield self.finding(doc, start, end, _message(raw))


def _message(raw: bytes) -> str:
    """Lone surrogates (``surrogatepass`` bytes ED A0-BF xx) are named as such; other runs by their bytes."""
    try:
        lone = raw.decode("utf-8", "surrogatepass")
    except UnicodeDecodeError:
        lone = ""
    if lone and all(0xD800 <= ord(ch) <= 0xDFFF for ch in lone):
        names = " ".join(f"U+{ord(ch):04X}" for ch in lone)
        return f"lone surrogate {names} (not encodable as UTF-8) replaced by U+FFFD"
    return f"invalid UTF-8 bytes {raw.hex(' ')} decoded as U+FFFD"

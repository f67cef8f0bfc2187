"""encoding/mojibake: UTF-8 text decoded with the wrong codec, found and repaired with ftfy.

What it finds: runs such as ``donâ€™t`` (UTF-8 read as cp1252) in a line.
Why it matters: mojibake breaks tokenisers, search and deduplication.
Example: ``donâ€™t`` -> ``don’t``.
How to tune: nothing yet.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator

import ftfy

from qc.model import Document, Finding, Severity
from qc.rule import Rule
from qc.text import iter_lines

_CONFIG = ftfy.TextFixerConfig(
    unescape_html=False, remove_terminal_escapes=False, fix_latin_ligatures=False,
    fix_character_width=False, uncurl_quotes=False, fix_line_breaks=False, remove_control_chars=False,
    normalization=None, fix_surrogates=False, explain=True,
)


class Mojibake(Rule):
    id = "encoding/mojibake"
    summary = "Text decoded with the wrong codec (mojibake), repaired with ftfy."
    severity = Severity.ERROR
    fixes = True

    def check(self, doc: Document) -> Iterator[Finding]:
        for start, _end, line in iter_lines(doc.text):
            if line.isascii():
                continue
            fixed, plan = ftfy.fix_and_explain(line, config=_CONFIG)
            if fixed == line:
                continue
            steps = ", ".join(f"{step} {arg}" for step, arg in (plan or []))
            sm = difflib.SequenceMatcher(a=line, b=fixed, autojunk=False)
            for tag, i1, i2, j1, j2 in sm.get_opcodes():
                if tag == "equal":
                    continue
                yield self.finding(doc, start + i1, start + i2,
                                   f"mojibake; ftfy repair: {steps}", fix=fixed[j1:j2])

"""encoding/glued-words: two words glued where a scraper joined two blocks (``mediabankFlag``).

What it finds: a lowercase word of 2+ letters run straight into a capitalised word of 3+ letters, in
the same script (Latin or Cyrillic): ``captionWho``, ``anmeldenGutschein``. Words are skipped when they
look like names or code: a token in the allow lexicon or starting with an allowed particle (``myMuseum``,
``deGrom``), a token followed by ``®``/``™`` (product names such as ``uroLoges®``), a token inside a URL,
handle, hashtag, path or file name, and tokens with digits or underscores. Brand camelCase that starts
with a capital (``YouTube``, ``McDonald``, ``PayPal``) or with one lowercase letter (``iPhone``, ``eBay``)
never matches the pattern.
Why it matters: the glued token is a non-word for tokenisers, search and language models, and it hides
a lost line break (often a caption or button joined to the text).
Example: ``Go to the mediabankFlag of the Islamic State`` -> ``Go to the mediabank Flag of the Islamic State``.
Rule of thumb, measured: on all development texts (1.9 M characters of real pages, most of them raw
scrapes) the bare pattern fires 51 times in 19 distinct tokens; the ® and particle exclusions remove
the 11 name tokens (myMuseum, deCode, nine *Loges® drug names) and leave only real glue (8 tokens).
How to tune: the lexicon ``encoding_glued_allow.txt`` (a token, or ``prefix-`` for a particle);
``min_left`` (default 2) and ``min_right`` (default 3) set the shortest lowercase and capitalised parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class GluedWordsOptions:
    min_left: int = 2
    min_right: int = 3


def glued_re(min_left: int, min_right: int) -> re.Pattern[str]:
    r = max(0, min_right - 1)
    return re.compile(
        rf"\b(?<![\w@#/.\\&=+~-])(?:([a-z]{{{min_left},}})([A-Z][a-z]{{{r},}})|([а-яё]{{{min_left},}})([А-ЯЁ][а-яё]{{{r},}}))"
        r"(?![\w@/\\®™]|\.\w|\s?[®™])")


GLUED_RE = glued_re(2, 3)
# A lower-case letter followed by a capital, found from the capital (~3 % of a text's characters, so the
# regex engine's scan for a leading class skips the rest; ``[a-z][A-Z]|...`` stopped at every letter).
CASE_CHANGE_RE = re.compile("[A-ZА-ЯЁ](?<=[a-z][A-Z]|[а-яё][А-ЯЁ])")


class GluedWords(Rule):
    id = "encoding/glued-words"
    needs_lang = False
    summary = "Words glued where two blocks were joined (mediabankFlag), split with a space."
    severity = Severity.WARNING
    fixes = True
    Options = GluedWordsOptions

    def setup(self) -> None:
        self.pattern = glued_re(self.options.min_left, self.options.min_right)
        entries = self.resources.lexicon("encoding_glued_allow.txt")
        self.allow = {e for e in entries if not e.endswith("-")}
        self.prefixes = tuple(e[:-1] for e in entries if e.endswith("-"))

    def check(self, doc: Document) -> Iterator[Finding]:
        if not CASE_CHANGE_RE.search(doc.text):
            return  # no lowercase letter followed by a capital: the common case, one C-speed scan
        for m in self.pattern.finditer(doc.text):
            token = m.group()
            left = m.group(1) or m.group(3)
            if token in self.allow or left in self.prefixes:
                continue
            split = m.start() + len(left)
            yield self.finding(doc, m.start(), m.end(), f"words glued together: {token!r}",
                               fix=f"{left} {doc.text[split:m.end()]}")

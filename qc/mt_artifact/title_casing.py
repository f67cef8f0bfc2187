"""mt-artifact/title-casing: institution and office names with broken title casing.

What it finds: names of ministries, courts, councils and offices whose words disagree in case:
``the Russian foreign Ministry``, ``UN security Council``, ``Prime minister``, ``Department of defense``.
Why it matters: English capitalises the whole name or none of it; Russian capitalises only the first
word (Министерство иностранных дел), so a literal translation leaves exactly these mixed forms.
Example: ``the Iraqi foreign Ministry said`` -> flagged (English: Foreign Ministry); text unchanged.
How to tune: ``mt_casing_en.toml`` lists the head nouns (Ministry, Council, ...), the modifiers that open
such names (foreign, security, prime, ...) and the lower-case uses English allows (``the state Supreme
Court``). ``lexicon`` names another file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies, is_sentence_start
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    lexicon: str = "mt_casing_en.toml"
    # The longest run of capitalised words between a lower-case modifier and the head
    # ("first Deputy Prime Minister"): longer runs are titles of works, not institutions.
    max_run: int = 4


_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*")
_JOINERS = {"and", "of", "for"}


class TitleCasing(Rule):
    id = "mt-artifact/title-casing"
    summary = "Institution and office names with broken title casing (the foreign Ministry, Prime minister)."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        lex = self.resources.toml(self.options.lexicon)
        self.heads = set(lex["heads"])
        self.heads_lower = {h.lower() for h in self.heads}
        self.mods = {m.lower() for m in lex["modifiers"]}
        self.allowed = {k: tuple(v) for k, v in lex.get("allowed_lower", {}).items()}

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
        n = len(words)

        def adjacent(i: int) -> bool:  # words i and i+1 separated by exactly one space
            return i + 1 < n and text[words[i][1]:words[i + 1][0]] == " "

        taken: list[tuple[int, int]] = []
        for i, (s, _e, w) in enumerate(words):
            low = w.lower()
            if low not in self.mods:
                continue
            # A: lower-case modifier + capitalised name ending in a head (the foreign Ministry)
            if w.islower() and adjacent(i):
                j, head_end = i + 1, None
                if words[j][2] in _JOINERS and adjacent(j):
                    j += 1
                run = 0
                while j < n and words[j][2][:1].isupper() and run < self.options.max_run:
                    if words[j][2] in self.heads:
                        head_end = j
                    run += 1
                    if not adjacent(j):
                        break
                    j += 1
                    if j < n and words[j][2] in _JOINERS and j + 1 < n and words[j + 1][2][:1].isupper() \
                            and adjacent(j):
                        j += 1
                if head_end is not None and not self._allowed(low, text, words[i + 1][0]):
                    end = words[head_end][1]
                    taken.append((s, end))
                    yield self.finding(doc, s, end, f"broken title casing in {text[s:end]!r}: lower-case "
                                       f"{w!r} before a capitalised name (English: all words capitalised or none)")
                    continue
            # B: capitalised modifier + lower-case head, not at a sentence start (Prime minister)
            if w[:1].isupper() and not w.isupper() and adjacent(i) and words[i + 1][2] in self.heads_lower \
                    and not is_sentence_start(text, s) and not self._inside(taken, s):
                end = words[i + 1][1]
                taken.append((s, end))
                yield self.finding(doc, s, end, f"broken title casing in {text[s:end]!r}: capitalised "
                                   f"{w!r} before lower-case {words[i + 1][2]!r}")
        # C: capitalised head + "of" + lower-case modifier (Department of defense)
        for i in range(n - 2):
            s, _e, w = words[i]
            if w in self.heads and words[i + 1][2] == "of" and adjacent(i) and adjacent(i + 1):
                mod = words[i + 2][2]
                if mod.islower() and mod in self.mods and mod != "state" and not self._inside(taken, s):
                    end = words[i + 2][1]
                    if mod == "foreign" and i + 3 < n and words[i + 3][2] == "affairs" and adjacent(i + 2):
                        end = words[i + 3][1]
                    yield self.finding(doc, s, end, f"broken title casing in {text[s:end]!r}: lower-case "
                                       f"{mod!r} in a capitalised name")

    def _allowed(self, mod: str, text: str, pos: int) -> bool:
        rest = text[pos:pos + 40]
        return any(rest.startswith(cont) and not rest[len(cont):len(cont) + 1].isalpha()
                   for cont in self.allowed.get(mod, ()))

    @staticmethod
    def _inside(taken: list[tuple[int, int]], pos: int) -> bool:
        return any(a <= pos < b for a, b in taken)

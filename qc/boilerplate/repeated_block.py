"""boilerplate/repeated-block: a block printed twice in one document (headline, caption, teaser).

What it finds: a line of at least ``min_words`` words whose text appeared on an earlier line (exactly,
after folding case, quotes and spacing), or which repeats most of a line at most ``window`` lines above
(a caption printed once with a credit and again with the site name).
Why it matters: scrapers save a headline from the page title and again from the article header, and a
caption from the image and again from its alt text; the copy inflates n-gram counts and duplicates sentences.
Example: ``Minister resigns over scandal\n\nMinister resigns over scandal\n\nThe minister ...``
-> ``Minister resigns over scandal\n\nThe minister ...``
How to tune: ``min_words`` (shorter lines such as "Share" are left to the other rules), ``window`` and
``min_overlap`` (the share of the later line's words that must repeat a neighbour's word run).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from qc.boilerplate.blocks import line_span, normalise
from qc.model import Document, Finding, Severity
from qc.rule import Rule
from qc.text import WORD_RE, iter_lines


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    min_words: int = 4  # "Share this" / "Read more" repeat legitimately often; 4+ words is a real block
    window: int = 3  # near-copies are looked for this many non-blank lines above (caption + credit pairs)
    min_overlap: float = 0.6  # seed 000's caption repeats 8 of 10 words of the neighbouring line (0.8)
    min_run: int = 5  # the shared word run must be at least this long to count as a near-copy


class RepeatedBlock(Rule):
    id = "boilerplate/repeated-block"
    summary = "A line printed twice in one document (headline, caption); the later copy is removed."
    severity = Severity.WARNING
    fixes = True
    Options = Options

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        o = self.options
        seen: dict[str, int] = {}
        recent: list[tuple[int, list[str]]] = []  # (line number, words) of the last non-blank lines
        for number, (start, end, line) in enumerate(iter_lines(text)):
            if not line.strip():
                continue
            words = [w.lower() for w in WORD_RE.findall(line)]
            key = normalise(line)
            _, span_end = line_span(text, start, end)
            if len(words) >= o.min_words:
                if key in seen:
                    yield self.finding(doc, start, span_end,
                                       f"repeated block: same text as line {seen[key] + 1}", fix="")
                    recent.append((number, words))
                    continue
                seen[key] = number
                bag = set(words)
                for other_no, other in recent[-o.window:]:
                    if len(bag.intersection(other)) < o.min_run:
                        continue  # cannot share a run of min_run words: skip the costly alignment
                    run = _longest_run(other, words)
                    if run >= o.min_run and run >= o.min_overlap * len(words) and len(words) <= len(other) + 2:
                        yield self.finding(doc, start, span_end,
                                           f"repeated block: {run} of its {len(words)} words repeat line "
                                           f"{other_no + 1}", fix="")
                        break
            recent.append((number, words))
            del recent[:-o.window]


def _longest_run(a: list[str], b: list[str]) -> int:
    m = SequenceMatcher(a=a, b=b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size

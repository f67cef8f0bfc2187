"""boilerplate/repeated-block: a block printed twice in one document (headline, caption, teaser).

What it finds: a line of at least ``min_words`` words whose text appeared on an earlier line (exactly,
after folding case, quotes and spacing), or which repeats most of a line at most ``window`` lines above
(a caption printed once with a credit and again with the site name). A run of lines inside the article
core that copies lines printed before the core (a tab of ingredients above a recipe) is the copy kept:
the earlier one goes with the leading furniture.
Why it matters: scrapers save a headline from the page title and again from the article header, and a
caption from the image and again from its alt text; the copy inflates n-gram counts and duplicates sentences.
Example: ``Minister resigns over scandal\n\nMinister resigns over scandal\n\nThe minister ...``
-> ``Minister resigns over scandal\n\nThe minister ...``
How to tune: ``min_words`` (shorter lines such as "Share" are left to the other rules), ``window`` and
``min_overlap`` (the share of the later line's words that must repeat a neighbour's word run),
``keep_core_copy`` (the run length that keeps a core copy; 0: always remove the later copy).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher

from qc.boilerplate.blocks import shared_classifier
from qc.boilerplate.lines import line_span, line_table
from qc.model import Document, Finding, Severity
from qc.rule import Rule
from qc.text import WORD_RE


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    min_words: int = 4  # "Share this" / "Read more" repeat legitimately often; 4+ words is a real block
    window: int = 3  # near-copies are looked for this many non-blank lines above (caption + credit pairs)
    min_overlap: float = 0.6  # seed 000's caption repeats 8 of 10 words of the neighbouring line (0.8)
    min_run: int = 5  # the shared word run must be at least this long to count as a near-copy
    keep_core_copy: int = 3  # a run of at least this many core lines copying lines before the core (removed
    #                          there by ``leading``), none of them furniture, stays: a recipe's ingredients
    #                          printed in a tab above the article and again in it (dev: 3 keep snippets).
    #                          Single copies (a headline, a caption) are still removed; 0 turns this off
    lexicon: str = "boilerplate_phrases.toml"  # the block classifier's settings (shared with ``leading``)
    stopwords: bool = True
    model: str = ""  # the line model (shared with ``leading``; "": the cascade)


class RepeatedBlock(Rule):
    id = "boilerplate/repeated-block"
    summary = "A line printed twice in one document (headline, caption); the later copy is removed."
    severity = Severity.WARNING
    fixes = True
    Options = Options

    def setup(self) -> None:
        self.classifier = shared_classifier(self.resources, self.options.lexicon, self.options.stopwords,
                                             self.options.model)

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        o = self.options
        table = line_table(doc)
        keep = self._core_copies(doc, table) if o.keep_core_copy else set()
        seen: dict[str, int] = {}
        # (line number, words, set of the words) of the last non-blank lines: each set built once, not per pair
        recent: list[tuple[int, list[str], set[str]]] = []
        for number, (start, end, line, folded, key, folded_words) in enumerate(table):
            if not folded:
                continue
            words = folded_words if folded_words_are_words(line) else _words(line)
            if len(words) >= o.min_words:
                if number in keep:
                    seen[key] = number  # the copy the reader keeps: later copies repeat this one
                elif key in seen:
                    yield self.finding(doc, start, line_span(text, start, end)[1],
                                       f"repeated block: same text as line {seen[key] + 1}", fix="")
                    recent.append((number, words, set(words)))
                    continue
                seen[key] = number
                need = max(o.min_run, o.min_overlap * len(words))
                for other_no, other, bag in recent[-o.window:]:
                    if len(words) > len(other) + 2:
                        continue
                    # every word of a shared run is a word of the other line: too few such words, no run
                    if sum(map(bag.__contains__, words)) < need or not _shares_run(other, words, math.ceil(need)):
                        continue
                    run = _longest_run(other, words)  # >= need: a shared run of ceil(need) words exists
                    yield self.finding(doc, start, line_span(text, start, end)[1],
                                       f"repeated block: {run} of its {len(words)} words repeat line "
                                       f"{other_no + 1}", fix="")
                    break
            recent.append((number, words, set(words)))
            del recent[:-o.window]


    def _core_copies(self, doc: Document, table: list) -> set[int]:
        """Lines of the core in runs of >= keep_core_copy lines whose first copies lie before the core;
        a line with furniture evidence (a caption, a credit) is never part of such a run."""
        lines = self.classifier.classify(doc).lines
        first: dict[str, int] = {}
        keep: set[int] = set()
        run: list[int] = []
        for number, row in enumerate(table):
            key = row[4]
            if not row[3]:
                continue  # blank lines neither break nor extend a run
            earlier = first.setdefault(key, number) if key else number
            if earlier < number and lines[number].region == "core" and lines[earlier].region == "lead" \
                    and lines[number].kind != "furniture":
                run.append(number)
                continue
            if len(run) >= self.options.keep_core_copy:
                keep.update(run)
            run = []
        if len(run) >= self.options.keep_core_copy:
            keep.update(run)
        return keep


# Characters that make a line's folded words differ from its words lowered one by one: "İ" lowers to two
# characters (the second no word character), "Σ" lowers by its context (final sigma: a word's own end, or
# the line's), and folding straightens the quotes "’" (inside a word) and "‘" (then joining two words).
# Every other character lowers to one character of the same class (word, joiner, space): checked over all
# code points by the tests.
_FOLD_CHANGES_WORDS = ("\u0130", "\u03a3", "’", "‘")


def folded_words_are_words(line: str) -> bool:
    """Whether the line table's folded words of ``line`` are ``_words(line)`` (tokenising the line again
    was a third of this rule's cost)."""
    return line.isascii() or not any(c in line for c in _FOLD_CHANGES_WORDS)


def _words(line: str) -> list[str]:
    """The line's words, lower-cased: the words joined by spaces are lowered in one call (the same as
    lowering each word, Greek final sigma included: a word ends at a space or at the end alike)."""
    tokens = WORD_RE.findall(line)
    return " ".join(tokens).lower().split(" ") if tokens else []


def _shares_run(a: list[str], b: list[str], size: int) -> bool:
    """Whether ``a`` and ``b`` share a run of ``size`` words: a cheap exact test before ``_longest_run`` (the
    prose paragraphs of a news page share most of their common words, rarely a 5-word run)."""
    if size <= 0:
        return True
    starts: dict[str, list[int]] = {}  # where each word of ``a`` may start a run (no tuple of every n-gram)
    for p in range(len(a) - size + 1):
        starts.setdefault(a[p], []).append(p)
    for i in range(len(b) - size + 1):
        for p in starts.get(b[i], ()):
            if (size == 1 or a[p + 1] == b[i + 1]) and a[p:p + size] == b[i:i + size]:
                return True
    return False


def _longest_run(a: list[str], b: list[str]) -> int:
    m = SequenceMatcher(a=a, b=b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size

"""What ``leading`` and ``trailing`` share: options and turning a region of lines into findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qc.boilerplate.blocks import BlockClassifier, shared_classifier
from qc.boilerplate.lines import Layout
from qc.boilerplate.messages import describe, runs
from qc.model import Document, Finding, Severity
from qc.rule import Rule


@dataclass(frozen=True, slots=True, kw_only=True)
class LayoutOptions:
    lexicon: str = "boilerplate_phrases.toml"  # phrase lexicon (call-to-action, navigation, cookie, ...)
    stopwords: bool = True  # use jusText's stoplists for stopword density (when justext is installed)
    # the learned line model re-deciding the cascade's regions (bench/train_boilerplate.py writes it); "": off
    model: str = ""


class LayoutRule(Rule):
    """Base of the rules reading the shared block classification."""

    severity = Severity.WARNING
    fixes = True
    Options = LayoutOptions
    region = ""

    def setup(self) -> None:
        self.classifier: BlockClassifier = shared_classifier(self.resources, self.options.lexicon,
                                                             self.options.stopwords, self.options.model)

    def layout(self, doc: Document) -> Layout:
        return self.classifier.classify(doc)


class EdgeRule(LayoutRule):
    """``leading`` / ``trailing``: the furniture runs before / after the article core, removed whole."""

    def check(self, doc: Document) -> Iterator[Finding]:
        layout = self.layout(doc)
        if layout.core is None:
            if self.region == "lead" and doc.text.strip():
                # No line reads as article text: flag, but never empty a document by cleaning.
                yield self.finding(doc, 0, len(doc.text), "no article core found: every line looks like page "
                                   "furniture (short lines, labels, links)", fix=None,
                                   severity=Severity.INFO)
            return
        text = doc.text
        first, last = layout.core
        if self.region == "lead" and layout.doubt:
            yield self.finding(doc, layout.lines[first].start, layout.lines[last].end,
                               f"article kept whole in doubt: {layout.doubt}", fix=None, severity=Severity.INFO)
        core_start = layout.lines[first].start
        core_end = layout.lines[last].end
        if self.region == "lead":
            lo, hi = 0, core_start
        else:
            # keep the newline that ends the last article line; remove everything after it
            lo, hi = min(len(text), core_end + 1), len(text)
        if hi <= lo or not text[lo:hi].strip():
            return
        region = [ln for ln in layout.lines if ln.region == self.region]
        groups = runs(region)
        name = "leading" if self.region == "lead" else "trailing"
        for k, group in enumerate(groups):
            start = lo if k == 0 else group[0].start
            end = groups[k + 1][0].start if k + 1 < len(groups) else hi
            n = len(group)
            label = f"{name} block" + (f" ({n} lines)" if n > 1 else "")
            yield self.finding(doc, start, end, f"{label}: {describe(group, text)}", fix="",
                               data={"lines": [group[0].index, group[-1].index]})

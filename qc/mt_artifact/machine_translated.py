"""mt-artifact/machine-translated: the document-level verdict, combining the artifact evidence.

What it finds: documents whose artifacts (transliterations, source acronyms, gender leaks, broken
title casing, source-locale numbers and quotes, calques, name variants, a repeated headline) add up to
machine translation. One finding spans the whole text; ``score`` in [0, 1] is
``1 - exp(-evidence)``, and the message lists the evidence kind by kind with examples.
Why it matters: machine-translated news is poor training data and poor evidence; a curator wants it
found and explained without accusing human writing, so single weak signals (``mln``, a repeated
headline) never decide alone.
Example: a text with ``Ankara said ... She refused``, ``IG``, ``the foreign Ministry`` and ``, – informed
in`` -> score 0.97, "machine-translated: gender-leak She; source-acronym IG; ...".
What the score means: how much artifact evidence the text carries, not the probability that it was
machine-translated. A high score says a translation left traces a careful writer would not (a
transliteration, a gender leak, several calques); a low score says there are no such traces, not that a
human wrote the text. Measured on devdata/mt (WMT21-23 ru-en systems against English and human-translated
news, 35 + 35 documents): human documents flagged 0/35 (0.0; the target is <= 2 %), machine-translated
ones found 13/35 (recall 0.37), rank AUC 0.69.
What it cannot see: fluent modern MT. Neural systems seldom leave these artifacts; most of their output
reads like edited English and scores 0, so a pass here is no evidence of human authorship. It sees only
the source languages it has lexicons for (Russian first), and only English text. Human translations from
Russian carry weak signals too (``mln``, ``This is reported by``), which is why single weak signals never
reach the threshold.
How to tune: ``min_score`` is the verdict threshold; ``weights`` (``rule-name=evidence per finding``)
and ``caps`` (``rule-name=maximum evidence``) set how much each kind counts; each finding's own
``data.weight`` (calque lexicon, number kinds) scales it, and a repeat of the same artifact adds
``repeat_factor`` of it. ``source_lang`` is passed to the evidence
rules. The pack's severity for this rule decides whether a machine-translated document fails.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies
from qc.mt_artifact.calque import Calque
from qc.mt_artifact.gender_leak import GenderLeak
from qc.mt_artifact.name_variants import NameVariants
from qc.mt_artifact.number_format import NumberFormat
from qc.mt_artifact.quote_marks import QuoteMarks
from qc.mt_artifact.repeated_headline import RepeatedHeadline
from qc.mt_artifact.source_acronym import SourceAcronym
from qc.mt_artifact.title_casing import TitleCasing
from qc.mt_artifact.transliteration import Transliteration
from qc.rule import Rule

EVIDENCE_RULES: tuple[type[Rule], ...] = (
    Transliteration, SourceAcronym, GenderLeak, TitleCasing, NumberFormat, QuoteMarks, Calque,
    RepeatedHeadline, NameVariants,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # score >= 0.5 <=> evidence >= 0.69: one strong artifact (a transliteration, a calque only a
    # translation writes: lexicon weight >= 0.8) or two weaker ones. Measured on devdata mt: human
    # translations carry single weak signals (mln, "This is reported by": evidence <= 0.45).
    min_score: float = 0.5
    weights: tuple[str, ...] = (
        "transliteration=1.0", "source-acronym=0.7", "gender-leak=0.7", "title-casing=0.45",
        "number-format=0.5", "quote-marks=0.55", "calque=0.9", "repeated-headline=0.15",
        "name-variants=0.4",
    )
    caps: tuple[str, ...] = (
        "transliteration=2.0", "source-acronym=1.4", "gender-leak=1.4", "title-casing=1.0",
        "number-format=0.8", "quote-marks=1.0", "calque=2.0", "repeated-headline=0.15",
        "name-variants=0.6",
    )
    examples: int = 2
    # Evidence of each repeat of the same artifact, as a share of its first occurrence.
    repeat_factor: float = 0.5


def _table(items: tuple[str, ...]) -> dict[str, float]:
    out = {}
    for item in items:
        name, _, value = item.partition("=")
        out[name.strip()] = float(value)
    return out


class MachineTranslated(Rule):
    id = "mt-artifact/machine-translated"
    summary = "Document-level verdict: the artifacts add up to machine translation (score in [0, 1])."
    severity = Severity.ERROR
    Options = Options

    def setup(self) -> None:
        self.weights = _table(self.options.weights)
        self.caps = _table(self.options.caps)
        self.evidence_rules: list[Rule] = []
        for cls in EVIDENCE_RULES:
            opts = cls.options_from({"source_lang": self.options.source_lang}) \
                if "source_lang" in cls.Options.__dataclass_fields__ else None
            self.evidence_rules.append(cls(options=opts, resources=self.resources))

    def evidence(self, doc: Document) -> tuple[float, dict[str, tuple[float, list[Finding]]]]:
        """Total evidence and, per rule name, (capped evidence, findings)."""
        by_kind: dict[str, tuple[float, list[Finding]]] = {}
        total = 0.0
        for rule in self.evidence_rules:
            name = rule.id.split("/", 1)[1]
            prior = self.prior_findings(doc, rule.id)  # the pack's own run of the rule, when selected
            found = prior if prior is not None else list(rule.check(doc))
            if not found:
                continue
            # the same artifact repeated (one calque, one date format) is one habit, not new evidence:
            # each repeat adds repeat_factor of its weight
            groups: dict[str, list[float]] = {}
            for f in found:
                d = f.data or {}
                key = str(d.get("kind") or d.get("source") or f.excerpt.casefold())
                groups.setdefault(key, []).append(float(d.get("weight", 1.0)))
            w = self.weights.get(name, 0.5)
            raw = sum(w * max(g) * (1 + self.options.repeat_factor * (len(g) - 1)) for g in groups.values())
            value = min(raw, self.caps.get(name, raw))
            by_kind[name] = (value, found)
            total += value
        return total, by_kind

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc) or not doc.text:
            return
        total, by_kind = self.evidence(doc)
        score = 1.0 - math.exp(-total)
        if score < self.options.min_score:
            return
        parts = []
        for name, (value, found) in sorted(by_kind.items(), key=lambda kv: -kv[1][0]):
            shown = ", ".join(repr(f.excerpt[:60]) for f in found[: self.options.examples])
            more = f" +{len(found) - self.options.examples}" if len(found) > self.options.examples else ""
            parts.append(f"{name} x{len(found)} ({value:.2f}): {shown}{more}")
        yield self.finding(
            doc, 0, len(doc.text),
            f"machine-translated (score {score:.2f}, {len(by_kind)} artifact kinds): " + "; ".join(parts),
            score=score,
            data={"kinds": sorted(by_kind), "evidence": round(total, 3)},
        )

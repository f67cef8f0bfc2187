"""untranslated/foreign-script: runs of words in another script than the document's.

What it finds: Cyrillic sentences or captions left in an English article, Latin sentences in a Russian one,
any script against any other. Words of the other script are grouped into one span per fragment: across
punctuation and numbers, across up to ``max_gap_words`` words of the document's script between two
substantial parts (``Ctrl+Enter``, ``(Olaf Scholz)``), and out to the sentence's end when only a word or
two of the document's script is left there.
Why it matters: a scraped translation that keeps pieces of its source is a wrong training or search
document: the reader (or model) gets text in a language the document does not claim.
Example: ``...said on Monday.\\nЛента новостей\\n`` -> ``...said on Monday.\\n`` (own line: removed)
How to tune: ``min_inline_words`` (shortest fragment flagged inside a line), ``max_term_words`` (longest
quoted term, glossed term or name left alone), ``max_glossed_words`` (longest glossed name left alone
inside a sentence), ``allow_quoted``, ``allow_glossed``, ``allow_names``
(legitimate foreign material), ``min_line_words_latin`` (Latin words alone on a line in a non-Latin
document: credits like ``Reuters`` are names), ``remove_at`` (placements cleaning removes: ``line``,
``edge``, ``sentence``, ``inline``), ``defer_ui_strings`` (leave fragments the UI lexicon names to
``untranslated/ui-string``; turn off if you disable that rule but still want them flagged).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qc.lang import segment_probs
from qc.model import Document, Finding
from qc.rule import Rule
from qc.untranslated._common import (
    check_remove_at,
    doc_script,
    doc_sentences,
    doc_single_script,
    doc_tokens,
    enclosed,
    fix_for,
    glossed,
    placement,
    removal_span,
    sentence_of,
)
from qc.untranslated.runs import Run, script_runs
from qc.untranslated.ui_lexicon import UiLexicon


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignScriptOptions:
    # Shortest fragment flagged inside a line of the document's text. Two: one foreign word inside an
    # English sentence is nearly always a name or a term (devdata controls: ФСБ, Яндекс), while every
    # injected fragment has two words or more.
    min_inline_words: int = 2
    # Longest quoted term, glossed term or name left alone: glosses in the wild run 1-3 words
    # (``партия «Яблоко»``, ``Государственная дума``); injected sentences have 5 or more.
    max_term_words: int = 4
    # An organisation's full name with its gloss inside an English sentence runs longer (``Федеральная служба
    # по надзору в сфере связи (Roskomnadzor)``, 7 words); untranslated sentences stand as sentences.
    max_glossed_words: int = 8
    allow_quoted: bool = True
    allow_glossed: bool = True
    allow_names: bool = True
    # Latin words alone on a line of a non-Latin document: one word is a credit or a brand (Reuters).
    min_line_words_latin: int = 2
    max_gap_words: int = 2
    remove_at: tuple[str, ...] = ("line", "edge")
    defer_ui_strings: bool = True


class ForeignScript(Rule):
    id = "untranslated/foreign-script"
    summary = "Words in another script than the document's (Cyrillic in English, Latin in Russian...)."
    fixes = True
    Options = ForeignScriptOptions

    def setup(self) -> None:
        check_remove_at(self.options.remove_at, self.id)
        # the lexicon the pack gives untranslated/ui-string, so that both rules name the same strings
        self._ui = UiLexicon.configured(self.resources) if self.options.defer_ui_strings else None

    def legitimate(self, text: str, run: Run, where: str) -> str | None:
        """Why a short fragment belongs in the text (a quoted or glossed term, a name), or None."""
        o = self.options
        if where == "line":
            return None
        is_glossed = o.allow_glossed and (glossed(text, run.end) or glossed(text, run.core_end))
        if is_glossed and where == "inline" and run.words <= o.max_glossed_words:
            return "glossed name"  # inside an English sentence: The regulator, Федеральная служба ... (Roskomnadzor)
        if run.words > o.max_term_words:
            return None
        if is_glossed:
            return "glossed term"
        if o.allow_quoted and where != "sentence" and (
                enclosed(text, run.start, run.end) or enclosed(text, run.core_start, run.core_end)):
            return "quoted term"
        if o.allow_names and run.words <= 3 and run.native == 0 and all(t.is_name for t in run.foreign) \
                and where == "inline":
            return "name"
        return None

    def check(self, doc: Document) -> Iterator[Finding]:
        if doc_single_script(doc):
            return  # every letter in the document's script: nothing to find (most documents)
        text = doc.text
        dscript = doc_script(doc)
        o = self.options
        ui_spans = self._ui.doc_spans(doc) if self._ui is not None else []
        sentences = doc_sentences(doc)
        runs = script_runs(text, dscript, o.max_gap_words, o.max_term_words, toks=doc_tokens(doc),
                           sentences=sentences)
        for run in runs:
            where = placement(text, run.start, run.end, sentence_of(sentences, run.start))
            if self.legitimate(text, run, where):
                continue
            latin = run.script == "LATIN"
            if where in ("line", "edge"):
                need = o.min_line_words_latin if latin else 1
                if latin and all(t.is_name for t in run.foreign):
                    need = max(need, 4)
            elif where == "sentence":
                need = o.min_inline_words if not latin else max(o.min_inline_words, 3)
            else:
                need = o.min_inline_words if not latin else max(o.min_inline_words, 4)
            if run.words < need:
                continue
            if any(s < run.end and run.start < e for s, e in ui_spans):
                continue
            lang = segment_probs(text[run.start:run.end], k=1)[0][0]
            fix = fix_for(where, o.remove_at)
            start, end = removal_span(text, run.start, run.end, where) if fix is not None else (run.start, run.end)
            yield self.finding(
                doc, start, end,
                f"{run.words} words in {run.script.title()} script ({lang}) in a {dscript.title()}-script "
                f"document ({where})",
                fix=fix, data={"script": run.script, "lang": lang, "placement": where},
            )

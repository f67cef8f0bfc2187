"""untranslated/ui-string: a news site's interface string left in a document of another language.

What it finds: buttons, links and captions of the source site (``Читать далее``, ``Lesen Sie auch``,
``Заголовок открываемого материала``) in a document written in another language, wherever they stand.
The fragment is the whole foreign-script run holding the string (``Фото: Фрагмент из видео ...``), or the
string itself in a same-script language. The lexicon only names fragments: unlisted strings are still
found by ``untranslated/foreign-script`` and ``untranslated/foreign-language``.
Why it matters: interface text is never part of the article; in a translation it is also in the wrong
language, so language filters and models trained on the text see both kinds of noise.
Example: ``...the war.\\nЗаголовок открываемого материала`` -> ``...the war.``
How to tune: the lexicon ``lexicons/untranslated_ui_strings.toml`` (strings by language; a pack can ship
its own next to it), ``lexicon`` (its name), ``remove_at`` (placements cleaning removes).
Single-word entries count only alone on a line, so ``Реклама`` in a quoted gloss stays.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding
from qc.rule import Rule
from qc.untranslated._common import (
    check_remove_at,
    doc_script,
    doc_sentences,
    doc_tokens,
    fix_for,
    placement,
    removal_span,
    sentence_of,
    token_script,
)
from qc.untranslated.runs import script_runs
from qc.untranslated.ui_lexicon import DEFAULT_LEXICON, UI_STRING_RULE, UiLexicon, UiMatch


@dataclass(frozen=True, slots=True, kw_only=True)
class UiStringOptions:
    lexicon: str = DEFAULT_LEXICON
    remove_at: tuple[str, ...] = ("line", "edge")
    max_gap_words: int = 2


class UiString(Rule):
    id = UI_STRING_RULE
    summary = "A news site's interface string (Читать далее, Lesen Sie auch...) in another language."
    fixes = True
    Options = UiStringOptions

    def setup(self) -> None:
        check_remove_at(self.options.remove_at, self.id)
        self.lexicon = UiLexicon.load(self.resources, self.options.lexicon)

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        found = self.lexicon.doc_matches(doc)
        if not found:
            return
        dscript = doc_script(doc)
        sentences = doc_sentences(doc)
        runs = script_runs(text, dscript, self.options.max_gap_words, toks=doc_tokens(doc), sentences=sentences)
        # Each match grows to the foreign-script run that holds it; matches in one run make one finding.
        groups: list[tuple[int, int, list[UiMatch]]] = []
        for m in found:
            start, end = m.start, m.end
            if token_script(m.text) != dscript:
                for r in runs:
                    if r.start < m.end and m.start < r.end:
                        start, end = min(start, r.start), max(end, r.end)
                        break
            if groups and start < groups[-1][1]:
                gs, ge, ms = groups[-1]
                groups[-1] = (min(gs, start), max(ge, end), [*ms, m])
            else:
                groups.append((start, end, [m]))
        for start, end, ms in groups:
            where = placement(text, start, end, sentence_of(sentences, start))
            fix = fix_for(where, self.options.remove_at)
            fs, fe = removal_span(text, start, end, where) if fix is not None else (start, end)
            langs = sorted({lang for m in ms for lang in m.langs})
            names = "; ".join(dict.fromkeys(m.text for m in ms))
            yield self.finding(
                doc, fs, fe, f"site interface string ({'/'.join(langs)}): {names} ({where})",
                fix=fix, data={"strings": [m.text for m in ms], "lang": langs[0], "placement": where},
            )

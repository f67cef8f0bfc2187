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

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding
from qc.rule import Resources, Rule
from qc.text import iter_sentences
from qc.untranslated._common import (
    check_remove_at,
    document_script,
    enclosed,
    fix_for,
    glossed,
    placement,
    removal_span,
    token_script,
)

DEFAULT_LEXICON = "untranslated_ui_strings.toml"


@dataclass(frozen=True, slots=True)
class UiMatch:
    start: int
    end: int
    text: str
    langs: frozenset[str]


class UiLexicon:
    """Interface strings by language, compiled into one case-insensitive pattern."""

    def __init__(self, by_lang: dict[str, list[str]]):
        self.langs: dict[str, set[str]] = {}
        for lang, entries in by_lang.items():
            for entry in entries:
                self.langs.setdefault(entry.casefold(), set()).add(lang)
        alts = sorted(self.langs, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alts) or r"(?!x)x"
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?![\w])", re.IGNORECASE)

    @classmethod
    def load(cls, resources: Resources, name: str = DEFAULT_LEXICON) -> UiLexicon:
        data = resources.toml(name)
        return cls({lang: [str(e) for e in entries] for lang, entries in data.items()})

    def matches(self, text: str, doc_lang: str) -> list[UiMatch]:
        """Strings of another language than ``doc_lang``; single words only alone on their line."""
        out = []
        for m in self.pattern.finditer(text):
            langs = self.langs.get(m.group().casefold(), set())
            if not langs or doc_lang in langs:
                continue
            if " " not in m.group().strip() and placement(text, m.start(), m.end()) != "line":
                continue
            if enclosed(text, m.start(), m.end()) and glossed(text, m.end()):
                continue  # a quoted term with its translation: “Лента новостей” (news feed)
            out.append(UiMatch(m.start(), m.end(), m.group(), frozenset(langs)))
        return out

    def spans(self, text: str, doc_lang: str) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.matches(text, doc_lang)]


@dataclass(frozen=True, slots=True, kw_only=True)
class UiStringOptions:
    lexicon: str = DEFAULT_LEXICON
    remove_at: tuple[str, ...] = ("line", "edge")
    max_gap_words: int = 2


class UiString(Rule):
    id = "untranslated/ui-string"
    summary = "A news site's interface string (Читать далее, Lesen Sie auch...) in another language."
    fixes = True
    Options = UiStringOptions

    def setup(self) -> None:
        check_remove_at(self.options.remove_at, self.id)
        self.lexicon = UiLexicon.load(self.resources, self.options.lexicon)

    def check(self, doc: Document) -> Iterator[Finding]:
        from qc.untranslated.foreign_script import script_runs

        text = doc.text
        found = self.lexicon.matches(text, doc.lang)
        if not found:
            return
        dscript = document_script(text, doc.lang)
        runs = script_runs(text, dscript, self.options.max_gap_words)
        sentences = list(iter_sentences(text))
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
            sent = next(((s, e) for s, e in sentences if s <= start < e), None)
            where = placement(text, start, end, sent)
            fix = fix_for(where, self.options.remove_at)
            fs, fe = removal_span(text, start, end, where) if fix is not None else (start, end)
            langs = sorted({lang for m in ms for lang in m.langs})
            names = "; ".join(dict.fromkeys(m.text for m in ms))
            yield self.finding(
                doc, fs, fe, f"site interface string ({'/'.join(langs)}): {names} ({where})",
                fix=fix, data={"strings": [m.text for m in ms], "lang": langs[0], "placement": where},
            )

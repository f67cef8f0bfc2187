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

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding
from qc.rule import Resources, Rule
from qc.text import WORD_RE
from qc.untranslated._common import (
    check_remove_at,
    doc_script,
    doc_sentences,
    doc_tokens,
    enclosed,
    fix_for,
    glossed,
    placement,
    removal_span,
    sentence_of,
    token_script,
)

DEFAULT_LEXICON = "untranslated_ui_strings.toml"
# A word token runs on across ' and - (``Войти-то``) where an entry may stop; its head is looked up too.
_HEAD_RE = re.compile(r"['’\-]")


@dataclass(frozen=True, slots=True)
class UiMatch:
    start: int
    end: int
    text: str
    langs: frozenset[str]


class UiLexicon:
    """Interface strings by language. Matching looks the text's words up in the set of the entries' first
    words and tries the entries only where one stands: a flat alternation of ~300 strings tried at every
    position of the text cost ~2 ms per 3 KB document; this costs ~0.1 ms."""

    def __init__(self, by_lang: dict[str, list[str]], name: str = DEFAULT_LEXICON):
        self.name = name
        self.langs: dict[str, set[str]] = {}
        lowered: set[str] = set()
        for lang, entries in by_lang.items():
            for entry in entries:
                self.langs.setdefault(entry.casefold(), set()).add(lang)
                lowered.add(entry.lower())  # not casefold: ``schließen`` must still match ``Schließen``
        alts = sorted(lowered, key=len, reverse=True)
        body = "|".join(re.escape(a) for a in alts) or r"(?!x)x"
        self.pattern = re.compile(rf"(?:{body})(?![\w])", re.IGNORECASE)
        # Look-up keys: an entry's first two words (its only word for one-word entries).
        self.keys: set[str] = set()
        for entry in lowered:
            words = WORD_RE.findall(entry)
            if words:
                self.keys.add(" ".join(words[:2]))
        # Entries that do not start with a word (``© ...``) are tried at every position.
        self.bare = re.compile(
            rf"(?<!\w)(?:{'|'.join(re.escape(a) for a in alts if not a[:1].isalnum())})(?![\w])", re.IGNORECASE
        ) if any(not a[:1].isalnum() for a in alts) else None

    @classmethod
    def load(cls, resources: Resources, name: str = DEFAULT_LEXICON) -> UiLexicon:
        data = resources.toml(name)
        return cls({lang: [str(e) for e in entries] for lang, entries in data.items()}, name)

    def _raw(self, text: str) -> list[re.Match[str]]:
        found: list[re.Match[str]] = []
        words = WORD_RE.findall(text.lower())
        heads = [_HEAD_RE.split(w)[0] for w in words if _HEAD_RE.search(w)]
        grams = {*words, *heads, *map(" ".join, itertools.pairwise(words))}
        hits = {k.split(" ")[0] for k in grams & self.keys}
        if hits:  # most documents: none; the entries are tried only where a hit's first word stands
            alts = "|".join(sorted(map(re.escape, hits), key=len, reverse=True))
            for c in re.finditer(rf"(?<!\w)(?:{alts})", text, re.IGNORECASE):
                if found and c.start() < found[-1].end():
                    continue
                m = self.pattern.match(text, c.start())
                if m is not None:
                    found.append(m)
        if self.bare is not None:
            found = sorted([*found, *self.bare.finditer(text)], key=lambda m: m.start())
        return found

    def matches(self, text: str, doc_lang: str) -> list[UiMatch]:
        """Strings of another language than ``doc_lang``; single words only alone on their line."""
        out = []
        for m in self._raw(text):
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

    def doc_matches(self, doc: Document) -> list[UiMatch]:
        """``matches`` of a document, computed once for the three rules of the family."""
        key = ("untranslated", "ui", self.name)
        if key not in doc.memo:
            doc.memo[key] = self.matches(doc.text, doc.lang)
        return doc.memo[key]

    def doc_spans(self, doc: Document) -> list[tuple[int, int]]:
        return [(m.start, m.end) for m in self.doc_matches(doc)]


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

"""mt-artifact/calque: source-language phrases rendered word for word (calques).

What it finds: phrases of the lexicon ``mt_calques_<lang>.toml``, each with the source phrase it renders
(``according to the words of`` = по словам, ``It is specified that`` = уточняется, что), and
constructions over word classes (``mt_constructions_<lang>.toml``), which catch the same syntax with
other words. The Russian constructions (word classes in braces):
- ``{told/informed/clarified...} to {media name}`` (сообщил РИА Новости): ``told to RIA Novosti``; not
  ``told RIA Novosti``, ``explained to CNN``;
- ``, {reports/writes} the {agency/edition/portal/correspondent}`` (сообщает агентство), and
  ``, reports {media name} with reference to ...`` (со ссылкой на): to the clause end;
- ``with reference to (own) sources / the press service / {institution}`` (со ссылкой на);
- ``, {informed/told/said} in the ... {ministry/administration/court...}`` (сообщили в министерстве):
  a subjectless inverted attribution; not ``, said in a statement``;
- ``according to the {words/opinion/data/assessment...} of``, ``by data of (mass media)`` (по словам, по
  данным СМИ);
- ``in the nearest {time/days/weeks...}`` (в ближайшее время), ``in the current year`` (в текущем году);
- ``on the background of`` (на фоне); not ``on the sidelines of``;
- ``tens of {people/residents/houses...}`` (десятки); not ``tens of thousands``;
- ``received {injuries/wounds/burns/a fracture...}`` (получил ранения, травмы);
- ``{depend/refuse} from``, ``declined from comments`` (зависеть от, отказаться от); not ``declined
  from 5 %``;
- ``it is {specified/clarified/noted...} that`` (уточняется, что), ``let us {note/recall...} that``
  (отметим, напомним);
- ``In its turn`` (в свою очередь), ``as it is known`` (как известно), ``on this fact`` (по данному факту),
  ``the first persons`` (первые лица), ``the head of the ... Ministry`` (глава МИД);
- ``{passed/was held} in a {constructive...} key`` (прошла в конструктивном ключе); not ``in a minor key``.
Why it matters: these are grammatical but not English; they show a translation that followed the
source's words, and they read badly in training data.
Example: ``The price depends from the season.`` -> ``depends from`` flagged (English: depends on).
Speed: each pattern runs only on documents holding one string of every literal group derived from
it, and only in windows around its rarest group's occurrences.
How to tune: add or remove entries in the lexicon (``pattern``, ``source``, ``english``, ``weight`` for
the document score, ``extend`` to cover the whole inverted clause); add members to the constructions'
word classes (``[grammar]``: closed classes; ``[items]``: media names); ``constructions = false`` keeps
the phrase list alone; ``source_lang`` picks the files.
"""

from __future__ import annotations

import hashlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from qc.cache import cached
from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import _wordfreq_version, applies, word_zipf
from qc.rule import Rule
from qc.text import word_pieces
from qc.untranslated._common import known_lower_words


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    source_lang: str = "ru"
    # An extended span stops at the clause end, or after this many characters.
    max_extend: int = 80
    # Also the constructions over word classes of mt_constructions_<lang>.toml (listed above).
    constructions: bool = True


_CLAUSE_END = re.compile(r"[.;!?\n]|,\s|\s[–—]\s")
_CLASS_REF = re.compile(r"\{([a-z_]+)\}")
_VOCAB = re.compile(r"[a-z]+")


def expand_constructions(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Constructions with each ``{class}`` replaced by the alternation of its members (longest first), as
    entries of the same shape as the phrase lexicon's."""
    classes = {**data.get("grammar", {}), **data.get("items", {})}

    def alternation(m: re.Match[str]) -> str:
        members = sorted(set(classes[m.group(1)]), key=lambda w: (-len(w), w))
        return "|".join(re.escape(w).replace(r"\ ", " ") for w in members)

    out = []
    for c in data.get("construction", ()):
        entry = {**c, "pattern": _CLASS_REF.sub(alternation, c["pattern"])}
        if c.get("anchor"):  # a class every match holds a member of, as a whole word or phrase
            anchor = c["anchor"]
            members = {m.lower() for m in (classes[anchor] if isinstance(anchor, str) else anchor)}
            phrases = sorted(m for m in members if not m.isalpha())  # tested by their first word, then whole
            entry["anchor"] = (frozenset(m for m in members if m.isalpha()),
                               tuple((p, (_VOCAB.match(p) or _VOCAB.search(p) or re.match("", p)).group())
                                     for p in phrases))
        out.append(entry)
    return out



def literal_groups(pattern: str, flags: int = 0) -> tuple[frozenset[str], ...]:
    """Groups of strings such that every match of ``pattern`` contains one string of each group,
    rarest group first; empty when none can be derived.

    A prefilter: a document that lacks one group cannot match, so the regex is never run. Requiring
    every group (``it is `` and necessary/needed/worth and note/mention/...) rather than one keeps
    the regexes off most documents (cuts the rule's time by ~60 % on the perf corpus). Derived from
    the parsed pattern, so lexicon authors do not maintain it; any parsing trouble just disables the
    prefilter for that pattern.
    """
    try:
        import re._constants as c  # type: ignore[import-not-found]
        import re._parser as sp  # type: ignore[import-not-found]
    except ImportError:  # pragma: no cover - other Python versions
        return ()

    def runs_of(items: list[Any]) -> list[set[str]]:
        runs: list[set[str]] = []
        cur: list[str] = []
        for op, av in items:
            if op is c.LITERAL:
                cur.append(chr(av))
                continue
            if cur:
                runs.append({"".join(cur)})
                cur = []
            if op is c.SUBPATTERN:
                sub = seq(list(av[3]))
                if sub:
                    runs.append(sub)
            elif op is c.BRANCH:
                alts = [seq(list(b)) for b in av[1]]
                if all(alts):
                    runs.append(set().union(*alts))  # type: ignore[arg-type]
        if cur:
            runs.append({"".join(cur)})
        return [r for r in runs if all(len(x.strip()) >= 3 for x in r)]

    def seq(items: list[Any]) -> set[str] | None:
        good = runs_of(items)
        return min(good, key=_cost) if good else None

    try:
        groups = sorted(runs_of(list(sp.parse(pattern, flags))), key=_cost)
    except Exception:  # a prefilter must never break the rule
        return ()
    fold = bool(flags & re.IGNORECASE)
    return tuple(frozenset(x.lower() if fold else x for x in g) for g in groups)


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """The rarest group of :func:`literal_groups` (one of its strings is in every match), or None."""
    groups = literal_groups(pattern, flags)
    return groups[0] if groups else None


# Context kept around a window so that lookarounds and word boundaries see the real text.
_MARGIN = 40


def max_width(pattern: str, flags: int = 0) -> int | None:
    """The longest string ``pattern`` can match, or None when unbounded (or unknown)."""
    try:
        import re._parser as sp  # type: ignore[import-not-found]

        hi = sp.parse(pattern, flags).getwidth()[1]
    except Exception:  # a speed-up must never break the rule
        return None
    return hi if hi < 1000 else None


def _windows(hay: str, group: frozenset[str], width: int) -> list[tuple[int, int]]:
    """Merged (start, end) windows around every occurrence of the group's strings, wide enough to hold
    any match through it plus a margin."""
    wins = []
    n = len(hay)
    for lit in group:
        i = hay.find(lit)
        while i >= 0:
            wins.append((max(0, i - width - _MARGIN), min(n, i + len(lit) + width + _MARGIN)))
            i = hay.find(lit, i + 1)
    return _merged(wins)


def _windows_at(n: int, group: frozenset[str], at: dict[str, list[int]], width: int) -> list[tuple[int, int]]:
    """:func:`_windows` for a text of length ``n`` where ``at`` gives every start of each string (those
    the automaton found): the same windows without a substring scan per string."""
    wins = [(max(0, i - width - _MARGIN), min(n, i + len(lit) + width + _MARGIN))
            for lit in group for i in at.get(lit, ())]
    return _merged(wins)


def _merged(wins: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The windows sorted, overlapping or touching ones merged."""
    wins.sort()
    merged: list[tuple[int, int]] = []
    for a, b in wins:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _vocab(lowered: str, known: tuple[str, list[int], list[str]] | None) -> set[str]:
    """``set(_VOCAB.findall(lowered))``. ``known``: the untranslated family's words of ``lowered``
    (``WORD_RE``'s, :func:`qc.untranslated._common.doc_lower_words`), when a rule has read them: every
    maximal run of a-z lies inside one of them (a-z are word characters, and two words are parted by a
    non-word character), so the runs are their distinct words' own: the word itself when all a-z, a scan
    of it otherwise (:func:`qc.text.word_pieces`)."""
    if known is None or known[0] != lowered:
        return set(_VOCAB.findall(lowered))
    whole, inner = word_pieces(known[2], _VOCAB.findall)
    return whole | inner


def _has_all(hay: str, groups: tuple[frozenset[str], ...]) -> bool:
    """One string of every group occurs in ``hay`` (plain loops: generators cost more than the scans)."""
    for group in groups:
        for lit in group:
            if lit in hay:
                break
        else:
            return False
    return True


def _cost(literals: set[str]) -> float:
    """Roughly how often a text contains one of ``literals``: the sum of each literal's rarest whole
    word's English frequency (a literal without a whole word of 3+ letters, "on th", counts as 1).
    The prefilter keeps the rarest set (spoke/came out, not " with ")."""
    freqs = word_zipf("en")
    total = 0.0
    for lit in literals:
        words = [w for w in re.findall(r"[a-z]+", lit.lower()) if len(w) >= 3]
        total += min((10 ** (freqs.get(w, 0.0) - 9) for w in words), default=1.0)
    return total


def _flags(entry: dict[str, Any]) -> int:
    return re.MULTILINE | (0 if entry.get("case") else re.IGNORECASE)


def prefilters(specs: list[tuple[str, int, bool]]) -> list[tuple[tuple[frozenset[str], ...], int | None]]:
    """(literal groups, max width) per (pattern, flags, anchored?); an anchored pattern gets no groups.

    Read from the on-disk cache when this module, Python (its regex parser) and wordfreq (the
    groups' order) are unchanged: parsing ~200 patterns and ranking literals by English frequency
    (which loads the English word index) cost ~0.35 s per process."""
    key = (hashlib.sha256(Path(__file__).read_bytes()).hexdigest(), sys.version_info[:2], _wordfreq_version(),
           tuple(specs))

    def build() -> list[tuple[tuple[frozenset[str], ...], int | None]]:
        for pattern, flags, _ in specs:  # a broken pattern fails the build, not the first document
            re.compile(pattern, flags)
        return [(() if anchored else literal_groups(pattern, flags), max_width(pattern, flags))
                for pattern, flags, anchored in specs]

    return cached("calque-prefilters", key, build)


class LazyPattern:
    """A regex compiled on its first search: the prefilters keep most patterns off every document
    of a typical process, so compiling all ~200 in setup (~0.1 s) is mostly wasted. After the first
    search, ``finditer`` is the compiled pattern's own method."""

    def __init__(self, pattern: str, flags: int):
        self.pattern, self.flags = pattern, flags

    def finditer(self, text: str, *bounds: int) -> Iterator[re.Match[str]]:
        finditer = self.finditer = re.compile(self.pattern, self.flags).finditer  # type: ignore[method-assign]
        return finditer(text, *bounds)


class Calque(Rule):
    id = "mt-artifact/calque"
    summary = "Calques: source-language phrases rendered word for word (according to the words of, depends from)."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        lang = self.options.source_lang
        entries = list(self.resources.toml(f"mt_calques_{lang}.toml")["calque"])
        if self.options.constructions:
            entries += expand_constructions(self.resources.toml(f"mt_constructions_{lang}.toml"))
        # (regex, entry, literal groups, case-folded?, longest match or None when unbounded)
        self.entries: list[tuple[LazyPattern, dict[str, Any], tuple[frozenset[str], ...], bool, int | None]] = []
        specs = [(e["pattern"], _flags(e), bool(e.get("anchor"))) for e in entries]
        for e, (pattern, flags, _), (groups, width) in zip(entries, specs, prefilters(specs), strict=True):
            self.entries.append((LazyPattern(pattern, flags), e, groups, not e.get("case"), width))
        self._indexed: list[Any] | None = None  # the entries list _index was built for (on first use)

    def _index(self) -> None:
        """The prefilter turned around: (case-folded?, string of an entry's rarest group) -> the entries
        whose rarest group holds it, found in a text by one Aho-Corasick pass per case (a substring scan
        per string read the document ~150 times). Built for the current ``entries`` list."""
        self._indexed = self.entries
        self._always = [i for i, entry in enumerate(self.entries) if entry[1].get("anchor") or not entry[2]]
        self._by_first: dict[tuple[bool, str], list[int]] = {}
        for i, (_p, e, groups, fold, _w) in enumerate(self.entries):
            if groups and not e.get("anchor"):
                for lit in sorted(groups[0]):
                    self._by_first.setdefault((fold, lit), []).append(i)
        self._automata: dict[bool, ahocorasick.Automaton] = {}
        for fold, lit in self._by_first:
            self._automata.setdefault(fold, ahocorasick.Automaton()).add_word(lit, (fold, lit))
        for automaton in self._automata.values():
            automaton.make_automaton()

    def _live(self, text: str, lowered: str) -> tuple[list[int], dict[bool, dict[str, list[int]]]]:
        """Indices of the entries whose rarest literal group has a string in the text (lower-cased for a
        case-folded entry), and of those without groups, in the entries' own order (ties of equal spans
        keep it); and per case-folding, where each string found starts (every occurrence, overlapping
        ones too, as a substring scan finds them), for the search windows."""
        if self._indexed is not self.entries:  # first use, or a new entries list
            self._index()
        live = set(self._always)
        at: dict[bool, dict[str, list[int]]] = {False: {}, True: {}}
        for fold, automaton in self._automata.items():
            starts = at[fold]
            for end, (_fold, lit) in automaton.iter(lowered if fold else text):
                starts.setdefault(lit, []).append(end + 1 - len(lit))
            for lit in starts:
                live.update(self._by_first[fold, lit])
        return sorted(live), at

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        lowered = text.lower()
        same_offsets = len(lowered) == len(text)  # lower() can lengthen a few characters (İ)
        spans: list[tuple[int, int, dict[str, Any]]] = []
        vocab: set[str] | None = None
        live, at = self._live(text, lowered)
        for i in live:
            pattern, e, groups, fold, width = self.entries[i]
            hay = lowered if fold else text
            anchor = e.get("anchor")
            if anchor:
                # a construction over a large word class: one word set per document instead of a substring
                # scan per member (the class members are whole words in the pattern)
                if vocab is None:
                    vocab = _vocab(lowered, known_lower_words(doc))
                present = anchor[0] & vocab
                for phrase, first in anchor[1]:
                    if first in vocab and phrase in lowered:
                        present = present | {phrase}
                if not present:
                    continue
                if width is not None and same_offsets:  # search only around the members found
                    found = {(m.start(), m.end()) for a, b in _windows(lowered, present, width)
                             for m in pattern.finditer(text, a, b)}
                else:
                    found = {(m.start(), m.end()) for m in pattern.finditer(text)}
            elif not _has_all(hay, groups[1:]):  # the rarest group is present (the entry is live)
                continue
            elif width is not None and groups and (same_offsets or not fold):
                # every match holds one of the rarest group's strings: search only around them (the
                # automaton found them all: the entry's rarest group is what it indexes)
                found = {(m.start(), m.end()) for a, b in _windows_at(len(hay), groups[0], at[fold], width)
                         for m in pattern.finditer(text, a, b)}
            else:
                found = {(m.start(), m.end()) for m in pattern.finditer(text)}
            for start, end in sorted(found):
                if end <= start:
                    continue
                if e.get("extend"):
                    stop = _CLAUSE_END.search(text, end, min(len(text), end + self.options.max_extend))
                    end = stop.start() if stop else end
                spans.append((start, end, e))
        # overlapping matches of several patterns: keep the longest
        spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
        last_end = -1
        for start, end, e in spans:
            if start < last_end:
                continue
            last_end = end
            yield self.finding(
                doc, start, end,
                f"calque of {e['source']!r}: {text[start:end]!r}; English: {e['english']}",
                data={"source": e["source"], "english": e["english"], "weight": e.get("weight", 1.0)},
            )

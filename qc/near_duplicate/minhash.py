"""Vectorised MinHash, bit-identical to ``datasketch.MinHash`` (datasketch >= 2.0).

datasketch's default scheme ``affine32`` hashes every element to 32 bits (``sha1_hash32`` unless a
``hashfunc`` is given), pre-mixes it with the 32-bit MurmurHash3 finaliser and permutes it with
``a * h + b mod 2^32`` (``a`` odd), where ``a`` and ``b`` come from ``numpy.random.RandomState(seed)``;
the signature is the column-wise minimum. The ``legacy`` scheme (datasketch < 2.0) uses
``(a * h + b) mod (2^61 - 1)`` in wrapping uint64 arithmetic, masked to 32 bits. Both are reproduced here
exactly, over a whole document's element hashes at once (numpy, in blocks that stay in cache), so a
signature computed here equals ``MinHash(num_perm, seed, hashfunc=..., scheme=...)`` fed the same
elements, and exports to ``datasketch.LeanMinHash`` for interchange.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

AFFINE32 = "affine32"
LEGACY = "legacy"
SCHEMES = (AFFINE32, LEGACY)

_MERSENNE = np.uint64((1 << 61) - 1)
_MAX32 = np.uint64((1 << 32) - 1)
# Element hashes per block, across documents (a 3 KB news document has ~450 shingles, so a block holds
# ~18 of them), and permutations per pass over a block: 32 x 8,192 x 4 bytes = 1 MiB stays in L2 while
# it is multiplied, offset and reduced (all 128 permutations at once, 4 MiB, went out to memory between
# the three passes: 36 us per document against 25 us, bench corpus, development machine; 2,048-hash
# blocks pay numpy's per-call overhead: 40 us).
_BLOCK = 8192
_PERM_CHUNK = 32


@lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int, scheme: str = AFFINE32) -> tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` exactly as ``datasketch.MinHash._init_permutations`` draws them."""
    gen = np.random.RandomState(seed)
    if scheme == LEGACY:
        pairs = np.array([(gen.randint(1, _MERSENNE, dtype=np.uint64), gen.randint(0, _MERSENNE, dtype=np.uint64))
                          for _ in range(num_perm)], dtype=np.uint64).T
        a, b = pairs[0].copy(), pairs[1].copy()
    elif scheme == AFFINE32:
        a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
        b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    else:
        raise ValueError(f"unknown MinHash scheme {scheme!r}; known: {', '.join(SCHEMES)}")
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finaliser (datasketch's pre-mix), on a uint32 array; wraps like C."""
    h = h.astype(np.uint32, copy=True)
    h ^= h >> np.uint32(16)
    h *= np.uint32(0x85EBCA6B)
    h ^= h >> np.uint32(13)
    h *= np.uint32(0xC2B2AE35)
    h ^= h >> np.uint32(16)
    return h


class MinHasher:
    """Signatures of sets of 32-bit element hashes, for one ``(num_perm, seed, scheme)``."""

    def __init__(self, num_perm: int = 128, seed: int = 1, scheme: str = AFFINE32):
        if num_perm < 1:
            raise ValueError("num_perm must be positive")
        self.num_perm = num_perm
        self.seed = seed
        self.scheme = scheme
        self.a, self.b = permutations(num_perm, seed, scheme)
        self._a_col, self._b_col = self.a[:, None], self.b[:, None]
        self.dtype = np.uint32 if scheme == AFFINE32 else np.uint64
        self.empty = np.full(num_perm, 0xFFFFFFFF, dtype=self.dtype)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """The signature of the set of element hashes (uint32 values; duplicates are harmless)."""
        hv = np.asarray(hashes)
        return self.signatures(hv, np.array([0, hv.shape[0]], dtype=np.int64))[0]

    def signatures(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """``(sets, num_perm)``: the signature of each set ``hashes[offsets[i]:offsets[i + 1]]``
        (an empty one gets ``empty``), computed over all of them in blocks of ``_BLOCK`` hashes: one
        permutation pass per block and a segment minimum per set (``minimum.reduceat``)."""
        hv = np.asarray(hashes)
        k = offsets.shape[0] - 1
        if self.scheme == LEGACY:
            return np.array([self._legacy(hv[lo:hi].astype(np.uint64)) if hi > lo else self.empty
                             for lo, hi in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)],
                            dtype=self.dtype).reshape(k, self.num_perm)
        out = np.full((self.num_perm, k), 0xFFFFFFFF, dtype=np.uint32)
        full = np.flatnonzero(offsets[1:] > offsets[:-1])
        if full.size == 0:
            return out.T.copy()
        starts = offsets[full]  # the non-empty sets' starts, increasing
        hv = fmix32(hv.astype(np.uint32, copy=False))
        # (permutations, block) layout: each permutation's minimum is a reduction over one contiguous row;
        # numpy's broadcast multiply and add run ~2.5x faster per element on blocks of 8,192 than on one
        # document's ~450 (measured on the development machine), hence the blocks across documents
        chunk = min(_PERM_CHUNK, self.num_perm)
        buf = np.empty((chunk, min(_BLOCK, hv.shape[0])), dtype=np.uint32)
        for lo in range(0, hv.shape[0], _BLOCK):
            hi = min(lo + _BLOCK, hv.shape[0])
            first = int(np.searchsorted(starts, lo, side="right")) - 1  # the set holding hash lo
            last = int(np.searchsorted(starts, hi, side="left"))  # one past the last set starting before hi
            at = np.maximum(starts[first:last], lo) - lo
            cols = full[first:last]
            block = hv[None, lo:hi]
            for p in range(0, self.num_perm, chunk):
                q = min(p + chunk, self.num_perm)
                view = buf[: q - p, : hi - lo]
                np.multiply(self._a_col[p:q], block, out=view)
                view += self._b_col[p:q]
                m = np.minimum.reduceat(view, at, axis=1)
                out[p:q, cols] = np.minimum(out[p:q, cols], m)
        return out.T.copy()

    def _legacy(self, hv: np.ndarray) -> np.ndarray:
        out = self.empty.copy()
        for lo in range(0, hv.shape[0], _BLOCK):
            blk = hv[lo:lo + _BLOCK, None]
            phv = np.bitwise_and((blk * self.a + self.b) % _MERSENNE, _MAX32)
            out = np.minimum(out, phv.min(axis=0))
        return out

    def to_lean(self, signature: np.ndarray):  # -> datasketch.LeanMinHash
        """The signature as a ``datasketch.LeanMinHash`` (the interchange format)."""
        from datasketch import LeanMinHash

        return LeanMinHash(seed=self.seed, hashvalues=np.asarray(signature, dtype=self.dtype), scheme=self.scheme)

    def to_minhash(self, signature: np.ndarray, hashfunc=None):  # -> datasketch.MinHash
        """A mutable ``datasketch.MinHash`` with this signature (``hashfunc`` for further updates)."""
        from datasketch import MinHash

        kwargs = {"hashfunc": hashfunc} if hashfunc is not None else {}
        return MinHash(num_perm=self.num_perm, seed=self.seed, scheme=self.scheme,
                       hashvalues=np.asarray(signature, dtype=self.dtype),
                       permutations=(self.a, self.b), **kwargs)


def jaccard(sig_a: np.ndarray, sig_b: np.ndarray) -> np.ndarray | float:
    """Signature Jaccard estimate: the share of equal positions (row-wise for 2-D inputs)."""
    eq = np.asarray(sig_a) == np.asarray(sig_b)
    return eq.mean(axis=-1)

"""Signatures are bit-identical to datasketch.MinHash for the same elements, hash, num_perm and seed."""

from __future__ import annotations

import random

import numpy as np
import pytest
from datasketch import LeanMinHash, MinHash
from datasketch.hashfunc import sha1_hash32

from qc.near_duplicate.minhash import MinHasher, fmix32, permutations
from qc.near_duplicate.shingle import Shingler

WORDS = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "with", "as", "by", "at", "from", "it",
    "said", "was", "were", "has", "have", "year", "police", "government", "minister", "city", "council",
    "river", "school", "prize", "union", "strike", "library", "flood",
]


def random_document(rng: random.Random) -> str:
    n = rng.randint(1, 600)
    words = [rng.choice(WORDS) if rng.random() < 0.7 else f"w{rng.randint(0, 10**6)}" for _ in range(n)]
    return " ".join(words) + rng.choice([".", "!", "", " “quoted”"])


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize(("num_perm", "seed"), [(128, 1), (64, 42), (256, 7)])
def test_permutations_match_datasketch(scheme: str, num_perm: int, seed: int) -> None:
    a, b = permutations(num_perm, seed, scheme)
    ref = MinHash(num_perm=num_perm, seed=seed, scheme=scheme).permutations
    assert np.array_equal(a, ref[0]) and np.array_equal(b, ref[1])


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
@pytest.mark.parametrize("hash_mode", ["tokens", "sha1"])
def test_signatures_bit_identical_on_random_documents(scheme: str, hash_mode: str) -> None:
    rng = random.Random(f"{scheme}-{hash_mode}")
    shingler = Shingler(5, hash=hash_mode)
    for num_perm, seed in ((128, 1), (32, 99)):
        hasher = MinHasher(num_perm, seed, scheme)
        for _ in range(15):
            text = random_document(rng)
            ref = MinHash(num_perm=num_perm, seed=seed, scheme=scheme, hashfunc=shingler.shingle_hash)
            ref.update_batch(shingler.shingles(text))
            assert np.array_equal(hasher.signature(shingler.hashes(text)), ref.hashvalues)


def test_sha1_mode_matches_plain_datasketch_defaults() -> None:
    """hash="sha1": the default MinHash() fed the UTF-8 shingles gives the same signature."""
    rng = random.Random(3)
    shingler = Shingler(5, hash="sha1")
    hasher = MinHasher()
    for _ in range(10):
        text = random_document(rng)
        ref = MinHash()
        ref.update_batch([s.encode("utf-8") for s in shingler.shingles(text)])
        assert np.array_equal(hasher.signature(shingler.hashes(text)), ref.hashvalues)


def test_large_sets_cross_block_boundaries() -> None:
    rng = np.random.default_rng(5)
    values = rng.integers(0, 1 << 32, size=10_000, dtype=np.uint32)  # > one 2,048-row block
    ref = MinHash(hashfunc=int)
    ref.update_batch(values.tolist())
    assert np.array_equal(MinHasher().signature(values), ref.hashvalues)


def test_empty_set_is_datasketch_empty() -> None:
    assert np.array_equal(MinHasher().signature(np.empty(0, dtype=np.uint32)), MinHash().hashvalues)


def test_fmix32_is_datasketch_premix() -> None:
    from datasketch.minhash import _fmix

    x = np.array([0, 1, 2**31, 2**32 - 1, 123456789], dtype=np.uint32)
    assert np.array_equal(fmix32(x), _fmix(x.copy(), 32))


def test_lean_minhash_export_round_trips_and_compares() -> None:
    shingler = Shingler()
    hasher = MinHasher()
    a_text = "the council voted on thursday to close the old swimming pool after a long debate in the hall"
    b_text = a_text.replace("thursday", "friday")
    sa, sb = hasher.signature(shingler.hashes(a_text)), hasher.signature(shingler.hashes(b_text))
    lean = hasher.to_lean(sa)
    assert isinstance(lean, LeanMinHash)
    assert np.array_equal(lean.hashvalues, sa)
    ref = MinHash(hashfunc=shingler.shingle_hash)
    ref.update_batch(shingler.shingles(b_text))
    assert lean.jaccard(LeanMinHash(ref)) == pytest.approx(float(np.mean(sa == sb)))
    # a mutable MinHash continues exactly like datasketch would
    m = hasher.to_minhash(sa, hashfunc=shingler.shingle_hash)
    m.update("brand new shingle here ok")
    ref_a = MinHash(hashfunc=shingler.shingle_hash)
    ref_a.update_batch([*shingler.shingles(a_text), "brand new shingle here ok"])
    assert np.array_equal(m.hashvalues, ref_a.hashvalues)


def test_sha1_hash32_is_datasketch_default() -> None:
    assert Shingler(hash="sha1").shingle_hash("a b c d e") == sha1_hash32(b"a b c d e")


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_batch_signatures_equal_each_set_alone(monkeypatch, scheme: str) -> None:
    """``signatures`` over many sets end to end, in blocks that cut sets apart (a small ``_BLOCK``), in
    permutation chunks that do not divide ``num_perm``, and with empty sets among them, gives each set
    datasketch's signature."""
    from qc.near_duplicate import minhash

    rng = np.random.default_rng(8)
    sizes = [0, 1, 7, 300, 0, 50, 1, 900, 2]
    sets = [rng.integers(0, 1 << 32, size=k, dtype=np.uint32) for k in sizes]
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    for block, chunk in ((8192, 32), (64, 7), (1, 64), (100, 1)):
        monkeypatch.setattr(minhash, "_BLOCK", block)
        monkeypatch.setattr(minhash, "_PERM_CHUNK", chunk)
        got = MinHasher(64, 3, scheme).signatures(np.concatenate(sets), offsets)
        for values, row in zip(sets, got, strict=True):
            ref = MinHash(num_perm=64, seed=3, scheme=scheme, hashfunc=int)
            ref.update_batch(values.tolist())
            assert np.array_equal(row, ref.hashvalues)

"""LSH banding: bands x rows from a target Jaccard threshold with the S-curve, and band keys.

A pair with Jaccard ``J`` shares at least one band of ``r`` rows out of ``b`` with probability
``1 - (1 - J^r)^b`` (Mining of Massive Datasets, ch. 3.4). datasketch's ``MinHashLSH`` balances false
positives and negatives equally, which at 0.8 and 128 permutations gives 9 x 13 and catches only
~40 % of pairs at exactly J = 0.8; a near-duplicate gate wants recall, since every candidate is
verified afterwards anyway. ``choose_bands`` therefore takes the longest bands (fewest random
candidates) that still catch a pair at the threshold with the requested probability.
"""

from __future__ import annotations

import numpy as np

_U64 = np.uint64


def collision_probability(j: float | np.ndarray, bands: int, rows: int) -> float | np.ndarray:
    """Probability that a pair of Jaccard ``j`` shares at least one band."""
    return 1.0 - (1.0 - np.power(j, rows)) ** bands


def choose_bands(threshold: float, num_perm: int, recall: float = 0.97) -> tuple[int, int]:
    """``(bands, rows)`` with ``bands * rows <= num_perm``: the most rows per band (then the fewest
    bands) whose S-curve reaches ``recall`` at ``threshold``; one row per band when nothing does."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    for rows in range(num_perm, 0, -1):
        bands_max = num_perm // rows
        if collision_probability(threshold, bands_max, rows) < recall:
            continue
        for bands in range(1, bands_max + 1):
            if collision_probability(threshold, bands, rows) >= recall:
                return bands, rows
    return num_perm, 1


def band_key(block: np.ndarray) -> np.ndarray:
    """uint64 keys of one band, given its ``(N, rows)`` signature columns: exact for one or two rows
    (the values themselves), a multiply-xorshift fold otherwise (64-bit collisions are left to
    verification)."""
    rows = block.shape[1]
    if rows <= 2:
        key = block[:, 0].astype(_U64)
        if rows == 2:
            key <<= _U64(32)
            key |= block[:, 1].astype(_U64)
        return key
    key = np.zeros(block.shape[0], dtype=_U64)
    for i in range(rows):
        key ^= block[:, i].astype(_U64)
        key *= _U64(0x9E3779B97F4A7C15)
        key ^= key >> _U64(29)
    return key


def band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(N, bands)`` uint64 keys of every band (see ``band_key``)."""
    sigs = np.asarray(sigs)
    if sigs.ndim != 2 or sigs.shape[1] < bands * rows:
        raise ValueError(f"signatures of width {sigs.shape[-1]} cannot hold {bands} x {rows} bands")
    out = np.empty((sigs.shape[0], bands), dtype=_U64)
    for b in range(bands):
        out[:, b] = band_key(sigs[:, b * rows:(b + 1) * rows])
    return out

"""Banding maths: the S-curve, the band choice for a threshold, band keys."""

from __future__ import annotations

import numpy as np
import pytest

from qc.near_duplicate.lsh import band_keys, choose_bands, collision_probability


def test_s_curve_values() -> None:
    assert collision_probability(1.0, 16, 8) == 1.0
    assert collision_probability(0.0, 16, 8) == 0.0
    # the figure: 16 x 8 catches ~95 % of pairs at J = 0.8
    assert collision_probability(0.8, 16, 8) == pytest.approx(1 - (1 - 0.8**8) ** 16)
    assert 0.94 < collision_probability(0.8, 16, 8) < 0.95


def test_datasketch_default_layout_misses_pairs_at_its_threshold() -> None:
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(0.8, 128, 0.5, 0.5)
    assert collision_probability(0.8, b, r) < 0.5  # why we derive our own layout


@pytest.mark.parametrize("threshold", [0.3, 0.4, 0.5, 0.8, 0.9])
@pytest.mark.parametrize("num_perm", [64, 128, 256])
def test_choice_reaches_recall_and_takes_longest_bands(threshold: float, num_perm: int) -> None:
    b, r = choose_bands(threshold, num_perm, recall=0.97)
    assert b * r <= num_perm
    assert collision_probability(threshold, b, r) >= 0.97
    # no layout with longer bands reaches the recall
    assert collision_probability(threshold, num_perm // (r + 1), r + 1) < 0.97
    # and no fewer bands of the same length do
    assert b == 1 or collision_probability(threshold, b - 1, r) < 0.97


def test_known_layouts() -> None:
    assert choose_bands(0.4, 128) == (21, 2)
    assert choose_bands(0.8, 128, recall=0.94) == (16, 8)  # the example layout


def test_band_keys_equal_iff_band_values_equal() -> None:
    rng = np.random.default_rng(0)
    sigs = rng.integers(0, 1 << 32, size=(3, 24), dtype=np.uint32)
    sigs[1, :8] = sigs[0, :8]  # first band of 8 rows shared
    for rows in (1, 2, 8):
        keys = band_keys(sigs, 24 // rows, rows)
        assert keys.shape == (3, 24 // rows) and keys.dtype == np.uint64
        shared = 8 // rows
        assert np.array_equal(keys[0, :shared], keys[1, :shared])
        assert not np.any(keys[0, shared:] == keys[1, shared:])
        assert not np.any(keys[0] == keys[2])


def test_two_row_keys_are_exact() -> None:
    sigs = np.array([[1, 2, 3, 4]], dtype=np.uint32)
    assert band_keys(sigs, 2, 2).tolist() == [[(1 << 32) | 2, (3 << 32) | 4]]


def test_too_many_bands_is_an_error() -> None:
    with pytest.raises(ValueError):
        band_keys(np.zeros((2, 10), dtype=np.uint32), 6, 2)

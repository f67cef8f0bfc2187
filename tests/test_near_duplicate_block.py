"""Different articles that share one long block are not copies; edited, truncated and wrapped copies are."""

from __future__ import annotations

import random

import numpy as np
import pytest

from qc.near_duplicate.evidence import ShingleSets
from qc.near_duplicate.near_duplicate import NearDuplicate
from tests.test_near_duplicate_cluster import edit, sketch_rows, story


def _sets(rows: list[tuple[list[int], list[int]]]) -> ShingleSets:
    """Shingle sets from ``(hashes, positions)`` per row (hashes sorted, as sketches store them)."""
    flat = np.concatenate([np.asarray(h, dtype=np.uint32) for h, _ in rows])
    pos = np.concatenate([np.asarray(p, dtype=np.uint8) for _, p in rows])
    offsets = np.r_[0, np.cumsum([len(h) for h, _ in rows])]
    return ShingleSets(flat, offsets, np.zeros(len(rows), dtype=np.int64), positions=pos)


def test_own_passage_is_the_longest_unshared_run_in_text_order() -> None:
    # row 0: hashes 0..99 at positions 0..198; row 1 shares 0..59 and has 40 own hashes at the end,
    # row 2 shares 0..99 but 5 own hashes after every 20th position (scattered edits)
    row0 = (list(range(100)), [2 * i for i in range(100)])
    row1 = (list(range(60)) + list(range(1000, 1040)), [i for i in range(60)] + [100 + i for i in range(40)])
    h2, p2 = list(range(100)), [2 * i for i in range(100)]
    for k in range(5):
        h2 += list(range(2000 + 5 * k, 2005 + 5 * k))
        p2 += [40 * k + 1] * 5  # between shared positions
    order = np.argsort(h2)
    row2 = (list(np.asarray(h2)[order]), list(np.asarray(p2)[order]))
    sets = _sets([row0, row1, row2])
    kept, dropped = np.array([0, 0, 1]), np.array([1, 2, 0])
    own = sets.own_passage(kept, dropped, np.zeros(3, dtype=np.int64))
    # 1 against 0: its 40 own hashes in a row; 2 against 0: runs of 5; 0 against 1: hashes 60..99
    # at positions 120..198 (40 in a row)
    assert own.tolist() == [40, 5, 40]
    flags = sets.template
    flags[sets.offsets[1] + 60:sets.offsets[1] + 80] = True  # template hashes are no own text
    sets.template = flags
    assert sets.own_passage(kept[:1], dropped[:1], np.zeros(1, dtype=np.int64)).tolist() == [20]


def _articles_around_a_block(rng: random.Random, own: int, block: int) -> list[str]:
    shared = story(rng, block)
    return [f"{story(rng, own)}\n{shared}\n{story(rng, own)}" for _ in range(2)]


@pytest.mark.parametrize("mode", ["raw", "clean"])
def test_two_articles_sharing_a_long_mid_text_block_are_not_duplicates(mode: str) -> None:
    """200 own words on each side of a shared 500-word block: Jaccard ~0.38 and containment ~0.55,
    above both bars, yet each has 400 words the other lacks."""
    rng = random.Random(21)
    texts = _articles_around_a_block(rng, 200, 500)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": mode}))
    res = rule.resolve(sketch_rows(rule, texts), ["a", "b"])
    assert res.duplicate_of == {} and res.cluster == {}
    assert res.stats["own_passage_vetoes"] == 1
    # without the veto the pair passes on its shared block alone
    off = NearDuplicate(options=NearDuplicate.options_from({"text": mode, "own_passage": 0}))
    assert off.resolve(sketch_rows(off, texts), ["a", "b"]).duplicate_of == {1: 0}


def _copies(rng: random.Random) -> tuple[str, dict[str, str]]:
    original = ". ".join(story(rng, 20) for _ in range(25))  # 500 words in 25 sentences
    sents = original.split(". ")
    replaced = ". ".join([*sents[:10], story(rng, 30), *sents[11:]])
    wrapper = (story(rng, 60), story(rng, 60))
    return original, {
        "edited": edit(replaced, rng, 0.98),  # a changed sentence and ~2 % of words
        "truncated": ". ".join(sents[:15]),
        "wrapped": f"{wrapper[0]}\n{edit(original, rng, 0.98)}\n{wrapper[1]}",
    }


@pytest.mark.parametrize("kind", ["edited", "truncated", "wrapped"])
@pytest.mark.parametrize("copy_first", [False, True])
def test_edited_truncated_and_wrapped_copies_are_still_duplicates(kind: str, copy_first: bool) -> None:
    rng = random.Random(5)
    original, copies = _copies(rng)
    texts = [copies[kind], original] if copy_first else [original, copies[kind]]
    rule = NearDuplicate()
    res = rule.resolve(sketch_rows(rule, texts), ["x", "y"])
    assert res.duplicate_of == {1: 0}
    (f,) = res.findings[1]
    assert 0 <= f.data["own_passage"] < rule.options.own_passage


def test_a_story_in_two_other_wrappers_stays_a_copy() -> None:
    """Both documents have their own 60-word header and footer: own passages on both sides, short
    of an article's."""
    rng = random.Random(8)
    body = story(rng, 400)
    texts = [f"{story(rng, 60)}\n{body}\n{story(rng, 60)}",
             f"{story(rng, 60)}\n{edit(body, rng, 0.98)}\n{story(rng, 60)}"]
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    res = rule.resolve(sketch_rows(rule, texts), ["x", "y"])
    assert res.duplicate_of == {1: 0}
    assert 40 <= res.findings[1][0].data["own_passage"] < rule.options.own_passage


def test_the_index_refuses_an_article_that_shares_only_a_block_with_an_indexed_one(tmp_path) -> None:
    from qc.near_duplicate import index

    rng = random.Random(13)
    first, second = _articles_around_a_block(rng, 200, 500)
    copy = edit(first, rng, 0.98)
    rule = NearDuplicate()
    d = tmp_path / "idx"
    index.build(d, sketch_rows(rule, [first]), ["old"], index.settings_of(rule))
    m = index.query(d, sketch_rows(rule, [second, copy]), index.settings_of(rule))
    assert m.select("doc", "match_id").rows() == [(1, "old")]  # the copy, not the other article
    old = index.settings_of(NearDuplicate(options=NearDuplicate.options_from({"own_passage": 0})))
    index.build(tmp_path / "off", sketch_rows(rule, [first]), ["old"], old)
    assert index.query(tmp_path / "off", sketch_rows(rule, [second]), old).height == 1  # without the veto it passes

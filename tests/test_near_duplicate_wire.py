"""Wire stories: one story copied into many documents is still flagged; many articles in one template are not.

A story on more sites than ``template_docs`` used to be taken for template (none of its copies
flagged); only shingles at the edges of their texts count towards template now.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from qc.near_duplicate.cluster import measure
from qc.near_duplicate.evidence import ShingleSets
from qc.near_duplicate.near_duplicate import NearDuplicate
from tests.test_near_duplicate_cluster import edit, sketch_rows, story


def wire_corpus(rng: random.Random, copies: int, wrapped: bool, sites: int = 20) -> list[str]:
    """A story (document 0) and ``copies - 1`` edited copies of it, spread over ``sites`` sites that
    also publish their own articles; with ``wrapped`` every document sits in its site's header and
    footer. The copies come first, the sites' own articles after them."""
    body = story(rng, 300)
    wrappers = [(story(rng, 60), story(rng, 60)) for _ in range(sites)]

    def page(site: int, text: str) -> str:
        head, foot = wrappers[site]
        return f"{head}\n{text}\n{foot}" if wrapped else text

    texts = [page(i % sites, body if i == 0 else edit(body, rng, 0.98)) for i in range(copies)]
    texts += [page(s, story(rng, 300)) for s in range(sites) for _ in range(5)]
    return texts


@pytest.mark.parametrize("copies", [60, 200])
@pytest.mark.parametrize("wrapped", [False, True])
def test_a_story_copied_into_many_documents_is_flagged_in_every_copy(copies: int, wrapped: bool) -> None:
    rng = random.Random(copies + wrapped)
    texts = wire_corpus(rng, copies, wrapped)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    res = rule.resolve(sketch_rows(rule, texts), [f"d{i}" for i in range(len(texts))])
    assert res.duplicate_of == {i: 0 for i in range(1, copies)}  # every copy, against the kept one, nothing else
    for i in (1, copies - 1):
        (f,) = res.findings[i]
        assert f.data["duplicate_of"] == "d0" and f.data["shared_shingles"] > 80


def test_the_index_matches_every_new_copy_of_an_indexed_wire_story(tmp_path: Path) -> None:
    from qc.near_duplicate import index

    rng = random.Random(23)
    texts = wire_corpus(rng, 80, wrapped=True)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    d = tmp_path / "idx"
    index.build(d, sketch_rows(rule, texts[:1]), ["story"], index.settings_of(rule))
    m = index.query(d, sketch_rows(rule, texts[1:]), index.settings_of(rule))
    # every copy LSH proposes (one pair at exact J 0.47 shares no band here: LSH recall, not
    # template counting) is matched to the story, and nothing else is matched
    assert m["match_id"].to_list() == ["story"] * m.height and m.height >= 78


@pytest.mark.parametrize("mode", ["raw", "clean"])
def test_three_hundred_different_articles_in_one_template_are_never_flagged(mode: str) -> None:
    rng = random.Random(21)
    header, footer = story(rng, 250), story(rng, 250)
    texts = [f"{header}\n{story(rng, rng.choice([60, 200, 400]))}\n{footer}" for _ in range(300)]
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": mode}))
    res = rule.resolve(sketch_rows(rule, texts), [f"d{i}" for i in range(len(texts))])
    assert res.duplicate_of == {} and res.cluster == {}
    assert res.stats["template_shingles"] > 400  # the header and footer were recognised


def test_a_passage_in_the_middle_stays_evidence_and_the_same_passage_as_lead_is_template() -> None:
    """The position decides: a passage shared by 80 different articles is template as their lead
    (the edge of each text), and evidence in their middle (a wire body, a much-cited quote)."""
    rng = random.Random(22)
    passage = story(rng, 40)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    pairs = np.zeros(79, dtype=np.int64), np.arange(1, 80)
    for lead in (True, False):
        texts = []
        for _ in range(80):
            a, b = story(rng, 150), story(rng, 150)
            texts.append(f"{passage} {a} {b}" if lead else f"{a} {passage} {b}")
        rows = sketch_rows(rule, texts)
        sets = ShingleSets.from_rows(rows)
        _, accepted, _ = measure(sets, *pairs, rows.height, np.arange(rows.height), rule.bars)
        assert not accepted.any()
        ev = sets.overlap(*pairs)  # the evidence on the template flags measure left (it skips hopeless pairs)
        if lead:
            assert ev.template.min() >= 30 and ev.shared.max() <= 2
        else:
            assert ev.template.max() == 0 and ev.shared.min() >= 30


def test_pairs_skipped_as_unable_to_pass_change_no_decision() -> None:
    """``measure`` measures again only the pairs its bound lets through: every pair's acceptance is
    the same as measuring all of them, and the bound does skip most template-only pairs."""
    rng = random.Random(24)
    texts = wire_corpus(rng, 30, wrapped=True, sites=5)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": "raw"}))
    rows = sketch_rows(rule, texts)
    n = rows.height
    a, b = np.triu_indices(n, 1)
    sets = ShingleSets.from_rows(rows)
    ev, accepted, _ = measure(sets, a, b, n, np.arange(n), rule.bars)
    full = sets.overlap(a, b)
    o = rule.options
    assert np.array_equal(accepted, full.accepted(o.jaccard_min, o.containment_min, o.min_shingles))
    assert accepted.sum() >= 29 * 28 // 2  # the copies of the story with each other
    skipped = (ev.size_a == 0) & (full.size_a > 0)
    assert skipped.sum() > a.size // 2

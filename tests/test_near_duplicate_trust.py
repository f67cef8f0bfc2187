"""Near-duplicates you can trust: no chaining, templates are no evidence, evidence in the finding."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

from qc.cli import main
from qc.near_duplicate.cluster import BUCKET_CAP, candidate_pairs, stars
from qc.near_duplicate.near_duplicate import NearDuplicate
from tests.test_near_duplicate_cluster import edit, sketch_rows, story


def test_chain_a_b_c_never_makes_c_a_copy_of_a() -> None:
    """A = X+Y, B = Y+Z, C = Z+W: A~B and B~C pass verification (Jaccard 0.4; X and W are shorter
    than an own passage), A !~ C."""
    rng = random.Random(11)
    x, y, z, w = story(rng, 100), story(rng, 200), story(rng, 200), story(rng, 100)
    texts = [f"{x} {y}", f"{y} {z}", f"{z} {w}"]
    rule = NearDuplicate()
    res = rule.resolve(sketch_rows(rule, texts), ["a", "b", "c"])
    assert res.duplicate_of == {1: 0}  # B is a copy of A (verified directly); C is not a copy of A
    assert 2 not in res.cluster
    # the other way round, C is kept first: B goes to C, A stays alone
    res = rule.resolve(sketch_rows(rule, texts[::-1]), ["c", "b", "a"])
    assert res.duplicate_of == {1: 0} and 2 not in res.cluster


def test_stars_take_only_rows_verified_against_the_kept_row() -> None:
    # accepted pairs 0-1, 1-2, 2-3 (a chain): 0 keeps 1; 2 keeps 3
    a, b = np.array([0, 1, 2]), np.array([1, 2, 3])
    kept, via = stars(4, a, b, np.ones(3, dtype=bool), np.arange(4))
    assert kept.tolist() == [0, 0, 2, 2] and via.tolist() == [-1, 0, -1, 2]
    # priority decides the keeper: row 1 first takes 0 and 2, row 3 stays alone
    kept, _ = stars(4, a, b, np.ones(3, dtype=bool), np.array([1, 0, 2, 3]))
    assert kept.tolist() == [1, 1, 1, 3]


def templated(rng: random.Random, articles: int = 40, words: int = 200) -> tuple[list[str], int]:
    """Different articles inside one long site header and footer (raw Jaccard of two of them ~0.45,
    above the verification bar), and one syndicated copy of the first article in another site's
    wrapper (returns texts and the copy's ordinal)."""
    header, footer = story(rng, 250), story(rng, 250)
    bodies = [story(rng, words) for _ in range(articles)]
    texts = [f"{header}\n{b}\n{footer}" for b in bodies]
    other_header, other_footer = story(rng, 120), story(rng, 120)
    texts.append(f"{other_header}\n{edit(bodies[0], rng, 0.97)}\n{other_footer}")
    return texts, len(texts) - 1


@pytest.mark.parametrize("mode", ["raw", "clean"])
def test_different_articles_in_one_template_are_never_clustered(mode: str) -> None:
    rng = random.Random(3)
    texts, copy = templated(rng)
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": mode}))
    res = rule.resolve(sketch_rows(rule, texts), [f"d{i}" for i in range(len(texts))])
    assert res.duplicate_of == {copy: 0}  # only the planted copy, verified against its original
    assert set(res.cluster) == {0, copy}
    (f,) = res.findings[copy]
    assert f.data["template_shingles"] == 0 and f.data["shared_shingles"] > 30
    assert res.stats["template_shingles"] > 400  # the header and footer (both sides) were recognised


@pytest.mark.parametrize("mode", ["raw", "clean"])
def test_short_articles_in_a_large_template_are_never_clustered(mode: str) -> None:
    """60-word articles in a 500-word header and footer (raw Jaccard of two of them ~0.8, like
    edited copies): the template's document count keeps them apart; a repost of one of them in
    the same template is still found."""
    rng = random.Random(4)
    texts, copy = templated(rng, 80, 60)
    header, footer = texts[0].split("\n")[0], texts[0].split("\n")[2]
    texts[copy] = f"{header}\n{edit(texts[0].split(chr(10))[1], rng, 0.97)}\n{footer}"
    rule = NearDuplicate(options=NearDuplicate.options_from({"text": mode}))
    res = rule.resolve(sketch_rows(rule, texts), [f"d{i}" for i in range(len(texts))])
    assert res.duplicate_of == {copy: 0}


def test_verification_evidence_is_in_the_finding() -> None:
    rng = random.Random(5)
    base = story(rng, 300)
    texts = [base, edit(base, rng, 0.95), story(rng, 300)]
    rule = NearDuplicate()
    res = rule.resolve(sketch_rows(rule, texts), ["a", "b", "c"])
    (f,) = res.findings[1]
    d = f.data
    assert d["duplicate_of"] == "a" and d["sample_rate"] == 1.0
    # exact 5-gram Jaccard of the two texts, computed here independently
    grams = [set(rule.shingler.shingles(t)) for t in texts[:2]]
    exact = len(grams[0] & grams[1]) / len(grams[0] | grams[1])
    assert d["jaccard"] == pytest.approx(exact, abs=0.01)
    assert d["shared_shingles"] == pytest.approx(len(grams[0] & grams[1]), abs=2)
    assert d["containment"] >= d["jaccard"] and d["template_shingles"] == 0
    assert f"exact 5-gram Jaccard {d['jaccard']:.2f}" in f.message and "estimated" not in f.message


def test_candidate_pairs_stay_bounded_on_a_duplicate_dense_corpus() -> None:
    """Every row in one bucket of every band (a templated corpus): pairs grow linearly, not n^2."""
    n = 3000
    keys = np.zeros((n, 21), dtype=np.uint64)
    a, b = candidate_pairs(keys, rank=np.arange(n)[::-1].copy())
    assert a.size <= 2 * BUCKET_CAP * n
    assert np.all(a < b)
    # the highest-priority rows of the bucket are paired with every row
    assert {int(x) for x in b[a == 0]} | {int(x) for x in a[b == n - 1]} >= set(range(n - 1))


def test_cli_templated_clusters_are_identical_for_any_jobs(tmp_path: Path) -> None:
    rng = random.Random(9)
    texts, copy = templated(rng, 30)
    src = tmp_path / "in"
    src.mkdir()
    for i, t in enumerate(texts):
        (src / f"{i:03d}.txt").write_text(t, encoding="utf-8")
    seen = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        main(["audit", str(src), "--out", str(out), "--quiet", "--select", "near-duplicate", "--jobs", jobs,
              "--no-html"])
        rows = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
        seen.append([(r["id"], r["cluster"], r["duplicate_of"], [f.get("data") for f in r["findings"]])
                     for r in rows])
    assert seen[0] == seen[1]
    assert [r[0] for r in seen[0] if r[2]] == [f"{copy:03d}.txt"]


def test_the_index_refuses_a_match_that_only_signatures_support(tmp_path: Path) -> None:
    """A batch row whose signature equals an indexed document's but whose shingles share nothing
    with it is no copy; a real edited copy still is, with the evidence in the match."""
    import polars as pl

    from qc.near_duplicate import index

    rng = random.Random(12)
    stories = [story(rng, 300) for _ in range(4)]
    rule = NearDuplicate()
    d = tmp_path / "idx"
    index.build(d, sketch_rows(rule, stories), [f"old{i}" for i in range(4)], index.settings_of(rule))
    batch = sketch_rows(rule, [edit(stories[1], rng, 0.97), stories[2]])
    forged = batch[1].with_columns(pl.Series("sh", [sketch_rows(rule, [story(rng, 300)])["sh"][0]]))
    batch = pl.concat([batch[0], forged])
    m = index.query(d, batch, index.settings_of(rule))
    assert m["doc"].to_list() == [0] and m["match_id"].to_list() == ["old1"]
    assert m["jaccard"][0] > 0.5 and m["shared_shingles"][0] > 100


def test_the_index_refuses_articles_that_only_share_the_site_template(tmp_path: Path) -> None:
    from qc.near_duplicate import index

    rng = random.Random(13)
    texts, copy = templated(rng, 12)
    rule = NearDuplicate()
    d = tmp_path / "idx"
    index.build(d, sketch_rows(rule, texts[:10]), [f"old{i}" for i in range(10)], index.settings_of(rule))
    # two new articles of the same site, and a repost of old0 there (with edits)
    header, body, footer = texts[0].split("\n")
    repost = f"{header}\n{edit(body, rng, 0.97)}\n{footer}"
    m = index.query(d, sketch_rows(rule, [*texts[10:12], repost]), index.settings_of(rule))
    assert m.select("doc", "match_id").rows() == [(2, "old0")]
    assert m["template_shingles"][0] > 400  # header and footer shared, not counted
    del copy

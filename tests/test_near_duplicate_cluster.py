"""Candidates, verification, components, keep policies and jobs-invariance of the rule."""

from __future__ import annotations

import random

import numpy as np
import polars as pl
import pytest

from qc.model import Document
from qc.near_duplicate.cluster import candidate_pairs, components, containment, keepers, verify
from qc.near_duplicate.exact import ExactDuplicate
from qc.near_duplicate.near_duplicate import NearDuplicate

VOCAB = [f"w{i}" for i in range(5000)]


def story(rng: random.Random, words: int = 300) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(words))


def edit(text: str, rng: random.Random, share: float) -> str:
    """Replace about ``1 - share`` of the words."""
    return " ".join(w if rng.random() < share else rng.choice(VOCAB) for w in text.split())


def corpus(seed: int = 1) -> tuple[list[str], dict[int, int]]:
    """Stories, some with near-copies; returns texts and {copy ordinal: original ordinal}."""
    rng = random.Random(seed)
    texts: list[str] = []
    truth: dict[int, int] = {}
    for _ in range(40):
        texts.append(story(rng))
        if rng.random() < 0.5:
            truth[len(texts)] = len(texts) - 1
            texts.append(edit(texts[-1], rng, 0.97))
    order = list(range(len(texts)))
    rng.shuffle(order)
    inv = {old: new for new, old in enumerate(order)}
    return [texts[i] for i in order], {inv[c]: inv[o] for c, o in truth.items()}


def sketch_rows(rule, texts: list[str], ordinals: list[int] | None = None) -> pl.DataFrame:
    ordinals = ordinals if ordinals is not None else list(range(len(texts)))
    frames = []
    for i, t in zip(ordinals, texts, strict=True):
        f = rule.sketch(Document(id=f"d{i}", text=t), t)
        if f is not None:
            frames.append(f.with_columns(pl.lit(i, dtype=pl.Int64).alias("doc")))
    return pl.concat(frames)


def test_candidate_pairs_cover_small_buckets_fully_and_chain_large_ones() -> None:
    keys = np.array([[1], [1], [1], [2], [3], [3]], dtype=np.uint64)
    a, b = candidate_pairs(keys, cap=24)
    assert sorted(zip(a.tolist(), b.tolist(), strict=True)) == [(0, 1), (0, 2), (1, 2), (4, 5)]
    big = np.zeros((100, 1), dtype=np.uint64)
    a, b = candidate_pairs(big, cap=3)
    assert a.size < 100 * 99 / 2  # bounded
    assert np.all(components(100, a, b) == 0)  # but still connected


def test_containment_estimate() -> None:
    # |A| = 100 inside |B| = 300: J = 1/3, containment of A = 1
    assert containment(np.array([1 / 3]), np.array([100]), np.array([300]))[0] == pytest.approx(1.0)
    assert containment(np.array([0.0]), np.array([100]), np.array([300]))[0] == 0.0


def test_verify_by_jaccard_or_containment() -> None:
    rng = np.random.default_rng(0)
    base = rng.integers(0, 1 << 32, size=128, dtype=np.uint32)
    other = base.copy()
    other[:64] = rng.integers(0, 1 << 32, size=64, dtype=np.uint32)  # J ~ 0.5
    far = base.copy()
    far[:110] = rng.integers(0, 1 << 32, size=110, dtype=np.uint32)  # J ~ 0.14
    sigs = np.vstack([base, other, far, far])
    a, b = np.array([0, 0, 0]), np.array([1, 2, 3])
    sizes = np.array([400, 400, 400, 50])
    ok, j = verify(sigs, sizes, a, b, 0.22, 0.5, 30)
    # 0-1 by Jaccard; 0-2 rejected (J ~ 0.14, equal sizes); 0-3: same J, but 50 shingles against 400 means
    # the small text is almost wholly contained in the large one
    assert ok.tolist() == [True, False, True]
    assert j[0] == pytest.approx(0.5)
    ok, _ = verify(sigs, sizes, a, b, 0.22, 0.5, 60)  # too small to count with min_shingles 60
    assert ok.tolist() == [True, False, False]


def test_components_are_transitive_and_labelled_by_smallest() -> None:
    labels = components(6, np.array([4, 1, 3]), np.array([5, 2, 4]))
    assert labels.tolist() == [0, 1, 1, 3, 3, 3]


def test_keep_policies() -> None:
    labels = np.array([0, 0, 0, 3, 3])
    lengths = np.array([10, 30, 30, 5, 5])
    assert keepers(labels, "first", lengths).tolist() == [0, 0, 0, 3, 3]
    assert keepers(labels, "longest", lengths).tolist() == [1, 1, 1, 3, 3]  # tie -> first
    with pytest.raises(ValueError):
        keepers(labels, "best", lengths)


def test_rule_finds_planted_copies_and_nothing_else() -> None:
    texts, truth = corpus()
    rule = NearDuplicate()
    res = rule.resolve(sketch_rows(rule, texts), [f"d{i}" for i in range(len(texts))])
    pairs = {frozenset((c, o)) for c, o in truth.items()}
    found = {frozenset((d, k)) for d, k in res.duplicate_of.items()}
    assert found == pairs
    for d, k in res.duplicate_of.items():
        assert k < d  # keep = first
        (f,) = res.findings[d]
        assert f.rule == "near-duplicate/near-duplicate" and f.start == 0 and f.end == len(texts[d])
        assert f.data["duplicate_of"] == f"d{k}" and 0.5 < f.data["similarity"] <= 1.0  # ~0.75 expected
        assert res.cluster[d] == res.cluster[k] == f"d{k}"
    assert res.stats["duplicates"] == len(truth)
    assert res.stats["cluster_size_histogram"] == {"2": len(truth)}
    assert res.stats["duplicate_rate"] == pytest.approx(len(truth) / len(texts), abs=1e-6)


def test_keep_longest_in_rule() -> None:
    rng = random.Random(4)
    base = story(rng)
    texts = [base, base + " " + story(rng, 20)]
    rule = NearDuplicate(options=NearDuplicate.options_from({"keep": "longest"}))
    res = rule.resolve(sketch_rows(rule, texts), ["a", "b"])
    assert res.duplicate_of == {0: 1} and res.cluster == {0: "b", 1: "b"}


@pytest.mark.parametrize("rule_cls", [NearDuplicate, ExactDuplicate])
def test_results_do_not_depend_on_batches_or_row_order(rule_cls) -> None:
    """Jobs-invariance: workers return rows in any order and batch; resolve must not care."""
    texts, _ = corpus(7)
    texts += [texts[3], texts[10]]  # exact copies too
    rule = rule_cls()
    ids = [f"d{i}" for i in range(len(texts))]
    whole = rule.resolve(sketch_rows(rule, texts), ids)
    rng = random.Random(0)
    order = list(range(len(texts)))
    rng.shuffle(order)
    half = len(order) // 2
    parts = [sketch_rows(rule, [texts[i] for i in order[:half]], order[:half]),
             sketch_rows(rule, [texts[i] for i in order[half:]], order[half:])]
    shuffled = rule.resolve(pl.concat(parts[::-1]), ids)
    assert shuffled.cluster == whole.cluster
    assert shuffled.duplicate_of == whole.duplicate_of
    assert {k: [f.to_dict() for f in v] for k, v in shuffled.findings.items()} == \
        {k: [f.to_dict() for f in v] for k, v in whole.findings.items()}
    assert whole.duplicate_of  # the corpus has duplicates for both rules


def test_raw_text_option_ignores_the_cleaned_text() -> None:
    rng = random.Random(2)
    a, b = story(rng), story(rng)
    for text_opt, expect in (("clean", {1: 0}), ("raw", {})):
        rule = NearDuplicate(options=NearDuplicate.options_from({"text": text_opt}))
        frames = [rule.sketch(Document(id=str(i), text=raw), a).with_columns(pl.lit(i, dtype=pl.Int64).alias("doc"))
                  for i, raw in enumerate((a, b))]
        assert rule.resolve(pl.concat(frames), ["0", "1"]).duplicate_of == expect


def test_bad_options_are_config_errors() -> None:
    from qc.rule import RuleConfigError

    for opts in ({"keep": "best"}, {"text": "html"}, {"scheme": "affine99"}, {"bands": 100, "rows": 2}):
        with pytest.raises(RuleConfigError):
            NearDuplicate(options=NearDuplicate.options_from(opts))


def test_clean_text_that_lost_most_of_the_document_falls_back_to_raw() -> None:
    """A boilerplate fix that removed the article must not make two unrelated pages alike."""
    rng = random.Random(8)
    a, b = story(rng), story(rng)
    remnant = "Photo: agency staff"
    rule = NearDuplicate()
    frames = [rule.sketch(Document(id=str(i), text=raw), remnant).with_columns(pl.lit(i, dtype=pl.Int64).alias("doc"))
              for i, raw in enumerate((a, b))]
    assert rule.resolve(pl.concat(frames), ["0", "1"]).duplicate_of == {}
    exact = ExactDuplicate()
    frames = [exact.sketch(Document(id=str(i), text=raw), remnant).with_columns(pl.lit(i, dtype=pl.Int64).alias("doc"))
              for i, raw in enumerate((a, b))]
    assert exact.resolve(pl.concat(frames), ["0", "1"]).duplicate_of == {}
    # a cleaned copy that kept most of the text is compared clean
    frames = [rule.sketch(Document(id="0", text=a), a),
              rule.sketch(Document(id="1", text="Menu\nSubscribe\n" + a + "\nShare"), a)]
    rows = pl.concat([f.with_columns(pl.lit(i, dtype=pl.Int64).alias("doc")) for i, f in enumerate(frames)])
    assert rule.resolve(rows, ["0", "1"]).findings[1][0].data["similarity"] == 1.0


def test_cli_clusters_are_identical_for_any_jobs(tmp_path) -> None:
    """Jobs-invariance end to end: the same clusters and duplicates with one or two worker processes."""
    import json

    from qc.cli import main

    texts, _ = corpus(5)
    src = tmp_path / "in"
    src.mkdir()
    for i, t in enumerate(texts[:24]):
        (src / f"{i:03d}.txt").write_text(t, encoding="utf-8")
    seen = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        main(["audit", str(src), "--out", str(out), "--quiet", "--select", "near-duplicate", "--jobs", jobs])
        rows = [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").splitlines()]
        seen.append([(r["id"], r["cluster"], r["duplicate_of"], [f["rule"] for f in r["findings"]]) for r in rows])
    assert seen[0] == seen[1]
    assert any(r[2] for r in seen[0])  # there are duplicates to agree on


def test_best_score_keeps_the_cleanest_copy() -> None:
    from qc.near_duplicate.cluster import keepers

    labels = np.array([0, 0, 0, 3, 3])
    lengths = np.array([10, 30, 20, 5, 5])
    scores = np.array([0.4, 0.9, 0.9, 1.0, 1.0])
    assert keepers(labels, "first", lengths, scores).tolist() == [0, 0, 0, 3, 3]
    assert keepers(labels, "longest", lengths, scores).tolist() == [1, 1, 1, 3, 3]
    # best score wins; a tie goes to the first in input order
    assert keepers(labels, "best-score", lengths, scores).tolist() == [1, 1, 1, 3, 3]
    assert keepers(labels, "best-score", lengths, np.array([0.9, 0.4, 0.9, 0.2, 0.8])).tolist() == [0, 0, 0, 4, 4]


def test_sketch_frame_row_types_and_values() -> None:
    from qc.near_duplicate.near_duplicate import sketch_frame

    sig = np.arange(128, dtype=np.uint32) * np.uint32(33_554_467)
    sh = np.array([3, 7, 4_000_000_000], dtype=np.uint32)
    full = sketch_frame(sig, 3, (1 << 64) - 1, 3000, 0.25, sh, 2, sh[:1], np.array([0, 128, 255], dtype=np.uint8))
    bare = sketch_frame(sig, 0, 0, 0)
    assert full.schema == bare.schema == pl.Schema({
        "sh": pl.List(pl.UInt32), "rm": pl.List(pl.UInt32), "pos": pl.List(pl.UInt8), "lvl": pl.UInt8,
        "sig": pl.Array(pl.UInt32, 128), "n": pl.UInt32, "exact": pl.UInt64, "chars": pl.Int64,
        "score": pl.Float32})
    row = full.row(0, named=True)
    assert row["sh"] == [3, 7, 4_000_000_000] and row["rm"] == [3] and row["lvl"] == 2
    assert row["pos"] == [0, 128, 255] and bare.row(0, named=True)["pos"] == []
    assert row["sig"] == sig.tolist() and row["exact"] == (1 << 64) - 1 and row["chars"] == 3000
    assert row["score"] == 0.25 and row["n"] == 3
    assert bare.row(0, named=True)["sh"] == [] and bare.row(0, named=True)["rm"] == []
    both = pl.concat([full, bare])  # the engine concatenates a batch's rows
    assert both["sh"].to_list() == [[3, 7, 4_000_000_000], []]


@pytest.mark.parametrize(("same_low_byte", "full_prints"), [(False, False), (True, False), (False, True)])
@pytest.mark.parametrize(("rows", "bands", "cap", "chunk"),
                         [(2, 6, 4, 7), (1, 8, 3, 1), (3, 3, 5, 1 << 16), (2, 5, 2, 3)])
def test_prefiltered_pairs_in_tiny_chunks_equal_all_candidates_then_verify(
        monkeypatch: pytest.MonkeyPatch, rows: int, bands: int, cap: int, chunk: int, same_low_byte: bool,
        full_prints: bool) -> None:
    """The bounded candidate search (band pairs a chunk at a time, each pair counted in the first band
    that pairs it, only prefilter passes kept) finds exactly the pairs and count of holding every
    candidate (``candidate_pairs``) and verifying them, with chained long buckets, a keep-priority
    order and exact copies left out of LSH; also when every signature value has the same low byte
    (the one-byte prints agree everywhere: each decision falls to the full values), and above
    ``_PRINTS_MAX_ROWS`` (the values are their own prints)."""
    from qc.near_duplicate import cluster
    from qc.near_duplicate.cluster import prefiltered_pairs
    from qc.near_duplicate.lsh import band_key

    monkeypatch.setattr(cluster, "_PAIR_CHUNK", chunk)
    if full_prints:
        monkeypatch.setattr(cluster, "_PRINTS_MAX_ROWS", 0)
    rng = np.random.default_rng(rows * 100 + bands)
    n = 400
    sigs = rng.integers(0, 4, size=(n, bands * rows + 3), dtype=np.uint32)  # few values: long buckets
    if same_low_byte:
        sigs = (sigs << np.uint32(8)) | np.uint32(0xA5)
    sizes = rng.integers(5, 80, size=n)
    rank = rng.permutation(n)
    reps = np.sort(rng.choice(n, 300, replace=False))
    la, lb = candidate_pairs(lambda b: band_key(sigs[reps, b * rows:(b + 1) * rows]), cap, n=reps.size, bands=bands,
                             rank=rank[reps])
    ok, _ = verify(sigs, sizes, reps[la], reps[lb], 0.3, 0.5, 30)
    assert la.size > 2 * n and 0 < ok.sum() < ok.size  # long buckets, pairs on both sides of the bars
    a, b, count = prefiltered_pairs(sigs, sizes, reps, rank, bands=bands, rows=rows, cap=cap, jaccard_min=0.3,
                                    containment_min=0.5, min_shingles=30)
    assert count == la.size
    assert np.array_equal(a, reps[la][ok]) and np.array_equal(b, reps[lb][ok])


def test_resolve_with_tiny_pair_chunks_equals_one_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule's outcome (clusters, findings, statistics) does not depend on how many band pairs
    the candidate search takes at a time."""
    from qc.near_duplicate import cluster

    texts, _ = corpus(3)
    texts = texts + [f"{t} {t[:200]}" for t in texts[:10]]  # contained copies as well
    rule = NearDuplicate()
    rows = sketch_rows(rule, texts)
    ids = [f"d{i}" for i in range(len(texts))]

    def outcome() -> tuple:
        res = rule.resolve(rows, ids)
        return (res.duplicate_of, res.cluster, {d: [(f.message, f.data) for f in fs] for d, fs in res.findings.items()},
                res.stats)

    monkeypatch.setattr(cluster, "_PAIR_CHUNK", 1 << 30)
    want = outcome()
    assert len(want[0]) >= 20 and want[3]["candidates"] > len(want[0])
    monkeypatch.setattr(cluster, "_PAIR_CHUNK", 2)
    assert outcome() == want

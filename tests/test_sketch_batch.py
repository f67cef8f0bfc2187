"""Corpus sketches made one batch at a time: the same rows as one document at a time, in one frame."""

from __future__ import annotations

import pickle
import random

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from qc.engine import audit_batch
from qc.model import Document, Severity
from qc.near_duplicate.exact import ExactDuplicate
from qc.near_duplicate.near_duplicate import NearDuplicate
from qc.rule import CorpusRule, tag_ordinals

VOCAB = [f"w{i}" for i in range(3000)]


def story(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(VOCAB) for _ in range(words))


def per_document(rule: CorpusRule, docs: list[Document], cleans: list[str]) -> pl.DataFrame:
    """The rows as the per-document path makes them, ``doc`` = position in the batch."""
    items = [(i, f) for i, (d, c) in enumerate(zip(docs, cleans, strict=True))
             if (f := rule.sketch(d, c)) is not None and f.height]
    return tag_ordinals(items)


def batch_docs() -> tuple[list[Document], list[str]]:
    """Long and short stories, an empty one, one whose cleaning kept too little (raw text compared,
    removed shingles recorded) and one whose cleaning dropped a header."""
    rng = random.Random(5)
    texts = [story(rng, n) for n in (400, 30, 2000, 0, 120, 300, 250)]
    cleans = list(texts)
    cleans[5] = "Photo: staff"  # less than min_clean_fraction kept
    texts[6] = "Menu Subscribe Login\n" + texts[6]
    docs = [Document(id=f"d{i}", text=t) for i, t in enumerate(texts)]
    for i, d in enumerate(docs):
        d.memo["quality"] = 0.5 + i / 100
    return docs, cleans


@pytest.mark.parametrize("make", [NearDuplicate, ExactDuplicate])
def test_batch_rows_equal_the_per_document_rows(make) -> None:
    rule = make()
    docs, cleans = batch_docs()
    batch = rule.sketch_batch(docs, cleans)
    expected = per_document(make(), [Document(id=d.id, text=d.text, memo=dict(quality=d.memo["quality"]))
                                     for d in docs], cleans)
    assert batch is not None
    assert 3 not in batch["doc"].to_list()  # the empty document has no row
    assert_frame_equal(batch, expected)


def test_near_duplicate_lists_stay_lists_when_all_have_one_length() -> None:
    """Equal-length arrays (every ``rm`` empty; every ``sh`` capped) must still make ``List`` columns,
    which pickle to the driver (a zero-width ``Array`` column does not)."""
    rng = random.Random(9)
    rule = NearDuplicate(options=NearDuplicate.options_from({"max_shingles": 8}))
    docs = [Document(id=str(i), text=story(rng, 200)) for i in range(3)]
    frame = rule.sketch_batch(docs, [d.text for d in docs])
    assert frame is not None
    assert frame.schema["sh"] == pl.List(pl.UInt32) and frame.schema["rm"] == pl.List(pl.UInt32)
    assert frame["rm"].to_list() == [[], [], []]
    assert_frame_equal(pickle.loads(pickle.dumps(frame)), frame)
    assert_frame_equal(frame, per_document(rule, docs, [d.text for d in docs]))


class LineCount(CorpusRule):
    """A corpus rule with only ``sketch``: one row per line; a document with "boom" in it crashes."""

    id = "test/line-count"
    summary = "Lines."
    severity = Severity.INFO

    def sketch(self, doc: Document, clean: str) -> pl.DataFrame | None:
        if "boom" in doc.text:
            raise ValueError("boom")
        lines = doc.text.splitlines()
        return pl.DataFrame({"line": lines}) if lines else None


def test_default_sketch_batch_loops_over_sketch() -> None:
    docs = [Document(id="a", text="x\ny"), Document(id="b", text=""), Document(id="c", text="z")]
    frame = LineCount().sketch_batch(docs, [d.text for d in docs])
    assert frame is not None
    assert frame.rows() == [("x", 0), ("y", 0), ("z", 2)]


def test_audit_batch_tags_ordinals_and_isolates_a_crashing_document() -> None:
    batch = [(10, Document(id="a", text="one\ntwo")), (11, Document(id="b", text="boom")),
             (12, Document(id="c", text="three"))]
    result = audit_batch(batch, [LineCount()], set())
    assert result.sketches["test/line-count"].rows() == [("one", 10), ("two", 10), ("three", 12)]
    assert [r.errors for r in result.results] == [[], ["corpus sketch crashed: ValueError: boom"], []]
    assert "test/line-count" in result.seconds


def test_audit_batch_near_duplicate_rows_carry_ordinals() -> None:
    rng = random.Random(3)
    texts = [story(rng, 150), "", story(rng, 150)]
    batch = [(100 + i, Document(id=str(i), text=t)) for i, t in enumerate(texts)]
    result = audit_batch(batch, [NearDuplicate(), ExactDuplicate()], set())
    for rid in ("near-duplicate/near-duplicate", "near-duplicate/exact"):
        assert result.sketches[rid]["doc"].to_list() == [100, 102]
        assert result.sketches[rid].columns[-1] == "doc"


def test_near_duplicate_batch_rows_equal_datasketch_and_plain_sets() -> None:
    """Each row of a batch holds what plain per-text code computes: datasketch's MinHash of the text's
    shingles, the sorted set of their hashes (a consistent 1-in-2^level sample above ``max_shingles``),
    where each first occurs, the shingle count and the exact hash."""
    from datasketch import MinHash

    rng = random.Random(21)
    rule = NearDuplicate(options=NearDuplicate.options_from({"max_shingles": 300}))
    sh = rule.shingler
    texts = [story(rng, n) for n in (500, 3, 0, 80, 1200, 5, 200)]
    frame = rule.sketch_batch([Document(id=str(i), text=t) for i, t in enumerate(texts)], texts)
    assert frame is not None and frame["doc"].to_list() == [0, 1, 3, 4, 5, 6]
    for row in frame.iter_rows(named=True):
        toks = sh.tokens(texts[row["doc"]])
        n = min(5, len(toks))
        grams = [sh.shingle_hash(" ".join(toks[k:k + n])) for k in range(len(toks) - n + 1)]
        ref = MinHash(hashfunc=sh.shingle_hash)
        ref.update_batch(sh.shingles(texts[row["doc"]]))
        assert row["sig"] == ref.hashvalues.tolist()
        first = {g: grams.index(g) for g in set(grams)}
        kept = [g for g in sorted(first) if g & ((1 << row["lvl"]) - 1) == 0]
        assert (row["n"], row["sh"], row["exact"]) == (len(first), kept, sh.exact(texts[row["doc"]]))
        assert row["pos"] == [first[g] * 256 // len(grams) for g in kept]
        assert (len(first) > 300) == (row["lvl"] > 0) and len(kept) <= 300

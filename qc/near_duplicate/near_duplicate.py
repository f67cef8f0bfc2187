"""near-duplicate/near-duplicate: documents that are near-copies of another document of the corpus.

What it finds: the same story copied with small edits — another site's header and footer, edited
numbers and dates, typos, a changed sentence, truncation, swapped paragraphs, other quotes and
whitespace — and, with ``index``, copies of documents indexed before. A document is flagged
``duplicate_of`` K only when the pair (document, K) itself passes verification, K being the kept copy
that the keep policy chose first; cluster membership means "verified against the kept copy", never
a chain A~B~C. Verification is on exact evidence: the word 5-gram sets of the two documents (a
consistent 1-in-2^k hash sample above ``max_shingles``), without *template shingles* (shingles found
in more than ``template_groups`` otherwise different documents at the *edges* of their texts: a
site's header, footer, story list, agency boilerplate), so two different articles in one site
template are never "the same", while the body of a story syndicated onto hundreds of sites, which sits
in the middle of every copy, stays evidence. A pair that passes is still refused when *each*
document has a passage of its own that the other lacks (``own_passage`` consecutive non-template
shingles): two different articles around one shared block (a long quote, an agency paragraph, a
pasted widget), which dropping either would lose; an edited copy differs only around its edits and
a truncated one has nothing of its own. The finding carries the evidence: exact Jaccard and
containment, shared shingles, template shingles ignored, and the pair's shorter own passage.
Why it matters: duplicated stories over-weight one text in training data and analytics, and inflate
counts; a gate that drops unique articles as duplicates loses data.
Example: a story and its syndicated copy in another site's wrapper -> the copy is flagged
``duplicate_of`` the story; a second article in the same wrapper is not.
How to tune: ``shingle_size``; LSH only proposes candidates (``threshold``/``lsh_recall``, or
``bands``/``rows``; a signature prefilter ``prefilter_jaccard``/``prefilter_containment``);
acceptance is ``jaccard_min`` or ``containment_min`` (with ``min_shingles`` in the smaller document)
on non-template shingles; ``template_groups``, ``template_docs``, ``template_edge`` and the ``sure_*``
bars decide what is template (``min_kept``: a cleaning that kept fewer shingles says nothing about furniture);
``own_passage`` (0: no such veto); ``max_shingles`` (hashes stored per document, 4 bytes each; a
consistent sample above it);
``text`` (``clean``: after the per-document fixes such as boilerplate removal; ``raw``: as read),
``min_clean_fraction``, ``fold_digits``, ``keep`` (``first`` | ``longest`` | ``best-score``), ``index``.
Measured trade-off (devdata, ``--select near-duplicate`` / whole pack): site_dedup false-duplicate
rate 0 / 0, pair precision 1.0 / 1.0, recall 1.0 / 1.0, keeper precision 1.0 / 1.0; neardup
precision and recall 1.0 in both (before: site_dedup false-duplicate rate 0.53 / 0.085). The price:
a copy whose raw text shares little with its original (a short article syndicated into a large
other template) is missed unless LSH proposes it or its candidate component is small enough to be
compared whole; the parts of a copied story that lie at the edges of its copies (its first and last
lines, where a site's furniture sits) count as template once it is on more than ``template_groups``
sites, so a wire copy is judged on its middle (a 300-word story on 200 sites: every copy flagged;
before, a story in more than ``template_docs`` documents was all template and none of its copies
was); evidence costs 5 bytes per stored shingle (a hash and its position; max_shingles). The own
passage veto keeps apart articles with 120 words of their own on each side of a shared block
(bench_near_duplicate_scale, 20k documents with 200 planted pairs of different articles sharing a
~400-word passage: 198 of the pairs clustered without it, 0 with it, pair precision 0.92 -> 1.0;
100k with 1,000 such pairs: 961 -> 16, whose shorter side has 107-119 own words, precision 0.924 ->
0.9986; a 100k crawl whose sentence pool held 4-28 KB widget blobs: precision 0.9815 -> 0.9903,
largest cluster 17 -> 14, whose members keep only ~100 own words beside the blob). Its price: a copy whose
two versions *both* carry 120 words the other lacks (two different wrappers that long, or an
original that lost its last paragraph while the copy has another site's long story list) is kept
as a document of its own; devdata's longest such passages in true pairs are 90 words (neardup)
and 27 (site_dedup), generated copies 99.9 % <= 49.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import polars as pl

from qc.model import Document, Finding, Severity
from qc.near_duplicate.cluster import KEEP_POLICIES, Verification, cluster_rows, priority_rank
from qc.near_duplicate.evidence import ShingleSets, subsample
from qc.near_duplicate.lsh import choose_bands
from qc.near_duplicate.minhash import SCHEMES, MinHasher
from qc.near_duplicate.shingle import DistinctShingles, Shingler
from qc.rule import CorpusResult, CorpusRule, ResolveTasks, RuleConfigError


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    shingle_size: int = 5  # word 5-grams: the common choice for web dedup (Gopher, RefinedWeb, datasketch docs)
    num_perm: int = 128
    seed: int = 1
    scheme: str = "affine32"  # datasketch >= 2.0 default; "legacy" for sketches made by datasketch < 2.0
    hash: str = "tokens"  # "tokens": vectorised token polynomial; "sha1": datasketch's default sha1_hash32
    text: str = "clean"  # "clean" (after per-document fixes, e.g. boilerplate removal) or "raw"
    # With text = "clean": when the fixes kept less than this share of the characters, shingle the text
    # as read instead. A boilerplate detector that took the article for page furniture leaves a
    # remnant that is empty or alike across unrelated pages (devdata/neardup with boilerplate: ~10 %
    # of documents keep < 20 %, the rest 60-90 %); raw text still matches a cleaned copy by containment.
    min_clean_fraction: float = 0.3
    fold_digits: bool = False
    # LSH only proposes candidates: catch a pair at Jaccard `threshold` with probability `lsh_recall`.
    # Syndicated copies in another site's template go down to raw J 0.19-0.23 on devdata/site_dedup
    # and are only caught where LSH proposes them (no chaining): 0.4 (21 x 2) missed one such pair
    # (recall 0.964 with --select near-duplicate), 0.3 (38 x 2, P = 0.87 at J 0.23) finds it (1.0),
    # for ~2x the candidates and +40 % resolve time on a 20,000-document templated crawl.
    threshold: float = 0.3
    lsh_recall: float = 0.97
    bands: int = 0  # 0 = derived from threshold and lsh_recall
    rows: int = 0
    # Candidates whose 128-permutation estimate is below both bars are dropped before exact
    # verification. Syndicated copies on devdata go down to raw J 0.19 but keep an estimated
    # containment >= 0.3; two articles of one site template with a ~500-character header and footer
    # sit at J ~ 0.1 (0.1 instead of 0.2 measures 2x the pairs of bench_near_duplicate_scale; devdata
    # scores are the same for both).
    prefilter_jaccard: float = 0.2
    prefilter_containment: float = 0.3
    # Acceptance on exact non-template evidence. devdata (all pairs, template shingles removed): true
    # pairs have containment >= 0.65 (Jaccard >= 0.37), different stories <= 0.19 (Jaccard <= 0.08).
    jaccard_min: float = 0.3
    containment_min: float = 0.45
    # Containment only counts when the smaller set has this many (non-template) shingles (~35
    # words): below that it is a caption or a teaser.
    min_shingles: int = 30
    # Template shingles: in more than `template_groups` groups of documents joined by sure pairs
    # (exact Jaccard >= sure_jaccard or containment >= sure_containment on all shingles; two different
    # articles in one template reach 0.54 / 0.72 on devdata/site_dedup). 3: a template seen on four
    # different articles; devdata clusters of up to 21 copies keep their body as evidence.
    sure_jaccard: float = 0.6
    sure_containment: float = 0.8
    template_groups: int = 3
    # Shingles at the edges of more than this many documents are left out when sure copies are
    # found: a large site's header and footer cannot make two short articles "sure" (and chain the
    # whole site into one group). Above devdata's largest copy cluster (21); the body of a story
    # copied more often stays in the test (it lies in the middle of its copies, see template_edge).
    template_docs: int = 50
    # Both template counts (template_groups, template_docs) count an occurrence only at an edge of
    # its text: in its first or last `template_edge` share, or outside the span of the document's
    # own shingles (those of <= template_groups documents) when it has min_shingles of them.
    # Boilerplate sits at the edges of a page, around the article however short; a syndicated
    # story's body and a much-cited quote sit in the middle of each copy and stay evidence however
    # often they are copied. 0.5 or more: every occurrence counts (as before positions were kept).
    # devdata scores are the same for 0, 0.1 and 0.25; see the commit for the generated corpora.
    template_edge: float = 0.25
    # Shingle hashes kept per document for verification (4 bytes each; ~6.5 KB of English text);
    # above it a consistent 1-in-2^k sample (see qc.near_duplicate.evidence). Template counts of a
    # sampled-out hash miss the longer documents, so a cap below a site's document length weakens
    # template detection there: 256 on devdata/site_dedup lets one rotating story list through.
    max_shingles: int = 1024
    # A document compared on its raw text (its cleaning kept < min_clean_fraction) whose cleaning still
    # kept this many shingles: what both such documents of a pair had removed is template.
    min_kept: int = 50
    # A pair that passes is refused when each document has a passage of its own (consecutive
    # non-template shingles the other lacks) of at least this many shingles (~words): two different
    # articles around one shared block, which dropping either would lose. Edited copies have a few
    # unshared shingles around each edit, truncated ones none on their side; a copy in another
    # site's wrapper has the wrapper, on devdata up to 90 (neardup: a 90-word story-list footer
    # against the original's own last lines; site_dedup <= 27). Generated 100k crawl: true pairs
    # 99.9 % <= 49 (one at 121), different articles sharing a widget blob 50-152. 0: no veto.
    own_passage: int = 120
    keep: str = "first"
    index: str = ""  # directory of a persistent index (qc index build); empty = this corpus only


class NearDuplicate(CorpusRule):
    id = "near-duplicate/near-duplicate"
    needs_lang = False
    summary = "Near-copies of another document (MinHash LSH, verified, clustered)."
    severity = Severity.ERROR
    Options = Options

    def setup(self) -> None:
        o = self.options
        if o.scheme not in SCHEMES:
            raise RuleConfigError(f"{self.id}: scheme must be one of {', '.join(SCHEMES)}")
        if o.keep not in KEEP_POLICIES:
            raise RuleConfigError(f"{self.id}: keep must be one of {', '.join(KEEP_POLICIES)}")
        if o.text not in ("clean", "raw"):
            raise RuleConfigError(f"{self.id}: text must be clean or raw")
        if o.hash not in ("tokens", "sha1"):
            raise RuleConfigError(f"{self.id}: hash must be tokens or sha1")
        self.shingler = Shingler(o.shingle_size, fold_digits=o.fold_digits, hash=o.hash)
        self.hasher = MinHasher(o.num_perm, o.seed, o.scheme)
        if o.max_shingles < 1 or o.template_groups < 1 or o.template_docs < 1 or o.template_edge < 0:
            raise RuleConfigError(f"{self.id}: max_shingles, template_groups and template_docs must be positive, "
                                  "template_edge not negative")
        self.bars = Verification(prefilter_jaccard=o.prefilter_jaccard, prefilter_containment=o.prefilter_containment,
                                 sure_jaccard=o.sure_jaccard, sure_containment=o.sure_containment,
                                 template_groups=o.template_groups, template_docs=o.template_docs,
                                 template_edge=o.template_edge,
                                 jaccard_min=o.jaccard_min,
                                 containment_min=o.containment_min, min_shingles=o.min_shingles,
                                 own_passage=o.own_passage)
        if o.bands and o.rows:
            if o.bands * o.rows > o.num_perm:
                raise RuleConfigError(f"{self.id}: bands x rows exceeds num_perm")
            self.bands, self.rows = o.bands, o.rows
        else:
            self.bands, self.rows = choose_bands(o.threshold, o.num_perm, o.lsh_recall)

    def sketch(self, doc: Document, clean: str) -> pl.DataFrame | None:
        frame = self.sketch_batch([doc], [clean])
        return None if frame is None else frame.drop("doc")

    def sketch_batch(self, docs: Sequence[Document], cleans: Sequence[str]) -> pl.DataFrame | None:
        """One sketch row (see ``sketch_frame``) per document with shingles, ``doc`` its position in the
        batch: tokens, shingles and signatures hashed for the whole batch at once."""
        o = self.options
        texts = [text_to_compare(doc, clean, o.text, o.min_clean_fraction)
                 for doc, clean in zip(docs, cleans, strict=True)]
        sets, exact = self.shingler.analyse_many(texts, [doc.memo for doc in docs])
        n = np.diff(sets.offsets)
        rows = np.flatnonzero(n)
        if rows.size == 0:
            return None
        sig = self.hasher.signatures(sets.hashes, sets.offsets).astype(np.uint32, copy=False)[rows]
        kept, level = self._stored(sets, rows)
        removed: list[np.ndarray | None] = [None] * rows.size
        for j, i in enumerate(rows.tolist()):
            doc, clean = docs[i], cleans[i]
            if o.text == "clean" and texts[i] is not clean and clean != doc.text:
                # the raw text stands in for a cleaning that kept too little: remember which of its
                # shingles the cleaning removed (two such documents sharing only those share furniture)
                own = kept.hashes[kept.offsets[j]:kept.offsets[j + 1]]
                removed[j] = own[~np.isin(own, self.shingler.hashes(clean), assume_unique=True)]
        return columns_frame(SketchColumns(
            sig=sig, n=n[rows], exact=np.array([exact[i] for i in rows.tolist()], dtype=np.uint64),
            chars=np.array([len(docs[i].text) for i in rows.tolist()], dtype=np.int64),
            score=np.array([docs[i].memo.get("quality", 1.0) for i in rows.tolist()], dtype=np.float32),
            shingles=kept, level=level, removed=_joined(removed, _NO_SHINGLES), doc=rows))

    def _stored(self, sets: DistinctShingles, rows: np.ndarray) -> tuple[DistinctShingles, np.ndarray]:
        """The shingles stored for the rows' sets (a consistent sample of those above ``max_shingles``,
        see ``subsample``) with their sample levels."""
        cap = self.options.max_shingles
        n = np.diff(sets.offsets)[rows]
        level = np.zeros(rows.size, dtype=np.int64)
        offsets = np.zeros(rows.size + 1, dtype=np.int64)
        np.cumsum(n, out=offsets[1:])
        if not (n > cap).any():
            return DistinctShingles(sets.hashes, sets.positions, offsets), level
        keep = np.ones(sets.hashes.shape[0], dtype=bool)
        for j in np.flatnonzero(n > cap).tolist():
            lo, hi = int(sets.offsets[rows[j]]), int(sets.offsets[rows[j] + 1])
            kept, level[j] = subsample(sets.hashes[lo:hi], cap)
            keep[lo:hi] = (sets.hashes[lo:hi] & np.uint32((1 << int(level[j])) - 1)) == 0
            n[j] = kept.shape[0]
        np.cumsum(n, out=offsets[1:])
        return DistinctShingles(sets.hashes[keep], sets.positions[keep], offsets), level

    def resolve(self, rows: pl.DataFrame, ids: list[str], tasks: ResolveTasks | None = None) -> CorpusResult:
        o = self.options
        if rows.height == 0:
            return CorpusResult(stats=summary_stats(len(ids), {}))
        if not rows["doc"].is_sorted():
            rows = rows.sort("doc")
        docs = rows["doc"].to_numpy()
        chars = rows["chars"].to_numpy()
        exact = rows["exact"].to_numpy()
        rank = priority_rank(o.keep, chars, quality(rows))
        sets = ShingleSets.from_rows(rows, o.min_kept)
        sizes = rows["n"].to_numpy()
        # only LSH reads the signatures (4 bytes x num_perm a row, 512 MB over 1M documents): when the
        # caller handed the rows over (kept no reference, as the runner does unless it keeps the rows),
        # they are freed once candidates are found, before the shingle evidence is measured (a list popped
        # into the call, so that no name of this frame keeps them alive)
        held = [signatures(rows)]
        if not o.index:  # the index query reads them after clustering
            rows = rows.drop("sig")
        found = cluster_rows(held.pop(), sizes, exact, sets, rank, bands=self.bands, rows=self.rows,
                             bars=self.bars, tasks=tasks)
        kept, ev = found.kept, found.evidence
        jac, con = ev.jaccard, ev.containment
        result = CorpusResult()
        counts = np.bincount(kept, minlength=kept.size)
        members = np.flatnonzero(counts[kept] > 1)
        for r in members.tolist():
            result.cluster[int(docs[r])] = ids[int(docs[kept[r]])]
        for r in members[kept[members] != members].tolist():
            k, p = int(kept[r]), int(found.via[r])
            other = ids[int(docs[k])]
            result.duplicate_of[int(docs[r])] = int(docs[k])
            if p < 0:
                result.findings[int(docs[r])] = [self._finding(
                    int(chars[r]), other, 1.0, f"exact duplicate of {other} (the same normalised text)",
                    jaccard=1.0, containment=1.0)]
                continue
            result.findings[int(docs[r])] = [self._evidence_finding(
                int(chars[r]), other, float(jac[p]), float(con[p]), int(ev.shared[p]), int(ev.template[p]),
                int(ev.level[p]), int(ev.own[p]))]
        sizes_by_cluster = collections.Counter(int(x) for x in kept[members])
        result.stats = summary_stats(len(ids), sizes_by_cluster)
        result.stats.update({"lsh_bands": self.bands, "lsh_rows": self.rows, **found.stats})
        if o.index:
            self._against_index(rows, ids, kept, chars, result)
        return result

    def _evidence_finding(self, chars: int, other: str, j: float, c: float, shared: int, template: int,
                          level: int, own: int) -> Finding:
        """A finding whose message and data give the exact evidence of a measured pair."""
        sample = f" on a 1-in-{1 << level} shingle sample" if level else ""
        message = (f"near-duplicate of {other}: exact {self.options.shingle_size}-gram Jaccard {j:.2f}, "
                   f"containment {c:.2f}{sample} ({shared} shared shingles; {template} template shingles "
                   "not counted)")
        return self._finding(chars, other, max(j, c), message, jaccard=round(j, 4), containment=round(c, 4),
                             shared_shingles=shared, template_shingles=template, sample_rate=1 / (1 << level),
                             own_passage=own)

    def _finding(self, chars: int, other: str, similarity: float, message: str, **extra: object) -> Finding:
        return Finding(rule=self.id, family=self.family, severity=self.level, start=0, end=chars, excerpt="",
                       message=message, score=float(similarity),
                       data={"duplicate_of": other, "similarity": round(float(similarity), 4), **extra})

    def _against_index(self, rows: pl.DataFrame, ids: list[str], kept: np.ndarray, chars: np.ndarray,
                       result: CorpusResult) -> None:
        """Batch documents verified (exact evidence, like in-batch pairs) against an indexed document
        are copies of it: flagged ``duplicate_of`` it (data ``indexed: true``) with its id as cluster;
        their own in-batch copies stay copies of them. A match with the document's own id (the same
        document indexed before) does not count, and nothing is flagged through a chain."""
        from qc.near_duplicate import index as nd_index

        matches = nd_index.query(self.options.index, rows, nd_index.settings_of(self))
        result.stats["index_matches"] = 0
        if matches.height == 0:
            return
        row_of = {int(d): r for r, d in enumerate(rows["doc"].to_list())}
        flagged = 0
        for m in matches.iter_rows(named=True):
            d = int(m["doc"])
            if m["match_id"] == ids[d]:
                continue  # the document itself, indexed by an earlier run: not a copy of something else
            r = row_of[d]
            mid = m["match_id"]
            j, c = m["jaccard"], m["containment"]
            sample = "" if m["sample_rate"] == 1.0 else f" on a 1-in-{round(1 / m['sample_rate'])} shingle sample"
            message = (f"near-duplicate of indexed document {mid}: exact {self.options.shingle_size}-gram Jaccard "
                       f"{j:.2f}, containment {c:.2f}{sample} ({m['shared_shingles']} shared shingles; "
                       f"{m['template_shingles']} template shingles not counted)")
            result.cluster[d] = mid
            result.duplicate_of.pop(d, None)  # the kept copy is the indexed one, outside this batch
            result.findings[d] = [self._finding(int(chars[r]), mid, m["similarity"], message, indexed=True,
                                                jaccard=round(j, 4), containment=round(c, 4),
                                                shared_shingles=m["shared_shingles"],
                                                template_shingles=m["template_shingles"],
                                                sample_rate=m["sample_rate"], own_passage=m["own_passage"])]
            flagged += 1
        result.stats["index_matches"] = flagged
        total = len(result.findings)
        result.stats["duplicates"] = total
        result.stats["duplicate_rate"] = round(total / len(ids), 6) if ids else 0.0


def text_to_compare(doc: Document, clean: str, mode: str, min_clean_fraction: float) -> str:
    """The cleaned text, unless ``mode`` is ``raw`` or the fixes kept less than ``min_clean_fraction``
    of the characters (then the text as read)."""
    if mode == "clean" and len(clean) >= min_clean_fraction * len(doc.text):
        return clean
    return doc.text


def sketch_frame(sig: np.ndarray, n: int, exact: int, chars: int, score: float = 1.0,
                 shingles: np.ndarray | None = None, level: int = 0, removed: np.ndarray | None = None,
                 positions: np.ndarray | None = None) -> pl.DataFrame:
    """One sketch row: the signature (Array of uint32), shingle count, exact hash, document length,
    the document rules' quality score (for ``keep = "best-score"``), the stored shingle hashes with
    their sample level (the evidence verification is made on), those of them that cleaning removed
    when the raw text stood in for the cleaned one (``rm``, else empty), and where each stored hash
    first occurs in the text (``pos``: uint8, 0 = start, 255 = end; aligned with ``sh``; template
    counting looks only at the edges of a text). The one-row case of ``batch_frame`` (per-document
    callers; batches build all their rows at once)."""
    return batch_frame([SketchRow(sig, n, exact, chars, score, shingles, level, removed, positions)],
                       [0]).drop("doc")


class SketchRow(NamedTuple):
    """The arguments of ``sketch_frame`` for one document."""

    sig: np.ndarray
    n: int
    exact: int
    chars: int
    score: float = 1.0
    shingles: np.ndarray | None = None
    level: int = 0
    removed: np.ndarray | None = None
    positions: np.ndarray | None = None


class SketchColumns(NamedTuple):
    """Sketch rows as columns (see ``sketch_frame``): ``shingles`` holds the ``sh`` and ``pos`` lists end
    to end with their row offsets, ``removed`` the ``rm`` lists; ``doc`` each row's position in its
    batch."""

    sig: np.ndarray  # (rows, num_perm)
    n: np.ndarray
    exact: np.ndarray  # uint64
    chars: np.ndarray
    score: np.ndarray
    shingles: DistinctShingles
    level: np.ndarray
    removed: tuple[np.ndarray, np.ndarray]  # (values, offsets)
    doc: np.ndarray


def batch_frame(rows: Sequence[SketchRow], positions: Sequence[int]) -> pl.DataFrame:
    """The rows of ``sketch_frame`` for many documents in one frame (equal to concatenating the
    one-row frames: a test checks it)."""
    sig = np.vstack([r.sig for r in rows]).astype(np.uint32, copy=False)
    sh, offsets = _joined([r.shingles for r in rows], _NO_SHINGLES)
    pos, _ = _joined([_positions_of(r) for r in rows], _NO_POSITIONS)
    return columns_frame(SketchColumns(
        sig=sig, n=np.array([r.n for r in rows], dtype=np.int64),
        exact=np.array([r.exact for r in rows], dtype=np.uint64),
        chars=np.array([r.chars for r in rows], dtype=np.int64),
        score=np.array([r.score for r in rows], dtype=np.float32),
        shingles=DistinctShingles(sh, pos, offsets), level=np.array([r.level for r in rows], dtype=np.int64),
        removed=_joined([r.removed for r in rows], _NO_SHINGLES), doc=np.asarray(positions, dtype=np.int64)))


def columns_frame(c: SketchColumns) -> pl.DataFrame:
    """The sketch frame of ``c``: list columns made from their flat values and offsets in one call
    each (Arrow's ``LargeListArray.from_arrays``), the signature from one flat array."""
    k = c.sig.shape[0]
    sh = c.shingles
    return pl.DataFrame([
        _lists("sh", sh.hashes, sh.offsets),
        _lists("rm", *c.removed),
        _lists("pos", sh.positions, sh.offsets),
        pl.Series("lvl", c.level, dtype=pl.UInt8),
        pl.Series("sig", np.ascontiguousarray(c.sig, dtype=np.uint32).ravel()).reshape((k, c.sig.shape[1])),
        pl.Series("n", c.n, dtype=pl.UInt32),
        pl.Series("exact", c.exact, dtype=pl.UInt64),
        pl.Series("chars", c.chars, dtype=pl.Int64),
        pl.Series("score", c.score, dtype=pl.Float32),
        pl.Series("doc", c.doc, dtype=pl.Int64),
    ])


def _positions_of(row: SketchRow) -> np.ndarray | None:
    """The row's ``pos``; a row given shingles without positions has them all at the start (every
    occurrence counts towards template, as before positions were kept)."""
    if row.positions is None and row.shingles is not None:
        return np.zeros(row.shingles.shape[0], dtype=np.uint8)
    return row.positions


_NO_SHINGLES = np.zeros(0, dtype=np.uint32)
_NO_POSITIONS = np.zeros(0, dtype=np.uint8)


def _joined(values: Sequence[np.ndarray | None], empty: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(values end to end, row offsets)`` of arrays (``None``: an empty one), as ``empty``'s dtype."""
    offsets = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum([0 if v is None else v.shape[0] for v in values], out=offsets[1:])
    present = [v.astype(empty.dtype, copy=False) for v in values if v is not None and v.shape[0]]
    return (np.concatenate(present) if present else empty), offsets


def _lists(name: str, values: np.ndarray, offsets: np.ndarray) -> pl.Series:
    """A ``List`` Series of ``values``' dtype, row ``i`` holding ``values[offsets[i]:offsets[i + 1]]``,
    from Arrow buffers over the arrays (a ``Series`` built from a list of arrays costs ~8 us a row)."""
    import pyarrow as pa  # only the sketching processes need it

    values = np.ascontiguousarray(values)
    offsets = np.ascontiguousarray(offsets, dtype=np.int64)
    # from_buffers, not pa.array: pa.array looks for pandas objects and imports pandas (~0.4 s)
    inner = pa.Array.from_buffers(pa.from_numpy_dtype(values.dtype), values.shape[0], [None, pa.py_buffer(values)])
    starts = pa.Array.from_buffers(pa.int64(), offsets.shape[0], [None, pa.py_buffer(offsets)])
    return pl.Series(_ArrowArray(pa.LargeListArray.from_arrays(starts, inner))).alias(name)


class _ArrowArray:
    """An Arrow array seen only through the Arrow PyCapsule interface: polars reads it in ~25 us,
    where a ``pyarrow.Array`` goes through polars' pyarrow path (~180 us, and imports
    ``pyarrow.compute``, ~0.1 s a process)."""

    __slots__ = ("array",)

    def __init__(self, array: object):
        self.array = array

    def __arrow_c_array__(self, requested_schema: object = None) -> object:
        return self.array.__arrow_c_array__(requested_schema)  # type: ignore[attr-defined]


def quality(rows: pl.DataFrame) -> np.ndarray | None:
    """The ``score`` column when the sketches carry it (sketches from older index parts may not)."""
    return rows["score"].to_numpy() if "score" in rows.columns else None


def signatures(rows: pl.DataFrame) -> np.ndarray:
    """The ``sig`` column as an ``(N, num_perm)`` uint32 matrix."""
    col = rows["sig"]
    if isinstance(col.dtype, pl.Array):
        return col.to_numpy().astype(np.uint32, copy=False).reshape(rows.height, -1)
    return np.vstack(col.to_list()).astype(np.uint32)


def summary_stats(n_docs: int, cluster_sizes: collections.Counter) -> dict:
    """Duplicate rate and cluster-size histogram for summary.json."""
    hist = collections.Counter(cluster_sizes.values())
    dropped = sum(s - 1 for s in cluster_sizes.values())
    return {
        "documents": n_docs,
        "clusters": len(cluster_sizes),
        "duplicates": dropped,
        "duplicate_rate": round(dropped / n_docs, 6) if n_docs else 0.0,
        "cluster_size_histogram": {str(k): hist[k] for k in sorted(hist)},
    }

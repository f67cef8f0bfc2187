"""boilerplate/cross-document: lines repeated across many documents of one source (a site's furniture).

What it finds: a line whose normalised text occurs in at least ``min_docs`` documents of the same source,
as CCNet (Wenzek et al. 2019) does with line hashes. The source is the URL host of ``meta["url"]`` when
present, else the folder of ``meta["path"]``, else the whole corpus. In a document that shares its
prose with others (a syndicated copy, a near-duplicate) the lines of the article core are left alone:
that is the near-duplicate family's business, and removing them would gut the copies.
Why it matters: a site's footer, slogan or widget text that no lexicon knows repeats on every page of
that site; this is what catches it.
Example: ``... the article.\nOur site is where tomorrow is realized.`` (on every page of one site)
-> ``... the article.\n``
How to tune: ``min_docs`` (the count threshold; CCNet removes any repeated line within a shard, we ask
for several documents of one source), ``min_chars`` / ``max_chars`` (lines outside are not hashed:
"OK" is too short to mean anything, a long paragraph is a near-duplicate's job), ``max_shared_prose``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import urlsplit

import polars as pl

from qc.boilerplate.blocks import BlockClassifier, shared_classifier
from qc.boilerplate.lines import line_table
from qc.distributed import hash_partition
from qc.model import Document, Finding, Severity
from qc.rule import CorpusResult, CorpusRule, ResolveTasks


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    min_docs: int = 4  # a line in this many documents of one source is furniture (dev: 27 pages of ~15
    #                    sites; 3 caught "Advertisement" and menus, 4 keeps shared article quotes safe)
    min_chars: int = 3  # normalised lines shorter than this are not hashed
    max_chars: int = 400  # longer lines are paragraphs, not furniture (measured: furniture lines < 300)
    max_shared_prose: float = 0.3  # a document sharing two or more prose lines and more than this share of
    #                                them is a syndicated copy, not a page with a furniture sentence
    lexicon: str = "boilerplate_phrases.toml"
    stopwords: bool = True
    model: str = ""  # the line model (shared with ``leading``; "": the cascade)


_SCHEMA = {"source": pl.Utf8, "hash": pl.UInt64, "start": pl.Int64, "end": pl.Int64, "prose": pl.Boolean,
           "core": pl.Boolean}
_BATCH_SCHEMA = {**_SCHEMA, "doc": pl.Int64}  # a batch's rows: ``doc`` is the document's position in it


def source_key(doc: Document) -> str:
    """URL host, else the document's folder, else one source for the whole corpus."""
    url = doc.meta.get("url") if doc.meta else None
    if isinstance(url, str) and url:
        host = urlsplit(url if "//" in url else "//" + url).hostname or ""
        if host:
            return "host:" + host.lower().removeprefix("www.")
    path = doc.meta.get("path") if doc.meta else None
    if isinstance(path, str) and path:
        return "dir:" + str(PurePath(path).parent)
    return "corpus"


# With workers, sketches of at least this many lines count their repeats partition-parallel.
PARTITION_MIN_ROWS = 5_000_000


def repeated_lines(min_docs: int, rows: pl.DataFrame) -> pl.DataFrame:
    """``source, hash, n_docs`` of the lines found in at least ``min_docs`` documents of a source."""
    return (rows.group_by(["source", "hash"]).agg(pl.col("doc").n_unique().alias("n_docs"))
            .filter(pl.col("n_docs") >= min_docs))


class CrossDocument(CorpusRule):
    id = "boilerplate/cross-document"
    summary = "Lines repeated across many documents of the same source (site furniture), removed by cleaning."
    severity = Severity.WARNING
    fixes = True
    Options = Options

    def setup(self) -> None:
        self.classifier: BlockClassifier = shared_classifier(self.resources, self.options.lexicon,
                                                             self.options.stopwords, self.options.model)

    def sketch(self, doc: Document, clean: str) -> pl.DataFrame | None:
        rows: dict[str, list] = {k: [] for k in _SCHEMA}
        self._add_rows(doc, rows)
        if not rows["hash"]:
            return None
        return pl.DataFrame(rows, schema=_SCHEMA)

    def sketch_batch(self, docs: Sequence[Document], cleans: Sequence[str]) -> pl.DataFrame | None:
        """The rows of ``sketch`` for every document in one frame (one frame per document was most of this
        rule's cost), ``doc`` the document's position in ``docs``."""
        rows: dict[str, list] = {k: [] for k in _BATCH_SCHEMA}
        for i, doc in enumerate(docs):
            added = self._add_rows(doc, rows)
            rows["doc"] += [i] * added
        if not rows["hash"]:
            return None
        return pl.DataFrame(rows, schema=_BATCH_SCHEMA)

    def _add_rows(self, doc: Document, rows: dict[str, list]) -> int:
        """Append the document's sketch rows to the ``_SCHEMA`` columns of ``rows``; how many were added."""
        o = self.options
        lines = self.classifier.classify(doc).lines
        src = source_key(doc)
        n_text = len(doc.text)
        before = len(rows["hash"])
        for (start, end, _line, _folded, key, _words), ln in zip(line_table(doc), lines, strict=True):
            if not (o.min_chars <= len(key) <= o.max_chars):
                continue
            h = int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")
            prose = ln.kind == "prose"
            rows["source"].append(src)
            rows["hash"].append(h)
            rows["start"].append(start)
            rows["end"].append(end + 1 if end < n_text else end)
            rows["prose"].append(prose)
            rows["core"].append(ln.region == "core")
        return len(rows["hash"]) - before

    def resolve(self, rows: pl.DataFrame, ids: list[str], tasks: ResolveTasks | None = None) -> CorpusResult:
        o = self.options
        if rows.is_empty() or "hash" not in rows.columns:
            return CorpusResult(stats={"repeated_lines": 0})
        if tasks is not None and tasks.task_workers > 1 and rows.height >= PARTITION_MIN_ROWS:
            # every (source, line) group lies whole in one partition: each is counted on a worker
            parts = hash_partition(rows.select("source", "hash", "doc"), ["source", "hash"], 2 * tasks.task_workers)
            counts = pl.concat(tasks.map_tasks(repeated_lines, parts, o.min_docs)).lazy()
        else:
            counts = repeated_lines(o.min_docs, rows).lazy()
        hits = rows.lazy().join(counts, on=["source", "hash"], how="inner")
        # documents whose prose is largely shared are copies of each other: keep their prose lines
        prose_share = (rows.lazy().filter(pl.col("prose")).group_by("doc").agg(pl.len().alias("n_prose"))
                       .join(hits.filter(pl.col("prose")).group_by("doc").agg(pl.len().alias("n_shared")),
                             on="doc", how="left")
                       .with_columns((pl.col("n_shared").fill_null(0) / pl.col("n_prose")).alias("share")))
        copies = prose_share.filter((pl.col("share") > o.max_shared_prose) & (pl.col("n_shared") >= 2)).select("doc")
        keep_out = hits.filter(pl.col("core")).join(copies, on="doc", how="semi")
        flagged = (hits.join(keep_out.select("doc", "start"), on=["doc", "start"], how="anti")
                   .sort(["doc", "start"]).collect())
        findings: dict[int, list[Finding]] = {}
        for d, start, end, n in flagged.select("doc", "start", "end", "n_docs").iter_rows():
            findings.setdefault(int(d), []).append(Finding(
                rule=self.id, family=self.family, severity=self.level, start=int(start), end=int(end),
                excerpt="", message=f"line repeated in {n} documents of the same source", fix="",
                data={"documents": int(n)}))
        return CorpusResult(findings=findings, stats={"repeated_lines": flagged.height,
                                                      "documents": len(findings)})

"""The persistent near-duplicate index: everything accepted before, to gate new batches against.

Layout of an index directory (append-only; every file is written under a temporary name and renamed)::

    DIR/index.json                  settings (shingles, permutations, bands) and the format version
    DIR/part-000001.parquet         documents: id, sig (Array[uint32, num_perm]), n, exact, chars, and
                                    the verification evidence: sh (shingle hashes), lvl, rm, pos
    DIR/part-000001.keys.parquet    band keys: band, key (uint64), row (position in the part), sorted
    DIR/part-000001.lookup.npy      the same keys (band mixed in) sorted, and their rows: a (2, M)
                                    uint64 array derived from the keys file, memory-mapped by queries
    DIR/run-000001-000008.lookup.npy  the lookups of parts 1..8 merged: keys sorted, and their
                                    references ``part << 32 | row``
    DIR/.lock                       held (flock) by the one writer; a second writer is refused

A query looks its band keys up in each lookup's memory-mapped sorted array (binary search: ~40 ms
for a 10,000-document batch whatever the lookup's size up to ~50M keys, ~150 ms at 200M), so its cost
grows with the number of lookups, not with their size. ``add`` therefore merges lookups like an LSM
tree: after appending a part, the two newest lookups are merged while the older is at most
``MERGE_RATIO`` times the newer, which keeps a handful of lookups whatever the index size (at most 5
after 1,000 batches) and writes each key ~13 times over the index's life. Merges stream in chunks
(bounded memory) and replace their inputs only after the merged file is complete; leftovers of an
interrupted merge are ignored by queries (the widest lookup wins) and cleaned by the next writer.
Lookups are derived data: a part covered by none is joined against its keys file with polars instead.
Then just the row groups holding the matching documents' signatures are read (small row groups, read
lazily with polars) and verified exactly like in-batch candidates: the signature prefilter, then
exact shingle overlap without template shingles (counted over the batch and the indexed
candidates), against the same bars. A match that only signatures support is refused. The functions the CLI uses:

``build(index_dir, rows, ids, settings)`` — a new index from sketch rows; ``add(index_dir, rows, ids,
settings=None)`` — append a part; ``stats(index_dir) -> dict``; ``query(index_dir, rows, settings=None)
-> polars.DataFrame`` of matches ``doc, match_id, similarity, jaccard, containment, shared_shingles,
template_shingles, sample_rate`` (one row per matching
batch document, its best indexed match). ``rows`` are the near-duplicate rule's sketch rows (with the
engine's ``doc`` column); ``ids[doc]`` is the id of the document of ordinal ``doc``; ``settings`` come
from ``settings_of(rule)``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from qc.near_duplicate.cluster import Verification, measure, verify
from qc.near_duplicate.evidence import ShingleSets
from qc.near_duplicate.lsh import band_keys
from qc.writers import atomic_path, temp_path, write_atomic

FORMAT = 3  # 2: parts carry the shingle hashes exact verification needs; 3: and their positions
META = "index.json"
LOCK = ".lock"
# Settings that must agree between an index and the rule querying or extending it (signatures and
# band keys are only comparable when all of these are equal).
SKETCH_KEYS = ("shingle_size", "num_perm", "seed", "scheme", "hash", "fold_digits", "text", "bands", "rows")


class IndexUnusable(RuntimeError):
    """The index cannot be used as asked (missing, mismatched settings)."""


class IndexLocked(IndexUnusable):
    """Another writer holds the index."""


class IndexCorrupt(IndexUnusable):
    """A part of the index cannot be read."""


def settings_of(rule: Any) -> dict[str, Any]:
    """The settings an index records, from a ``NearDuplicate`` rule."""
    o = rule.options
    return {"shingle_size": o.shingle_size, "num_perm": o.num_perm, "seed": o.seed, "scheme": o.scheme,
            "hash": o.hash, "fold_digits": o.fold_digits, "text": o.text, "bands": rule.bands,
            "rows": rule.rows, "jaccard_min": o.jaccard_min, "containment_min": o.containment_min,
            "min_shingles": o.min_shingles, "prefilter_jaccard": o.prefilter_jaccard,
            "prefilter_containment": o.prefilter_containment, "sure_jaccard": o.sure_jaccard,
            "sure_containment": o.sure_containment, "template_groups": o.template_groups,
            "template_docs": o.template_docs, "min_kept": o.min_kept, "template_edge": o.template_edge,
            "own_passage": o.own_passage}


def _meta(index_dir: Path) -> dict[str, Any]:
    path = index_dir / META
    if not path.exists():
        raise IndexUnusable(f"{index_dir} is not a near-duplicate index (no {META}); create it with `qc index build`")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IndexCorrupt(f"{path} is unreadable: {exc}") from exc
    if meta.get("format") != FORMAT:
        raise IndexUnusable(f"{path}: index format {meta.get('format')} is not supported (expected {FORMAT}: "
                            "parts store where each shingle occurs, which template counting needs); "
                            "rebuild the index with `qc index build` from the indexed documents")
    return meta


def _check_settings(meta: dict[str, Any], settings: dict[str, Any] | None, index_dir: Path) -> None:
    if settings is None:
        return
    diff = [k for k in SKETCH_KEYS if k in settings and meta["settings"].get(k) != settings[k]]
    if diff:
        pairs = ", ".join(f"{k}: index {meta['settings'].get(k)!r} vs rule {settings[k]!r}" for k in diff)
        raise IndexUnusable(f"{index_dir}: the index was built with other sketch settings ({pairs}); "
                         "rebuild it or use the same rule options")


@contextlib.contextmanager
def _writer(index_dir: Path) -> Iterator[None]:
    """Hold the writer lock (``flock`` on ``DIR/.lock``; released by the kernel if the writer dies)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise IndexLocked(f"{index_dir} is being written by another process (lock {index_dir / LOCK}); "
                              "try again when it has finished") from exc
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


def _parts(index_dir: Path) -> list[Path]:
    return sorted(p for p in index_dir.glob("part-*.parquet") if not p.name.endswith(".keys.parquet"))


def _keys_path(part: Path) -> Path:
    return part.with_name(part.name.replace(".parquet", ".keys.parquet"))


def _lookup_path(part: Path) -> Path:
    return part.with_name(part.name.replace(".parquet", ".lookup.npy"))


def _part_number(part: Path) -> int:
    return int(part.name[5:11])


class _Lookup:
    """One sorted lookup array covering parts ``first..last``: a part's own file (references are
    rows of that part) or a merged run (references are ``part << 32 | row``)."""

    def __init__(self, path: Path, first: int, last: int) -> None:
        self.path, self.first, self.last = path, first, last
        self.merged = path.name.startswith("run-")

    def load(self) -> np.ndarray:
        try:
            lookup = np.load(self.path, mmap_mode="r")
            if lookup.ndim != 2 or lookup.shape[0] != 2 or lookup.dtype != np.uint64:
                raise ValueError(f"unexpected array {lookup.dtype} {lookup.shape}")
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"index lookup {self.path} is unreadable ({exc}); delete it to fall back to the "
                               "keys files, or restore it from a backup") from exc
        return lookup

    def directory(self, size: int) -> np.ndarray | None:
        """The lookup's directory (``None`` when it has none: the lookup is then binary-searched whole)."""
        path = _directory_path(self.path)
        if not path.exists():
            return None
        try:
            starts = np.load(path, mmap_mode="r")
            slots = starts.shape[0] - 1
            if starts.ndim != 1 or slots < 1 or slots & (slots - 1) or int(starts[-1]) != size:
                raise ValueError(f"does not match its lookup ({starts.dtype} {starts.shape})")
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"index directory {path} is unreadable ({exc}); delete it (queries then search "
                               "the lookup whole)") from exc
        return starts

    def refs(self, rows: np.ndarray) -> np.ndarray:
        """``part << 32 | row`` references from the array's second row."""
        return rows if self.merged else (np.uint64(self.first) << np.uint64(32)) | rows

    def size(self) -> int:
        return int(self.load().shape[1])


def _directory_path(lookup: Path) -> Path:
    return lookup.with_name(lookup.name.replace(".lookup.npy", ".dir.npy"))


def _write_directory(keys: np.ndarray, lookup: Path) -> None:
    """The directory of sorted ``keys`` (see ``DIRECTORY_FILL``), written before its lookup."""
    bits = int(np.clip(np.ceil(np.log2(max(2, keys.shape[0]) / DIRECTORY_FILL)), 1, 31))
    shift = np.uint64(64 - bits)
    counts = np.zeros(1 << bits, dtype=np.int64)
    for lo in range(0, keys.shape[0], MERGE_CHUNK):  # in chunks: keys may be a large memory map
        counts += np.bincount((np.asarray(keys[lo:lo + MERGE_CHUNK]) >> shift).astype(np.int64),
                              minlength=1 << bits)
    starts = np.zeros((1 << bits) + 1, dtype=np.uint32 if keys.shape[0] < 1 << 32 else np.uint64)
    np.cumsum(counts, out=starts[1:])
    path = _directory_path(lookup)
    with atomic_path(path) as tmp, open(tmp, "xb") as fh:
        np.save(fh, starts)


def _search(keys: np.ndarray, starts: np.ndarray, q: np.ndarray, side: str) -> np.ndarray:
    """``np.searchsorted(keys, q, side)`` through the directory: a vectorised binary search of each
    probe's directory slot only."""
    bits = int(np.log2(starts.shape[0] - 1))
    slot = (q >> np.uint64(64 - bits)).astype(np.int64)
    lo = np.asarray(starts[slot]).astype(np.int64)
    hi = np.asarray(starts[slot + 1]).astype(np.int64)
    live = np.flatnonzero(lo < hi)
    while live.size:
        mid = (lo[live] + hi[live]) // 2
        k = np.asarray(keys[mid])
        right = k < q[live] if side == "left" else k <= q[live]
        lo[live[right]] = mid[right] + 1
        hi[live[~right]] = mid[~right]
        live = live[lo[live] < hi[live]]
    return lo


def _lookups(index_dir: Path, parts: list[Path]) -> tuple[list[_Lookup], list[Path]]:
    """The lookups a query reads, oldest first (the widest run wins where an interrupted merge left
    overlapping files), and the parts no lookup covers (read from their keys files)."""
    found = [_Lookup(p, int(p.name[4:10]), int(p.name[11:17])) for p in index_dir.glob("run-*.lookup.npy")]
    found += [_Lookup(_lookup_path(p), _part_number(p), _part_number(p)) for p in parts if _lookup_path(p).exists()]
    chosen: list[_Lookup] = []
    for lk in sorted(found, key=lambda x: (x.first, -x.last)):
        if not chosen or lk.first > chosen[-1].last:
            chosen.append(lk)
    covered = {n for lk in chosen for n in range(lk.first, lk.last + 1)}
    return chosen, [p for p in parts if _part_number(p) not in covered]


_BAND_MIX = np.uint64(0x9E3779B97F4A7C15)
# LSM merge policy: merge the two newest lookups while the older holds at most this many times the
# newer's keys. Simulated over 1,000 batches of equal size: 2 -> up to 7 lookups, 11x rewrites;
# 4 -> up to 5 lookups, 13x; 8 -> up to 4, 18x.
MERGE_RATIO = 4
MERGE_CHUNK = 1 << 22  # keys per merge step (~100 MB of arrays in memory)
# Each lookup has a directory: the start of every run of keys sharing their top bits, sized so that
# a run holds 2-4 keys. Band keys are hashes, so runs are even: a probe reads its directory slot and
# binary-searches a handful of keys instead of the whole array. 210,000 probes (a 10,000-document
# batch) into 36.75M keys: 23 ms against 87 ms for np.searchsorted (fill 16: 37 ms; 2: 16 ms); the
# directory costs 1-2 bytes per key (6-12 % of the lookup's 16).
DIRECTORY_FILL = 4


def _lookup_keys(keys: np.ndarray, band: np.ndarray) -> np.ndarray:
    """One uint64 per (band, key): the key xor a band-specific odd constant (a collision only costs a
    verification)."""
    with np.errstate(over="ignore"):
        return keys ^ ((band.astype(np.uint64) + np.uint64(1)) * _BAND_MIX)


def _write_atomic(frame: pl.DataFrame, path: Path, **kwargs: Any) -> None:
    with atomic_path(path) as tmp:
        frame.write_parquet(tmp, **kwargs)


def _sigs(rows: pl.DataFrame) -> np.ndarray:
    from qc.near_duplicate.near_duplicate import signatures

    return signatures(rows)


def _write_part(index_dir: Path, rows: pl.DataFrame, ids: list[str], settings: dict[str, Any]) -> Path:
    rows = rows.sort("doc")
    if "rm" not in rows.columns:
        rows = rows.with_columns(pl.lit([], dtype=pl.List(pl.UInt32)).alias("rm"))
    number = max((_part_number(p) for p in _parts(index_dir)), default=0) + 1
    part = index_dir / f"part-{number:06d}.parquet"
    docs = rows.select(pl.Series("id", [ids[d] for d in rows["doc"].to_list()], dtype=pl.String),
                       "sig", "n", "exact", "chars", "sh", "lvl", "rm", "pos")
    keys = band_keys(_sigs(rows), settings["bands"], settings["rows"])
    n, bands = keys.shape
    key_frame = pl.DataFrame({
        "band": np.tile(np.arange(bands, dtype=np.uint16), n),
        "key": keys.ravel(),
        "row": np.repeat(np.arange(n, dtype=np.uint32), bands),
    }).sort("key", "band", "row")
    lk = _lookup_keys(key_frame["key"].to_numpy(), key_frame["band"].to_numpy())
    order = np.argsort(lk, kind="stable")
    lookup = np.vstack([lk[order], key_frame["row"].to_numpy().astype(np.uint64)[order]])
    # keys first: a part whose documents file exists is complete (stats and query look at those)
    _write_atomic(key_frame, _keys_path(part), statistics=True, row_group_size=1 << 16)
    with atomic_path(_lookup_path(part)) as tmp:
        with open(tmp, "xb") as fh:
            np.save(fh, lookup)
        _write_directory(lookup[0], _lookup_path(part))
    # small row groups: a query reads only the groups that hold its matches (8,192 rows ~ 4 MB of
    # signatures; measured 36 ms for 3 rows of a 250,000-row part against 0.7 s with one big group)
    _write_atomic(docs, part, statistics=True, row_group_size=8192)
    return part


def build(index_dir: str | os.PathLike, rows: pl.DataFrame, ids: list[str], settings: dict[str, Any]) -> dict:
    """Create an index from the sketch rows of a corpus; refuses a directory that holds one already."""
    d = Path(index_dir)
    with _writer(d):
        if (d / META).exists() or _parts(d):
            raise IndexUnusable(f"{d} already holds an index; use `qc index add` to extend it")
        meta = {"format": FORMAT, "settings": settings}
        write_atomic(d / META, json.dumps(meta, indent=2, sort_keys=True))
        if rows.height:
            _write_part(d, rows, ids, settings)
    return stats(d)


def add(index_dir: str | os.PathLike, rows: pl.DataFrame, ids: list[str],
        settings: dict[str, Any] | None = None) -> dict:
    """Append the sketch rows of a batch as a new part (after a passing gate, when the user asks)."""
    d = Path(index_dir)
    with _writer(d):
        meta = _meta(d)
        _check_settings(meta, settings, d)
        if rows.height:
            _write_part(d, rows, ids, meta["settings"])
            compact(d)
    return stats(d)


def compact(index_dir: Path) -> None:
    """Merge the newest lookups (see the module docstring); the caller holds the writer lock."""
    parts = _parts(index_dir)
    chosen, _ = _lookups(index_dir, parts)
    _remove_shadowed(index_dir, chosen)
    sizes = [lk.size() for lk in chosen]
    while len(chosen) >= 2 and sizes[-2] <= MERGE_RATIO * sizes[-1] and chosen[-2].last + 1 == chosen[-1].first:
        older, newer = chosen[-2], chosen[-1]
        merged = _merge(index_dir, older, newer)
        for lk in (older, newer):
            lk.path.unlink()
            _directory_path(lk.path).unlink(missing_ok=True)
        chosen[-2:] = [merged]
        sizes[-2:] = [sizes[-2] + sizes[-1]]


def _remove_shadowed(index_dir: Path, chosen: list[_Lookup]) -> None:
    """Delete lookup files inside a wider one (left by an interrupted merge) and temporary files."""
    keep = {lk.path for lk in chosen} | {_directory_path(lk.path) for lk in chosen}
    for pattern in ("run-*.lookup.npy", "part-*.lookup.npy", "run-*.dir.npy", "part-*.dir.npy", ".*.tmp"):
        for p in index_dir.glob(pattern):
            if p not in keep:
                p.unlink()


def _merge(index_dir: Path, a: _Lookup, b: _Lookup) -> _Lookup:
    """Merge two sorted lookups into ``run-FIRST-LAST.lookup.npy``, a chunk at a time: a chunk of the
    larger input and the keys of the other that sort before the chunk's end, sorted together
    (timsort merges the two sorted runs in linear time)."""
    out = _Lookup(index_dir / f"run-{a.first:06d}-{b.last:06d}.lookup.npy", a.first, b.last)
    big, small = (a, b) if a.size() >= b.size() else (b, a)
    la, lb = big.load(), small.load()
    na, nb = la.shape[1], lb.shape[1]
    tmp = temp_path(out.path)  # a killed merge's leftover is removed by _remove_shadowed (".*.tmp")
    merged = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint64, shape=(2, na + nb))
    pos = i = j = 0
    while i < na or j < nb:
        i2 = min(na, i + MERGE_CHUNK)
        j2 = min(nb, j + MERGE_CHUNK) if i2 == na else int(np.searchsorted(lb[0], la[0, i2], side="left"))
        keys = np.concatenate([la[0, i:i2], lb[0, j:j2]])
        refs = np.concatenate([big.refs(np.asarray(la[1, i:i2])), small.refs(np.asarray(lb[1, j:j2]))])
        order = np.argsort(keys, kind="stable")
        merged[0, pos:pos + keys.size] = keys[order]
        merged[1, pos:pos + keys.size] = refs[order]
        pos += keys.size
        i, j = i2, j2
    merged.flush()
    _write_directory(merged[0], out.path)
    del merged
    os.replace(tmp, out.path)
    return out


def _scan(path: Path, columns: list[str]) -> pl.LazyFrame:
    return pl.scan_parquet(path).select(columns)


def _read_checked(path: Path, frame: pl.LazyFrame) -> pl.DataFrame:
    try:
        return frame.collect()
    except Exception as exc:  # polars raises several error types for damaged files
        raise IndexCorrupt(f"index part {path} is unreadable ({type(exc).__name__}: {exc}); "
                           "restore it from a backup or remove it and re-add its batch") from exc


def stats(index_dir: str | os.PathLike) -> dict[str, Any]:
    """Documents, parts, bytes and settings of an index; every part's metadata is checked."""
    d = Path(index_dir)
    meta = _meta(d)
    documents = 0
    size = 0
    parts = _parts(d)
    for part in parts:
        for path in (part, _keys_path(part)):
            if not path.exists():
                raise IndexCorrupt(f"index part {path} is missing")
            size += path.stat().st_size
        if _lookup_path(part).exists():
            size += _lookup_path(part).stat().st_size
        documents += int(_read_checked(part, pl.scan_parquet(part).select(pl.len()))[0, 0])
        _read_checked(_keys_path(part), pl.scan_parquet(_keys_path(part)).select(pl.len()))
    size += sum(p.stat().st_size for pattern in ("run-*.lookup.npy", "*.dir.npy") for p in d.glob(pattern))
    return {"documents": documents, "parts": len(parts), "lookups": len(_lookups(d, parts)[0]), "bytes": size,
            "settings": meta["settings"], "format": FORMAT}


def _bars(s: dict[str, Any]) -> Verification:
    return Verification(**{k: s[k] for k in Verification.__dataclass_fields__ if k in s})


def query(index_dir: str | os.PathLike, rows: pl.DataFrame, settings: dict[str, Any] | None = None) -> pl.DataFrame:
    """Best indexed match of every batch document that has one: ``doc, match_id, similarity,
    jaccard, containment, shared_shingles, template_shingles, sample_rate, own_passage`` (verified like in-batch
    pairs, on exact shingle evidence; ties broken by the smaller id)."""
    d = Path(index_dir)
    meta = _meta(d)
    _check_settings(meta, settings, d)
    s = meta["settings"]
    bars = _bars(s)
    empty = pl.DataFrame(schema={"doc": pl.Int64, "match_id": pl.String, "similarity": pl.Float64,
                                 "jaccard": pl.Float64, "containment": pl.Float64, "shared_shingles": pl.Int64,
                                 "template_shingles": pl.Int64, "sample_rate": pl.Float64,
                                 "own_passage": pl.Int64})
    parts = _parts(d)
    if rows.height == 0 or not parts:
        return empty
    rows = rows.sort("doc")
    qsig = _sigs(rows)
    qn = rows["n"].to_numpy()
    keys = band_keys(qsig, s["bands"], s["rows"])
    m, bands = keys.shape
    q = pl.DataFrame({"band": np.tile(np.arange(bands, dtype=np.uint16), m), "key": keys.ravel(),
                      "qrow": np.repeat(np.arange(m, dtype=np.int64), bands)})
    qk = _lookup_keys(keys.ravel(), np.tile(np.arange(bands, dtype=np.uint64), m))
    qrow_all = np.repeat(np.arange(m, dtype=np.int64), bands)
    order = np.argsort(qk, kind="stable")  # sorted probes walk the memory map in order
    qk, qrow_all = qk[order], qrow_all[order]
    lookups, unlooked = _lookups(d, parts)
    hits = [_lookup_hits(lk, qk, qrow_all) for lk in lookups]
    hits += [_keys_hits(part, q) for part in unlooked]
    hits = [h for h in hits if h.height]
    if not hits:
        return empty
    by_part = pl.concat(hits).unique().sort("part", "qrow", "row")
    joined_parts = []
    for (number,), part_hits in by_part.partition_by("part", as_dict=True, maintain_order=True).items():
        part = d / f"part-{number:06d}.parquet"
        wanted = np.unique(part_hits["row"].to_numpy())
        docs = _read_checked(part, pl.scan_parquet(part).with_row_index("row")
                             .filter(pl.col("row").is_in(wanted.tolist()))
                             .select("row", "id", "sig", "n", "sh", "lvl", "rm", "pos"))
        joined_parts.append(part_hits.select("row", "qrow").join(docs, on="row", how="inner").sort("qrow", "row"))
    joined = pl.concat(joined_parts)
    # the signature prefilter on stacked signatures: batch rows first, then the indexed candidates
    a = joined["qrow"].to_numpy()
    b = np.arange(joined.height) + m
    ok, _ = verify(np.vstack([qsig, _sigs(joined)]), np.concatenate([qn, joined["n"].to_numpy()]), a, b,
                   bars.prefilter_jaccard, bars.prefilter_containment, bars.min_shingles)
    if not ok.any():
        return empty
    cand = joined.filter(pl.Series(ok))
    a = a[ok]
    b = np.arange(cand.height) + m
    # exact evidence; template shingles counted over the batch and the indexed candidates
    both = pl.concat([rows.select("sh", "lvl", "rm", "pos"), cand.select("sh", "lvl", "rm", "pos")],
                     how="vertical_relaxed")
    sets = ShingleSets.from_rows(both, s["min_kept"])
    n = both.height
    ev, accepted, _ = measure(sets, a, b, n, np.arange(n), bars)
    if not accepted.any():
        return empty
    sel = np.flatnonzero(accepted)
    j, c = ev.jaccard[sel], ev.containment[sel]
    found = pl.DataFrame({"qrow": a[sel], "match_id": cand["id"].to_numpy()[sel], "similarity": np.maximum(j, c),
                          "jaccard": j, "containment": c, "shared_shingles": ev.shared[sel],
                          "template_shingles": ev.template[sel],
                          "sample_rate": 1.0 / (1 << ev.level[sel].astype(np.int64)), "own_passage": ev.own[sel]})
    out = (found.sort(["qrow", "similarity", "match_id"], descending=[False, True, False])
           .unique("qrow", keep="first", maintain_order=True))
    docs = rows["doc"].to_numpy()
    return out.select(pl.Series("doc", docs[out["qrow"].to_numpy()], dtype=pl.Int64), *empty.columns[1:])


_NO_HITS = {"part": pl.Int64, "row": pl.UInt32, "qrow": pl.Int64}


def _lookup_hits(lk: _Lookup, qk: np.ndarray, qrow: np.ndarray) -> pl.DataFrame:
    """``part, row, qrow`` of the indexed documents whose band keys equal a query's (``qk`` sorted)."""
    lookup = lk.load()
    sorted_keys = lookup[0]
    if sorted_keys.shape[0] == 0:
        return pl.DataFrame(schema=_NO_HITS)
    directory = lk.directory(sorted_keys.shape[0])

    def search(q: np.ndarray, side: str) -> np.ndarray:
        if directory is None:
            return np.searchsorted(sorted_keys, q, side=side)
        return _search(sorted_keys, directory, q, side)

    lo = search(qk, "left")
    sel = np.asarray(sorted_keys[np.minimum(lo, sorted_keys.shape[0] - 1)]) == qk
    if not sel.any():
        return pl.DataFrame(schema=_NO_HITS)
    # the upper bound only for the (few) keys that are present: equal keys sit together
    starts = lo[sel]
    counts = search(qk[sel], "right") - starts
    offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    refs = lk.refs(np.asarray(lookup[1][np.repeat(starts, counts) + offsets]))
    return pl.DataFrame({"part": (refs >> np.uint64(32)).astype(np.int64),
                         "row": (refs & np.uint64(0xFFFFFFFF)).astype(np.uint32),
                         "qrow": np.repeat(qrow[sel], counts)})


def _keys_hits(part: Path, q: pl.DataFrame) -> pl.DataFrame:
    """The same from a part's keys file (a part no lookup covers)."""
    kp = _keys_path(part)
    if not kp.exists():
        raise IndexCorrupt(f"index part {kp} is missing")
    return _read_checked(kp, pl.scan_parquet(kp).select("band", "key", "row")
                         .join(q.lazy(), on=["band", "key"], how="inner")
                         .select(pl.lit(_part_number(part), dtype=pl.Int64).alias("part"), "row", "qrow"))

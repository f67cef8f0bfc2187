"""Building blocks for resolving corpus rules over partitions: generic polars functions, no Ray needed.

A corpus rule's resolve step is made partition-parallel in three moves, each a pure function here that
runs the same on one machine or per Ray partition:

1. ``hash_partition`` / ``partition_ids`` split rows so that every group of equal key values (a
   MinHash (band, bucket) pair, a normalised line) lies whole in one partition; each partition is then
   grouped independently (``qc.near_duplicate.cluster.band_partition_pairs`` is the LSH case,
   ``qc.boilerplate.cross_document`` the repeated-line case).
2. The rule turns each partition's groups into candidate edges and verifies them.
3. ``connected_components`` labels the verified edge list by iterated min-label propagation with
   hooking and pointer jumping. One round is ``min_label_step`` (joins and a group-by over the edges)
   then ``combine_labels`` (over the nodes); the rounds run on the driver when the edge list fits in
   memory, or with each round's step mapped over edge partitions (one Ray task each) and only the
   per-node minima combined on the driver.

Partition assignment for integer keys uses a fixed splitmix64 mix in numpy, so every process and
machine (and every polars version) puts a key in the same partition; other column types fall back to
polars' seeded hash, which is stable for one polars version (a Ray cluster runs one environment).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import polars as pl

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _splitmix64(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (Steele et al. 2014): a fixed, well-mixed 64-bit hash of 64-bit ints."""
    with np.errstate(over="ignore"):
        z = x.astype(np.uint64, copy=True) + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def partition_ids(frame: pl.DataFrame, by: Sequence[str], partitions: int) -> np.ndarray:
    """The partition (0 .. partitions-1) of every row; rows with equal ``by`` values share one."""
    if partitions < 1:
        raise ValueError("partitions must be at least 1")
    h = np.zeros(frame.height, dtype=np.uint64)
    for col in by:
        s = frame[col]
        if s.dtype.is_integer():
            v = s.cast(pl.Int64, wrap_numerical=True).to_numpy().view(np.uint64) if s.dtype != pl.UInt64 \
                else s.to_numpy()
        else:
            v = s.hash(seed=0x5EED).to_numpy()
        with np.errstate(over="ignore"):
            h = _splitmix64(h * np.uint64(31) + v)
    return (h % np.uint64(partitions)).astype(np.int64)


def hash_partition(frame: pl.DataFrame, by: Sequence[str], partitions: int) -> list[pl.DataFrame]:
    """``partitions`` frames (some may be empty) such that each group of equal ``by`` values is in one."""
    part = partition_ids(frame, by, partitions)
    tagged = frame.with_columns(pl.Series("_partition", part))
    out = [frame.clear() for _ in range(partitions)]
    for (p,), group in tagged.partition_by("_partition", as_dict=True, maintain_order=True).items():
        out[int(p)] = group.drop("_partition")
    return out


def min_label_step(edges: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """One round over ``edges`` (a, b): candidate labels for the endpoints and for their labels.

    Each endpoint is offered its neighbour's label (propagation) and each endpoint's label node is
    offered the other endpoint's label (hooking, as in Shiloach-Vishkin: whole trees merge under the
    smaller label, not one node at a time). Returns ``node, label`` candidates; combine the partial
    results of several edge partitions with ``combine_labels``.
    """
    la = labels.rename({"node": "a", "label": "la"})
    lb = labels.rename({"node": "b", "label": "lb"})
    e = edges.select("a", "b").join(la, on="a").join(lb, on="b").filter(pl.col("la") != pl.col("lb"))
    return (pl.concat([e.select(pl.col("a").alias("node"), pl.col("lb").alias("label")),
                       e.select(pl.col("b").alias("node"), pl.col("la").alias("label")),
                       e.select(pl.col("la").alias("node"), pl.col("lb").alias("label")),
                       e.select(pl.col("lb").alias("node"), pl.col("la").alias("label"))])
            .group_by("node").agg(pl.col("label").min()))


def combine_labels(labels: pl.DataFrame, candidates: Sequence[pl.DataFrame]) -> pl.DataFrame:
    """Each node's minimum over its current label and every candidate, then full pointer jumping
    (``label = label[label]`` until nothing changes) so every tree is a star before the next round.
    Labels are always nodes of the same component, so both moves keep them correct."""
    dtype = labels["label"].dtype
    merged = (pl.concat([labels, *[c.select(pl.col("node").cast(dtype), pl.col("label").cast(dtype))
                                   for c in candidates]])
              .group_by("node").agg(pl.col("label").min())
              .sort("node"))
    while True:
        up = merged.rename({"node": "label", "label": "up"})
        jumped = (merged.join(up, on="label", how="left")
                  .select("node", pl.min_horizontal("label", "up").alias("label")))
        if jumped.equals(merged):
            return merged
        merged = jumped


StepMap = Callable[[pl.DataFrame, pl.DataFrame], Sequence[pl.DataFrame]]


def connected_components(edges: pl.DataFrame, a: str = "a", b: str = "b", *,
                         step_map: StepMap | None = None, max_rounds: int = 200) -> pl.DataFrame:
    """Connected components of an edge list: ``node, label`` with label = the smallest node in its component.

    Nodes that appear in no edge are absent (they are their own component). ``step_map(edges, labels)``
    may run ``min_label_step`` over edge partitions elsewhere (e.g. one Ray task per partition) and
    return the partial results; by default the step runs here over the whole edge list.
    """
    e = edges.select(pl.col(a).alias("a"), pl.col(b).alias("b"))
    nodes = pl.concat([e["a"], e["b"]]).unique().sort()
    labels = pl.DataFrame({"node": nodes, "label": nodes})
    if e.height == 0:
        return labels
    step = step_map or (lambda ed, lab: [min_label_step(ed, lab)])
    for _ in range(max_rounds):
        new = combine_labels(labels, step(e, labels))
        if new.equals(labels):
            return new
        labels = new
    raise RuntimeError(f"connected components did not converge in {max_rounds} rounds")

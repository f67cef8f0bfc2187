"""The near-duplicate family: exact and near-duplicate documents across a corpus (and an index)."""

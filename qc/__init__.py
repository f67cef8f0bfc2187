"""newsqc: data-quality and near-duplicate toolkit for scraped news.

Public surface::

    Document, Finding, Severity      the model (qc.model)
    Rule, CorpusRule                 the rule interface (qc.rule)
    load_pack, Pack                  rule packs (qc.pack)
    run_audit, AuditConfig           one audit run (qc.runner)

Errors::

    ValueError
    ├── InputError      missing or unreadable input path        -> exit 2
    ├── PackError       malformed rule pack, unknown rule        -> exit 2
    └── RuleConfigError unknown or mistyped rule option          -> exit 2 (as PackError)
"""

from __future__ import annotations

import os

# numpy marks every array of 4 MB or more for transparent huge pages (madvise); where the kernel
# compacts memory on such a fault (defrag "madvise", the common default) a large temporary's first
# touch stalls: a near-duplicate resolve of 50k documents, whose arrays of 100-200 MB are made and
# freed dozens of times, spent ~20 % of its CPU there (10.9 against 13.1 s, this 2-core machine).
# numpy reads this once, at import: set before it is imported (spawned workers inherit it); a
# value the user set is kept.
os.environ.setdefault("NUMPY_MADVISE_HUGEPAGE", "0")

__version__ = "0.1.0"

__all__ = ["__version__"]

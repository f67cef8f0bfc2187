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

__version__ = "0.1.0"

__all__ = ["__version__"]

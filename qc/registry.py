"""Every rule newsqc ships, in one literal table (a test checks ids, docs and test cases)."""

from __future__ import annotations

from qc.encoding.invalid_utf8 import InvalidUtf8
from qc.encoding.mojibake import Mojibake
from qc.rule import Rule

RULES: tuple[type[Rule], ...] = (
    # --- encoding ---
    InvalidUtf8,
    Mojibake,
    # --- untranslated ---
    # --- mt-artifact ---
    # --- boilerplate ---
    # --- near-duplicate ---
)

BY_ID: dict[str, type[Rule]] = {r.id: r for r in RULES}

"""Phrase matching for the line classifier: each lexicon category's whole-line entries and in-line phrases,
compiled to one character-trie regex per category."""

from __future__ import annotations

import re
from typing import Any

from qc.boilerplate.lines import normalise, straighten


def trie_pattern(items: list[tuple[str, str]]) -> str:
    """One regex for many literals, as a character trie (Python's ``re`` tries alternatives one by one,
    which made hundreds of phrases the classifier's main cost); each literal ends with its suffix."""
    trie: dict[str, Any] = {}
    for lit, suffix in items:
        node = trie
        for ch in lit:
            node = node.setdefault(ch, {})
        node[""] = suffix

    def build(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if "" in node:
            alts.append(node[""])  # the shorter literal ends here: tried after the longer ones
        return alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"

    return build(trie)


class PhraseMatcher:
    """One lexicon category: whole-line entries and in-line phrases."""

    def __init__(self, lines: list[str], phrases: list[str]):
        self.lines = frozenset(normalise(x) for x in lines)
        word_start: list[tuple[str, str]] = []
        other: list[tuple[str, str]] = []
        for p in {straighten(x).lower().strip() for x in phrases if x.strip()}:
            stem = p.endswith("*")
            p = p.rstrip("*")
            right = "" if stem or not p[-1].isalnum() else r"(?!\w)"
            (word_start if p[0].isalnum() else other).append((p, right))
        self.word_start, self.other = word_start, other
        parts = []
        if word_start:
            parts.append(r"(?<!\w)" + trie_pattern(word_start))
        if other:
            parts.append(trie_pattern(other))
        self.regex = re.compile("|".join(parts)) if parts else None

    def hits(self, folded: str, norm: str) -> list[str]:
        """The entry the whole line is, or the sorted distinct phrases found in it."""
        if norm in self.lines:
            return [norm]
        if self.regex is None:
            return []
        return sorted({m.group(0) for m in self.regex.finditer(folded)})


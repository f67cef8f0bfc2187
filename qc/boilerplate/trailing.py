"""boilerplate/trailing: page furniture after the article (prompts, story lists, comments, footers).

What it finds: every line after the article core (see ``qc.boilerplate.blocks``): newsletter and
subscription prompts, donation appeals, comment widgets, "Related stories" and dated story lists with
their teasers, sharing buttons, copyright footers.
Why it matters: trailing lists of other stories carry whole sentences of other articles: left in, they
fake near-duplicates and pollute training data with prompts such as "Never miss a story again".
Example: ``... said the minister.\nRead more\nSign up to our newsletter\n© 2024 News Ltd``
-> ``... said the minister.\n``
How to tune: as ``boilerplate/leading`` (the same classifier and lexicon): ``lexicon``, ``stopwords`` and the
opt-in line ``model`` (set the same value on all five boilerplate rules).
"""

from __future__ import annotations

from qc.boilerplate._edge import EdgeRule


class Trailing(EdgeRule):
    id = "boilerplate/trailing"
    summary = "Page furniture after the article core (prompts, story lists, footers), removed by cleaning."
    region = "trail"

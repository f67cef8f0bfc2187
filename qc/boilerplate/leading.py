"""boilerplate/leading: page furniture before the article (menus, banners, bylines, headline lists).

What it finds: every line before the article core — the contiguous run of lines with the most article
evidence (see ``qc.boilerplate.blocks``) — grouped into runs of the same evidence (navigation labels,
call-to-action phrases, cookie notices, dates, short unpunctuated lines).
Why it matters: menus and banners dominate n-gram statistics of scraped news, fake near-duplicates between
unrelated articles of one site, and teach models to write "Accept cookies".
Example: ``Menu\nSign in\nSubscribe\nThe minister said on Tuesday ...`` -> ``The minister said on Tuesday ...``
How to tune: ``lexicon`` names the phrase lexicon (``rules/lexicons/boilerplate_phrases.toml``: add a
site's or a language's navigation labels and prompts there); ``stopwords = false`` drops the stopword
density evidence (languages without a jusText stoplist never use it). The weights are constants of
``qc/boilerplate/blocks.py``, measured on the development pages.
"""

from __future__ import annotations

from qc.boilerplate._edge import EdgeRule


class Leading(EdgeRule):
    id = "boilerplate/leading"
    summary = "Page furniture before the article core (menus, banners, bylines), removed by cleaning."
    region = "lead"

"""boilerplate/leading: page furniture before the article (menus, banners, bylines, headline lists).

What it finds: every line before the article core — the contiguous run of lines with the most article
evidence (see ``qc.boilerplate.blocks``) — grouped into runs of the same evidence (navigation labels,
call-to-action phrases, cookie notices, dates, short unpunctuated lines).
Why it matters: menus and banners dominate n-gram statistics of scraped news, fake near-duplicates between
unrelated articles of one site, and teach models to write "Accept cookies".
Example: ``Menu\nSign in\nSubscribe\nThe minister said on Tuesday ...`` -> ``The minister said on Tuesday ...``
How to tune: ``lexicon`` names the phrase lexicon (``rules/lexicons/boilerplate_phrases.toml``: add a
site's or a language's navigation labels and prompts there; month names, comment counters, social networks
and list headings per language are in ``rules/lexicons/boilerplate_vocabulary.toml``); ``stopwords = false``
drops the stopword density evidence (languages without a jusText stoplist never use it). The cascade's
weights are constants of ``qc/boilerplate/classify.py`` (line scores) and ``core.py`` (the article core),
measured on the development pages.
The learned line model (``model = "models/boilerplate-lines.json"``, off by default: set it on all five
rules of the family) re-decides the cascade's regions: gradient-boosted trees over per-line features
(``qc/boilerplate/features.py``: the cascade's score, kind, evidence categories and core; length, sentence
punctuation, stopword density, capitalised / numeric / link-like shares, position (also from both ends, in
lines and characters), the run of short lines, in-page repetition,
topic overlap with the page's long prose, neighbours' and window features), then the maximum-sum run of line
log-odds or a Viterbi decoding allowing several article regions (``qc/boilerplate/decode.py``; the file's
``decoding`` table says which); a page where that would drop more than ``max_loss`` of the prose the model
or the cascade reads as article keeps it and says so. The model's inner furniture is removed only when
``boilerplate/inner`` fixes (``fix = true``: the training figures assume it).
Evidence names the features that decided a line. Retrain on your own labelled pages (``docs/<id>.txt`` +
``truth.jsonl`` rows ``{"id", "article", "url"}``, the ``devdata/boilerplate`` format): ``pip install
newsqc[train]`` then ``python bench/train_boilerplate.py YOUR_SET [MORE_SETS] --out my-pack/models/lines.json``
(site-held-out figures are printed and stored in the file) and point ``model`` at it.
"""

from __future__ import annotations

from qc.boilerplate._edge import EdgeRule


class Leading(EdgeRule):
    id = "boilerplate/leading"
    summary = "Page furniture before the article core (menus, banners, bylines), removed by cleaning."
    region = "lead"

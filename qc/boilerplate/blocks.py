"""The block classifier shared by ``boilerplate/leading``, ``trailing``, ``inner`` and the corpus rules: the
one entry point (``shared_classifier(...).classify(doc)`` -> ``Layout``).

Plain text only (no HTML): every line is a block. Data flows one way through small modules:
1. ``classify``: each line read alone gets a verdict (score in "words of evidence", kind, typed evidence);
2. ``corrections`` and ``story_lists``: the verdicts are revised by their neighbours (hard-wrapped
   paragraphs, lines printed twice, story lists and teaser cards, lexicon phrases inside prose);
3. ``core``: the article core is the maximum-sum run of line scores, with its corrections (a list inside
   the article, a standfirst, a last sentence without its full stop, a comment section ending it);
4. lines before the core are the leading furniture, lines after it the trailing furniture, furniture
   inside it the inner furniture; the opt-in line model (``decode``) may re-decide the regions.

The line table (folded and normalised lines) and the layout are computed once per document and kept in
``doc.memo``, so the five rules of the family share them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from qc.boilerplate.classify import LineScorer
from qc.boilerplate.core import find_core
from qc.boilerplate.corrections import keep_embedded_prose, mark_repeats, merge_wrapped
from qc.boilerplate.decode import apply_model
from qc.boilerplate.language import body_language, stoplist
from qc.boilerplate.lines import Layout, Line, LineRow, build_line_table, line_table, region_of
from qc.boilerplate.model import LineModel, load_model
from qc.boilerplate.rows import Row
from qc.boilerplate.story_lists import mark_story_lists, mark_teaser_cards
from qc.boilerplate.vocabulary import Vocabulary
from qc.lexicon import locate
from qc.model import Document


class BlockClassifier:
    """Line classification and article core of a document; results cached per document."""

    def __init__(self, lexicon: Mapping[str, Any], use_stopwords: bool = True, model: LineModel | None = None,
                 vocabulary: Vocabulary | None = None):
        self.scorer = LineScorer(lexicon, vocabulary)  # one line's verdict (phrases, months, counters, ...)
        self.model = model  # the learned line model re-deciding the cascade's layout (None: the cascade alone)
        self.use_stopwords = use_stopwords

    def classify(self, doc: Document) -> Layout:
        """The document's layout, computed once per document and classifier (kept in ``doc.memo``)."""
        key = ("boilerplate-layout", id(self))
        layout = doc.memo.get(key)
        if layout is None:
            layout = doc.memo[key] = self._classify(doc.text, doc.lang, line_table(doc))
        return layout

    def _classify(self, text: str, lang: str, table: list[LineRow] | None = None) -> Layout:
        table = table if table is not None else build_line_table(text)
        stops = stoplist(body_language(text, lang, table)) if self.use_stopwords else None
        rows: list[Row] = []
        for i, (s, e, line, folded, norm, words) in enumerate(table):
            if not folded:
                rows.append(Row(i, s, e, 0, 0.0, "blank", (), 0, ""))
                continue
            v = self.scorer.verdict(line, stops, folded, words)
            rows.append(Row(i, s, e, v.words, v.score, v.kind, v.evidence, v.dated, norm))
        merge_wrapped(rows, text, stops, self.scorer)
        mark_repeats(rows)
        mark_story_lists(rows)
        mark_teaser_cards(rows)
        keep_embedded_prose(rows, text, stops)
        core = find_core(rows, text, stops)
        lines = []
        for row in rows:
            lines.append(Line(row.index, row.start, row.end, row.words, row.score, row.kind, row.evidence,
                              region_of(row.index, core)))
        layout = Layout(tuple(lines), core, len(text))
        if self.model is None:
            return layout
        return apply_model(layout, text, table, stops, self.model)


_SHARED: dict[tuple[Any, ...], BlockClassifier] = {}
_SHARED_LOCK = threading.Lock()


def shared_classifier(resources: Any, lexicon: str, use_stopwords: bool, model: str = "",
                      vocabulary: str = "boilerplate_vocabulary.toml") -> BlockClassifier:
    """One classifier (and so one per-document cache) for every rule built with the same settings, so
    ``leading``, ``trailing`` and ``inner`` classify each document once. ``model``: a line model file found
    on the pack's search path (``""``: the rule cascade alone)."""
    key = (tuple(str(p) for p in resources.search_path), lexicon, use_stopwords, model, vocabulary)
    with _SHARED_LOCK:
        clf = _SHARED.get(key)
        if clf is None:
            line_model = load_model(locate(model, tuple(resources.search_path))) if model else None
            clf = _SHARED[key] = BlockClassifier(resources.toml(lexicon), use_stopwords, line_model,
                                                 Vocabulary.from_toml(resources.toml(vocabulary)))
        return clf

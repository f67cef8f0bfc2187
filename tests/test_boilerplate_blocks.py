"""The shared block classifier and the corpus rule's plumbing (the rule cases are in tests/cases/)."""

from __future__ import annotations

import polars as pl
import pytest

from qc.boilerplate import blocks, core
from qc.boilerplate.cross_document import CrossDocument, source_key
from qc.boilerplate.inner import Inner
from qc.boilerplate.leading import Leading
from qc.boilerplate.trailing import Trailing
from qc.engine import clean_text
from qc.model import Document

ARTICLE = (
    "The city council approved a new budget for public schools on Tuesday, adding money for teachers.\n"
    "Members voted eight to three after a long debate about class sizes and the cost of new buildings.\n"
    "The mayor said the plan would be reviewed again next spring, when the tax figures are known.\n"
)
PAGE = "Menu\nNews\nSign in\n" + ARTICLE + "Sign up for our newsletter\n© 2024 Example Daily\n"


def test_three_rules_classify_a_document_once(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = [Leading(), Trailing(), Inner()]
    assert rules[0].classifier is rules[1].classifier is rules[2].classifier
    calls = []
    original = blocks.BlockClassifier._classify

    def counting(self: blocks.BlockClassifier, text: str, lang: str, *rest: object) -> blocks.Layout:
        calls.append(text)
        return original(self, text, lang, *rest)

    monkeypatch.setattr(blocks.BlockClassifier, "_classify", counting)
    doc = Document(id="cache-test-1", text=PAGE + "\n", lang="en")
    for rule in rules:
        list(rule.check(doc))
    assert len(calls) == 1
    # a changed text under the same id is classified again
    list(rules[0].check(Document(id="cache-test-1", text=PAGE + "\n\n", lang="en")))
    assert len(calls) == 2


def test_messages_name_their_evidence() -> None:
    doc = Document(id="m", text=PAGE, lang="en")
    trailing = list(Trailing().check(doc))
    assert trailing and '"sign up"' in trailing[0].message and "no sentence punctuation" in trailing[0].message
    leading = list(Leading().check(doc))
    assert leading and leading[0].message.startswith("leading block")


def test_cleaning_removes_leading_and_trailing_without_debris() -> None:
    doc = Document(id="c", text="Menu\n\nNews\n\n" + ARTICLE + "\nSign up for our newsletter\n\n", lang="en")
    findings = list(Leading().check(doc)) + list(Trailing().check(doc))
    clean, _ = clean_text(doc.text, findings, {"boilerplate/leading", "boilerplate/trailing"})
    assert clean == ARTICLE


def test_hard_wrapped_paragraph_reads_as_prose() -> None:
    wrapped = (
        "Home\nBlog\n"
        "This blog article reminded me to write up the equivalent for\n"
        "another language, where the same idea has been used for a long\n"
        "time by people who wanted to change the behaviour of existing\n"
        "functions without editing the original code in any way at all.\n"
    )
    layout = blocks.BlockClassifier({}).classify(Document(id="w", text=wrapped, lang="en"))
    assert layout.core is not None
    core = [ln.index for ln in layout.lines if ln.region == "core"]
    assert core == [2, 3, 4, 5]


def test_no_article_is_flagged_but_never_emptied() -> None:
    doc = Document(id="n", text="Home\nNews\nSport\nWeather\n", lang="en")
    findings = list(Leading().check(doc))
    assert len(findings) == 1 and findings[0].fix is None
    assert not list(Trailing().check(doc))


def test_stoplists_come_from_justext() -> None:
    en, ru = blocks.stoplist("en"), blocks.stoplist("ru")
    assert en is not None and "the" in en
    assert ru is not None and "и" in ru
    assert blocks.stoplist("xx") is None


def test_source_key() -> None:
    assert source_key(Document(id="a", text="", meta={"url": "https://www.example.com/a/b"})) == "host:example.com"
    assert source_key(Document(id="a", text="", meta={"path": "/data/site1/page.txt"})) == "dir:/data/site1"
    assert source_key(Document(id="a", text="")) == "corpus"


def test_cross_document_counts_per_source() -> None:
    rule = CrossDocument(options=CrossDocument.options_from({"min_docs": 3}))
    footer = "Example footer line that repeats on every page\n"
    docs = [
        Document(id=f"{host}{i}", text=f"Article number {i} on {host} says something different.\n" + footer,
                 meta={"url": f"https://{host}/story/{i}"}, lang="en")
        for host in ("a.example", "b.example") for i in range(2)
    ]
    frames = [rule.sketch(d, d.text).with_columns(pl.lit(i, dtype=pl.Int64).alias("doc"))
              for i, d in enumerate(docs)]
    res = rule.resolve(pl.concat(frames), [d.id for d in docs])
    assert res.findings == {}  # two pages per host: below min_docs in each source
    docs.append(Document(id="a2", text="Another story.\n" + footer, meta={"url": "https://a.example/x"}, lang="en"))
    frames.append(rule.sketch(docs[-1], docs[-1].text).with_columns(pl.lit(4, dtype=pl.Int64).alias("doc")))
    res = rule.resolve(pl.concat(frames), [d.id for d in docs])
    assert sorted(res.findings) == [0, 1, 4]
    for i, fs in res.findings.items():
        assert [docs[i].text[f.start:f.end] for f in fs] == [footer]


# ---------------------------------------------------------------- lists inside the article
LIST_LEAD = (
    "Menu\nNews\nSign in\n"
    "The city library opened a tool lending shelf on Monday, so residents can borrow drills, ladders, garden "
    "tools, sewing machines and tents for free.\n"
    "Librarians said the shelf started with donations from a hardware store and will grow as more tools "
    "come in. Here is what you can borrow:\n"
)
LIST_ITEMS = (
    "Cordless drill with two batteries\nGarden spade and fork set\nLadder for indoor painting jobs\n"
    "Sewing machine with spare needles\nPressure washer for patios\nTent for four people\n"
    "Hedge trimmer with garden cable\nTool belt and tape measure\nSoil tester for garden beds\n"
)
MENU_ITEMS = "Sport\nWeather\nOpinion\nCulture\nTravel\nMoney\nPodcasts\nPuzzles\nVideo\n"
LIST_END = "Each tool is lent for a week.\n"  # too short for the block scores alone to bridge a list
LIST_TAIL = ("Related stories\nCouncil approves library budget\nNew reading room opens downtown\n"
             "© 2024 Example Gazette\n")


def _clean(text: str) -> str:
    doc = Document(id="list", text=text, lang="en")
    findings = [f for rule in (Leading(), Trailing()) for f in rule.check(doc)]
    return clean_text(text, findings, {"boilerplate/leading", "boilerplate/trailing"})[0]


def test_a_list_between_article_prose_stays_in_the_core() -> None:
    cleaned = _clean(LIST_LEAD + LIST_ITEMS + LIST_END + LIST_TAIL)
    assert LIST_ITEMS in cleaned and LIST_END in cleaned  # the list and the prose after it are article
    assert "Related stories" not in cleaned and "Menu" not in cleaned


def test_a_list_stays_only_through_the_list_bridge(monkeypatch: pytest.MonkeyPatch) -> None:
    # without the bridge the block scores alone drop it (so the test above measures the bridge)
    monkeypatch.setattr(core, "LIST_MIN_LINES", 10**9)
    monkeypatch.setattr(core, "LIST_MIN_ITEMS", 10**9)
    cleaned = _clean(LIST_LEAD + LIST_ITEMS + LIST_END + LIST_TAIL)
    assert "Cordless drill" not in cleaned


def test_a_menu_after_the_article_is_not_a_list() -> None:
    # one-word labels are a menu, not list items: the menu and the line after it go
    cleaned = _clean(LIST_LEAD + MENU_ITEMS + LIST_END + LIST_TAIL)
    assert "Podcasts" not in cleaned and LIST_END not in cleaned
    assert "Here is what you can borrow:" in cleaned


def test_an_off_topic_list_is_not_the_articles() -> None:
    # phrases sharing no word with the article (a teaser list) are not carried into the core
    teasers = "".join(f"Mayor opens {w} festival downtown\n" for w in
                      ("jazz", "film", "food", "beer", "book", "kite", "dance", "light", "wine"))
    cleaned = _clean(LIST_LEAD + teasers + LIST_END + LIST_TAIL)
    assert "festival" not in cleaned


# ---------------------------------------------------------------- lexicon phrases inside prose
POLICY_ARTICLE = (
    "The regulator fined the retailer on Friday after an inquiry into how its website handled customer data "
    "over the last three years.\n"
    "Investigators found that the site set advertising cookies before visitors could refuse them, and that "
    "its privacy policy did not say which partners received the cookies or for how long they were kept.\n"
    "The company said it would appeal the decision and had already changed the way the website asks its "
    "visitors for permission.\n"
)
COOKIE_BANNER = (
    "This site uses cookies to improve your experience and to show you personalised ads; by continuing to "
    "browse you agree to our privacy policy and our cookie policy, which you can change at any time.\n"
)


def test_lexicon_phrases_inside_article_prose_do_not_cut_it() -> None:
    text = "Menu\nNews\n" + POLICY_ARTICLE + "Sign up for our newsletter\n"
    cleaned = _clean(text)
    assert POLICY_ARTICLE in cleaned
    inner = list(Inner().check(Document(id="policy", text=text, lang="en")))
    assert not inner  # and the paragraph is not flagged as inner furniture either


def test_a_cookie_banner_at_the_edge_still_goes() -> None:
    cleaned = _clean(COOKIE_BANNER + "Menu\nNews\n" + POLICY_ARTICLE)
    assert "personalised ads" not in cleaned and POLICY_ARTICLE in cleaned


# ---------------------------------------------------------------- teaser cards
CARD_ARTICLE = (
    "The river burst its banks on Sunday night and flooded the lower town, where water reached the first "
    "floor of several houses.\n"
    "Firefighters worked through the night to pump out cellars, and the mayor asked residents to stay away "
    "from the embankment until the level falls.\n"
    "Forecasters expect the rain to ease on Tuesday, but warned that the ground is still saturated after a "
    "wet autumn.\n"
)
CARDS = "".join(
    f"{title}\n{summary}\nRead more...\n" for title, summary in (
        ("Bridge repairs start in spring", "Engineers will close one lane of the old bridge for three months."),
        ("School gets a new library", "Parents raised the money for the books over two years of bake sales."),
        ("Bus timetable changes", "Two evening routes will run every half hour from the first of the month."),
        ("Market square to be repaved", "The council approved the plan after a long public consultation."),
    )
)


ABOUT = (
    "The Example Gazette has reported on the towns of the valley since 1921, and its reporters cover the "
    "council, the courts, the schools and the clubs of the region every week of the year for its readers.\n"
)


def test_teaser_cards_closed_by_read_more_are_furniture() -> None:
    # the summaries read as prose: without the card pattern the core would run on through them
    cleaned = _clean("Menu\nNews\n" + CARD_ARTICLE + CARDS + ABOUT + "© 2024 Example Gazette\n")
    assert CARD_ARTICLE in cleaned
    assert "Engineers will close" not in cleaned and "bake sales" not in cleaned


def test_paragraphs_between_repeated_labels_are_not_cards() -> None:
    # an article broken up by "Advertisement" labels: no headline between two labels, so no cards
    paragraphs = CARD_ARTICLE.splitlines(keepends=True)
    text = "Menu\n" + "".join(p + "Advertisement\n" for p in paragraphs) + paragraphs[0].replace("river", "lake")
    cleaned = _clean(text)
    assert all(p in cleaned for p in paragraphs)


GARDEN = ("Im Frühjahr haben wir den Garten hinter dem Haus neu angelegt und viel über alte Gemüsesorten gelernt.\n"
          "Die Beete liegen jetzt in der Sonne, und der Boden wurde mit Kompost aus dem eigenen Garten verbessert.\n"
          "Im nächsten Jahr wollen wir zusätzlich Kräuter pflanzen und eine kleine Regentonne aufstellen.\n")


@pytest.mark.parametrize(("line", "evidence"), [
    ("Mehr über mich", 'section heading "mehr über mich"'),  # a blog's about-me box
    ("Gartenbeet im Mai (gemeinfrei)", 'image credit/caption "gemeinfrei"'),  # a licence credit
    ("Wikimedia Commons, CC BY-SA 4.0", 'image credit/caption "cc by-sa"'),
    ("Aktuell", 'navigation label "aktuell"'),
    ("Kommentieren Sie den Artikel", 'end of article "kommentieren sie den artikel"'),  # a comment form's heading
    # an affiliate disclosure written as a sentence: two of its phrases make it furniture
    ("Wir nutzen Affiliate-Links: für Links auf dieser Seite erhalten wir eine kleine Provision vom Händler, der "
     "Preis bleibt gleich.", 'copyright/legal notice "affiliate-link"'),
])
def test_furniture_phrases_are_named_as_evidence(line: str, evidence: str) -> None:
    (finding,) = Trailing().check(Document(id=line, text=GARDEN + "\n" + line + "\n", lang="de"))
    assert evidence in finding.message


BIO_DE = "Anna Beispiel ist Redakteurin im Ressort Garten und schreibt seit zehn Jahren über Pflanzen."


def test_a_german_author_bio_after_the_article_is_furniture() -> None:
    (finding,) = Trailing().check(Document(id="bio-de", text=GARDEN + BIO_DE + "\n", lang="de"))
    assert "author bio" in finding.message
    # the same sentence shape without a name as subject is article prose: nothing trails the article
    prose = "Die ganze Arbeit war uns Autoren wichtig, weil sie den Garten über viele Jahre geprägt hat.\n"
    assert not list(Trailing().check(Document(id="bio-de-2", text=GARDEN + prose, lang="de")))


def test_an_author_box_label_ends_the_article() -> None:
    # "Autor" opens the author box: the bio after it, though prose, is not the article's
    text = GARDEN + GARDEN.replace("Garten", "Hof") + "Autor\nAnna Beispiel\nschreibt seit zehn Jahren über " \
        "Gärten, Pflanzen und alte Sorten für mehrere Zeitschriften im ganzen Land.\n"
    findings = list(Trailing().check(Document(id="autor-box", text=text, lang="de")))
    assert findings and text[findings[0].start:].startswith("Autor\n")
    assert 'end of article "autor"' in findings[0].message


def test_shared_word_runs_are_found_exactly() -> None:
    from qc.boilerplate.repeated_block import _longest_run, _shares_run

    a = ["the", "mayor", "said", "on", "tuesday", "that", "the", "new", "bridge", "will", "open", "in", "may"]
    b = ["officials", "said", "the", "new", "bridge", "will", "open", "in", "may", "after", "repairs"]
    shuffled = ["may", "in", "open", "will", "bridge", "new", "the", "that", "tuesday", "on", "said", "mayor"]
    assert _shares_run(a, b, 7) and _longest_run(a, b) == 7
    assert not _shares_run(a, b, 8)
    assert not _shares_run(a, shuffled, 2)  # the same words, no shared run


def test_line_verdicts_are_cached_per_line_and_stoplist_within_a_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from qc.boilerplate import classify

    monkeypatch.setattr(classify, "CACHE_LINES", 2)
    scorer = classify.LineScorer({"cta": {"phrases": ["subscribe"]}})
    stops = frozenset({"the", "to", "of"})
    lines = ["Subscribe to the paper", "Home", "Weather", "Subscribe to the paper"]
    got = [scorer.verdict(line, stops) for line in lines]
    assert got == [scorer._verdict(line, stops, None, None) for line in lines]
    assert len(scorer._cache) <= 2
    assert scorer.verdict("Weather", stops) is scorer.verdict("Weather", stops)  # the cached verdict
    assert ("Weather", None) not in scorer._cache  # another stoplist: its own entry, made when asked
    fresh = classify.LineScorer({"cta": {"phrases": ["subscribe"]}})
    fresh.verdict("Weather", stops)
    fresh.verdict("Weather", None)
    assert len(fresh._cache) == 2  # one entry per (line, stoplist): the key holds the stoplist
    long = "word " * 60
    assert scorer.verdict(long, stops) is not scorer.verdict(long, stops)  # long lines are not cached


def test_repeated_block_words_are_each_word_lowered() -> None:
    import random

    from qc.boilerplate.repeated_block import _words
    from qc.text import WORD_RE

    rng = random.Random(1)
    alphabet = "ΣΑΟσςİIıiẞß’'- ab_ǅ1\u0307\u00a0ΐﬁ"  # final sigma, dotted I, ligatures, combining marks
    lines = ["ΟΔΟΣ ΣΟΦΟΣ", "İstanbul'da", "", " "] + [
        "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 16))) for _ in range(3000)]
    for line in lines:
        assert _words(line) == [w.lower() for w in WORD_RE.findall(line)], line


def test_repeated_block_reads_an_ascii_line_table_words_as_its_own_words() -> None:
    from qc.boilerplate.lines import build_line_table
    from qc.boilerplate.repeated_block import _words

    lines = ["Don't miss: THE Mayor's 2-day plan -- e-mail us_now", "  Tabs\tand   spaces  ", "l'été “quoted” don’t"]
    for row in build_line_table("\n".join(lines)):
        if row[2].isascii():
            assert row[5] == _words(row[2])
    assert _words(lines[2]) == ["l'été", "quoted", "don’t"]  # a non-ASCII line keeps its own spelling


def test_repeated_block_shared_run_test_is_the_n_gram_set_test() -> None:
    import random

    from qc.boilerplate.repeated_block import _shares_run

    def by_grams(a: list[str], b: list[str], size: int) -> bool:  # the definition: a common n-gram of ``size``
        grams = {tuple(a[i:i + size]) for i in range(len(a) - size + 1)}
        return any(tuple(b[i:i + size]) in grams for i in range(len(b) - size + 1))

    rng = random.Random(7)
    for _ in range(5000):
        vocab = rng.randint(1, 5)
        a = [str(rng.randrange(vocab)) for _ in range(rng.randint(0, 10))]
        b = [str(rng.randrange(vocab)) for _ in range(rng.randint(0, 10))]
        size = rng.randint(0, 6)
        assert _shares_run(a, b, size) == by_grams(a, b, size), (a, b, size)

"""The learned line model: features on crafted lines, decoding on crafted pages, the model file's schema,
and reproducible training (``bench/train_boilerplate.py``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from qc.boilerplate import blocks, decode
from qc.boilerplate.features import FEATURE_NAMES, SHAPE_NAMES, line_features
from qc.boilerplate.lines import build_line_table
from qc.boilerplate.model import SCHEMA, VERSION, ModelFileError, load_model, parse_model
from qc.lexicon import builtin_rules_dir, read_toml
from qc.model import Document

PROSE = "The council approved the new budget for the schools on Tuesday after a long debate."
PAGE = f"News\nWeather\nSport\n\n{PROSE}\nThe mayor said it would be reviewed again in the spring.\nShare\n"
COL = {name: i for i, name in enumerate(FEATURE_NAMES)}


LEXICON = read_toml("boilerplate_phrases.toml", (builtin_rules_dir(),))


def _features(text: str) -> tuple[blocks.Layout, np.ndarray]:
    layout = blocks.BlockClassifier(LEXICON).classify(Document(id="f", text=text, lang="en"))
    return layout, line_features(layout, text, build_line_table(text), blocks.stoplist("en"))


def test_features_have_one_row_per_line_and_blank_rows_are_zero() -> None:
    layout, x = _features(PAGE)
    assert x.shape == (len(layout.lines), len(FEATURE_NAMES))
    assert not x[3].any()  # the blank line
    assert x[3].shape == (len(FEATURE_NAMES),)


def test_features_tell_prose_from_menu_labels() -> None:
    _layout, x = _features(PAGE)
    menu, prose = x[0], x[4]
    assert prose[COL["prose"]] == 1 and menu[COL["prose"]] == 0
    assert prose[COL["sent_end"]] == 1 and menu[COL["sent_end"]] == 0
    assert prose[COL["stop_density"]] > 0.2 > menu[COL["stop_density"]]
    assert prose[COL["log_words"]] > menu[COL["log_words"]]
    assert menu[COL["before_core"]] == 1 and prose[COL["in_cascade_core"]] == 1
    assert menu[COL["rel_position"]] == 0 and x[6][COL["rel_position"]] == 1


def test_position_from_both_ends_and_the_run_of_short_lines() -> None:
    _layout, x = _features(PAGE)  # lines 0-2 a menu, 3 blank, 4-5 prose, 6 "Share"
    assert x[0][COL["log_lines_before"]] == 0 and x[6][COL["log_lines_after"]] == 0
    assert x[0][COL["log_lines_after"]] == pytest.approx(np.log1p(5))  # blank lines are not counted
    assert x[4][COL["log_chars_before"]] == pytest.approx(np.log1p(len("News") + len("Weather") + len("Sport")))
    assert x[5][COL["log_chars_after"]] == pytest.approx(np.log1p(len("Share")))
    assert x[4][COL["log_chars"]] == pytest.approx(np.log1p(len(PROSE)))
    assert [x[k][COL["log_short_run"]] for k in (0, 2, 4, 6)] == pytest.approx([np.log1p(3)] * 2 + [0, np.log1p(1)])


def test_topic_feature_reads_which_lines_speak_of_the_article() -> None:
    long = ("The council approved the new budget for the town schools on Tuesday evening after a long debate "
            "about teachers, buildings and the bus routes that serve the villages.")
    text = f"Home\nWeather forecast\nSchools budget approved by council\n{long}\nCelebrity gossip roundup\n"
    _layout, x = _features(text)
    topic = [row[COL["topic"]] for row in x]
    assert topic[2] == 1.0  # the headline: every content word is in the article
    assert topic[0] == topic[1] == topic[4] == 0.0  # menus and a teaser for another story
    assert topic[3] == 0.0  # the only long prose line has no other prose to share words with
    assert x[2][COL["n+1_topic"]] == 0.0 and x[4][COL["n-2_topic"]] == 1.0


def test_neighbour_features_are_the_neighbours_shape() -> None:
    _layout, x = _features(PAGE)
    # line 4 (first prose line): its +1 neighbour is line 5, its -1 neighbour is line 2 (blank skipped)
    for name in SHAPE_NAMES:
        assert x[4][COL[f"n+1_{name}"]] == x[5][COL[name]]
        assert x[4][COL[f"n-1_{name}"]] == x[2][COL[name]]
    assert x[0][COL["n-1_log_words"]] == 0  # no line before the first


def test_in_page_repetition_and_evidence_categories() -> None:
    text = "Subscribe to our newsletter\n" + PROSE + "\nRead more\n" + PROSE + "\nRead more\n"
    _layout, x = _features(text)
    assert x[2][COL["log_repeats"]] == pytest.approx(np.log(2))
    assert x[0][COL["ev_cta"]] == 1 and x[1][COL["ev_cta"]] == 0


def _states(log_odds: list[float], words: list[int], cascade: list[bool] | None = None,
            **params: float) -> tuple[list[bool], bool]:
    z = np.asarray(log_odds, dtype=float)
    blank = [bool(np.isnan(v)) for v in z]
    return decode.decode_states(z, words, blank, [w >= 6 for w in words], cascade or [False] * len(words),
                                {**decode.DEFAULTS, **params})


def _page(log_odds: list[float], words: list[int], cascade: list[bool] | None = None,
          **params: float) -> tuple[tuple[int, int] | None, bool]:
    article, doubt = _states(log_odds, words, cascade, **params)
    return decode.core_of(article), doubt


def test_decoding_finds_the_contiguous_article() -> None:
    # menu, menu, blank, three article lines with a caption in between, footer
    z = [-4.0, -4.0, float("nan"), 3.0, 3.0, -1.5, 3.0, -4.0]
    words = [1, 1, 0, 20, 25, 3, 18, 2]
    assert _page(z, words) == ((3, 6), False)


def test_decoding_ends_the_article_at_a_long_furniture_run() -> None:
    z = [3.0, 3.0] + [-3.0] * 12 + [0.5]
    words = [20, 20] + [2] * 12 + [8]
    assert _page(z, words)[0] == (0, 1)


def test_decoding_with_no_article_line_finds_no_core() -> None:
    assert _page([-3.0, -2.0, -4.0], [1, 2, 1]) == (None, False)


def test_loss_guard_keeps_trusted_prose_outside_the_run_and_says_so() -> None:
    # two prose blocks the model trusts, split by a long menu: the best run holds only the first
    z = [3.0, 3.0] + [-4.0] * 30 + [0.2]
    words = [10, 10] + [2] * 30 + [40]
    assert _page(z, words, max_loss=1.0) == ((0, 1), False)
    assert _page(z, words, max_loss=0.35) == ((0, 32), True)


def test_loss_guard_keeps_the_cascade_core_prose_the_model_doubts() -> None:
    # the model reads the cascade's article prose as furniture (a site it has never seen): kept, with a doubt
    z = [2.0, 2.0, -3.0, -3.0, -3.0]
    words = [8, 8, 30, 30, 30]
    cascade = [False, False, True, True, True]
    assert _page(z, words)[0] == (0, 1)
    assert _page(z, words, cascade) == ((0, 4), True)


def test_loss_guard_keeps_the_cascade_core_when_the_model_reads_no_article_line() -> None:
    # every line below 0: the decoding finds no article, the cascade's core prose is kept with a doubt
    z = [-3.0, -2.0, -2.0, -3.0]
    words = [2, 30, 30, 2]
    cascade = [False, True, True, False]
    assert _page(z, words) == (None, False)
    assert _page(z, words, cascade) == ((1, 2), True)


def test_viterbi_decoding_finds_two_article_regions_and_the_furniture_between() -> None:
    # article, a long menu block, article again: one run (switch < 0) ends at the menu; the Viterbi
    # decoding keeps both regions and makes the menu inner furniture
    z = [3.0] * 3 + [-3.0] * 6 + [2.0] * 3
    words = [20] * 3 + [2] * 6 + [20] * 3
    article, _ = _states(z, words, max_loss=1.0, switch=5.0)
    assert article == [True] * 3 + [False] * 6 + [True] * 3
    assert decode.core_of(article) == (0, 11)
    assert _page(z, words, max_loss=1.0)[0] == (0, 2)
    # a second region costing more than it brings: Kadane's single run
    assert _page(z, words, max_loss=1.0, switch=200.0)[0] == (0, 2)


def test_viterbi_blank_lines_follow_the_line_before() -> None:
    nan = float("nan")
    assert decode.viterbi([nan and 0.0, 5.0, 0.0, -9.0, 0.0, 5.0],
                          [True, False, True, False, True, False], 1.0) == [False, True, True, False, False, True]


def test_apply_model_flags_inner_lines_with_the_features_that_decided() -> None:
    doc = Document(id="a", text=PAGE, lang="en")
    layout = blocks.BlockClassifier({}).classify(doc)
    data = _model_dict()
    data["coef"][COL["prose"]] = 4.0  # prose is article, everything else is not
    data["mean"][COL["prose"]] = 0.5
    data["intercept"] = 0.0
    data["decoding"] = {"inner": -1.0}
    out = decode.apply_model(layout, PAGE, build_line_table(PAGE), blocks.stoplist("en"), parse_model(data))
    assert out.core == (4, 5)
    assert [ln.region for ln in out.lines] == ["lead"] * 4 + ["core"] * 2 + ["trail"] * 2
    assert str(out.lines[0].evidence[-1]) == "line model p(article) 0.12 (prose -2.0)"


def _model_dict() -> dict:
    n = len(FEATURE_NAMES)
    return {"schema": SCHEMA, "version": VERSION, "features": list(FEATURE_NAMES), "mean": [0.0] * n,
            "scale": [1.0] * n, "coef": [0.0] * n, "intercept": 0.0, "decoding": {"bias": 0.0}}


@pytest.mark.parametrize(("change", "message"), [
    ({"schema": "other"}, "not a boilerplate line model"),
    ({"version": VERSION + 1}, "model version"),
    ({"features": list(reversed(FEATURE_NAMES))}, "feature list differs"),
    ({"coef": [0.0]}, "'coef' must be"),
    ({"scale": [0.0] * len(FEATURE_NAMES)}, "'scale' must be positive"),
    ({"decoding": {"bias": "high"}}, "'decoding'"),
    ({"trees": {"feature": [0]}}, "'trees' must hold"),
    ({"trees": {"feature": [0, 0], "threshold": [0.0, 0.0], "left": [0, 0], "right": [1, 0],
                "value": [0.0, 0.0], "leaf": [0, 1], "roots": [0], "baseline": 0.0}}, "outside the arrays"),
])
def test_a_model_file_off_its_schema_is_a_clear_error(change: dict, message: str) -> None:
    with pytest.raises(ModelFileError, match=message):
        parse_model({**_model_dict(), **change})


def test_unreadable_model_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelFileError, match="cannot read model file"):
        load_model(path)


def test_tree_ensemble_walks_every_tree() -> None:
    # tree 1: x[prose] <= 0.5 ? -1 : +2 ; tree 2: a single leaf of 0.5 ; baseline 0.25
    p = COL["prose"]
    trees = {"feature": [p, 0, 0, 0], "threshold": [0.5, 0.0, 0.0, 0.0], "left": [1, 0, 0, 0],
             "right": [2, 0, 0, 0], "value": [0.0, -1.0, 2.0, 0.5], "leaf": [0, 1, 1, 1], "roots": [0, 3],
             "baseline": 0.25}
    model = parse_model({**_model_dict(), "trees": trees})
    x = np.zeros((2, len(FEATURE_NAMES)))
    x[1, p] = 1.0
    assert model.log_odds(x).tolist() == [-0.25, 2.75]


def test_shipped_model_matches_its_schema(repo: Path) -> None:
    model = load_model(repo / "rules" / "models" / "boilerplate-lines.json")
    assert model.trees is not None and set(model.decoding) >= {"bias", "inner", "max_loss"}
    assert (repo / "rules" / "models" / "boilerplate-lines.json").stat().st_size < 400_000


def _dataset(root: Path) -> Path:
    (root / "docs").mkdir(parents=True)
    rows = []
    for i in range(12):
        body = [f"Story {i}: the council of town {i} met on Tuesday and approved the plan for the new school.",
                f"Members of the council in town {i} said the cost would be shared with the county next year."]
        page = ["Home", "News", "Sign in", *body, "Share this", "Sign up for our newsletter", f"(c) Site {i % 4}"]
        (root / "docs" / f"p{i:02d}.txt").write_text("\n".join(page) + "\n", encoding="utf-8")
        rows.append({"id": f"p{i:02d}", "article": "\n\n".join(body), "url": f"https://site{i % 4}.example/{i}",
                     "span": [3, 4], "page_type": "article"})
    (root / "truth.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return root


def test_training_is_deterministic_and_writes_a_readable_model(tmp_path: Path, repo: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(repo / "bench"))
    import train_boilerplate

    monkeypatch.setattr(train_boilerplate, "TREES", {**train_boilerplate.TREES, "max_iter": 20})
    data = _dataset(tmp_path / "set")
    outs = [tmp_path / "a.json", tmp_path / "b.json"]
    for out in outs:
        assert train_boilerplate.main([str(data), "--out", str(out)]) == 0
    assert outs[0].read_bytes() == outs[1].read_bytes()
    model = load_model(outs[0])
    assert model.trees is not None
    sys.modules.pop("train_boilerplate", None)


def test_training_flags_validate_one_fold_write_errors_and_no_model(tmp_path: Path, repo: Path,
                                                                   monkeypatch: pytest.MonkeyPatch,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.syspath_prepend(str(repo / "bench"))
    import train_boilerplate

    monkeypatch.setattr(train_boilerplate, "TREES", {**train_boilerplate.TREES, "max_iter": 20})
    data = _dataset(tmp_path / "set")
    out, errors = tmp_path / "m.json", tmp_path / "errors.tsv"
    assert train_boilerplate.main([str(data), "--out", str(out), "--cv-folds", "1", "--no-write",
                                   "--errors", str(errors)]) == 0
    assert not out.exists()
    rows = [line.split("\t") for line in errors.read_text(encoding="utf-8").splitlines()]
    head, body = rows[0], rows[1:]
    fold0 = sorted(f"p{i:02d}" for i in range(12) if train_boilerplate.fold_of(f"site{i % 4}.example") == 0)
    assert fold0 and sorted(r[head.index("id")] for r in body) == fold0  # the held-out pages of fold 0 only
    assert {r[head.index("fold")] for r in body} == {"0"}
    for r in body:
        p, rec, f1 = (float(r[head.index(c)]) for c in ("p", "r", "f1"))
        assert min(p, rec, f1) >= 0.0 and max(p, rec, f1) <= 1.0
        assert int(r[head.index("article_lines")]) == 2
    printed = capsys.readouterr().out
    assert "folds 0-0 only" in printed and f"set: fold 0 n={len(fold0)}" in printed
    # the crafted labels are exact, so keeping exactly the labelled lines scores 1 on every page
    ceiling = printed.split("== line labels")[1].split("==")[0]
    assert "all set" in ceiling and "F1=1.000" in ceiling and "R<0.9: 0" in ceiling
    sys.modules.pop("train_boilerplate", None)


def test_label_coverage_reads_how_much_of_the_article_the_labelled_lines_hold(repo: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(repo / "bench"))
    import train_boilerplate

    body = ["the council of the town met on tuesday and approved the plan",
            "members said the cost would be shared with the county next year"]
    lines = ["Home", *body, "Share this"]
    article = "\n\n".join(body)
    y = train_boilerplate.labels(lines, article, None)
    assert y.tolist() == [0, 1, 1, 0]
    assert train_boilerplate.label_coverage(lines, y, article) == 1.0
    # the reference text reworded (as on listing pages): the labels miss most of it and the page is not fitted
    reworded = article + "\n\nthe new plan covers roads schools and the library over the next five years"
    y2 = train_boilerplate.labels(lines, reworded, None)
    assert 0.5 < train_boilerplate.label_coverage(lines, y2, reworded) < 0.7  # 20 of the 34 5-grams
    assert train_boilerplate.label_coverage(lines, np.zeros(4), article) == 0.0
    sys.modules.pop("train_boilerplate", None)


def test_min_coverage_leaves_pages_with_untrusted_labels_out_of_fitting(tmp_path: Path, repo: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(repo / "bench"))
    import train_boilerplate

    monkeypatch.setattr(train_boilerplate, "TREES", {**train_boilerplate.TREES, "max_iter": 5})
    data = _dataset(tmp_path / "set")
    truth = data / "truth.jsonl"
    rows = [json.loads(line) for line in truth.read_text(encoding="utf-8").splitlines()]
    rows[0]["article"] += "\n\nThe new plan covers roads, schools and the library over the next five years."
    truth.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = tmp_path / "m.json"
    assert train_boilerplate.main([str(data), "--out", str(out), "--cv-folds", "1", "--min-coverage", "0.9"]) == 0
    training = json.loads(out.read_text(encoding="utf-8"))["training"]
    assert training["min_coverage"] == 0.9 and training["fitted_pages"] == 11 and training["pages"] == 12
    sys.modules.pop("train_boilerplate", None)


def test_ambiguous_lines_are_left_out_of_fitting(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.syspath_prepend(str(repo / "bench"))
    import train_boilerplate

    article = "the council of the town met on tuesday and approved the plan"
    lines = [article, "the council of the town will hold a fair in the park next may", "Home", "Share this page"]
    share = train_boilerplate.gram_share(lines, article)
    assert share[0] == 1.0 and 0.15 < share[1] < 0.5 and share[2] == -1.0 and share[3] == 0.0
    data = _dataset(tmp_path / "set")
    doc = data / "docs" / "p00.txt"
    page = doc.read_text(encoding="utf-8").split("\n")
    body = page[3]  # the first article line; a line sharing only its opening words is ambiguous
    page.insert(5, " ".join(body.split()[:6]) + " will hold a fair in the park next may and june")
    doc.write_text("\n".join(page), encoding="utf-8")
    classifier = blocks.BlockClassifier(LEXICON)
    pages = train_boilerplate.load(data, classifier)
    n_all = len(train_boilerplate.training_rows(pages)[1])
    assert len(train_boilerplate.training_rows(pages, 0.15)[1]) == n_all - 1
    sys.modules.pop("train_boilerplate", None)


def test_the_shipped_model_cleans_a_page_and_names_its_evidence() -> None:
    from qc.boilerplate._edge import LayoutOptions
    from qc.boilerplate.leading import Leading
    from qc.boilerplate.trailing import Trailing
    from qc.engine import clean_text

    article = "\n".join(f"{PROSE} Line {i} of the story adds that the vote was close." for i in range(4))
    text = f"Home\nNews\nSport\nSign in\n{article}\nShare this article\nSign up for our newsletter\n© 2024 Daily\n"
    options = LayoutOptions(model="models/boilerplate-lines.json")
    rules = [Leading(options), Trailing(options)]
    doc = Document(id="shipped", text=text, lang="en")
    findings = [f for r in rules for f in r.check(doc)]
    assert any("line model p(article)" in f.message for f in findings)
    clean, _ = clean_text(text, findings, {"boilerplate/leading", "boilerplate/trailing"})
    assert clean == article + "\n"

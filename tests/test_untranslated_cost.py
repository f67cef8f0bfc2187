"""The untranslated family's shortcuts (issue 14): each cheaper test must give the answer of the work it
replaces, on random texts built to reach its edge cases."""

from __future__ import annotations

import bisect
import itertools
import random
import re
from collections import Counter
from typing import Any

import pytest

from qc.engine import prepare
from qc.model import Document
from qc.text import WORD_RE, iter_sentences
from qc.untranslated import foreign_language as fl
from qc.untranslated._common import (
    _script_counts,
    doc_non_ascii,
    doc_single_script,
    document_script,
    non_ascii_counts,
    only_script,
    sentences,
)
from qc.untranslated.ui_lexicon import UiLexicon


def _random_texts(alphabet: str, n: int, seed: int, longest: int = 30) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_sentences_are_iter_sentences() -> None:
    """The consumed-mark separator regex splits where ``SENTENCE_END_RE``'s look-behind does."""
    texts = _random_texts("ab .!?…\"'”’»)]\n \t\u2028\xa0", 20000, 3)
    texts += ["He left. Then: “Go!” she said.\n\nNext line…  and (this.) [that!] ok", "", "   ", ".\n.", "a.\""]
    for text in texts:
        assert sentences(text) == list(iter_sentences(text)), repr(text)


def test_upper_case_test_counts_as_the_regexes_did() -> None:
    """``_mostly_upper``: A-Z above 0.8 of A-Za-z, as the two regex scans counted them."""
    from qc.lang import _mostly_upper

    def by_regex(text: str) -> bool:
        upper = sum(map(len, re.findall(r"[A-Z]+", text)))
        return upper > 0.8 * sum(map(len, re.findall(r"[A-Za-z]+", text)))

    for text in [*_random_texts("aAbZ Жж1É.", 5000, 5, 12), "NASA AND FBI", "Nasa", "ÉTÉ A"]:
        assert _mostly_upper(text) == by_regex(text), text


def test_predictions_keep_one_label_string_per_language() -> None:
    from qc.lang import _segment_probs

    a = _segment_probs.__wrapped__("The council approved the budget after a long debate.", 3)
    b = _segment_probs.__wrapped__("Officials said the money would go to schools and roads.", 3)
    assert a[0][0] == b[0][0] == "en" and a[0][0] is b[0][0]
    assert [p for _lang, p in a] == sorted((p for _lang, p in a), reverse=True)


def test_loanword_gate_never_refuses_a_text_the_pattern_matches() -> None:
    """The run gate may let through texts without a loanword, never stop one with a loanword, in any
    case and between any characters."""
    rule = fl.ForeignLanguage()
    gate, pattern = rule._loanword_gate, rule._loanwords
    assert gate is not None and pattern is not None
    phrases = [p for p in rule.resources.lexicon(rule.options.loanwords) if p.isascii()]
    rng = random.Random(11)
    glue = ["", " ", "-", "'", "x", "1", ".", ", ", "_"]
    for phrase in phrases:
        for form in (phrase, phrase.upper(), phrase.title()):
            for _ in range(6):
                text = f"{rng.choice(glue)}{form}{rng.choice(glue)} and more"
                if pattern.search(text):
                    assert gate.may_hold(text.lower()), text
    assert not gate.may_hold("per cent of the vote went up")  # "per" opens two-word phrases only
    assert gate.may_hold("it was per se a bad idea")
    # no gate where a phrase does not open with a word character, nor where the hint is not exact
    assert fl._LoanwordGate.of(["(sic)", "de facto"]) is None
    assert fl._LoanwordGate.of(["ſans souci"]) is None


def test_gloss_precondition_never_refuses_a_text_the_pattern_matches() -> None:
    alphabet = "ab “”\"«»„‘’‚‹›(),"
    for text in _random_texts(alphabet, 30000, 13, 16):
        for s in (0, min(2, len(text))):
            if fl._GLOSSED_RE.search(text, s, len(text)):
                assert fl._may_gloss(text, s, len(text)), (text, s)
    assert not fl._may_gloss("Plain words, no quotes at all.", 0, 30)
    assert fl._may_gloss("the novel “Cien años”", 0, 21)


def test_ui_keys_are_looked_up_as_the_word_and_pair_grams_were() -> None:
    """The hits (first words of matched keys) from words, heads and only the pairs a key can open are
    those of every word, head and neighbouring pair, for a small lexicon and the shipped one."""
    from qc.pack import load_pack

    small = UiLexicon({"ru": ["Читать далее", "Реклама", "Войти"], "de": ["Lesen Sie auch", "Mehr"],
                       "en": ["Read more", "a b c", "Sign in"]})
    shipped = next(r for r in load_pack(None, select=["untranslated"]).build()
                   if r.id == "untranslated/ui-string").lexicon  # type: ignore[attr-defined]

    def old_hits(lexicon: UiLexicon, lower: str) -> set[str]:
        words = WORD_RE.findall(lower)
        heads = [re.split(r"['’\-]", w)[0] for w in words if re.search(r"['’\-]", w)]
        grams = {*words, *heads, *map(" ".join, itertools.pairwise(words))}
        return {k.split(" ")[0] for k in grams & lexicon.keys}

    rng = random.Random(17)
    for lexicon in (small, shipped):
        vocab = sorted({w for k in lexicon.keys for w in k.split(" ")})[:300]
        vocab += ["a", "the", "x", "войти-то", "a-b", "it's", "sign", "in"]
        for _ in range(3000):
            lower = " ".join(rng.choice(vocab) for _ in range(rng.randint(0, 8))).lower()
            assert lexicon.hits(lower) == old_hits(lexicon, lower), lower


def test_scripts_from_shared_non_ascii_counts() -> None:
    """The document's script and its single-script test read one count of its non-ASCII characters and
    answer as each did with its own regex pass."""
    for text in _random_texts("ab жЖωé😀 1\n", 3000, 19, 20):
        counts = non_ascii_counts(text)
        assert _script_counts(text, counts) == _script_counts(text)
        assert list(_script_counts(text, counts)) == list(_script_counts(text))
        for lang in ("en", "ru"):
            script = document_script(text, lang)
            assert document_script(text, lang, counts) == script
            assert only_script(text, script, counts) == only_script(text, script)
    doc = prepare(Document(id="d", text="Москва and more words here.", lang="en"))
    assert doc_single_script(doc) is False and doc_non_ascii(doc) == Counter("Москва")


def test_sentence_memo_keys_by_sentence_within_language_and_script() -> None:
    """One dict per (language, script): a sentence read in an English document is not reused in a
    Russian one, and the memo is emptied once it holds its size. A sentence the document-wide pre-filter
    passes is not kept (its verdict costs less than a look-up)."""
    rule = fl.ForeignLanguage()
    text = "La police a ouvert une enquête pour déterminer les causes de l'incendie."
    en = list(rule.check(prepare(Document(id="a", text="He said so.\n" + text, lang="en"))))
    assert en and set(rule._sentence_memo) == {("en", "LATIN")}
    assert rule._sentence_memo_entries == 1 == len(rule._sentence_memo[("en", "LATIN")])
    assert list(rule._sentence_memo[("en", "LATIN")]) == [text]
    list(rule.check(prepare(Document(id="b", text=text, lang="fr"))))
    assert set(rule._sentence_memo) == {("en", "LATIN"), ("fr", "LATIN")}
    rule._sentence_memo_entries = fl._SENTENCE_MEMO_SIZE
    again = list(rule.check(prepare(Document(id="a", text="He said so.\n" + text, lang="en"))))
    assert set(rule._sentence_memo) == {("en", "LATIN")} and rule._sentence_memo_entries == 1
    assert [(f.start, f.end, f.message) for f in again] == [(f.start, f.end, f.message) for f in en]


def _glued(vocab: list[str], n: int, seed: int, glue: list[str], longest: int = 40) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(vocab) + rng.choice(glue) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def test_document_prefilter_gives_each_sentence_its_own_verdict() -> None:
    """The pre-filter read once over the document (running totals of its words' weights) says of every
    sentence what the per-sentence pre-filter says, in English and Russian texts, with joined words,
    sentence marks, quotes and line breaks; where lower-casing moves characters (İ) or reads context (Σ)
    it declines."""
    rule = fl.ForeignLanguage()
    glue = ["", " ", " ", ". ", "! ", "? ", "… ", "-", "'", "’", ", ", "\n", "\n\n", ".” ", ") ", "\xa0", " _"]
    checked = 0
    for lang, extra in (("en", ["Zorbul", "contusion", "x-ray", "don't", "3", "4,5", "é"]),
                        ("ru", ["Москва", "из-за", "что-то", "Путин", "2024", "ё"])):
        weights = rule._words[lang]
        vocab = sorted(weights)[:80] + [w.title() for w in sorted(weights)[:10]] + extra
        for text in _glued(vocab, 3000, 23, glue):
            spans = sentences(text)
            got = rule._doc_plain(text, spans, weights)
            assert got == [rule._plain(text, s, e, weights) for s, e in spans], text
            checked += len(spans)
    assert checked > 10000
    weights = rule._words["en"]
    for odd in ("İstanbul is big. The end.", "ΣΟΦΙΑ said so. The end."):
        assert rule._doc_plain(odd, sentences(odd), weights) is None


def test_document_prefilter_leaves_the_rules_findings_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    """Candidates with the document-wide pre-filter are those of the per-sentence one (forced by having
    the document-wide one decline), on English and Russian documents holding foreign sentences."""
    texts = [
        ("en", "He left the city on Monday. La police a ouvert une enquête pour déterminer les causes.\n"
               "The mayor said the council would meet again next week to discuss the budget and roads.\n"
               "Die Regierung hat alles getan, was in ihrer Macht stand, sagte der Sprecher am Abend."),
        ("ru", "Президент провёл совещание с членами правительства в понедельник. Nadie sabe por qué.\n"
               "Министр сообщил, что бюджет будет принят до конца года. Це було зроблено без згоди.\n"
               "В Москве прошла встреча, на которой обсуждали развитие транспорта и дорог в регионе."),
    ]
    fast = fl.ForeignLanguage()
    slow = fl.ForeignLanguage()
    monkeypatch.setattr(slow, "_doc_plain", lambda *a, **k: None)
    for lang, text in texts:
        for t in (text, text.upper(), text.replace(". ", ".\n")):
            a = fast.candidates(prepare(Document(id="a", text=t, lang=lang)))
            b = slow.candidates(prepare(Document(id="a", text=t, lang=lang)))
            assert a == b, t
    assert fast.candidates(prepare(Document(id="a", text=texts[0][1], lang="en")))  # the French sentence


def test_sentence_memo_stays_within_its_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many distinct sentences pass through, the memo never holds more than its size (it is
    emptied when full), and a rule reading from a full memo answers as a fresh one."""
    monkeypatch.setattr(fl, "_SENTENCE_MEMO_SIZE", 5)
    rule = fl.ForeignLanguage()
    rng = random.Random(29)
    words = ["Zorbul", "kwafe", "mintoral", "Plessy", "the", "quarrel", "ubiquitous", "Vesk"]
    for i in range(40):
        text = "\n".join(" ".join(rng.choice(words) for _ in range(rng.randint(3, 12))) + f" {i}." for _ in range(3))
        doc = prepare(Document(id=str(i), text=text, lang="en"))
        got = rule.candidates(doc)
        assert sum(map(len, rule._sentence_memo.values())) == rule._sentence_memo_entries
        assert rule._sentence_memo_entries <= 5 + 3  # emptied before a document once full
        assert got == fl.ForeignLanguage().candidates(doc)


def test_ui_hit_starts_are_the_case_folded_alternation_s() -> None:
    """``str.find`` over an ASCII text's lower case gives the starts ``finditer`` of the case-folded
    alternation (longest hit first, non-overlapping) gives, hits prefixes of each other included; a
    non-ASCII text goes to the regex itself."""
    from qc.untranslated.ui_lexicon import _hit_starts

    def by_regex(text: str, hits: set[str]) -> list[int]:
        alts = "|".join(sorted(map(re.escape, hits), key=len, reverse=True))
        return [c.start() for c in re.finditer(rf"(?<!\w)(?:{alts})", text, re.IGNORECASE)]

    vocab = ["sign", "sign-in", "signs", "in", "all", "Small", "ALL", "read", "reader", "e-mail", "_all", "a"]
    rng = random.Random(31)
    for text in _glued(vocab, 4000, 37, ["", " ", "-", "'", "_", "1", ". ", "\n"], 20):
        hits = set(rng.sample(["sign", "sign-in", "in", "all", "read", "reader", "e-mail", "a", "signs"], 3))
        assert _hit_starts(text, text.lower(), hits) == by_regex(text, hits), (text, hits)
    odd = "ſign in. Sign-in, KELVIN ALL"  # long s and the Kelvin sign fold to ASCII letters
    assert _hit_starts(odd, odd.lower(), {"sign", "kelvin"}) == by_regex(odd, {"sign", "kelvin"})


def test_ui_hits_read_words_given_or_their_own() -> None:
    """The hits from the document's shared words are the hits from the lexicon's own ``findall``, with
    words joined by ' ’ - or not (the heads' precondition is a character scan now)."""
    from qc.pack import load_pack
    from qc.untranslated._common import lower_words

    shipped = next(r for r in load_pack(None, select=["untranslated"]).build()
                   if r.id == "untranslated/ui-string").lexicon  # type: ignore[attr-defined]
    vocab = [*sorted({w for k in shipped.keys for w in k.split(" ")})[:200], "the", "войти-то", "it"]
    for text in _glued(vocab, 3000, 41, [" ", "-", "'", "’", ", ", "\n", ""], 10):
        lower, _starts, words = lower_words(text)
        assert words == WORD_RE.findall(lower)
        assert shipped.hits(lower, words) == shipped.hits(lower)
        assert shipped.hits(lower) == _old_hits(shipped, lower), text


def _old_hits(lexicon: UiLexicon, lower: str) -> set[str]:
    words = WORD_RE.findall(lower)
    heads = [re.split(r"['’\-]", w)[0] for w in words if re.search(r"['’\-]", w)]
    grams = {*words, *heads, *map(" ".join, itertools.pairwise(words))}
    return {k.split(" ")[0] for k in grams & lexicon.keys}


def test_predictions_come_sorted_and_capped_as_the_wrapper_gave_them() -> None:
    """The binding's pairs, taken in their own order (no sort), are what fasttext's Python ``predict``
    gives once sorted by probability and capped at 1, for English, Russian and mixed segments."""
    from qc.lang import _binding, _model, _mostly_upper, _predict_line

    model = _model()
    binding = _binding()
    assert model is not None and binding is not None
    texts = [*_random_texts("abc xyz жзк ёé.,AB", 300, 43, 120),
             "The council approved the budget.", "Президент провёл совещание.", "NASA AND FBI", "", "  "]
    for text in texts:
        line = text[:80]
        if line.isupper() or (len(line) > 5 and _mostly_upper(line)):
            line = line.lower()
        for k in (1, 3, 5):
            labels, scores = model.predict(line, k=k)
            want = sorted(((lab.replace("__label__", ""), min(float(p), 1.0))
                           for lab, p in zip(labels, scores, strict=True)), key=lambda lp: -lp[1])
            assert list(_predict_line(text, k, binding)) == want, text


def test_lowering_keeps_every_characters_word_class() -> None:
    """What the lower-cased words from the text's own split rest on: over all of Unicode, a character
    that lowers to one character keeps its ``\\w`` class, and only ``'’-`` lower to ``'’-``; only ``İ``
    lowers to more than one."""
    import sys

    word = re.compile(r"\w")
    grown = []
    for c in map(chr, range(sys.maxunicode + 1)):
        low = c.lower()
        if len(low) != 1:
            grown.append(c)
            continue
        assert bool(word.match(c)) == bool(word.match(low)), hex(ord(c))
        assert (c in "'’-") == (low in "'’-"), hex(ord(c))
    assert grown == ["İ"]


_SPLIT_GLUE = ["", " ", " ", ". ", "! ", "? ", "… ", "-", "'", "’", "''", ".", ", ", "\n", "\n\n", ".” ", ") ",
               "\xa0", " _", "_", "#", "@", " http://x.io/a ", " see www.a.com ", "3"]
_SPLIT_VOCAB = ["the", "The", "DON'T", "x-ray", "Zorbul", "é", "Éte", "Москва", "из-за", "ЧТО-ТО", "ß", "ǅemal",
                "Σοφία", "ΣΟΦΊΑ", "ΟΔΟΣ", "İstanbul", "42", "4,5", "ʼn", "Ⅻ", "ﬁ"]


def test_lower_words_from_the_texts_split_are_the_lower_case_s() -> None:
    """``lower_words`` given the text's own word split gives what splitting its lower case gives, on
    English, Russian and Greek texts with joined words, digits, ``_``, ligatures, İ and Σ (where it
    falls back)."""
    from qc.text import split_offsets
    from qc.untranslated._common import _WORD_SPLIT_RE, lower_words

    checked = 0
    for text in [*_glued(_SPLIT_VOCAB, 4000, 31, _SPLIT_GLUE), "", " ", "İ", "Σ."]:
        split = split_offsets(_WORD_SPLIT_RE, text)
        got = lower_words(text, split)
        assert got == lower_words(text), text
        checked += len(got[2])
    assert checked > 50000


def test_tokens_from_the_documents_split_are_tokens() -> None:
    """A document's tokens from its word split, and a sentence's from the document's (its words between
    its ends), are what :func:`tokens` finds in the text and in the sentence, wherever nothing may be
    masked; with hashtags, handles or URLs the document's are :func:`tokens`' own."""
    from qc.untranslated._common import doc_tokens, doc_word_split, may_mask, tokens, tokens_of_split

    sentences_checked = masked = 0
    for text in _glued(_SPLIT_VOCAB, 3000, 37, _SPLIT_GLUE):
        doc = prepare(Document(id="a", text=text, lang="en"))
        assert doc_tokens(doc) == tokens(text), text
        masked += may_mask(text)
        split = doc_word_split(doc)
        for s, e in sentences(text):
            sentence = text[s:e]
            if may_mask(sentence):
                continue
            i, j = bisect.bisect_left(split[0], s), bisect.bisect_left(split[0], e)
            got = [t._replace(start=t.start - s, end=t.end - s) for t in tokens_of_split(split, i, j)]
            assert got == tokens(sentence), (text, sentence)
            sentences_checked += 1
    assert sentences_checked > 10000 and masked > 500


def test_candidates_from_the_documents_tokens_are_the_sentences_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """foreign-language's candidates with each sentence's tokens taken from the document's split are
    those of a rule that splits every sentence itself, on English and Russian documents with foreign
    sentences, a foreign end inside a long sentence (the scan, in the sentence's offsets) and URLs."""
    texts = [
        ("en", "He left the city on Monday. La police a ouvert une enquête pour déterminer les causes.\n"
               "The mayor told reporters on Monday evening that die Regierung hat alles getan, was in ihrer "
               "Macht stand, und dass niemand etwas dagegen tun konnte.\n"
               "Die Regierung hat alles getan, was in ihrer Macht stand, siehe www.beispiel.de und #Berlin."),
        ("ru", "Президент провёл совещание с членами правительства в понедельник. Nadie sabe por qué.\n"
               "Министр сообщил, что бюджет будет принят до конца года. Це було зроблено без згоди.\n"
               "В Москве прошла встреча, на которой обсуждали развитие транспорта и дорог в регионе."),
    ]
    fast, slow = fl.ForeignLanguage(), fl.ForeignLanguage()
    by_itself = slow._sentence_candidates
    given = []

    def splitting(text, lang, dscript, weights, filtered=False, own=None, base=0):  # type: ignore[no-untyped-def]
        given.append(own is not None)
        return by_itself(text, lang, dscript, weights, filtered)

    monkeypatch.setattr(slow, "_sentence_candidates", splitting)
    read: dict[str, list[tuple[str, str]]] = {"fast": [], "slow": []}  # what each rule has fastText read

    def spy(name: str, step: str, own: Any) -> Any:
        def read_by(*a: Any, **k: Any) -> Any:  # the texts and numbers: the tokens' offsets may differ
            read[name].append((step, repr([x for x in a if isinstance(x, str | int)])))
            return own(*a, **k)
        return read_by

    for name, rule in (("fast", fast), ("slow", slow)):
        for step in ("_probe", "_foreign", "_scan", "_best_trim"):
            monkeypatch.setattr(rule, step, spy(name, step, getattr(rule, step)))
    for lang, text in texts:
        for t in (text, text.upper(), text.replace(". ", ".\n"), "x " + text):
            a = fast.candidates(prepare(Document(id="a", text=t, lang=lang)))
            assert a == slow.candidates(prepare(Document(id="a", text=t, lang=lang))), t
    assert read["fast"] == read["slow"]
    assert any(given) and not all(given)  # sentences with and without a URL
    assert any(step == "_scan" for step, _a in read["fast"])
    assert fast.candidates(prepare(Document(id="a", text=texts[0][1], lang="en")))


def test_calque_vocabulary_from_the_known_words_is_the_scans() -> None:
    """mt-artifact/calque's word set from the untranslated family's lower-cased words is
    ``set(findall("[a-z]+"))`` of the lower case, and the scan's own where the words are another text's."""
    from qc.mt_artifact.calque import _VOCAB, _vocab
    from qc.text import split_offsets
    from qc.untranslated._common import _WORD_SPLIT_RE, lower_words

    for text in _glued([*_SPLIT_VOCAB, "naïve", "café", "rock'n'roll", "a1b", "x_y"], 3000, 41, _SPLIT_GLUE):
        lowered = text.lower()
        known = lower_words(text, split_offsets(_WORD_SPLIT_RE, text))
        assert _vocab(lowered, known) == set(_VOCAB.findall(lowered)), text
        assert _vocab(lowered + " zz", known) == set(_VOCAB.findall(lowered + " zz"))
        assert _vocab(lowered, None) == set(_VOCAB.findall(lowered))


# English, Russian, Ukrainian, French, German and Spanish words, mixed: windows that read as one language, as
# another or as nothing in particular, and some near the decision thresholds
_PROBE_TEXT = ("the council approved budget after long debate officials said money would go schools roads "
               "Президент провёл совещание членами правительства понедельник бюджет будет принят конца года "
               "було зроблено без згоди la police a ouvert une enquête pour déterminer les causes "
               "die Regierung hat alles getan was in ihrer Macht stand nadie sabe por qué 2024 NASA")
_PROBE_VOCAB = _PROBE_TEXT.split()


def _windows(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = [" ".join(rng.choice(_PROBE_VOCAB) for _ in range(rng.randint(1, 12))) for _ in range(n)]
    return [*out, "", "  ", "42, 17", "THE COUNCIL APPROVED THE BUDGET", "Nadie\xa0sabe por qué"]


def test_thresholded_predictions_are_the_full_ones_above_the_threshold() -> None:
    """``segment_probs_above``: the top-3 pairs at or above the threshold, the same floats as the full
    top 3 (fastText prunes only branches below it), on mixed English, Russian and other windows."""
    from qc.lang import _segment_probs

    checked = 0
    for threshold in (0.18, 0.36, 0.45):
        for text in _windows(3000, 43):
            full = _segment_probs.__wrapped__(text, 3)
            got = _segment_probs.__wrapped__(text, 3, threshold)
            if full == (("und", 0.0),):
                assert got == full, text
                continue
            if any(abs(p - threshold) < 1e-5 for _lg, p in full):
                continue  # fastText's float32 comparison with log(threshold): either side
            assert got == tuple(lp for lp in full if lp[1] >= threshold), text
            checked += len(got) < len(full)
    assert checked > 1000  # the threshold dropped pairs


def test_window_and_segment_tests_decide_as_the_full_predictions(monkeypatch: pytest.MonkeyPatch) -> None:
    """foreign-language's probe, ``_foreign`` and the candidates of whole documents, with fastText asked
    only for the pairs above the rule's floors, decide as with the full top 3 (English and Russian
    documents, the rule's default thresholds and lowered ones)."""
    from qc.lang import segment_probs

    for options in ({}, {"probe_min_prob": 0.2, "max_doc_prob": 0.3, "min_prob": 0.3}):
        opts = fl.ForeignLanguageOptions(**options)
        fast, full = fl.ForeignLanguage(options=opts), fl.ForeignLanguage(options=opts)
        monkeypatch.setattr(full, "_window_floor", 0.0)
        monkeypatch.setattr(full, "_segment_floor", 0.0)
        positive = 0
        for lang in ("en", "ru", "uk"):
            for text in _windows(400, 47):
                probe = fast._probe(text, lang)
                assert probe == full._probe(text, lang), (lang, text)
                positive += probe
                assert fast._foreign(text, lang, 8) == full._foreign(text, lang, 8), (lang, text)
        assert positive > 20
        for lang in ("en", "ru"):
            for k in range(8):
                text = ". ".join(_windows(200, k)[:60]) + "."
                a = fast.candidates(prepare(Document(id="a", text=text, lang=lang)))
                assert a == full.candidates(prepare(Document(id="a", text=text, lang=lang)))
        assert segment_probs("Die Regierung hat alles getan")[0][0] == "de"  # the vocabulary reads as said

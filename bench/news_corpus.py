"""A seeded generator of news-like JSONL documents for the audit benchmark (no devdata, no seeds).

Each document is ~3 KB of templated wire-style prose: mostly English, a share in Russian, with the
damage an audit looks for planted at known rates: mojibake, no-break spaces, boilerplate lines at the
top and bottom, a Cyrillic UI fragment inside English text, and near-copies of earlier documents.
The rates are the module constants; the same seed gives the same bytes.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

RU_SHARE = 0.10
MOJIBAKE_SHARE = 0.15
NBSP_SHARE = 0.20
BOILERPLATE_SHARE = 0.40
CYRILLIC_FRAGMENT_SHARE = 0.05
NEAR_COPY_SHARE = 0.10
TARGET_CHARS = 3000

_EN = {
    "who": ["The minister", "A spokesperson for the council", "Local officials", "The central bank",
            "Union leaders", "The prime minister", "Opposition lawmakers", "Police", "The regulator",
            "Residents", "Analysts at the firm", "The mayor", "Health authorities", "The court"],
    "verb": ["said", "announced", "warned", "confirmed", "denied", "argued", "reported", "insisted"],
    "what": ["that the budget would be revised", "that talks would resume next week",
             "that prices had risen faster than expected", "that the bridge would reopen in spring",
             "that no decision had been taken", "that the plan was still under review",
             "that turnout was higher than in the last election", "that the contract had been signed",
             "that the investigation was continuing", "that more staff would be hired"],
    "when": ["on Monday", "on Tuesday", "late on Wednesday", "on Thursday morning", "on Friday",
             "over the weekend", "earlier this month", "last year"],
    "where": ["in the capital", "in the northern region", "at a press conference", "in parliament",
              "outside the courthouse", "in a statement", "in an interview", "at the port"],
    "tail": ["The figures were not independently verified.", "Further details were not given.",
             "It was not immediately clear how many people were affected.",
             "The decision is expected to be challenged.", "Markets reacted calmly to the news.",
             "Critics said the move came too late.", "A vote is scheduled for next month."],
}
_RU = {
    "who": ["Министр", "Представитель городского совета", "Местные власти", "Центральный банк",
            "Профсоюзы", "Премьер-министр", "Депутаты оппозиции", "Полиция", "Жители"],
    "verb": ["заявил", "сообщил", "предупредил", "подтвердил", "отметил"],
    "what": ["что бюджет будет пересмотрен", "что переговоры продолжатся на следующей неделе",
             "что цены выросли быстрее, чем ожидалось", "что решение ещё не принято",
             "что расследование продолжается", "что контракт подписан"],
    "when": ["в понедельник", "во вторник", "в среду вечером", "в четверг", "в пятницу", "в выходные"],
    "where": ["в столице", "на пресс-конференции", "в парламенте", "в заявлении", "в интервью"],
    "tail": ["Подробности не сообщаются.", "Данные пока не проверены.", "Голосование назначено на следующий месяц."],
}
_BOILERPLATE = ["Subscribe to our newsletter", "Read more", "Share this article", "Advertisement",
                "Sign up for breaking news alerts", "© 2026 Example News. All rights reserved."]
_CYRILLIC_FRAGMENTS = ["Заголовок открываемого материала", "Читать далее", "Поделиться"]
_MOJIBAKE = {"’": "â€™", "“": "â€œ", "é": "Ã©"}


def _sentence(rng: random.Random, words: dict[str, list[str]], n: int) -> str:
    s = (f"{rng.choice(words['who'])} {rng.choice(words['verb'])} {rng.choice(words['when'])} "
         f"{rng.choice(words['where'])} {rng.choice(words['what'])}, with {n:,} cases cited.")
    if words is _RU:
        s = s.replace(", with", ", указав").replace("cases cited", "случаев")
    return s


def _body(rng: random.Random, ru: bool) -> str:
    words = _RU if ru else _EN
    paras: list[str] = []
    size = 0
    while size < TARGET_CHARS:
        sents = [_sentence(rng, words, rng.randrange(2, 90_000)) for _ in range(rng.randint(2, 4))]
        sents.append(rng.choice(words["tail"]))
        if not ru and rng.random() < 0.3:
            sents.append("“It’s a café-style compromise,” one official said.")
        paras.append(" ".join(sents))
        size += len(paras[-1]) + 2
    return "\n\n".join(paras)


def document(rng: random.Random, earlier: list[str]) -> str:
    """One document; ``earlier`` holds recent originals, for planted near-copies."""
    if earlier and rng.random() < NEAR_COPY_SHARE:
        paras = rng.choice(earlier).split("\n\n")
        paras[rng.randrange(len(paras))] += " An update was published later."
        return "\n\n".join(paras)
    ru = rng.random() < RU_SHARE
    body = _body(rng, ru)
    if not ru and rng.random() < MOJIBAKE_SHARE:
        for good, bad in _MOJIBAKE.items():
            body = body.replace(good, bad)
    if rng.random() < NBSP_SHARE:
        body = body.replace(" the ", " the\xa0", 5).replace(" в ", " в\xa0", 5)
    if not ru and rng.random() < CYRILLIC_FRAGMENT_SHARE:
        paras = body.split("\n\n")
        paras.insert(rng.randrange(1, len(paras) + 1), rng.choice(_CYRILLIC_FRAGMENTS))
        body = "\n\n".join(paras)
    if rng.random() < BOILERPLATE_SHARE:
        body = rng.choice(_BOILERPLATE) + "\n" + body + "\n" + rng.choice(_BOILERPLATE)
    earlier.append(body)
    del earlier[:-500]
    return body


def write_corpus(path: Path, n: int, seed: int = 1) -> None:
    """``n`` documents as JSONL (``id``, ``text``), reproducible from ``seed``."""
    rng = random.Random(seed)
    earlier: list[str] = []
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": f"doc{i:07d}", "text": document(rng, earlier)}, ensure_ascii=False) + "\n")

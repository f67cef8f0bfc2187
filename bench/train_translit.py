"""Train the character model of Russian-in-Latin used by mt-artifact/transliteration and source-acronym.

Positives: every Russian word of wordfreq's list (Cyrillic only, Zipf >= ``--min-zipf``) romanised by five
schemes (BGN/PCGN, GOST 7.79 B simplified, ISO 9 without diacritics, the informal web spelling, German). Negatives:
ASCII words of wordfreq's English list (which holds English first names and surnames) and of the Spanish,
Italian, German, French, Portuguese and Dutch lists with their diacritics removed (foreign names and words an
English news text quotes). A word that is also a romanised Russian word (putin, ivanov, da) is left out of the
negatives. Features: character 1- to ``--order``-grams with word boundaries; the model is naive Bayes log-odds
(add-one smoothing), each word scored by the mean log-odds of its n-grams, so length does not matter.

The held-out split is by word (a hash of the Russian source word, so all spellings of one word fall on
the same side; a hash of the word for negatives): the held-out accuracy and AUC printed are on words the
model never saw. The model written (``rules/models/translit_ru.json``) is trained on every word, n-grams
seen fewer than ``--min-count`` times dropped. Deterministic: same wordfreq version, same file.

    PYTHONPATH=$PWD /work/main/.venv/bin/python bench/train_translit.py [--out rules/models/translit_ru.json]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import unicodedata
import zlib
from collections import Counter
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qc.mt_artifact._common import TranslitModel, ngrams, zipf  # noqa: E402

_COMMON = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "з": "z", "и": "i", "к": "k", "л": "l", "м": "m",
    "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "ъ": "", "ь": "",
}
# Letters each scheme writes its own way (е/ё after a vowel or at the start are handled in ``romanise``).
SCHEMES: dict[str, dict[str, str]] = {
    "bgn": {"е": "e", "ё": "yo", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch",
            "ы": "y", "э": "e", "ю": "yu", "я": "ya"},
    "gost": {"е": "e", "ё": "yo", "ж": "zh", "й": "j", "х": "x", "ц": "c", "ч": "ch", "ш": "sh", "щ": "shh",
             "ы": "y", "э": "e", "ю": "yu", "я": "ya"},
    "iso": {"е": "e", "ё": "e", "ж": "z", "й": "j", "х": "h", "ц": "c", "ч": "c", "ш": "s", "щ": "s",
            "ы": "y", "э": "e", "ю": "ju", "я": "ja"},
    "web": {"е": "e", "ё": "e", "ж": "zh", "й": "i", "х": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch",
            "ы": "y", "э": "e", "ю": "yu", "я": "ya"},
    "german": {"в": "w", "е": "e", "ё": "jo", "ж": "sch", "з": "s", "й": "j", "х": "ch", "ц": "z", "ч": "tsch",
               "ш": "sch", "щ": "schtsch", "ы": "y", "э": "e", "ю": "ju", "я": "ja"},
}
VOWELS = set("аеёиоуыэюяъь")
NEGATIVE_LANGS = ("en", "es", "it", "de", "fr", "pt", "nl")


def romanise(word: str, scheme: str) -> str:
    table = SCHEMES[scheme]
    out = []
    for i, ch in enumerate(word):
        if ch == "е" and scheme == "bgn" and (i == 0 or word[i - 1] in VOWELS):
            out.append("ye")
        elif ch == "й" and scheme in ("bgn", "web") and word.endswith(("ий", "ый")) and i == len(word) - 1:
            out.append("y" if scheme == "bgn" else "i")
        else:
            out.append(table.get(ch, _COMMON.get(ch, "")))
    return "".join(out)


def ascii_fold(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


def held_out(word: str, share: float) -> bool:
    return zlib.crc32(word.encode()) % 1000 < share * 1000


def auc(pos: list[float], neg: list[float]) -> float:
    """Probability that a random positive outscores a random negative (rank statistic, ties count half)."""
    scored = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank_sum, i = 0.0, 0
    while i < len(scored):
        j = i
        while j < len(scored) and scored[j][0] == scored[i][0]:
            j += 1
        mid = (i + j + 1) / 2
        rank_sum += mid * sum(1 for k in range(i, j) if scored[k][1])
        i = j
    return (rank_sum - len(pos) * (len(pos) + 1) / 2) / (len(pos) * len(neg))


def fit(pos: list[str], neg: list[str], order: int, min_count: int) -> TranslitModel:
    cp, cn = Counter(), Counter()
    for w in pos:
        cp.update(ngrams(w, order))
    for w in neg:
        cn.update(ngrams(w, order))
    tp, tn = sum(cp.values()), sum(cn.values())
    grams = sorted(g for g in set(cp) | set(cn) if cp[g] + cn[g] >= min_count)
    v = len(grams) + 1
    weights = {g: round(math.log((cp[g] + 1) / (tp + v)) - math.log((cn[g] + 1) / (tn + v)), 2) for g in grams}
    unseen = round(math.log(1 / (tp + v)) - math.log(1 / (tn + v)), 2)
    return TranslitModel(order=order, weights=weights, unseen=unseen)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "rules" / "models" / "translit_ru.json")
    ap.add_argument("--min-zipf", type=float, default=2.0)
    ap.add_argument("--order", type=int, default=4)
    ap.add_argument("--min-count", type=int, default=10)
    ap.add_argument("--held-out", type=float, default=0.2)
    args = ap.parse_args()
    import wordfreq

    ru_words = sorted(w for w, f in wordfreq.get_frequency_dict("ru", wordlist="large").items()
                      if zipf(f) >= args.min_zipf and all("а" <= c <= "я" or c == "ё" for c in w))
    pos_by_source = {w: sorted({romanise(w, s) for s in SCHEMES}) for w in ru_words}
    romanised = {r for rs in pos_by_source.values() for r in rs}
    neg_words: set[str] = set()
    for lang in NEGATIVE_LANGS:
        for w, f in wordfreq.get_frequency_dict(lang, wordlist="large").items():
            if zipf(f) < args.min_zipf:
                continue
            a = ascii_fold(w)
            if a.isascii() and a.isalpha() and len(a) >= 2:
                neg_words.add(a.lower())
    negatives = sorted(neg_words - romanised)
    train_pos = [r for w, rs in pos_by_source.items() if not held_out(w, args.held_out) for r in rs]
    test_pos = [r for w, rs in pos_by_source.items() if held_out(w, args.held_out) for r in rs]
    train_neg = [w for w in negatives if not held_out(w, args.held_out)]
    test_neg = [w for w in negatives if held_out(w, args.held_out)]
    model = fit(train_pos, train_neg, args.order, args.min_count)
    sp = [model.score(w) for w in test_pos]
    sn = [model.score(w) for w in test_neg]
    acc = (sum(s > 0 for s in sp) + sum(s <= 0 for s in sn)) / (len(sp) + len(sn))
    print(f"wordfreq {version('wordfreq')}: {len(ru_words)} Russian words x {len(SCHEMES)} schemes "
          f"-> {len(romanised)} romanised; {len(negatives)} negatives ({', '.join(NEGATIVE_LANGS)})")
    print(f"held out by word ({args.held_out:.0%}): {len(sp)} positives, {len(sn)} negatives; "
          f"accuracy at 0 = {acc:.3f}, AUC = {auc(sp, sn):.3f}")
    for t in (0.5, 1.0, 1.5):
        print(f"  threshold {t}: recall {sum(s > t for s in sp) / len(sp):.3f}, "
              f"negatives above {sum(s > t for s in sn) / len(sn):.4f}")
    final = fit([r for rs in pos_by_source.values() for r in rs], negatives, args.order, args.min_count)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    meta = {"wordfreq": version("wordfreq"), "min_zipf": args.min_zipf, "schemes": sorted(SCHEMES),
            "negatives": list(NEGATIVE_LANGS), "held_out_accuracy": round(acc, 3),
            "held_out_auc": round(auc(sp, sn), 3), "command": "bench/train_translit.py"}
    args.out.write_text(json.dumps({"version": 1, "meta": meta, **final.to_json()}, ensure_ascii=False,
                                   sort_keys=True, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({len(final.weights)} n-grams, {args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()

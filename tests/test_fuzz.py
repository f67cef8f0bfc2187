"""Fuzz: ~2,000 seeded hostile documents through ``qc audit``, as JSONL and as a directory.

Every input line or file must come out as exactly one report row, in input order, with no crash and no
document over the time budget. ``bench/bench_fuzz.py`` runs the same generator at 100,000 documents.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qc.cli import main

# Pieces hostile text is made of: each kind stresses one assumption (a regex that backtracks, an index
# past a combining mark, a decoder, a control character, a script mix).
_SCRIPTS = ("The council met on Monday.", "Совет собрался в понедельник.", "Το συμβούλιο συνεδρίασε.",
            "議会は月曜日に開かれた。", "اجتمع المجلس يوم الاثنين.", "המועצה התכנסה ביום שני.", "परिषद की बैठक हुई।",
            "Rada se sešla v pondělí.", "Der Rat tagte am Montag.", "ok", "iPhone", "Москва", "sK\u0486")
_MARKS = "\u0300\u0301\u0308\u0327\u0486\u0489\u20dd\u302a\u0e31\ufe0f\u200d"
_CONTROLS = "\x01\x07\x08\x0b\x0c\x1b\x7f\x85\x9f\u00ad\u200b\u200e\u202e\u2028\u2066\ufeff\ufffe"
_PUNCT = "()[]{}<>\"'«»„“”‘’.,;:!?…-—/\\|@#&*%$^~`"
_TOKENS = ("a", "@", "(((((", "a.", "x@", "ж", "aж", "http://", "www.", "&amp;", "&#", "Ã©", "â€™", "1", ".com",
           "'", "-", "\u00a0", "\t", "ж ж ab ", "жж жж ab cd ef ")


def _huge(rng: random.Random, scale: int) -> str:
    tok = rng.choice(_TOKENS)
    return tok * max(1, rng.randint(scale // 4, scale) // len(tok))


def _words(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(_SCRIPTS) for _ in range(n))


def _random_chars(rng: random.Random, n: int) -> str:
    ranges = ((0x20, 0x7E), (0xA0, 0x24F), (0x300, 0x36F), (0x400, 0x52F), (0x370, 0x3FF), (0x590, 0x6FF),
              (0x900, 0x97F), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0x1F300, 0x1F64F), (0x0, 0x1F), (0xE000, 0xE0FF))
    out = []
    for _ in range(n):
        lo, hi = rng.choice(ranges)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def _text(rng: random.Random, kind: str, scale: int) -> str:
    """One hostile text of ``kind`` (``str``; lone surrogates allowed, the writer decides how they travel)."""
    if kind == "empty":
        return ""
    if kind == "whitespace":
        return "".join(rng.choice(" \t\n\r\u00a0\u3000\u2003") for _ in range(rng.randint(1, 50)))
    if kind == "huge-token":
        return _huge(rng, scale)
    if kind == "deep-punct":
        depth = rng.randint(10, scale // 4)
        opener = rng.choice("([{<\"'«")
        return opener * depth + rng.choice(["", _words(rng, 2)]) + rng.choice(")]}>\"'»") * rng.randint(0, depth)
    if kind == "punct-soup":
        return "".join(rng.choice(_PUNCT + " ") for _ in range(rng.randint(1, scale // 4)))
    if kind == "mixed-scripts":
        return "\n".join(_words(rng, rng.randint(1, 12)) for _ in range(rng.randint(1, 8)))
    if kind == "combining":
        return "".join(rng.choice("aeoKsжбαλ ") + "".join(rng.choice(_MARKS) for _ in range(rng.randint(0, 6)))
                       for _ in range(rng.randint(1, 300)))
    if kind == "controls":
        base = _words(rng, 4)
        return "".join(ch + (rng.choice(_CONTROLS) if rng.random() < 0.3 else "") for ch in base)
    if kind == "surrogates":
        base = _words(rng, 3)
        cut = rng.randint(0, len(base))
        return base[:cut] + rng.choice(["\ud83d", "\ude00", "\udcff", "\ud800\ud800", "\ud83d\ude00"]) + base[cut:]
    if kind == "random-chars":
        return _random_chars(rng, rng.randint(1, 400))
    if kind == "many-lines":
        return "\n".join(rng.choice(["", " ", "Home", "Read more", "Share", _words(rng, 1), "•", "1/5"])
                         for _ in range(rng.randint(10, scale // 10)))
    if kind == "repeated-sentence":
        return (_words(rng, 1) + " ") * rng.randint(10, max(11, scale // 40))
    # "article": ordinary text with one kind of damage spliced in
    base = "\n".join(_words(rng, rng.randint(2, 6)) for _ in range(rng.randint(1, 6)))
    cut = rng.randint(0, len(base))
    other = rng.choice(["combining", "controls", "deep-punct", "surrogates", "punct-soup"])
    return base[:cut] + _text(rng, other, min(scale, 400)) + base[cut:]


TEXT_KINDS = ("empty", "whitespace", "huge-token", "deep-punct", "punct-soup", "mixed-scripts", "combining",
              "controls", "surrogates", "random-chars", "many-lines", "repeated-sentence", "article")


@dataclass(frozen=True, slots=True)
class Hostile:
    """One hostile input: the bytes of a JSONL line or a file, the id the report must give it, its kind."""

    data: bytes
    id: str
    kind: str


def hostile_jsonl(n: int, seed: int, scale: int = 20_000, name: str = "fuzz.jsonl") -> Iterator[Hostile]:
    """``n`` JSONL lines: hostile texts under hostile ids and fields, malformed lines, random bytes.
    ``scale`` bounds the longest text (characters)."""
    rng = random.Random(seed)
    for i in range(n):
        lineno = i + 1
        where = f"{name}:{lineno}"
        roll = rng.random()
        if roll < 0.04:  # not JSON at all, or not an object
            data = rng.choice([bytes(rng.randrange(256) for _ in range(rng.randint(1, 80))).replace(b"\n", b" "),
                               b"[1, 2, 3]", b'"just a string"', b"{broken", b"null", b"{" * 5000])
            if not data.strip():
                data = b"{"
            yield Hostile(data, where, "malformed")
            continue
        kind = rng.choice(TEXT_KINDS)
        text = _text(rng, kind, scale)
        obj: dict[str, object] = {"text": text}
        ascii_json = rng.random() < 0.5  # lone surrogates as \\ud83d escapes, else as their raw (invalid) bytes
        id_roll = rng.random()
        if id_roll < 0.1:
            want = where  # no id: the position
        elif id_roll < 0.15:
            obj["id"] = i  # a number
            want = str(i)
        elif id_roll < 0.2:
            obj["id"] = f"../{i}/\ud83d"  # escapes the output folder, and a lone surrogate
            want = f"../{i}/\\ud83d" if ascii_json else f"../{i}/\\xed\\xa0\\xbd"
        else:
            obj["id"] = f"doc-{i}"
            want = f"doc-{i}"
        if rng.random() < 0.2:
            obj["meta"] = rng.choice([float("nan"), float("inf"), {"deep": [[[]]]}, "x\udcff", None, 10**30])
        if rng.random() < 0.03:
            obj["text"] = rng.choice([None, 42, ["a"], {"t": "x"}])
            kind = "not-a-string"
        line = json.dumps(obj, ensure_ascii=ascii_json)
        data = line.encode("utf-8", "surrogatepass")
        if rng.random() < 0.05:  # an invalid byte inside the text
            pos = data.find(b'"text": "') + 9
            if pos > 8 and kind not in ("not-a-string",):
                data = data[:pos] + rng.choice([b"\xff", b"\xe9", b"\xc3", b"\xed\xa0\xbd"]) + data[pos:]
                kind = "bad-byte"
        yield Hostile(data, want, kind)


def hostile_files(n: int, seed: int, scale: int = 20_000) -> Iterator[Hostile]:
    """``n`` files (name bytes, id, kind): raw random bytes, invalid UTF-8 and hostile texts; some names
    are not UTF-8. Returned in id order, as the reader lists a directory."""
    rng = random.Random(seed)
    for i in range(n):
        roll = rng.random()
        if roll < 0.1:
            kind, data = "random-bytes", bytes(rng.randrange(256) for _ in range(rng.randint(0, 600)))
        else:
            kind = rng.choice(TEXT_KINDS)
            data = _text(rng, kind, scale).encode("utf-8", "surrogatepass")
            if rng.random() < 0.1:
                cut = rng.randint(0, len(data))
                data = data[:cut] + rng.choice([b"\xff", b"\x80\x80", b"\xe2\x82", b"\xf0\x9f"]) + data[cut:]
                kind = "bad-byte"
        if rng.random() < 0.05:
            yield Hostile(data, f"{i:06d}_bad\\xffname.txt", kind + ":bad-name")
        else:
            yield Hostile(data, f"{i:06d}_{kind}.txt", kind)


def write_jsonl(path: Path, items: list[Hostile]) -> None:
    with open(path, "wb") as fh:
        for item in items:
            fh.write(item.data + b"\n")


def write_files(root: Path, items: list[Hostile]) -> None:
    root.mkdir(parents=True, exist_ok=True)
    for item in items:
        name = item.id.replace("\\xff", "\udcff")
        with open(os.path.join(os.fsencode(root), os.fsencode(name)), "wb") as fh:
            fh.write(item.data)


def report_rows(out: Path) -> list[dict]:
    # split at "\n" only: str.splitlines also splits inside strings holding U+2028, U+0085, \x1c...
    return [json.loads(line) for line in (out / "reports.jsonl").read_text(encoding="utf-8").split("\n") if line]


def _audit(path: Path, out: Path) -> list[dict]:
    code = main(["audit", str(path), "--out", str(out), "--quiet", "--jobs", "1", "--no-html"])
    assert code in (0, 1), code
    return report_rows(out)


def _check(rows: list[dict], items: list[Hostile]) -> None:
    assert [r["id"] for r in rows] == [h.id for h in items]  # every input once, in order
    over = [(r["id"], r["error"]) for r in rows if r["error"] and "time budget" in r["error"]]
    assert over == []
    crashed = [(r["id"], r["error"]) for r in rows if r["error"] and "crashed" in r["error"]]
    assert crashed == []
    for row, item in zip(rows, items, strict=True):
        if item.kind in ("empty", "whitespace", "malformed", "not-a-string"):
            assert row["error"], item  # reported as unreadable, not audited as text
        for f in row["findings"]:
            assert 0 <= f["start"] <= f["end"] <= row["chars"]


def test_fuzzed_jsonl_every_line_reported_once_in_order(tmp_path: Path) -> None:
    items = list(hostile_jsonl(1500, seed=17, scale=800))
    path = tmp_path / "fuzz.jsonl"
    write_jsonl(path, items)
    rows = _audit(path, tmp_path / "out")
    _check(rows, items)
    for line in filter(None, (tmp_path / "out" / "clean.jsonl").read_text(encoding="utf-8").split("\n")):
        json.loads(line, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))  # no NaN


def test_fuzzed_directory_every_file_reported_once_in_order(tmp_path: Path) -> None:
    items = list(hostile_files(500, seed=17, scale=800))
    root = tmp_path / "fuzz"
    write_files(root, items)
    rows = _audit(root, tmp_path / "out")
    _check(rows, items)

"""Find and read rule-pack data files: the pack's own folder first, then the built-in ``rules/``."""

from __future__ import annotations

import functools
import hashlib
import tomllib
from pathlib import Path
from typing import Any

from qc.cache import cached


class LexiconNotFound(FileNotFoundError):
    pass


def builtin_rules_dir() -> Path:
    """``qc/_rules`` in an installed wheel; the repository's ``rules/`` in a source checkout."""
    here = Path(__file__).resolve().parent
    for cand in (here / "_rules", here.parent / "rules"):
        if (cand / "default.toml").is_file():
            return cand
    raise LexiconNotFound("built-in rules/ folder not found (broken installation?)")


def locate(name: str, search_path: tuple[Path, ...]) -> Path:
    for base in search_path:
        for cand in (Path(base) / "lexicons" / name, Path(base) / name):
            if cand.is_file():
                return cand
    raise LexiconNotFound(f"lexicon {name!r} not found in {', '.join(map(str, search_path))}")


@functools.lru_cache(maxsize=256)
def _read_lines(path: Path) -> tuple[str, ...]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        s = line.strip()
        if s and not s.startswith("#"):
            out.append(s)
    return tuple(out)


def read_lines(name: str, search_path: tuple[Path, ...]) -> list[str]:
    return list(_read_lines(locate(name, search_path)))


@functools.lru_cache(maxsize=64)
def _read_toml(path: Path) -> dict[str, Any]:
    """The parsed file, from the on-disk cache when these exact bytes were parsed before: parsing the
    pack's large TOML lexicons (transliteration tables, calques) is most of their load time."""
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    return cached("toml", (path.name, digest), lambda: tomllib.loads(data.decode("utf-8")))


def read_toml(name: str, search_path: tuple[Path, ...]) -> dict[str, Any]:
    return _read_toml(locate(name, search_path))

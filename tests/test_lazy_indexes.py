"""Start-up: the big word indexes and langdetect's profiles load on first use, not in Pack.build."""

from __future__ import annotations

import pickle
import re
from pathlib import Path

import pytest

import qc.mt_artifact.calque as calque
from qc.mt_artifact import _common
from qc.mt_artifact._common import LazyMapping
from qc.pack import load_pack
from qc.untranslated import langdetect_profiles


def test_lazy_mapping_loads_once_on_first_lookup() -> None:
    loads: list[int] = []

    def load() -> dict[str, float]:
        loads.append(1)
        return {"cat": 4.0, "dog": 3.5}

    m = LazyMapping(load)
    assert loads == []
    assert m.get("cat") == 4.0 and m.get("cow", 0.0) == 0.0
    assert m.get.__self__ is m._data  # after the load a lookup is the dict's own method
    assert "dog" in m and m["dog"] == 3.5 and len(m) == 2 and sorted(m) == ["cat", "dog"]
    assert dict(m.items()) == {"cat": 4.0, "dog": 3.5} and sorted(m.keys()) == ["cat", "dog"]
    assert loads == [1]
    assert pickle.loads(pickle.dumps(m)) == {"cat": 4.0, "dog": 3.5}


def test_first_access_of_any_kind_loads() -> None:
    for touch in (len, list, lambda m: "cat" in m, lambda m: m["cat"], lambda m: list(m.items())):
        m = LazyMapping(lambda: {"cat": 1})
        touch(m)
        assert m._data == {"cat": 1}


def test_pack_build_leaves_indexes_and_langdetect_unloaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the on-disk cache holds the derived artefacts (the first build on a machine writes them, and
    that build may read the indexes), a build loads neither index nor langdetect."""
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))  # a new machine's empty cache
    load_pack(select=["mt-artifact", "untranslated"]).build()  # fills it
    _common.word_zipf.cache_clear()
    _common.source_index.cache_clear()
    langdetect_profiles.profiles.cache_clear()
    load_pack(select=["mt-artifact", "untranslated"]).build()
    assert _common.word_zipf("en")._data is None  # type: ignore[attr-defined]
    assert _common.word_zipf("ru")._data is None  # type: ignore[attr-defined]
    assert langdetect_profiles.profiles.cache_info().currsize == 0
    assert _common.word_zipf("en").get("the", 0.0) > 7  # and a lookup still reads the real index


def test_calque_prefilters_are_read_back_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))
    specs = [(r"according to the words of \w+", re.MULTILINE | re.IGNORECASE, False),
             (r"depends? from", re.MULTILINE, True)]
    first = calque.prefilters(specs)
    assert first == [(calque.literal_groups(specs[0][0], specs[0][1]), calque.max_width(specs[0][0], specs[0][1])),
                     ((), calque.max_width(specs[1][0], specs[1][1]))]
    assert first[0][0]  # the unanchored pattern does get literal groups

    def no_parse(*args: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(calque, "literal_groups", no_parse)
    monkeypatch.setattr(calque, "max_width", no_parse)
    assert calque.prefilters(specs) == first


def test_lazy_pattern_matches_like_the_compiled_one() -> None:
    text = "It depends from the weather. DEPENDS FROM nothing."
    lazy = calque.LazyPattern(r"depends from", re.IGNORECASE)
    expected = [m.span() for m in re.compile(r"depends from", re.IGNORECASE).finditer(text)]
    assert [m.span() for m in lazy.finditer(text)] == expected
    assert getattr(lazy.finditer, "__self__", None) == re.compile(r"depends from", re.IGNORECASE)
    assert len(expected) == 2 and [m.span() for m in lazy.finditer(text, 0, 25)] == [expected[0]]


def test_a_broken_calque_pattern_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSQC_CACHE_DIR", str(tmp_path))
    with pytest.raises(re.error):
        calque.prefilters([(r"depends (from", re.MULTILINE, False)])

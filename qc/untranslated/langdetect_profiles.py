"""langdetect with its n-gram profiles held sparse: the same probabilities, a quarter of the memory.

langdetect keeps, for each of its ~88k n-grams, a list of 55 per-language probabilities of which ~2
are not zero (~57 MB per process, ~1 s to parse its 55 JSON profiles). Here each n-gram keeps only its
non-zero ``(language index, probability)`` pairs, built once per machine into the on-disk cache (a
~90 ms load), and a detection rebuilds the dense rows of its own text's n-grams only: every double,
and so every answer, is the one langdetect computes (a test compares them).
"""

from __future__ import annotations

import functools
from importlib.metadata import version

from langdetect.detector import Detector
from langdetect.lang_detect_exception import LangDetectException

from qc.cache import cached

# n-gram -> (language index, probability, language index, probability, ...) of its non-zero entries
SparseProfiles = dict[str, tuple[int | float, ...]]


def _dense_factory():  # type: ignore[no-untyped-def]
    """langdetect's own factory, profiles loaded (seeded like ours)."""
    from langdetect import DetectorFactory, detector_factory

    DetectorFactory.seed = 0
    detector_factory.init_factory()
    return detector_factory._factory


def _build() -> tuple[tuple[str, ...], SparseProfiles]:
    factory = _dense_factory()
    sparse: SparseProfiles = {}
    for word, probs in factory.word_lang_prob_map.items():
        sparse[word] = tuple(x for i, p in enumerate(probs) if p for x in (i, p))
    return tuple(factory.langlist), sparse


class _Profiles:
    """What :class:`langdetect.detector.Detector` reads of its factory."""

    def __init__(self, langlist: tuple[str, ...], sparse: SparseProfiles) -> None:
        self.langlist = list(langlist)
        self.word_lang_prob_map = sparse
        self.seed = 0  # langdetect samples n-grams at random; a fixed seed makes it deterministic


@functools.lru_cache(maxsize=1)
def profiles() -> _Profiles:
    langlist, sparse = cached("langdetect-sparse", (version("langdetect"),), _build)
    return _Profiles(langlist, sparse)


class SparseDetector(Detector):
    """langdetect's detector over sparse profiles: the dense row of each n-gram of the text is rebuilt
    once per detection (a short text has a few hundred; the trials sample them thousands of times)
    and updated by langdetect's own loop, so every double is the one it computes."""

    def __init__(self, factory: _Profiles) -> None:
        super().__init__(factory)
        self._rows: dict[str, list[float]] = {}

    def _update_lang_prob(self, prob: list[float], word: str, alpha: float) -> bool:
        row = self._rows.get(word)
        if row is None:
            pairs = self.word_lang_prob_map.get(word) if word is not None else None
            if pairs is None:
                return False
            row = [0.0] * len(prob)
            for i, p in zip(pairs[::2], pairs[1::2], strict=True):
                row[int(i)] = p
            self._rows[word] = row
        weight = alpha / self.BASE_FREQ
        for i in range(len(prob)):
            prob[i] *= weight + row[i]
        return True


def langdetect_probs(text: str) -> dict[str, float]:
    """langdetect's language probabilities for ``text`` (seeded: the same answer on every run)."""
    det = SparseDetector(profiles())
    try:
        det.append(text)
        return {p.lang.split("-")[0]: p.prob for p in det.get_probabilities()}
    except LangDetectException:
        return {}

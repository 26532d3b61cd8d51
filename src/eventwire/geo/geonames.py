"""`eventwire geo import`: a full GeoNames dump (allCountries.txt format) merged into the gazetteer.

The dump is read line by line (the real file is 1.5 GB), kept to the feature classes news needs
(populated places, administrative areas, and notable regions, waters, camps and landforms), merged
with the built-in index and pickled beside it in the cache folder. `load_gazetteer` then uses the
merged index for as long as the built-in data it was merged with is current. Bad lines are counted
and named (line number and reason); the rest is imported.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from eventwire.cache import read_cached, write_cached
from eventwire.geo import gazetteer as gz
from eventwire.records import Level

IMPORT_FILE = "gazetteer-imported.pkl"
N_COLUMNS = 19
MAX_ISSUES = 1000  # issues kept with their text; all are counted

# Feature classes kept whole, and the codes kept from the other classes (GeoNames feature codes).
_WHOLE = frozenset("AP")
_CODES = {
    "H": frozenset({"SEA", "OCN", "GULF", "BAY", "STRT", "CHN", "LK", "LKS", "RSV", "STM", "CNL"}),
    "L": frozenset({"CONT", "RGN", "RGNE", "AREA", "PRK", "ZN", "ZNB", "OAS", "RESV", "MILB"}),
    "S": frozenset({"CMP", "CMPRF", "CMPMN", "AIRP", "AIRB", "MLTY", "INSM", "PRN", "DAM", "BDG"}),
    "T": frozenset({"ISL", "ISLS", "ISLT", "PEN", "MT", "MTS", "DSRT", "VAL", "PLN", "PLAT", "PASS", "HLL"}),
}
# Features outside A/P are countless (streams, hills); only those with several names are notable.
_NOTABLE_NAMES = 3
_COARSE_CODES = frozenset({"SEA", "OCN", "CONT", "GULF", "RGN"})


@dataclass(slots=True)
class ImportResult:
    source: str
    lines: int = 0
    imported: int = 0  # new records
    updated: int = 0  # built-in records given the dump's id, position or names
    skipped: int = 0  # well-formed lines of feature classes not kept
    error_count: int = 0
    errors: list[str] = field(default_factory=list)  # "line N: reason", the first MAX_ISSUES
    records: int = 0  # in the merged index
    names: int = 0
    load_s: float = 0.0  # loading the merged index from its cache, measured after writing it
    path: str = ""

    def summary(self) -> dict:
        return {"source": self.source, "lines": self.lines, "imported": self.imported, "updated": self.updated,
                "skipped": self.skipped, "errors": self.error_count, "records": self.records,
                "names": self.names, "load_s": round(self.load_s, 2), "index": self.path}


@dataclass(frozen=True, slots=True)
class ImportedIndex:
    """What is pickled: the merged tables and where they came from."""

    tables: gz._Tables
    source: str


@dataclass(frozen=True, slots=True)
class GeoNamesRow:
    geonameid: int
    name: str
    alternates: tuple[str, ...]
    lat: float
    lon: float
    fclass: str
    fcode: str
    country: str  # ISO2, "" for seas
    admin1: str
    population: int


def parse_line(line: str) -> GeoNamesRow:
    """One dump line; ValueError with the reason when it is malformed."""
    cols = line.rstrip("\r\n").split("\t")
    if len(cols) != N_COLUMNS:
        raise ValueError(f"expected {N_COLUMNS} tab-separated fields, found {len(cols)}")
    gid, name = cols[0].strip(), cols[1].strip()
    if not gid.isdigit():
        raise ValueError(f"geonameid {gid!r} is not a number")
    if not name:
        raise ValueError("empty name")
    try:
        lat, lon = float(cols[4]), float(cols[5])
    except ValueError:
        raise ValueError(f"latitude/longitude {cols[4]!r}, {cols[5]!r} are not numbers") from None
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0) or math.isnan(lat) or math.isnan(lon):
        raise ValueError(f"latitude/longitude {lat}, {lon} out of range")
    pop = cols[14].strip() or "0"
    if not pop.isdigit():
        raise ValueError(f"population {cols[14]!r} is not a whole number")
    fclass = cols[6].strip()
    if len(fclass) > 1 or (fclass and not fclass.isalpha()):
        raise ValueError(f"feature class {fclass!r} is not one letter")
    return GeoNamesRow(
        geonameid=int(gid), name=name,
        alternates=tuple(a for a in cols[3].split(",") if a) if cols[3] else (),
        lat=lat, lon=lon, fclass=fclass, fcode=cols[7].strip(), country=cols[8].strip().upper(),
        admin1=cols[10].strip(), population=int(pop),
    )


def wanted(row: GeoNamesRow) -> bool:
    if row.fclass in _WHOLE:
        return True
    return row.fcode in _CODES.get(row.fclass, ()) and len(row.alternates) >= _NOTABLE_NAMES


def level_of(row: GeoNamesRow) -> Level:
    if row.fclass == "A":
        if row.fcode.startswith("PCL") or row.fcode == "TERR":
            return "country"
        return "admin1" if row.fcode == "ADM1" else "city"  # districts and counties map like towns
    if row.fclass == "P":
        return "sub-city" if row.fcode == "PPLX" else "city"
    return "country" if row.fcode in _COARSE_CODES else "city"


def read_dump(path: Path, result: ImportResult) -> Iterator[GeoNamesRow]:
    """The kept rows, one line at a time; malformed lines are counted in `result`."""
    with path.open("rb") as f:
        for lineno, raw in enumerate(f, 1):
            result.lines = lineno
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                _issue(result, lineno, f"invalid UTF-8 ({exc.reason})")
                continue
            if not line.strip() or line.startswith("#"):
                continue
            try:
                row = parse_line(line)
            except ValueError as exc:
                _issue(result, lineno, str(exc))
                continue
            if wanted(row):
                yield row
            else:
                result.skipped += 1


def _issue(result: ImportResult, lineno: int, reason: str) -> None:
    result.error_count += 1
    if len(result.errors) < MAX_ISSUES:
        result.errors.append(f"line {lineno}: {reason}")


def merge(base: gz._Tables, rows: Iterator[GeoNamesRow], result: ImportResult) -> gz._Tables:
    """A new index: `base` plus the dump's rows; `base` itself is left as it was."""
    b, by_gid = _builder_from(base)
    iso2 = base.iso2
    admin1 = {(base.country[r], base.admin1[r]): r for r in range(len(base.names))
              if base.level[r] == gz._LEVEL_CODE["admin1"] and base.admin1[r]}
    for row in rows:
        iso3 = iso2.get(row.country) if row.country else None
        level = level_of(row)
        rec = by_gid.get(row.geonameid)
        if rec is None and level == "admin1" and iso3:
            rec = admin1.get((iso3, row.admin1))  # a region built from town names: now with its id
        if rec is not None:
            old = b.rows[rec]
            if level in ("country", "admin1"):  # GeoNames' own point, not our estimate
                old.lat, old.lon, old.geonameid = row.lat, row.lon, row.geonameid
            by_gid[row.geonameid] = rec
            b.name(rec, row.name, gz._PRIMARY)
            b.alternates(rec, row.alternates)
            result.updated += 1
            continue
        rec = b.add(gz._Row(
            name=row.name, geonameid=row.geonameid, lat=row.lat, lon=row.lon, country=iso3,
            admin1=row.admin1 or None, fclass=row.fclass or "P", level=level, population=row.population,
        ))
        by_gid[row.geonameid] = rec
        b.name(rec, row.name, gz._PRIMARY)
        b.alternates(rec, row.alternates)
        result.imported += 1
    return b.tables(dict(base.countries), dict(iso2))


def _builder_from(t: gz._Tables) -> tuple[gz._Builder, dict[int, int]]:
    """A builder holding the built tables' records and names (their priors kept as they were)."""
    b = gz._Builder(t.common)
    by_gid: dict[int, int] = {}
    for i, name in enumerate(t.names):
        level = gz.LEVELS[t.level[i]]
        lat, lon = t.lat[i], t.lon[i]
        b.add(gz._Row(
            name=name, geonameid=t.geonameid[i] or None, lat=None if math.isnan(lat) else lat,
            lon=None if math.isnan(lon) else lon, country=t.country[i], admin1=t.admin1[i],
            fclass=chr(t.fclass[i]), level=level, capital=bool(t.capital[i]),
            prior_adjust=t.prior[i] - gz._KIND_BONUS[level],
        ))
        if t.geonameid[i]:
            by_gid.setdefault(t.geonameid[i], i)
    for key, hits in t.index.items():
        b.keys[key] = {code >> 2: code & 3 for code in ((hits,) if isinstance(hits, int) else hits)}
    return b, by_gid


def import_geonames(path: Path, cache_dir: Path | None = None) -> ImportResult:
    """Stream `path` into the index kept in `cache_dir` (the default cache folder when None)."""
    from eventwire.cache import default_cache_dir

    folder = Path(cache_dir if cache_dir is not None else default_cache_dir())
    key, raw, countries = gz._build_key()
    base = gz.builtin_tables(folder, key, raw, countries)
    result = ImportResult(source=str(path))
    tables = merge(base, read_dump(path, result), result)
    out = folder / IMPORT_FILE
    write_cached(out, _import_key(key), ImportedIndex(tables, str(path)))
    start = time.perf_counter()
    loaded = load_imported(folder, key)
    result.load_s = time.perf_counter() - start
    result.records, result.names = len(tables.names), len(tables.index)
    result.path = str(out) if loaded is not None else ""
    gz.load_gazetteer.cache_clear()  # this process's later loads see the import
    return result


def _import_key(base_key: str) -> str:
    return f"{base_key}/geonames-import"


def load_imported(folder: Path, base_key: str) -> gz._Tables | None:
    """The merged index in `folder`, or None when there is none or it was merged with older data."""
    path = folder / IMPORT_FILE
    if not path.is_file():
        return None
    found = read_cached(path, _import_key(base_key), ImportedIndex)
    if found is None:
        gz.log.warning("the GeoNames import in %s was made with older built-in data; "
                       "run `eventwire geo import` again", folder)
        return None
    return found.tables

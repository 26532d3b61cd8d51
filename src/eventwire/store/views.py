"""The read queries behind `eventwire serve`: event lists with keyset paging, timelines, the map, the
actor network, top actors and one event with its evidence.

Plain functions over anything with the SQL backends' `_execute(sql, params)` (an `SQLStore`, or a
per-thread DuckDB cursor wrapped by the API). Every SQL text here is fixed or assembled from fixed
fragments chosen by whitelisted names; every value is a bound `?`. The same SQL runs on DuckDB and
PostgreSQL.

Group-bys that need no more than dates, types and QuadClass read the summary tables the merge keeps
current (`events_daily`, `actors_yearly`; benchmarks/query.py shows why), and fall back to `events`
when another filter is set. Both paths give the same answer: a date filter is on the event's (first)
day, which is the day `events_daily` is keyed by.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import Any, Protocol

from .sql import rows_of

# the columns an event list returns (the full record only with one event)
LIST_COLUMNS = (
    "id", "date", "date_end", "date_precision", "event", "mode", "quad_code", "cameo", "goldstein",
    "actor_id", "actor_name", "actor_country", "actor_code", "recipient_id", "recipient_name", "recipient_country",
    "recipient_code", "place_name", "place_country", "place_lat", "place_lon", "n_mentions", "n_articles",
    "n_outlets", "source_url",
)
# fixed SQL for each name a client may choose; the names are checked before any SQL is built
INTERVALS = {"day": "{col}", "week": "CAST(date_trunc('week', {col}) AS DATE)",
             "month": "CAST(date_trunc('month', {col}) AS DATE)", "year": "CAST(date_trunc('year', {col}) AS DATE)"}
GROUPS = {"quad": "quad_code", "type": "event", "none": None}
SORTS = ("-date", "date", "-articles")


class Reader(Protocol):
    def _execute(self, sql: str, params: Sequence[Any] = ()) -> Any: ...


class BadRequest(ValueError):
    """A client's parameter the query cannot take (a malformed cursor, an unknown sort)."""


@dataclass(frozen=True, slots=True)
class EventQuery:
    """What the dashboard's views share: every field narrows (None = no condition)."""

    actor: str | None = None  # actor id, CAMEO code (exact) or part of the name (case-insensitive)
    recipient: str | None = None  # the same for the recipient
    type: str | None = None  # PLOVER event type
    mode: str | None = None  # PLOVER mode
    quad: int | None = None  # QuadClass 1-4
    country: str | None = None  # ISO3 of where it happened
    since: date | None = None  # event day on or after
    until: date | None = None  # event day on or before
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north (degrees)
    q: str | None = None  # part of an actor, recipient or place name, or of the trigger word

    def summary_ok(self) -> bool:
        """True when only the fields `events_daily` is keyed by are set."""
        return all(getattr(self, f.name) in (None, "") for f in fields(self)
                   if f.name not in ("type", "quad", "since", "until"))


def where(flt: EventQuery, *, summary: bool = False) -> tuple[list[str], list[Any]]:
    """SQL conditions and their parameters; `summary` names `events_daily`'s day column."""
    day = "day" if summary else "date"
    clauses: list[str] = []
    params: list[Any] = []
    if flt.type:
        clauses.append("event = upper(?)")
        params.append(flt.type)
    if flt.quad is not None:
        clauses.append("quad_code = ?")
        params.append(flt.quad)
    if flt.since:
        clauses.append(f"{day} >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append(f"{day} <= ?")
        params.append(flt.until)
    if summary:
        return clauses, params
    for role, value in (("actor", flt.actor), ("recipient", flt.recipient)):
        if value:
            clauses.append(f"({role}_id = ? OR upper({role}_code) = upper(?) "
                           f"OR strpos(lower({role}_name), lower(?)) > 0)")
            params += [value] * 3
    if flt.mode:
        clauses.append("lower(mode) = lower(?)")
        params.append(flt.mode)
    if flt.country:
        clauses.append("place_country = upper(?)")
        params.append(flt.country)
    if flt.bbox:
        west, south, east, north = flt.bbox
        clauses.append("place_lat BETWEEN ? AND ?")
        params += [south, north]
        if west <= east:
            clauses.append("place_lon BETWEEN ? AND ?")
            params += [west, east]
        else:  # a box across the antimeridian
            clauses.append("(place_lon >= ? OR place_lon <= ?)")
            params += [west, east]
    if flt.q:
        clauses.append("(strpos(lower(actor_name), lower(?)) > 0 OR strpos(lower(recipient_name), lower(?)) > 0 "
                       "OR strpos(lower(place_name), lower(?)) > 0 OR EXISTS (SELECT 1 FROM mentions m "
                       "WHERE m.id = events.representative AND strpos(lower(m.trigger), lower(?)) > 0))")
        params += [flt.q] * 4
    return clauses, params


def _where_sql(clauses: list[str]) -> str:
    return (" WHERE " + " AND ".join(clauses)) if clauses else ""


# -- event lists ---------------------------------------------------------------------------------

def encode_cursor(sort: str, row: dict[str, Any]) -> str:
    key = row["n_articles"] if sort == "-articles" else (row["date"].isoformat() if row["date"] else None)
    raw = json.dumps([sort, key, row["id"]], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(sort: str, cursor: str) -> tuple[Any, str]:
    """The (sort key, id) a cursor holds; BadRequest when it is not one this sort made."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        got_sort, key, eid = json.loads(raw)
        if got_sort != sort or not isinstance(eid, str):
            raise ValueError("cursor of another sort")
        if sort == "-articles":
            if not isinstance(key, int) or isinstance(key, bool):
                raise ValueError("bad key")
        elif key is not None:
            key = date.fromisoformat(key)
        return key, eid
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BadRequest(f"invalid cursor: {exc}") from None


def _keyset(sort: str, key: Any, eid: str) -> tuple[str, list[Any]]:
    """The rows after (key, id) in `sort` order: NULL dates come last in either direction."""
    if sort == "-articles":
        return "(n_articles < ? OR (n_articles = ? AND id < ?))", [key, key, eid]
    op = "<" if sort == "-date" else ">"
    if key is None:
        return f"(date IS NULL AND id {op} ?)", [eid]
    return f"(date {op} ? OR (date = ? AND id {op} ?) OR date IS NULL)", [key, key, eid]


_ORDER = {"-date": "date DESC NULLS LAST, id DESC", "date": "date ASC NULLS LAST, id ASC",
          "-articles": "n_articles DESC, id DESC"}


def list_events(db: Reader, flt: EventQuery, *, sort: str = "-date", limit: int = 50,
                cursor: str | None = None) -> dict[str, Any]:
    """One page of events and the cursor of the next page (None on the last)."""
    if sort not in SORTS:
        raise BadRequest(f"sort must be one of {', '.join(SORTS)}")
    clauses, params = where(flt)
    key = None
    if cursor:
        key, eid = decode_cursor(sort, cursor)
        sql, more = _keyset(sort, key, eid)
        clauses.append(sql)
        params += more
    sql = f"SELECT {', '.join(LIST_COLUMNS)} FROM events{{}} ORDER BY {_ORDER[sort]} LIMIT ?"
    rows: list[dict[str, Any]] = []
    for window, bound in _windows(db, flt, sort, key):
        rows = rows_of(db._execute(sql.format(_where_sql([*clauses, *window])), [*params, *bound, limit + 1]))
        if len(rows) > limit:
            break
    nxt = encode_cursor(sort, rows[limit - 1]) if len(rows) > limit else None
    return {"events": rows[:limit], "next_cursor": nxt}


WINDOW_DAYS = (7, 31, 183, 730)  # widening date windows a date-ordered page is first looked for in


def _windows(db: Reader, flt: EventQuery, sort: str, key: Any):
    """Date conditions to try in turn for one page, the last of them none: events are stored in date
    order, so a window near the page's start lets DuckDB skip most row groups and stop early, where an
    unbounded ORDER BY ... LIMIT reads every row (benchmarks/api.py: newest 50 of 1M events). A window
    that yields a full page yields the same rows as no window, since every row outside it sorts after
    the rows inside; NULL dates sort last and come only with the last, unbounded try."""
    if sort not in ("-date", "date"):
        yield [], []
        return
    first, last = db._execute("SELECT min(day), max(day) FROM events_daily").fetchone()
    if first is not None:
        newest = sort == "-date"
        anchor = key if isinstance(key, date) else (flt.until if newest else flt.since) or (last if newest else first)
        anchor = min(max(anchor, first), last)
        for days in WINDOW_DAYS:
            edge = anchor - timedelta(days=days) if newest else anchor + timedelta(days=days)
            if (newest and edge <= first) or (not newest and edge >= last):
                break  # the window already holds every dated event: the unbounded try is no dearer
            yield ([f"date {'>=' if newest else '<='} ?"], [edge])
    yield [], []


def event_detail(db: Reader, event_id: str) -> dict[str, Any] | None:
    """One event with every column, its mentions (with their evidence spans) and its articles."""
    rows = rows_of(db._execute("SELECT * FROM events WHERE id = ?", [event_id]))
    if not rows:
        return None
    event = rows[0]
    mentions = rows_of(db._execute(
        "SELECT m.id, m.article_id, m.sentence_index, m.event, m.mode, m.date, m.trigger, m.confidence, "
        "m.event_json FROM event_mentions em JOIN mentions m ON m.id = em.mention_id WHERE em.event_id = ? "
        "ORDER BY m.date NULLS LAST, m.article_id, m.sentence_index, m.id", [event_id]))
    for m in mentions:
        record = m.pop("event_json")  # decoded by rows_of on either backend
        m["evidence"] = record.get("evidence")
        m["event_text"] = record.get("event_text")
        m["actor"] = record.get("actor")
        m["recipient"] = record.get("recipient")
        m["event_loc"] = record.get("event_loc")
    articles = rows_of(db._execute(
        "SELECT id, url, title, outlet, date, language, text FROM articles WHERE id IN "
        "(SELECT m.article_id FROM event_mentions em JOIN mentions m ON m.id = em.mention_id "
        "WHERE em.event_id = ?) ORDER BY date NULLS LAST, id", [event_id]))
    return {"event": event, "mentions": mentions, "articles": articles}


def article_detail(db: Reader, article_id: str) -> dict[str, Any] | None:
    """One stored article with its text, its mentions and the events they were merged into."""
    rows = rows_of(db._execute(
        "SELECT id, url, title, outlet, date, date_source, language, n_mentions, text FROM articles WHERE id = ?",
        [article_id]))
    if not rows:
        return None
    mentions = rows_of(db._execute(
        "SELECT m.id, m.sentence_index, m.event, m.mode, m.date, m.trigger, em.event_id, m.event_json "
        "FROM mentions m LEFT JOIN event_mentions em ON em.mention_id = m.id WHERE m.article_id = ? "
        "ORDER BY m.sentence_index, m.id", [article_id]))
    for m in mentions:
        record = m.pop("event_json")  # decoded by rows_of on either backend
        m["evidence"] = record.get("evidence")
    return {"article": rows[0], "mentions": mentions}


# -- aggregates ------------------------------------------------------------------------------------

def timeseries(db: Reader, flt: EventQuery, *, interval: str = "month", by: str = "quad") -> dict[str, Any]:
    """Counts and mean Goldstein per period (and per QuadClass or type): from `events_daily` when the
    filter allows, else from `events`."""
    if interval not in INTERVALS or by not in GROUPS:
        raise BadRequest(f"interval must be one of {', '.join(INTERVALS)} and by one of {', '.join(GROUPS)}")
    summary = flt.summary_ok()
    clauses, params = where(flt, summary=summary)
    if summary:
        source, n, gsum, gn = "events_daily", "sum(n)", "sum(goldstein_sum)", "sum(goldstein_n)"
        period = INTERVALS[interval].format(col="day")
    else:
        source, n, gsum, gn = "events", "count(*)", "sum(goldstein)", "count(goldstein)"
        period = INTERVALS[interval].format(col="date")
        clauses.append("date IS NOT NULL")
    key = GROUPS[by]
    select = f"{period} AS period" + (f", {key} AS key" if key else "")
    sql = (f"SELECT {select}, {n} AS n, {gsum} / nullif({gn}, 0) AS goldstein FROM {source}"
           f"{_where_sql(clauses)} GROUP BY {'1, 2' if key else '1'} ORDER BY {'1, 2' if key else '1'}")
    rows = rows_of(db._execute(sql, params))
    for r in rows:
        r["n"] = int(r["n"])
        r.setdefault("key", None)
    return {"interval": interval, "by": by, "source": source, "series": rows}


def network(db: Reader, flt: EventQuery, *, limit: int = 100) -> dict[str, Any]:
    """The busiest dyads (actor -> recipient) with their counts and mean Goldstein."""
    clauses, params = where(flt)
    clauses += ["actor_id IS NOT NULL", "recipient_id IS NOT NULL"]
    # grouped by the ids alone, names joined for the few dyads kept (strings are dear to aggregate)
    sql = ("WITH top AS (SELECT actor_id, recipient_id, count(*) AS n, avg(goldstein) AS goldstein FROM events"
           + _where_sql(clauses) + " GROUP BY actor_id, recipient_id ORDER BY n DESC, actor_id, recipient_id LIMIT ?) "
           "SELECT t.actor_id, a.name AS actor_name, a.country AS actor_country, t.recipient_id, "
           "r.name AS recipient_name, r.country AS recipient_country, t.n, t.goldstein FROM top t "
           "LEFT JOIN entities a ON a.id = t.actor_id LEFT JOIN entities r ON r.id = t.recipient_id "
           "ORDER BY t.n DESC, t.actor_id, t.recipient_id")
    rows = rows_of(db._execute(sql, [*params, limit]))
    nodes: dict[str, dict[str, Any]] = {}
    for r in rows:
        r["n"] = int(r["n"])
        for role in ("actor", "recipient"):
            node = nodes.setdefault(r[f"{role}_id"], {"id": r[f"{role}_id"], "name": r[f"{role}_name"],
                                                      "country": r[f"{role}_country"], "n": 0})
            node["n"] += r["n"]
    links = [{"source": r["actor_id"], "target": r["recipient_id"], "n": r["n"], "goldstein": r["goldstein"]}
             for r in rows]
    return {"nodes": sorted(nodes.values(), key=lambda x: (-x["n"], x["id"])), "links": links}


def places(db: Reader, flt: EventQuery, *, limit: int = 2000) -> dict[str, Any]:
    """Events per place (with counts per QuadClass) for the map, the busiest places first."""
    clauses, params = where(flt)
    clauses += ["place_lat IS NOT NULL", "place_lon IS NOT NULL"]
    quads = ", ".join(f"sum(CASE WHEN quad_code = {q} THEN 1 ELSE 0 END) AS q{q}" for q in (1, 2, 3, 4))
    sql = (f"WITH top AS (SELECT place_id, count(*) AS n, {quads}, avg(goldstein) AS goldstein, "
           "avg(place_lat) AS lat, avg(place_lon) AS lon FROM events" + _where_sql(clauses) +
           " GROUP BY place_id ORDER BY n DESC, place_id LIMIT ?) "
           "SELECT t.place_id, p.name, p.country, t.lat, t.lon, t.n, t.q1, t.q2, t.q3, t.q4, t.goldstein "
           "FROM top t LEFT JOIN places p ON p.id = t.place_id ORDER BY t.n DESC, t.place_id")
    rows = rows_of(db._execute(sql, [*params, limit]))
    for r in rows:
        for k in ("n", "q1", "q2", "q3", "q4"):
            r[k] = int(r[k])
    return {"places": rows}


def top_actors(db: Reader, flt: EventQuery, *, name: str | None = None, limit: int = 50) -> dict[str, Any]:
    """The actors in most events (as actor): from `actors_yearly` when no filter but whole years and a
    name is set, else from `events`."""
    by_year = flt == EventQuery(since=flt.since, until=flt.until) and \
        (flt.since is None or (flt.since.month, flt.since.day) == (1, 1)) and \
        (flt.until is None or (flt.until.month, flt.until.day) == (12, 31))
    params: list[Any] = []
    if by_year:
        clauses = []
        if flt.since:
            clauses.append("year >= ?")
            params.append(flt.since.year)
        if flt.until:
            clauses.append("year <= ?")
            params.append(flt.until.year)
        source, n, key = "actors_yearly", "sum(n)", "actor_id"
    else:
        clauses, params = where(flt)
        clauses.append("actor_id IS NOT NULL")
        source, n, key = "events", "count(*)", "actor_id"
    if name:
        clauses.append(f"{key} IN (SELECT id FROM entities WHERE strpos(lower(name), lower(?)) > 0)")
        params.append(name)
    sql = (f"WITH top AS (SELECT {key} AS id, {n} AS n FROM {source}{_where_sql(clauses)} GROUP BY {key} "
           "ORDER BY n DESC, id LIMIT ?) SELECT t.id, e.name, e.kind, e.country, e.sector, e.code, e.wikidata, "
           "t.n FROM top t LEFT JOIN entities e ON e.id = t.id ORDER BY t.n DESC, t.id")
    rows = rows_of(db._execute(sql, [*params, limit]))
    for r in rows:
        r["n"] = int(r["n"])
    return {"source": source, "actors": rows}


def actor(db: Reader, actor_id: str) -> dict[str, Any] | None:
    rows = rows_of(db._execute("SELECT id, name, kind, country, sector, code, wikidata FROM entities WHERE id = ?",
                               [actor_id]))
    return rows[0] if rows else None


def actor_timeline(db: Reader, actor_id: str, flt: EventQuery, *, interval: str = "month") -> dict[str, Any]:
    """The events an actor took part in (as actor or recipient) per period and QuadClass."""
    if interval not in INTERVALS:
        raise BadRequest(f"interval must be one of {', '.join(INTERVALS)}")
    clauses, params = where(flt)
    clauses = ["(actor_id = ? OR recipient_id = ?)", "date IS NOT NULL", *clauses]
    params = [actor_id, actor_id, *params]
    period = INTERVALS[interval].format(col="date")
    sql = (f"SELECT {period} AS period, quad_code AS key, "
           "sum(CASE WHEN actor_id = ? THEN 1 ELSE 0 END) AS as_actor, "
           "sum(CASE WHEN actor_id = ? THEN 0 ELSE 1 END) AS as_recipient, count(*) AS n, "
           f"avg(goldstein) AS goldstein FROM events{_where_sql(clauses)} GROUP BY 1, 2 ORDER BY 1, 2")
    rows = rows_of(db._execute(sql, [actor_id, actor_id, *params]))
    for r in rows:
        for k in ("n", "as_actor", "as_recipient"):
            r[k] = int(r[k])
    return {"interval": interval, "series": rows}


def overview(db: Reader) -> dict[str, Any]:
    """Totals and the span of dates, from the summary table (cheap at any size)."""
    n, first, last = db._execute("SELECT sum(n), min(day), max(day) FROM events_daily").fetchone()
    types = rows_of(db._execute("SELECT event, min(quad_code) AS quad_code, sum(n) AS n FROM events_daily "
                                "GROUP BY event ORDER BY event"))
    undated = db._execute("SELECT count(*) FROM events WHERE date IS NULL").fetchone()[0]
    for t in types:
        t["n"] = int(t["n"])
    return {"events": int(n or 0) + int(undated), "first_day": first, "last_day": last, "types": types}

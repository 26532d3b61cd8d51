"""Where coded events land: one small `Store` interface, DuckDB behind it (PostgreSQL later).

The schema lives here and only here, versioned: `MIGRATIONS[n]` takes a store from version n to
n + 1 and runs, in its own transaction, when a store is opened. Writes are batched (one Arrow table
per table per batch, one INSERT each) and a batch of articles goes in with its mentions in ONE
transaction, so a killed ingest leaves each article either whole or absent; the ids already present
are what `ingest` skips, which makes a re-run both idempotent and a resume.

Merging mentions into real-world events is not done here: the `events` and `event_mentions` tables
exist for it and `Store.merge` is a no-op until `eventwire.merge` fills them.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, fields
from functools import lru_cache
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from .records import Article, Entity, EventMention, ReadError

# -- schema: one function per version step ------------------------------------------------------


def _v0_to_v1(con) -> None:
    """The first schema: articles, their event mentions, rejects, runs; events for merging."""
    con.execute("""
        CREATE TABLE runs (
            id VARCHAR PRIMARY KEY, version VARCHAR NOT NULL, config JSON, started TIMESTAMPTZ NOT NULL,
            finished TIMESTAMPTZ, counts JSON, status VARCHAR NOT NULL)""")
    con.execute("""
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY, url VARCHAR, title VARCHAR, outlet VARCHAR, date DATE,
            date_source VARCHAR, language VARCHAR, text_hash VARCHAR NOT NULL, source VARCHAR,
            n_mentions INTEGER NOT NULL, run_id VARCHAR NOT NULL)""")
    con.execute("""
        CREATE TABLE mentions (
            id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
            event VARCHAR NOT NULL, mode VARCHAR, quad_code INTEGER, cameo VARCHAR, goldstein DOUBLE,
            date DATE, date_end DATE, date_precision VARCHAR, historical BOOLEAN, negated BOOLEAN,
            hypothetical BOOLEAN, confidence DOUBLE,
            actor_name VARCHAR, actor_country VARCHAR, actor_sector VARCHAR, actor_code VARCHAR,
            recipient_name VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR, recipient_code VARCHAR,
            actors JSON, recipients JSON,
            place_name VARCHAR, place_country VARCHAR, place_lat DOUBLE, place_lon DOUBLE, place_level VARCHAR,
            trigger VARCHAR, event_json JSON NOT NULL)""")
    con.execute("CREATE INDEX mentions_article ON mentions (article_id)")
    # the same bad record seen by several runs (a resumed one re-reads it) is one reject
    con.execute("""
        CREATE TABLE rejects (
            record VARCHAR NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
            PRIMARY KEY (record, stage, reason))""")
    # filled by the merge step (eventwire.merge); empty until it lands
    con.execute("""
        CREATE TABLE events (
            id VARCHAR PRIMARY KEY, event VARCHAR, date DATE, date_end DATE, n_mentions INTEGER,
            n_articles INTEGER, n_outlets INTEGER, first_seen DATE, last_seen DATE, record JSON)""")
    con.execute("""
        CREATE TABLE event_mentions (mention_id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL)""")


MIGRATIONS: tuple[Callable[[Any], None], ...] = (_v0_to_v1,)
SCHEMA_VERSION = len(MIGRATIONS)

MENTION_COLUMNS = (
    "id", "article_id", "sentence_index", "event", "mode", "quad_code", "cameo", "goldstein", "date", "date_end",
    "date_precision", "historical", "negated", "hypothetical", "confidence",
    "actor_name", "actor_country", "actor_sector", "actor_code",
    "recipient_name", "recipient_country", "recipient_sector", "recipient_code", "actors", "recipients",
    "place_name", "place_country", "place_lat", "place_lon", "place_level", "trigger", "event_json",
)


# -- the interface --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MentionFilter:
    """What `query` selects; every field narrows (None = no condition). Matching is case-insensitive."""

    actor: str | None = None  # part of any actor's canonical name or text, or its exact CAMEO code
    recipient: str | None = None  # the same for recipients
    type: str | None = None  # PLOVER event type
    country: str | None = None  # ISO3 of the event's place (where it happened)
    since: date | None = None  # event date on or after
    until: date | None = None  # event date on or before
    limit: int | None = None


class Store(ABC):
    """The few operations ingest and query need, so another database can stand behind them."""

    @abstractmethod
    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` whose articles are already stored."""

    @abstractmethod
    def start_run(self, version: str, config: dict[str, Any]) -> str:
        """Record a new run; runs left 'running' by a killed process are marked 'interrupted'."""

    @abstractmethod
    def write_batch(self, run_id: str, coded: Sequence[tuple[Article, list[EventMention]]],
                    rejects: Sequence[ReadError]) -> None:
        """Store articles with their mentions, and rejects, all in one transaction."""

    @abstractmethod
    def finish_run(self, run_id: str, counts: dict[str, int], status: str) -> None: ...

    @abstractmethod
    def query(self, where: MentionFilter | None = None, /, **filters: Any) -> list[dict[str, Any]]:
        """Mentions as dicts (JSON columns decoded), ordered by date, article and sentence."""

    @abstractmethod
    def close(self) -> None: ...

    def merge(self) -> int:
        """Merge new mentions into events; a no-op until `eventwire.merge` lands (returns 0)."""
        return 0

    def query_df(self, where: MentionFilter | None = None, /, **filters: Any):
        """`query` as a pandas DataFrame (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise ImportError("query_df needs pandas: pip install pandas") from None
        return pd.DataFrame(self.query(where, **filters))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(target: str | Path) -> Store:
    """A store from a path (DuckDB file, created if absent) or a database URL."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        raise NotImplementedError("PostgreSQL stores are not yet supported; use a DuckDB file path (--db events.duckdb)")
    if "://" in text:
        raise ValueError(f"unsupported store {text!r}: give a DuckDB file path")
    return DuckDBStore(Path(text))


# -- DuckDB ---------------------------------------------------------------------------------------


class DuckDBStore(Store):
    """An embedded DuckDB file. DuckDB lets one process write a file at a time, which is what makes
    'a run still marked running belongs to a dead process' true when a new run starts."""

    def __init__(self, path: Path | str):
        import duckdb

        self.path = Path(path)
        self.con = duckdb.connect(str(self.path))
        migrate(self.con)

    # -- reads ------------------------------------------------------------------------------
    def known_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.con.execute("SELECT id FROM articles WHERE id IN (SELECT unnest(?::VARCHAR[]))", [list(ids)])
        return {r[0] for r in rows.fetchall()}

    def query(self, where: MentionFilter | None = None, /, **filters: Any) -> list[dict[str, Any]]:
        flt = where if where is not None else MentionFilter(**filters)
        sql, params = mention_sql(flt)
        return _rows(self.con.execute(sql, params))

    def table(self, name: str) -> list[dict[str, Any]]:
        """Every row of one schema table (for export, tests and inspection)."""
        if name not in _TABLES:
            raise ValueError(f"no table {name!r} (tables: {', '.join(_TABLES)})")
        return _rows(self.con.execute(f"SELECT * FROM {name}"))  # name checked against the schema above

    def export(self, out: Path | str, fmt: str, where: MentionFilter | None = None) -> int:
        """Write the (filtered) mentions to a file: `plover-jsonl` (one full event record per line, as
        `eventwire code` prints it), `csv` or `parquet` (the flat columns). Returns the rows written.
        The file appears whole or not at all (written beside it, then renamed)."""
        import pyarrow.csv as pacsv
        import pyarrow.parquet as pq

        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
        sql, params = mention_sql(where or MentionFilter())
        table = self.con.cursor().sql(sql, params=params).to_arrow_table()  # a cursor of its own: no pending result
        out = Path(out)
        tmp = out.with_name(f".{out.name}.part")
        try:
            if fmt == "plover-jsonl":
                with tmp.open("w", encoding="utf-8") as fh:
                    for record in table.column("event_json").to_pylist():
                        fh.write((record if isinstance(record, str) else json.dumps(record)) + "\n")
            elif fmt == "csv":
                pacsv.write_csv(table.drop_columns([c for c in ("event_json",) if c in table.column_names]), tmp)
            else:
                pq.write_table(table, tmp)
            tmp.replace(out)
        finally:
            tmp.unlink(missing_ok=True)
        return table.num_rows

    # -- writes -----------------------------------------------------------------------------
    def start_run(self, version: str, config: dict[str, Any]) -> str:
        run_id = uuid.uuid4().hex
        with self._transaction():
            self.con.execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self.con.execute("INSERT INTO runs VALUES (?, ?, ?, ?, NULL, NULL, 'running')",
                             [run_id, version, json.dumps(config, default=str, sort_keys=True), _now()])
        return run_id

    def finish_run(self, run_id: str, counts: dict[str, int], status: str) -> None:
        self.con.execute("UPDATE runs SET finished = ?, counts = ?, status = ? WHERE id = ?",
                         [_now(), json.dumps(counts, sort_keys=True), status, run_id])

    def write_batch(self, run_id: str, coded: Sequence[tuple[Article, list[EventMention]]],
                    rejects: Sequence[ReadError]) -> None:
        import pyarrow as pa

        schema_a, schema_m, schema_r = _arrow_schemas()
        articles = pa.Table.from_pylist([article_row(a, len(ms), run_id) for a, ms in coded], schema=schema_a)
        mentions = pa.Table.from_pylist([mention_row(m) for _, ms in coded for m in ms], schema=schema_m)
        bad = pa.Table.from_pylist([{"record": r.record, "stage": r.stage, "reason": r.reason, "run_id": run_id}
                                    for r in rejects], schema=schema_r)
        with self._transaction():
            for table, data, conflict in (("articles", articles, ""), ("mentions", mentions, ""),
                                          ("rejects", bad, " ON CONFLICT DO NOTHING")):
                if data.num_rows:
                    self.con.register("_batch", data)
                    try:
                        self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch{conflict}")
                    finally:
                        self.con.unregister("_batch")

    def close(self) -> None:
        self.con.close()

    def _transaction(self):
        return _Transaction(self.con)


class _Transaction:
    def __init__(self, con):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, *_):
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")


EXPORT_FORMATS = ("plover-jsonl", "csv", "parquet")
_TABLES = ("articles", "mentions", "rejects", "runs", "events", "event_mentions", "schema_version")


def schema_version(con) -> int:
    """The version of an open DuckDB connection's schema; 0 for an empty file."""
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
    if not exists.fetchone()[0]:
        return 0
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(con) -> int:
    """Bring the schema up to SCHEMA_VERSION, one transaction per step; returns the version."""
    version = schema_version(con)
    if version > SCHEMA_VERSION:
        raise RuntimeError(f"store schema version {version} is newer than this eventwire ({SCHEMA_VERSION}); "
                           "upgrade eventwire")
    while version < SCHEMA_VERSION:
        with _Transaction(con):
            if version == 0:
                con.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                            "applied TIMESTAMPTZ NOT NULL)")
            MIGRATIONS[version](con)
            version += 1
            con.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _now()])
    return version


# -- rows ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _arrow_schemas():
    """Arrow schemas of the written tables (pyarrow is imported on first write, not with eventwire)."""
    import pyarrow as pa

    s, i, f, b, d = pa.string(), pa.int32(), pa.float64(), pa.bool_(), pa.date32()
    articles = pa.schema([("id", s), ("url", s), ("title", s), ("outlet", s), ("date", d), ("date_source", s),
                          ("language", s), ("text_hash", s), ("source", s), ("n_mentions", i), ("run_id", s)])
    types = {"sentence_index": i, "quad_code": i, "goldstein": f, "date": d, "date_end": d, "historical": b,
             "negated": b, "hypothetical": b, "confidence": f, "place_lat": f, "place_lon": f}
    mentions = pa.schema([(c, types.get(c, s)) for c in MENTION_COLUMNS])
    rejects = pa.schema([("record", s), ("stage", s), ("reason", s), ("run_id", s)])
    return articles, mentions, rejects


def article_row(article: Article, n_mentions: int, run_id: str) -> dict[str, Any]:
    return {
        "id": article.id, "url": article.url, "title": article.title, "outlet": article.outlet,
        "date": article.date, "date_source": article.date_source, "language": article.language,
        "text_hash": hashlib.sha1(article.text.encode("utf-8")).hexdigest(), "source": article.source,
        "n_mentions": n_mentions, "run_id": run_id,
    }


def mention_row(m: EventMention) -> dict[str, Any]:
    record = m.to_json()
    actor = m.actor[0] if m.actor else None
    recipient = m.recipient[0] if m.recipient else None
    place = m.place
    return {
        "id": record["id"], "article_id": m.article_id, "sentence_index": m.sentence_index, "event": m.event,
        "mode": m.mode, "quad_code": m.quad_code, "cameo": m.cameo, "goldstein": m.goldstein,
        "date": m.date.date if m.date else None, "date_end": m.date.end if m.date else None,
        "date_precision": record["date_precision"], "historical": m.historical, "negated": m.negated,
        "hypothetical": m.hypothetical, "confidence": record["confidence"],
        **_entity_columns("actor", actor), **_entity_columns("recipient", recipient),
        "actors": json.dumps(record["actor"], ensure_ascii=False),
        "recipients": json.dumps(record["recipient"], ensure_ascii=False),
        "place_name": place.name if place else None, "place_country": place.country if place else None,
        "place_lat": place.lat if place else None, "place_lon": place.lon if place else None,
        "place_level": place.level if place else None, "trigger": m.trigger.text,
        "event_json": json.dumps(record, ensure_ascii=False, sort_keys=True),
    }


def _entity_columns(role: str, ent: Entity | None) -> dict[str, Any]:
    return {f"{role}_name": ent.name if ent else None, f"{role}_country": ent.country if ent else None,
            f"{role}_sector": ent.sector if ent else None, f"{role}_code": ent.code if ent else None}


def _rows(cur) -> list[dict[str, Any]]:
    """A cursor's rows as dicts, JSON columns (by their SQL type) decoded."""
    names = [d[0] for d in cur.description]
    is_json = [str(d[1]) == "JSON" for d in cur.description]
    return [{n: json.loads(v) if j and isinstance(v, str) else v for n, j, v in zip(names, is_json, row)}
            for row in cur.fetchall()]


def _entity_match(column: str) -> str:
    # any entity of the JSON list whose name or text contains the value, or whose code is it
    return (f"EXISTS (SELECT 1 FROM (SELECT unnest(from_json({column}, "
            "'[{\"name\":\"VARCHAR\",\"text\":\"VARCHAR\",\"code\":\"VARCHAR\"}]')) AS e) "
            "WHERE contains(lower(e.name), lower(?)) OR contains(lower(e.text), lower(?)) "
            "OR upper(e.code) = upper(?))")


def mention_sql(flt: MentionFilter) -> tuple[str, list[Any]]:
    """The SELECT for a filter: fixed SQL text with every value a bound parameter."""
    clauses: list[str] = []
    params: list[Any] = []
    if flt.actor:
        clauses.append(_entity_match("actors"))
        params += [flt.actor] * 3
    if flt.recipient:
        clauses.append(_entity_match("recipients"))
        params += [flt.recipient] * 3
    if flt.type:
        clauses.append("event = upper(?)")
        params.append(flt.type)
    if flt.country:
        clauses.append("place_country = upper(?)")
        params.append(flt.country)
    if flt.since:
        clauses.append("date >= ?")
        params.append(flt.since)
    if flt.until:
        clauses.append("coalesce(date_end, date) <= ?")
        params.append(flt.until)
    sql = f"SELECT {', '.join(MENTION_COLUMNS)} FROM mentions"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += " ORDER BY date NULLS LAST, article_id, sentence_index, id"
    if flt.limit is not None:
        if flt.limit < 0:
            raise ValueError("limit must be >= 0")
        sql += " LIMIT ?"
        params.append(flt.limit)
    return sql, params


def _now() -> datetime:
    return datetime.now(timezone.utc)


# -- ingest: read -> skip stored -> code -> write in batches ---------------------------------------


@dataclass(slots=True)
class IngestCounts:
    read: int = 0  # articles read (stored, skipped or failed to code)
    skipped: int = 0  # already in the store, or repeated in this run
    coded: int = 0  # articles coded and stored
    mentions: int = 0  # event mentions stored
    rejected: int = 0  # records that could not be read or coded

    def as_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


Coder = Callable[[Iterable[Article | ReadError]], Iterable[Any]]  # Pipeline.code_articles: -> Coded | ReadError


def ingest(store: Store, items: Iterable[Article | ReadError], code: Coder, *, run_id: str,
           keep: Callable[[list[EventMention]], list[EventMention]], batch_size: int = 64,
           progress: Callable[[int], None] | None = None,
           on_reject: Callable[[ReadError], None] | None = None) -> IngestCounts:
    """Code the articles the store lacks and store them with their mentions, `batch_size` articles per
    transaction; bad records become rejects and the run goes on. `progress(n)` is told of each n
    records done (skipped ones included), `on_reject` of each bad record as it is met."""
    counts = IngestCounts()
    tick = progress or (lambda n: None)
    pending: list[tuple[Article, list[EventMention]]] = []
    bad: list[ReadError] = []

    def flush() -> None:
        if pending or bad:
            store.write_batch(run_id, pending, bad)
            pending.clear()
            bad.clear()

    for out in code(_unstored(items, store, counts, tick, chunk=max(batch_size, 256))):
        if isinstance(out, ReadError):
            counts.rejected += 1
            bad.append(out)
            if on_reject is not None:
                on_reject(out)
        else:
            events = _distinct(keep(out.events))
            counts.coded += 1
            counts.mentions += len(events)
            pending.append((out.article, events))
        tick(1)
        if len(pending) + len(bad) >= batch_size:
            flush()
    flush()
    return counts


def _distinct(events: list[EventMention]) -> list[EventMention]:
    """One mention per id: the coder may code one trigger twice as the same type (with other
    arguments); the first, as `code` lists it, is the one kept, so the mention id stays a key."""
    seen: set[str] = set()
    out = []
    for e in events:
        if e.id not in seen:
            seen.add(e.id)
            out.append(e)
    return out


def _unstored(items: Iterable[Article | ReadError], store: Store, counts: IngestCounts,
              tick: Callable[[int], None], *, chunk: int) -> Iterator[Article | ReadError]:
    """The records still to do, in order: articles whose id the store (or this run) already has are
    dropped before any coding. Ids are looked up a chunk at a time, not one by one."""
    seen: set[str] = set()
    buf: list[Article | ReadError] = []

    def drain() -> Iterator[Article | ReadError]:
        known = store.known_ids([a.id for a in buf if isinstance(a, Article)])
        for item in buf:
            if isinstance(item, Article):
                counts.read += 1
                if item.id in known or item.id in seen:
                    counts.skipped += 1
                    tick(1)
                    continue
                seen.add(item.id)
            yield item
        buf.clear()

    for item in items:
        buf.append(item)
        if len(buf) >= chunk:
            yield from drain()
    yield from drain()


def config_json(config: Any) -> dict[str, Any]:
    """A dataclass config as JSON-ready values (paths and dates as strings)."""
    return json.loads(json.dumps(asdict(config), default=str))

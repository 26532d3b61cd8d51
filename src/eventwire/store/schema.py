"""The store's schema, written once for every backend, and its versioned migrations.

`MIGRATIONS[n]` takes a store from version n to n + 1; `migrate` runs each step in its own transaction
when a store is opened. DDL is plain SQL with a few type names left to the `Dialect` (JSON is `JSON` in
DuckDB and `JSONB` in PostgreSQL), so DuckDB and PostgreSQL hold the same tables and columns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any


@dataclass(frozen=True, slots=True)
class Dialect:
    """What differs between the SQL of two backends, and nothing else."""

    name: str
    json: str = "JSON"
    double: str = "DOUBLE"
    timestamp: str = "TIMESTAMPTZ"
    blob: str = "BLOB"

    def ddl(self, sql: str) -> str:
        return sql.format(json=self.json, double=self.double, ts=self.timestamp, blob=self.blob)


DUCKDB = Dialect("duckdb")
POSTGRES = Dialect("postgres", json="JSONB", double="DOUBLE PRECISION", blob="BYTEA")

Execute = Callable[[str], Any]  # runs one DDL/DML statement with no parameters


def _v0_to_v1(run: Execute) -> None:
    """The first schema: articles, their event mentions, rejects, runs; events for merging."""
    run("""
        CREATE TABLE runs (
            id VARCHAR PRIMARY KEY, version VARCHAR NOT NULL, config {json}, started {ts} NOT NULL,
            finished {ts}, counts {json}, status VARCHAR NOT NULL)""")
    run("""
        CREATE TABLE articles (
            id VARCHAR PRIMARY KEY, url VARCHAR, title VARCHAR, outlet VARCHAR, date DATE,
            date_source VARCHAR, language VARCHAR, text_hash VARCHAR NOT NULL, source VARCHAR,
            n_mentions INTEGER NOT NULL, run_id VARCHAR NOT NULL)""")
    run("""
        CREATE TABLE mentions (
            id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, sentence_index INTEGER NOT NULL,
            event VARCHAR NOT NULL, mode VARCHAR, quad_code INTEGER, cameo VARCHAR, goldstein {double},
            date DATE, date_end DATE, date_precision VARCHAR, historical BOOLEAN, negated BOOLEAN,
            hypothetical BOOLEAN, confidence {double},
            actor_name VARCHAR, actor_country VARCHAR, actor_sector VARCHAR, actor_code VARCHAR,
            recipient_name VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR, recipient_code VARCHAR,
            actors {json}, recipients {json},
            place_name VARCHAR, place_country VARCHAR, place_lat {double}, place_lon {double}, place_level VARCHAR,
            trigger VARCHAR, event_json {json} NOT NULL)""")
    run("CREATE INDEX mentions_article ON mentions (article_id)")
    # the same bad record seen by several runs (a resumed one re-reads it) is one reject
    run("""
        CREATE TABLE rejects (
            record VARCHAR NOT NULL, stage VARCHAR NOT NULL, reason VARCHAR NOT NULL, run_id VARCHAR NOT NULL,
            PRIMARY KEY (record, stage, reason))""")
    run("""
        CREATE TABLE events (
            id VARCHAR PRIMARY KEY, event VARCHAR, date DATE, date_end DATE, n_mentions INTEGER,
            n_articles INTEGER, n_outlets INTEGER, first_seen DATE, last_seen DATE, record {json})""")
    run("CREATE TABLE event_mentions (mention_id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL)")


def _v1_to_v2(run: Execute) -> None:
    """Merged events a dashboard can query without unpacking JSON; entities and places as tables of
    their own; article text (the sentence behind each dot) and near-duplicate links between articles.

    Version 1 never filled `events`, so it is replaced rather than altered. Articles stored by version 1
    have no text; they are marked merged (there is nothing to compare them with) and keep NULL text.
    """
    run("DROP TABLE event_mentions")
    run("DROP TABLE events")
    run("ALTER TABLE articles ADD COLUMN text VARCHAR")
    run("ALTER TABLE articles ADD COLUMN merged BOOLEAN DEFAULT FALSE")
    run("UPDATE articles SET merged = TRUE")
    run("CREATE INDEX articles_unmerged ON articles (merged)")
    run("CREATE INDEX articles_date ON articles (date)")
    run("ALTER TABLE mentions ADD COLUMN place_id VARCHAR")
    run("ALTER TABLE mentions ADD COLUMN place_geonameid BIGINT")
    run("CREATE INDEX mentions_date ON mentions (date)")
    run("""
        CREATE TABLE events (
            id VARCHAR PRIMARY KEY, event VARCHAR NOT NULL, mode VARCHAR, quad_code INTEGER, cameo VARCHAR,
            goldstein {double}, date DATE, date_end DATE, date_precision VARCHAR,
            actor_id VARCHAR, actor_name VARCHAR, actor_country VARCHAR, actor_sector VARCHAR, actor_code VARCHAR,
            recipient_id VARCHAR, recipient_name VARCHAR, recipient_country VARCHAR, recipient_sector VARCHAR,
            recipient_code VARCHAR,
            place_id VARCHAR, place_name VARCHAR, place_country VARCHAR, place_lat {double}, place_lon {double},
            place_level VARCHAR,
            n_mentions INTEGER NOT NULL, n_articles INTEGER NOT NULL, n_outlets INTEGER NOT NULL,
            first_seen DATE, last_seen DATE, representative VARCHAR NOT NULL, source_url VARCHAR,
            added {ts} NOT NULL, record {json} NOT NULL)""")
    run("CREATE INDEX events_date ON events (date)")
    run("CREATE TABLE event_mentions (mention_id VARCHAR PRIMARY KEY, event_id VARCHAR NOT NULL)")
    run("CREATE INDEX event_mentions_event ON event_mentions (event_id)")
    # actors and recipients as resolved entities; one row per entity, linked to every mention naming it
    run("""
        CREATE TABLE entities (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, country VARCHAR,
            sector VARCHAR, code VARCHAR, wikidata VARCHAR)""")
    run("""
        CREATE TABLE mention_entities (
            mention_id VARCHAR NOT NULL, role VARCHAR NOT NULL, position INTEGER NOT NULL,
            entity_id VARCHAR NOT NULL, text VARCHAR, PRIMARY KEY (mention_id, role, position))""")
    run("CREATE INDEX mention_entities_entity ON mention_entities (entity_id)")
    run("""
        CREATE TABLE places (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, geonameid BIGINT, country VARCHAR, admin1 VARCHAR,
            lat {double}, lon {double}, level VARCHAR)""")
    # syndicated copies ("near-duplicate") and other outlets' reports of the same story ("same-story")
    run("""
        CREATE TABLE article_links (
            article_id VARCHAR NOT NULL, other_id VARCHAR NOT NULL, kind VARCHAR NOT NULL, score {double},
            PRIMARY KEY (article_id, other_id, kind))""")


def _v2_to_v3(run: Execute) -> None:
    """Summaries the dashboard's group-bys read instead of scanning `events` (benchmarks/query.py: top
    actors over 10M events 314 ms -> 18 ms, monthly counts 112 -> 4 ms). The merge keeps them current:
    each merge transaction recomputes the days (and years) whose events it rewrote."""
    run("""
        CREATE TABLE events_daily (
            day DATE NOT NULL, event VARCHAR NOT NULL, quad_code INTEGER, n INTEGER NOT NULL,
            goldstein_sum {double}, goldstein_n INTEGER NOT NULL)""")
    run("CREATE INDEX events_daily_day ON events_daily (day)")
    # the merge loads whole components (mentions linked by compatibility) by this id
    run("ALTER TABLE event_mentions ADD COLUMN component VARCHAR")
    # MinHash LSH band keys of merged articles: a new article's near-duplicate candidates are the
    # articles sharing a key, found by the index instead of by re-reading a week of texts
    run("CREATE TABLE article_bands (key VARCHAR NOT NULL, article_id VARCHAR NOT NULL, "
        "PRIMARY KEY (key, article_id))")
    run("CREATE INDEX event_mentions_component ON event_mentions (component)")
    run("CREATE TABLE actors_yearly (year INTEGER NOT NULL, actor_id VARCHAR NOT NULL, n INTEGER NOT NULL, "
        "PRIMARY KEY (year, actor_id))")
    run(DAILY_REFRESH.format(days="SELECT DISTINCT date FROM events WHERE date IS NOT NULL"))
    run(YEARLY_REFRESH.format(years="SELECT DISTINCT CAST(EXTRACT(YEAR FROM date) AS INTEGER) FROM events "
                                    "WHERE date IS NOT NULL"))


# Recompute the summaries for some days / years (`{days}`, `{years}`: a subquery or a list of `?`).
DAILY_REFRESH = """
    INSERT INTO events_daily (day, event, quad_code, n, goldstein_sum, goldstein_n)
    SELECT date, event, quad_code, count(*), sum(goldstein), count(goldstein) FROM events
    WHERE date IN ({days}) GROUP BY date, event, quad_code"""
YEARLY_REFRESH = """
    INSERT INTO actors_yearly (year, actor_id, n)
    SELECT CAST(EXTRACT(YEAR FROM date) AS INTEGER), actor_id, count(*) FROM events
    WHERE actor_id IS NOT NULL AND CAST(EXTRACT(YEAR FROM date) AS INTEGER) IN ({years})
    GROUP BY CAST(EXTRACT(YEAR FROM date) AS INTEGER), actor_id"""

MIGRATIONS: tuple[Callable[[Execute], None], ...] = (_v0_to_v1, _v1_to_v2, _v2_to_v3)
SCHEMA_VERSION = len(MIGRATIONS)
TABLES = ("articles", "mentions", "rejects", "runs", "events", "event_mentions", "entities", "mention_entities",
          "places", "article_links", "article_bands", "events_daily", "actors_yearly", "schema_version")

MENTION_COLUMNS = (
    "id", "article_id", "sentence_index", "event", "mode", "quad_code", "cameo", "goldstein", "date", "date_end",
    "date_precision", "historical", "negated", "hypothetical", "confidence",
    "actor_name", "actor_country", "actor_sector", "actor_code",
    "recipient_name", "recipient_country", "recipient_sector", "recipient_code", "actors", "recipients",
    "place_name", "place_country", "place_lat", "place_lon", "place_level", "trigger", "event_json",
    "place_id", "place_geonameid",
)
ARTICLE_COLUMNS = ("id", "url", "title", "outlet", "date", "date_source", "language", "text_hash", "source",
                   "n_mentions", "run_id", "text", "merged")
EVENT_COLUMNS = (
    "id", "event", "mode", "quad_code", "cameo", "goldstein", "date", "date_end", "date_precision",
    "actor_id", "actor_name", "actor_country", "actor_sector", "actor_code",
    "recipient_id", "recipient_name", "recipient_country", "recipient_sector", "recipient_code",
    "place_id", "place_name", "place_country", "place_lat", "place_lon", "place_level",
    "n_mentions", "n_articles", "n_outlets", "first_seen", "last_seen", "representative", "source_url", "added",
    "record",
)
ENTITY_COLUMNS = ("id", "name", "kind", "country", "sector", "code", "wikidata")
MENTION_ENTITY_COLUMNS = ("mention_id", "role", "position", "entity_id", "text")
PLACE_COLUMNS = ("id", "name", "geonameid", "country", "admin1", "lat", "lon", "level")
LINK_COLUMNS = ("article_id", "other_id", "kind", "score")


def now() -> datetime:
    return datetime.now(timezone.utc)

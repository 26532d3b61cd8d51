"""Where coded events land: one small `Store` interface (`types`), the schema and its migrations
(`schema`), the logic the SQL backends share (`sql`), and the backends: DuckDB, the embedded default,
and PostgreSQL for teams.

A batch of articles goes in with its mentions in ONE transaction, so a killed ingest leaves each article
either whole or absent; the ids already present are what `ingest` skips, which makes a re-run both
idempotent and a resume. `merge` then links the new articles' mentions into real-world events.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ..records import Article, EventMention, ReadError
from .duckdb import DuckDBStore
from .schema import EVENT_COLUMNS, MENTION_COLUMNS, SCHEMA_VERSION, TABLES
from .sql import SQLStore, migrate, schema_version
from .types import EXPORT_FORMATS, Filter, MentionFilter, Store

__all__ = [
    "DuckDBStore", "EVENT_COLUMNS", "EXPORT_FORMATS", "Filter", "IngestCounts", "MENTION_COLUMNS", "MentionFilter",
    "SCHEMA_VERSION", "SQLStore", "Store", "TABLES", "config_json", "ingest", "migrate", "open_store",
    "schema_version",
]


def open_store(target: str | Path) -> Store:
    """A store from a path (DuckDB file, created if absent) or a database URL."""
    text = str(target)
    if text.startswith(("postgresql://", "postgres://")):
        from .postgres import PostgresStore  # psycopg is imported only for a PostgreSQL store

        return PostgresStore(text)
    if "://" in text:
        raise ValueError(f"unsupported store {text!r}: give a DuckDB file path or a postgresql:// URL")
    return DuckDBStore(Path(text))


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

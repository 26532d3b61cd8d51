"""Everything the SQL backends share: rows from records, parameterised queries, batched writes, merging.

A backend (DuckDB, PostgreSQL) supplies five primitives — `dialect`, `_execute`, `_transaction`,
`_insert` (one Arrow table in one bulk statement) and `_any` (a column matching any of a list bound
as one parameter) — and inherits the rest, so both hold the same rows for the same input. SQL text
is fixed; every value is a bound `?` parameter (a backend with another paramstyle translates `?`).

Merging runs after articles are stored (`merge`): the articles not yet merged are taken a chunk at a
time, in publication order; each chunk's mentions are merged with every stored mention that could be
compatible with them (a date window wide enough that no link is missed; widened while a touched
component reaches its edge), and the events of the components they touch are rewritten in one
transaction together with the articles' `merged` flags. Because the merger's result depends only on
the set of mentions in a component, the events equal those of one merge over the whole store however
the articles arrived: incremental and deterministic. A kill mid-merge leaves the chunk unmerged, and
the next `merge` redoes it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..merge import DuplicateIndex, Event, EventMerger, MergeConfig, date_interval, type_family
from ..records import Article, Entity, EventMention, Place, ReadError
from . import schema
from .schema import (ARTICLE_COLUMNS, ENTITY_COLUMNS, EVENT_COLUMNS, LINK_COLUMNS, MENTION_COLUMNS,
                     MENTION_ENTITY_COLUMNS, PLACE_COLUMNS, TABLES, Dialect)
from .types import EXPORT_FORMATS, Filter, Store

MERGE_CHUNK = 2_000  # unmerged articles per merge transaction
NEAR_DUPLICATE_THRESHOLD = 0.7  # estimated Jaccard of 5-word shingles (see merge.DuplicateIndex)
LINK_WINDOW_DAYS = 7  # syndicated copies appear within a week of each other


class SQLStore(Store):
    """The shared logic of the SQL backends; see the module docstring for the primitives."""

    dialect: Dialect

    # -- primitives a backend provides ------------------------------------------------------------
    def _execute(self, sql: str, params: Sequence[Any] = ()):
        """Run one statement; return a DB-API cursor (fetchall, description)."""
        raise NotImplementedError

    def _transaction(self):
        """A context manager: commit on success, roll back on an exception."""
        raise NotImplementedError

    def _insert(self, table: str, rows, *, ignore_conflicts: bool = False) -> None:
        """Insert a pyarrow Table (columns named as the table's) in one bulk statement."""
        raise NotImplementedError

    def _any(self, column: str) -> str:
        """SQL true when `column` equals any element of a list bound to one `?`."""
        raise NotImplementedError

    # -- reads ----------------------------------------------------------------------------------
    def known_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self._execute(f"SELECT id FROM articles WHERE {self._any('id')}", [list(ids)]).fetchall()
        return {r[0] for r in rows}

    def query(self, where: Filter | None = None, /, **filters: Any) -> list[dict[str, Any]]:
        sql, params = select_sql("mentions", where if where is not None else Filter(**filters))
        return rows_of(self._execute(sql, params))

    def events(self, where: Filter | None = None, /, **filters: Any) -> list[dict[str, Any]]:
        sql, params = select_sql("events", where if where is not None else Filter(**filters))
        return rows_of(self._execute(sql, params))

    def table(self, name: str) -> list[dict[str, Any]]:
        """Every row of one schema table, in a stable order (for export, tests and inspection)."""
        if name not in TABLES:
            raise ValueError(f"no table {name!r} (tables: {', '.join(TABLES)})")
        # the name was checked against the schema above; the key columns give a stable order
        return rows_of(self._execute(f"SELECT * FROM {name} ORDER BY {_ORDER[name]}"))

    def export(self, out: Path | str, fmt: str, where: Filter | None = None, *, level: str | None = None) -> int:
        """Write the (filtered) mentions or merged events to a file; returns the rows written.

        `plover-jsonl` (one full record per line), `csv`, `parquet` (flat columns) default to mentions,
        `gdelt-tsv` and `polecat-tsv` to events (`level` chooses). The file appears whole or not at all.
        """
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
        level = level or ("events" if fmt in ("gdelt-tsv", "polecat-tsv") else "mentions")
        if level not in ("events", "mentions"):
            raise ValueError(f"level must be 'events' or 'mentions', not {level!r}")
        rows = self.events(where or Filter()) if level == "events" else self.query(where or Filter())
        columns = EVENT_COLUMNS if level == "events" else MENTION_COLUMNS
        return write_export(Path(out), fmt, rows, columns, "record" if level == "events" else "event_json")

    # -- writes ---------------------------------------------------------------------------------
    def start_run(self, version: str, config: dict[str, Any]) -> str:
        import uuid

        run_id = uuid.uuid4().hex
        with self._transaction():
            self._execute("UPDATE runs SET status = 'interrupted' WHERE status = 'running'")
            self._execute("INSERT INTO runs (id, version, config, started, status) VALUES (?, ?, ?, ?, 'running')",
                          [run_id, version, json.dumps(config, default=str, sort_keys=True), schema.now()])
        return run_id

    def finish_run(self, run_id: str, counts: dict[str, int], status: str) -> None:
        with self._transaction():
            self._execute("UPDATE runs SET finished = ?, counts = ?, status = ? WHERE id = ?",
                          [schema.now(), json.dumps(counts, sort_keys=True), status, run_id])

    def write_batch(self, run_id: str, coded: Sequence[tuple[Article, list[EventMention]]],
                    rejects: Sequence[ReadError]) -> None:
        import pyarrow as pa

        entities: dict[str, dict[str, Any]] = {}
        places: dict[str, dict[str, Any]] = {}
        links: list[dict[str, Any]] = []
        mentions = []
        for _, ms in coded:
            for m in ms:
                row = mention_row(m)
                mentions.append(row)
                if m.place is not None:
                    places.setdefault(row["place_id"], place_row(m.place, row["place_id"]))
                for role, ents in (("actor", m.actor), ("recipient", m.recipient)):
                    for i, e in enumerate(ents):
                        ent = entity_row(e)
                        entities.setdefault(ent["id"], ent)
                        links.append({"mention_id": row["id"], "role": role, "position": i, "entity_id": ent["id"],
                                      "text": e.text})
        s = _arrow_schemas()
        tables = (
            ("articles", [article_row(a, len(ms), run_id) for a, ms in coded], False),
            ("mentions", mentions, False),
            ("entities", list(entities.values()), True),
            ("mention_entities", links, False),
            ("places", list(places.values()), True),
            ("rejects", [{"record": r.record, "stage": r.stage, "reason": r.reason, "run_id": run_id}
                         for r in rejects], True),
        )
        with self._transaction():
            for name, rows, ignore in tables:
                if rows:
                    self._insert(name, pa.Table.from_pylist(rows, schema=s[name]), ignore_conflicts=ignore)

    # -- merging ----------------------------------------------------------------------------------
    def merge(self, config: MergeConfig | None = None) -> int:
        """Merge the mentions of articles not yet merged into events, a chunk of articles per
        transaction; returns the number of articles merged."""
        config = config or MergeConfig()
        done = 0
        while True:
            chunk = self._execute(
                "SELECT id FROM articles WHERE NOT merged ORDER BY date NULLS LAST, id LIMIT ?", [MERGE_CHUNK],
            ).fetchall()
            if not chunk:
                return done
            self._merge_chunk([r[0] for r in chunk], config)
            done += len(chunk)

    def _merge_chunk(self, ids: list[str], config: MergeConfig) -> None:
        """Merge one chunk's mentions with the stored mentions they may be compatible with (same type
        family, dates within the window) and with the whole stored components those belong to, so
        that every component the chunk touches is merged complete: exactly what one merge over the
        whole store would give it."""
        new = self._load_mentions(self._any("m.article_id"), [ids])
        new_ids = {m.id for _, m in new}
        loaded = {m.id: (a, m) for a, m in new}
        # a month-precision date is stored as its first day and spans up to 31 days (a year, 366)
        slack = 366 if config.merge_year_precision else 31
        for lo, hi, types in _windows([m for _, m in new], config):
            # merged articles only: an unmerged one is merged in its own chunk, with what it links to
            for a, m in self._load_mentions(
                    f"a.merged AND m.date <= ? AND coalesce(m.date_end, m.date) >= ? AND {self._any('m.event')}",
                    [date.fromordinal(hi), date.fromordinal(lo - slack), sorted(types)]):
                loaded.setdefault(m.id, (a, m))
        candidates = sorted(set(loaded) - new_ids)
        if candidates:
            components = f"SELECT component FROM event_mentions WHERE {self._any('mention_id')}"
            for a, m in self._load_mentions(
                    f"m.id IN (SELECT mention_id FROM event_mentions WHERE component IN ({components}))",
                    [candidates]):
                loaded.setdefault(m.id, (a, m))
        merger = EventMerger(config)
        by_article: dict[str, tuple[Article, list[EventMention]]] = {}
        for a, m in loaded.values():
            by_article.setdefault(a.id, (a, []))[1].append(m)
        for article_id in sorted(by_article):
            merger.add(*by_article[article_id])
        articles = {a.id: a for a, _ in loaded.values()}
        links, bands = self._near_duplicates(ids)
        self._write_events(merger.components(new_ids), articles, ids, links, bands)

    def _refresh_summaries(self, days: list[date]) -> None:
        """Recompute `events_daily` for these days and `actors_yearly` for their years (inside the
        merge's transaction, so the summaries never disagree with `events`)."""
        if not days:
            return
        years = sorted({d.year for d in days})
        marks = ", ".join("?" * len(days))
        self._execute(f"DELETE FROM events_daily WHERE day IN ({marks})", days)
        self._execute(schema.DAILY_REFRESH.format(days=marks), days)
        marks = ", ".join("?" * len(years))
        self._execute(f"DELETE FROM actors_yearly WHERE year IN ({marks})", years)
        self._execute(schema.YEARLY_REFRESH.format(years=marks), years)

    def _load_mentions(self, where: str, params: list[Any]) -> list[tuple[Article, EventMention]]:
        sql = ("SELECT m.sentence_index, m.event_json, a.id, a.date, a.url, a.outlet FROM mentions m "
               f"JOIN articles a ON a.id = m.article_id WHERE {where}")
        out = []
        for sentence_index, record, aid, published, url, outlet in self._execute(sql, params).fetchall():
            record = json.loads(record) if isinstance(record, str) else record
            out.append((Article(id=aid, text="", date=published, url=url, outlet=outlet),
                        EventMention.from_json(record, sentence_index)))
        return out

    def _near_duplicates(self, ids: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Links from each new article to stored (or other new) articles whose text is a near-duplicate,
        published within `LINK_WINDOW_DAYS` (one row per pair, smaller id first), and the new
        articles' LSH band keys. Candidates are the articles sharing a band key: only their texts are read."""
        index = DuplicateIndex(NEAR_DUPLICATE_THRESHOLD)
        new = {a.id: a for a in self._load_articles(self._any("id"), [ids])}
        sigs, bands = {}, []
        for aid in sorted(new):
            sig = index.signature(new[aid].text)
            if sig.is_empty():
                continue
            sigs[aid] = sig
            bands += [{"key": k, "article_id": aid} for k in index.band_keys(sig)]
        by_key: dict[str, list[str]] = {}
        for b in bands:
            by_key.setdefault(b["key"], []).append(b["article_id"])
        pairs = {tuple(sorted((x, y))) for group in by_key.values() for x in group for y in group if x < y}
        if bands:
            stored = self._execute(f"SELECT key, article_id FROM article_bands WHERE {self._any('key')}",
                                   [sorted(by_key)]).fetchall()
            old_ids = sorted({aid for _, aid in stored} - set(new))
            old = {a.id: a for a in self._load_articles(self._any("id"), [old_ids])} if old_ids else {}
            for aid in old_ids:
                sigs[aid] = index.signature(old[aid].text)
            pairs |= {tuple(sorted((x, aid))) for key, aid in stored if aid in old for x in by_key[key]}
            new |= old
        links = []
        for x, y in sorted(pairs):
            a, b = new[x], new[y]
            if a.date and b.date and abs((a.date - b.date).days) > LINK_WINDOW_DAYS:
                continue
            score = sigs[x].jaccard(sigs[y])
            if score >= NEAR_DUPLICATE_THRESHOLD:
                links.append({"article_id": x, "other_id": y, "kind": "near-duplicate", "score": round(score, 4)})
        return links, bands

    def _load_articles(self, where: str, params: list[Any]) -> list[Article]:
        sql = f"SELECT id, text, date, url, outlet, title FROM articles WHERE {where}"
        return [Article(id=i, text=t or "", date=d, url=u, outlet=o, title=ti)
                for i, t, d, u, o, ti in self._execute(sql, params).fetchall()]

    def _write_events(self, components: list[tuple[str, list[Event]]], articles: dict[str, Article],
                      merged: list[str], links: list[dict[str, Any]], bands: list[dict[str, Any]]) -> None:
        import pyarrow as pa

        s = _arrow_schemas()
        added = schema.now()
        events = [e for _, evs in components for e in evs]
        mention_ids = [m.id for e in events for m in e.mentions]
        # in date order: DuckDB's per-block min/max then lets date ranges and "newest first" skip most of
        # the table (benchmarks/query.py: the dashboard's table page 149 ms -> 7 ms at 10M events)
        event_rows = sorted((event_row(e, articles, added) for e in events),
                            key=lambda r: (r["date"] is None, r["date"] or date.min, r["id"]))
        with self._transaction():
            if mention_ids:
                old = f"SELECT event_id FROM event_mentions WHERE {self._any('mention_id')}"
                days = {r[0] for r in self._execute(f"SELECT DISTINCT date FROM events WHERE id IN ({old})",
                                                    [mention_ids]).fetchall()}
                days |= {r["date"] for r in event_rows}
                self._execute(f"DELETE FROM events WHERE id IN ({old})", [mention_ids])
                self._execute(f"DELETE FROM event_mentions WHERE {self._any('mention_id')}", [mention_ids])
                self._insert("events", pa.Table.from_pylist(event_rows, schema=s["events"]))
                self._insert("event_mentions", pa.Table.from_pylist(
                    [{"mention_id": m.id, "event_id": e.id, "component": c}
                     for c, evs in components for e in evs for m in e.mentions],
                    schema=s["event_mentions"]))
                self._refresh_summaries(sorted(d for d in days if d is not None))
            if links:
                self._insert("article_links", pa.Table.from_pylist(links, schema=s["article_links"]),
                             ignore_conflicts=True)
            if bands:
                self._insert("article_bands", pa.Table.from_pylist(bands, schema=s["article_bands"]),
                             ignore_conflicts=True)
            self._execute(f"UPDATE articles SET merged = TRUE WHERE {self._any('id')}", [merged])


def write_export(out: Path, fmt: str, rows: list[dict[str, Any]], columns: Sequence[str], record_col: str) -> int:
    """Rows to a file in `fmt`, written beside it and renamed: the file appears whole or not at all."""
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    from .. import export as layouts

    if fmt in ("gdelt-tsv", "polecat-tsv"):
        records = [{**r[record_col], "source_url": r.get("source_url"), "date_added": r.get("added") or schema.now(),
                    **({"sentence_index": r["sentence_index"]} if "sentence_index" in r else {})} for r in rows]
        if fmt == "gdelt-tsv":
            return layouts.write_tsv(out, layouts.GDELT_EVENT_COLUMNS,
                                     # a stable numeric id: the event id's first 60 bits
                                     (layouts.gdelt_row(r, global_id=int(r["id"][:15], 16)) for r in records),
                                     header=False)
        return layouts.write_tsv(out, layouts.POLECAT_COLUMNS, (layouts.polecat_row(r) for r in records), header=True)
    tmp = out.with_name(f".{out.name}.part")
    try:
        if fmt == "plover-jsonl":
            with tmp.open("w", encoding="utf-8") as fh:
                for r in rows:
                    fh.write(json.dumps(r[record_col], ensure_ascii=False, sort_keys=True, default=str) + "\n")
        else:
            names = [c for c in columns if c != record_col]
            table = pa.table({c: [json.dumps(r[c], ensure_ascii=False, sort_keys=True)
                                  if isinstance(r[c], (dict, list)) else r[c]
                                  for r in rows] for c in names})
            if fmt == "csv":
                pacsv.write_csv(table, tmp)
            else:
                pq.write_table(table, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return len(rows)


def _windows(mentions: list[EventMention], config: MergeConfig) -> list[tuple[int, int, frozenset[str]]]:
    """Date ranges (day ordinals) and event types to look up stored mentions in: each new dated
    mention's interval widened by the merge window, overlapping ranges joined (a chunk's mentions
    cluster in its publication days, plus scattered historical dates)."""
    spans = sorted((iv[0] - config.date_window_days, iv[1] + config.date_window_days, type_family(m.event, config))
                   for m in mentions if (iv := date_interval(m, config)))
    out: list[tuple[int, int, frozenset[str]]] = []
    for lo, hi, types in spans:
        if out and lo <= out[-1][1] + 1:
            plo, phi, ptypes = out[-1]
            out[-1] = (plo, max(phi, hi), ptypes | types)
        else:
            out.append((lo, hi, types))
    return out


_ORDER = {
    "articles": "id", "mentions": "id", "rejects": "record, stage, reason", "runs": "started, id",
    "events": "id", "event_mentions": "mention_id", "entities": "id",
    "mention_entities": "mention_id, role, position", "places": "id", "article_links": "article_id, other_id, kind",
    "events_daily": "day, event, quad_code", "actors_yearly": "year, actor_id", "article_bands": "key, article_id",
    "schema_version": "version",
}


# -- rows ----------------------------------------------------------------------------------------

def _arrow_schemas() -> dict[str, Any]:
    """Arrow schemas of the written tables (pyarrow is imported on first write, not with eventwire)."""
    import pyarrow as pa

    s, i, f, b, d, big = pa.string(), pa.int32(), pa.float64(), pa.bool_(), pa.date32(), pa.int64()
    types = {"sentence_index": i, "quad_code": i, "goldstein": f, "date": d, "date_end": d, "historical": b,
             "negated": b, "hypothetical": b, "confidence": f, "place_lat": f, "place_lon": f,
             "n_mentions": i, "n_articles": i, "n_outlets": i, "first_seen": d, "last_seen": d,
             "added": pa.timestamp("us", tz="UTC"), "merged": b, "position": i, "geonameid": big,
             "place_geonameid": big, "lat": f, "lon": f, "score": f}
    cols = {"articles": ARTICLE_COLUMNS, "mentions": MENTION_COLUMNS, "events": EVENT_COLUMNS,
            "event_mentions": ("mention_id", "event_id", "component"), "entities": ENTITY_COLUMNS,
            "mention_entities": MENTION_ENTITY_COLUMNS, "places": PLACE_COLUMNS, "article_links": LINK_COLUMNS,
            "article_bands": ("key", "article_id"),
            "rejects": ("record", "stage", "reason", "run_id")}
    return {name: pa.schema([(c, types.get(c, s)) for c in columns]) for name, columns in cols.items()}


def _key(*parts: object) -> str:
    return hashlib.sha1("\x1f".join("" if p is None else str(p) for p in parts).encode()).hexdigest()[:16]


def entity_id(e: Entity) -> str:
    """The same real entity gets the same id in every article: its Wikidata id, else a hash of what
    resolution said about it (unresolved names are keyed by their text)."""
    if e.wikidata:
        return e.wikidata
    return _key(e.kind, e.name if e.kind != "unresolved" else e.text.lower(), e.country, e.sector, e.code)


def place_id(p: Place) -> str:
    return f"gn:{p.geonameid}" if p.geonameid is not None else _key(p.name, p.country, p.admin1, p.level, p.lat, p.lon)


def entity_row(e: Entity) -> dict[str, Any]:
    return {"id": entity_id(e), "name": e.name, "kind": e.kind, "country": e.country, "sector": e.sector,
            "code": e.code, "wikidata": e.wikidata}


def place_row(p: Place, pid: str) -> dict[str, Any]:
    return {"id": pid, "name": p.name, "geonameid": p.geonameid, "country": p.country, "admin1": p.admin1,
            "lat": p.lat, "lon": p.lon, "level": p.level}


def article_row(article: Article, n_mentions: int, run_id: str) -> dict[str, Any]:
    return {
        "id": article.id, "url": article.url, "title": article.title, "outlet": article.outlet,
        "date": article.date, "date_source": article.date_source, "language": article.language,
        "text_hash": hashlib.sha1(article.text.encode("utf-8")).hexdigest(), "source": article.source,
        "n_mentions": n_mentions, "run_id": run_id, "text": article.text, "merged": False,
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
        **_place_columns(place), "trigger": m.trigger.text,
        "event_json": json.dumps(record, ensure_ascii=False, sort_keys=True),
        "place_id": place_id(place) if place else None, "place_geonameid": place.geonameid if place else None,
    }


def event_row(e: Event, articles: dict[str, Article], added) -> dict[str, Any]:
    m = e.representative
    record = e.to_json()
    source = articles.get(m.article_id)
    record["source_url"] = source.url if source else None
    actor = m.actor[0] if m.actor else None
    recipient = m.recipient[0] if m.recipient else None
    return {
        "id": e.id, "event": m.event, "mode": m.mode, "quad_code": m.quad_code, "cameo": m.cameo,
        "goldstein": m.goldstein, "date": m.date.date if m.date else None, "date_end": m.date.end if m.date else None,
        "date_precision": record["date_precision"],
        "actor_id": entity_id(actor) if actor else None, **_entity_columns("actor", actor),
        "recipient_id": entity_id(recipient) if recipient else None, **_entity_columns("recipient", recipient),
        "place_id": place_id(m.place) if m.place else None, **_place_columns(m.place),
        "n_mentions": e.n_mentions, "n_articles": e.n_articles, "n_outlets": e.n_outlets,
        "first_seen": e.first_seen, "last_seen": e.last_seen, "representative": m.id,
        "source_url": record["source_url"], "added": added,
        "record": json.dumps(record, ensure_ascii=False, sort_keys=True),
    }


def _entity_columns(role: str, ent: Entity | None) -> dict[str, Any]:
    return {f"{role}_name": ent.name if ent else None, f"{role}_country": ent.country if ent else None,
            f"{role}_sector": ent.sector if ent else None, f"{role}_code": ent.code if ent else None}


def _place_columns(place: Place | None) -> dict[str, Any]:
    return {"place_name": place.name if place else None, "place_country": place.country if place else None,
            "place_lat": place.lat if place else None, "place_lon": place.lon if place else None,
            "place_level": place.level if place else None}


def rows_of(cur) -> list[dict[str, Any]]:
    """A cursor's rows as dicts, JSON columns decoded: DuckDB gives them as text typed JSON; a driver
    that decodes them itself (psycopg's jsonb) gives no text to decode."""
    names = [d[0] for d in cur.description]
    is_json = [str(d[1]) == "JSON" for d in cur.description]
    return [{n: json.loads(v) if j and isinstance(v, str) else v for n, j, v in zip(names, is_json, row)}
            for row in cur.fetchall()]


# -- queries ---------------------------------------------------------------------------------------

def _entity_match(mention_col: str, role: str) -> str:
    """Any actor (or recipient) of the mention whose canonical name or text contains the value, or
    whose CAMEO code is it: three parameters, all the same value."""
    return ("EXISTS (SELECT 1 FROM mention_entities me JOIN entities en ON en.id = me.entity_id "
            f"WHERE me.mention_id = {mention_col} AND me.role = '{role}' AND "
            "(strpos(lower(en.name), lower(?)) > 0 OR strpos(lower(me.text), lower(?)) > 0 "
            "OR upper(en.code) = upper(?)))")


def select_sql(table: str, flt: Filter) -> tuple[str, list[Any]]:
    """The SELECT of mentions or events for a filter: fixed SQL text, every value a bound parameter."""
    if table == "mentions":
        columns, mention_col, order = MENTION_COLUMNS, "mentions.id", "date NULLS LAST, article_id, sentence_index, id"
    elif table == "events":
        columns, mention_col, order = EVENT_COLUMNS, "events.representative", "date NULLS LAST, id"
    else:
        raise ValueError(f"cannot select from {table!r}")
    clauses: list[str] = []
    params: list[Any] = []
    if flt.actor:
        clauses.append(_entity_match(mention_col, "actor"))
        params += [flt.actor] * 3
    if flt.recipient:
        clauses.append(_entity_match(mention_col, "recipient"))
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
    sql = f"SELECT {', '.join(columns)} FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(clauses)
    sql += f" ORDER BY {order}"
    if flt.limit is not None:
        if flt.limit < 0:
            raise ValueError("limit must be >= 0")
        sql += " LIMIT ?"
        params.append(flt.limit)
    return sql, params


def migrate(store: SQLStore) -> int:
    """Bring a store's schema up to SCHEMA_VERSION, one transaction per step; returns the version."""
    version = schema_version(store)
    if version > schema.SCHEMA_VERSION:
        raise RuntimeError(f"store schema version {version} is newer than this eventwire "
                           f"({schema.SCHEMA_VERSION}); upgrade eventwire")
    while version < schema.SCHEMA_VERSION:
        with store._transaction():
            if version == 0:
                store._execute(store.dialect.ddl(
                    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied {ts} NOT NULL)"))
            schema.MIGRATIONS[version](lambda sql: store._execute(store.dialect.ddl(sql)))
            version += 1
            store._execute("INSERT INTO schema_version VALUES (?, ?)", [version, schema.now()])
    return version


def schema_version(store: SQLStore) -> int:
    """The version of a store's schema; 0 for an empty database."""
    exists = store._execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version' "
                            "AND table_schema = current_schema()")  # another application's table is not ours
    if not exists.fetchone()[0]:
        return 0
    return store._execute("SELECT max(version) FROM schema_version").fetchone()[0] or 0


"""The store contract on both backends: DuckDB on a file and PostgreSQL on a real server (a throwaway
cluster from tests/postgres_server.py). The same writes must give the same rows on both, so most
tests here run once per backend with the same expected values, and some write to both and compare.
"""

from __future__ import annotations

import json
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.records import Article, Entity, ReadError
from eventwire.store import SCHEMA_VERSION, DuckDBStore, Filter, SQLStore, ingest, open_store, schema_version
from eventwire.store.schema import now
from postgres_server import fresh_database, postgres_db, postgres_url  # noqa: F401  (fixtures too)
from test_ingest_cli import MINE, _run_ingest, _write_corpus
from test_store import EGYPT, HAMAS, ISRAEL, _batch, _chain, _mention, _report

ROOT = Path(__file__).resolve().parents[1]
BACKENDS = ("duckdb", "postgres")


@pytest.fixture(params=BACKENDS)
def target(request, tmp_path) -> str:
    """Where a store lives, per backend: a DuckDB file path or a fresh PostgreSQL database URL."""
    if request.param == "duckdb":
        return str(tmp_path / "s.duckdb")
    return request.getfixturevalue("postgres_db")


@pytest.fixture
def store(target):
    with open_store(target) as s:
        run = s.start_run("test", {"k": 1})
        s.write_batch(run, _batch(), [ReadError("bad.jsonl:3", "read", "invalid JSON")])
        yield s


def _errors(s: SQLStore) -> type[Exception]:
    """The driver's error class: what a failing statement raises on this backend."""
    if isinstance(s, DuckDBStore):
        import duckdb

        return duckdb.Error
    import psycopg

    return psycopg.Error


def _count(s: SQLStore, table: str) -> int:
    return s._execute(f"SELECT count(*) FROM {table}").fetchone()[0]


# -- what both backends must hold: compared without run ids and timestamps -------------------------

RUN_FREE = {"articles": ("run_id",), "rejects": ("run_id",), "events": ("added",)}
COMPARED = ("articles", "mentions", "rejects", "events", "event_mentions", "entities", "mention_entities", "places",
            "article_links")


def contents(s: SQLStore) -> dict[str, list[dict]]:
    """Every table's rows (in the store's stable order), without what differs from run to run; the
    runs as (version, config, counts, status) in the order they started."""
    out = {name: [{k: v for k, v in row.items() if k not in RUN_FREE.get(name, ())} for row in s.table(name)]
           for name in COMPARED}
    out["runs"] = [(r["version"], r["config"], r["counts"], r["status"]) for r in s.table("runs")]
    out["schema_version"] = [r["version"] for r in s.table("schema_version")]
    return out


# -- schema --------------------------------------------------------------------------------------

def test_an_empty_store_is_migrated_and_reopening_keeps_data(target):
    with open_store(target) as s:
        assert schema_version(s) == SCHEMA_VERSION == 3
        s.write_batch(s.start_run("test", {}), _batch()[:1], [])
    with open_store(target) as s:  # re-open: nothing re-applied, rows still there
        assert [r["version"] for r in s.table("schema_version")] == [1, 2, 3]
        assert [r["id"] for r in s.table("articles")] == ["a1"]
        assert len(s.table("mentions")) == 2


def test_a_store_newer_than_the_code_is_refused(target):
    with open_store(target) as s:
        with s._transaction():
            s._execute("INSERT INTO schema_version VALUES (?, ?)", [SCHEMA_VERSION + 1, now()])
    with pytest.raises(RuntimeError, match="newer than this eventwire"):
        open_store(target)


def test_processes_opening_a_fresh_postgres_database_at_once_do_not_race(postgres_db):
    """Eight connections migrate one empty database together: the advisory lock queues them, the
    first creates the schema and the others find it done."""
    from eventwire.store.postgres import PostgresStore

    start = threading.Barrier(8)
    failures: list[BaseException] = []

    def open_one() -> None:
        start.wait()
        try:
            PostgresStore(postgres_db).close()
        except BaseException as e:  # reported below, with the thread's error
            failures.append(e)

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with open_store(postgres_db) as s:
        assert [r["version"] for r in s.table("schema_version")] == [1, 2, 3]


def test_postgres_schema_holds_jsonb_and_the_same_columns_as_duckdb(postgres_db, tmp_path):
    with open_store(postgres_db) as pg, DuckDBStore(tmp_path / "d.duckdb") as duck:
        sql = ("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
               "ORDER BY table_name, ordinal_position")
        assert pg._execute(sql).fetchall() == duck._execute(sql).fetchall()
        types = dict(pg._execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'mentions'").fetchall())
        assert types["event_json"] == types["actors"] == "jsonb" and types["goldstein"] == "double precision"


def test_postgres_tables_of_other_schemas_are_not_ours(postgres_db):
    """A database shared with other applications: their `schema_version` table (a common name) in
    another schema is not eventwire's, and a store in a schema of its own (search_path) works."""
    import psycopg

    with psycopg.connect(postgres_db, autocommit=True) as con:
        con.execute("CREATE SCHEMA other")
        con.execute("CREATE TABLE other.schema_version (version INTEGER)")
        con.execute("INSERT INTO other.schema_version VALUES (7)")
        con.execute("CREATE SCHEMA ew")
    with open_store(postgres_db) as s:
        assert schema_version(s) == SCHEMA_VERSION
    with open_store(postgres_db + "?options=-csearch_path%3Dew") as s:
        assert schema_version(s) == SCHEMA_VERSION
        s.write_batch(s.start_run("test", {}), _batch()[:1], [])
        assert s._execute("SELECT count(*) FROM ew.articles").fetchone()[0] == 1


def test_a_postgres_url_without_a_server_is_a_clear_error():
    pytest.importorskip("psycopg")
    with pytest.raises(ConnectionError, match=r"cannot open PostgreSQL store postgresql://nobody:\*\*\*@127.0.0.1:1/"):
        open_store("postgresql://nobody:secret@127.0.0.1:1/none?connect_timeout=2")


def test_urls_are_redacted():
    from eventwire.store.postgres import redact_url

    assert redact_url("postgresql://u:pw@db.example:5433/events?sslmode=require") == \
        "postgresql://u:***@db.example:5433/events?sslmode=require"
    assert redact_url("postgresql://u@127.0.0.1/x") == "postgresql://u@127.0.0.1/x"


# -- the contract, on each backend ---------------------------------------------------------------

def test_rows_keep_the_event_fields_first_entities_and_full_lists(store):
    articles = {r["id"]: r for r in store.table("articles")}
    assert articles["a1"]["n_mentions"] == 2 and articles["a3"]["n_mentions"] == 0
    assert articles["a1"]["outlet"] == "Wire A" and articles["a1"]["date"] == date(2023, 5, 1)
    assert type(articles["a1"]["date"]) is date and len(articles["a1"]["text_hash"]) == 40
    row, = store.query(type="threaten", actor="hamas")
    assert row["actor_name"] == "Hamas" and row["actor_code"] == "PSEREB" and row["recipient_country"] == "ISR"
    assert row["place_name"] == "Tel Aviv" and row["place_country"] == "ISR" and row["place_lat"] == 32.08
    assert row["actors"][0]["name"] == "Hamas" and row["event_json"]["event"] == "THREATEN"
    assert row["event_json"]["id"] == row["id"] and row["date"] == date(2023, 5, 1)
    assert row["place_geonameid"] == 293397 and row["place_id"] == "gn:293397"
    assert store.table("rejects")[0]["reason"] == "invalid JSON"
    run, = store.table("runs")
    assert run["config"] == {"k": 1} and run["status"] == "running" and run["started"].tzinfo is not None


@pytest.mark.parametrize("flt, expected", [
    (Filter(), ["a1:1", "a1:0", "a2:0", "a2:2"]),  # by date, undated last
    (Filter(actor="HAMAS"), ["a1:0", "a2:2"]),
    (Filter(actor="egypt"), ["a1:1"]),  # canonical name
    (Filter(actor="cair"), ["a1:1"]),  # part of the text as written
    (Filter(actor="isrgov"), ["a2:0"]),  # a CAMEO code
    (Filter(recipient="Hamas"), ["a1:1", "a2:0"]),
    (Filter(type="THREATEN", country="pse"), ["a2:0"]),
    (Filter(since=date(2023, 5, 1)), ["a1:0", "a2:0"]),
    (Filter(until=date(2023, 5, 1)), ["a1:1", "a1:0"]),
    (Filter(since=date(2023, 5, 1), until=date(2023, 5, 31)), ["a1:0"]),
    (Filter(limit=2), ["a1:1", "a1:0"]),
    (Filter(limit=0), []),
    (Filter(actor="100%"), []),  # a literal % in a value
    (Filter(actor="O'Brien'); DROP TABLE mentions; --"), []),  # a value, never SQL
    (Filter(actor="what?"), []),  # a ? in a value is not a placeholder
])
def test_query_filters(store, flt, expected):
    got = [f"{r['article_id']}:{r['sentence_index']}" for r in store.query(flt)]
    assert got == expected
    assert _count(store, "mentions") == 4


def test_case_is_ignored_beyond_ascii(store):
    moscow = Entity("Москва", "Россия", "state", "RUS", "GOV", "RUSGOV")
    art = Article("ru1", "Текст, написанный для этого теста.", date(2023, 7, 1), "field")
    run = store.table("runs")[0]["id"]
    store.write_batch(run, [(art, [_mention("ru1", 0, "ACCUSE", moscow, EGYPT, date(2023, 7, 1))])], [])

    def ids(**flt) -> list[str]:
        return [r["article_id"] for r in store.query(**flt)]

    assert ids(actor="россия") == ids(actor="МОСКВА") == ids(actor="rusgov") == ["ru1"]
    assert ids(recipient="EGYPT") == ["ru1"] and ids(actor="ЕГИПЕТ") == []


def test_known_ids(store):
    assert store.known_ids([]) == set()
    assert store.known_ids(["a3", "zz", "a1", "a1"]) == {"a1", "a3"}
    many = [f"x{i}" for i in range(5000)] + ["a2"]
    assert store.known_ids(many) == {"a2"}


def test_a_failing_batch_leaves_nothing_behind(target):
    with open_store(target) as s:
        run = s.start_run("test", {})
        s.write_batch(run, _batch()[:1], [])
        # a2 is new but a1 again violates the key: the whole batch (a2 and its mentions) must roll back
        with pytest.raises(_errors(s)):
            s.write_batch(run, _batch()[1:2] + _batch()[:1], [ReadError("x", "read", "y")])
        assert [r["id"] for r in s.table("articles")] == ["a1"]
        assert {r["article_id"] for r in s.table("mentions")} == {"a1"}
        assert s.table("rejects") == []
        assert {r["name"] for r in s.table("entities")} == {"Hamas", "Israel", "Egypt"}  # a1's only
        # and the store goes on: the next good batch lands
        s.write_batch(run, _batch()[1:], [ReadError("x", "read", "y")])
        assert [r["id"] for r in s.table("articles")] == ["a1", "a2", "a3"]
        assert len(s.table("rejects")) == 1


def test_the_same_reject_from_two_runs_is_one_row_and_stale_runs_are_marked(target):
    with open_store(target) as s:
        first = s.start_run("test", {})  # never finished: abandoned when the next run starts
        s.write_batch(first, [], [ReadError("bad.txt", "read", "empty article")])
        second = s.start_run("test", {})
        s.write_batch(second, [], [ReadError("bad.txt", "read", "empty article"),
                                   ReadError("bad.txt", "read", "empty article")])  # twice in one batch too
        s.finish_run(second, {"rejected": 1}, "finished")
        assert [(r["record"], r["run_id"]) for r in s.table("rejects")] == [("bad.txt", first)]
        runs = {r["id"]: r for r in s.table("runs")}
        assert runs[first]["status"] == "interrupted" and runs[first]["finished"] is None
        assert runs[second]["status"] == "finished" and runs[second]["counts"] == {"rejected": 1}
        assert runs[second]["config"] == {}


def _close_and_wait(s: SQLStore) -> None:
    """Close a store; for PostgreSQL, also wait until the server has ended its session (and so freed
    its locks), which follows the client's goodbye by a moment."""
    if isinstance(s, DuckDBStore):
        s.close()
        return
    import psycopg

    pid = s._execute("SELECT pg_backend_pid()").fetchone()[0]
    s.close()
    with psycopg.connect(s.url, autocommit=True) as con:
        for _ in range(1000):
            if not con.execute("SELECT count(*) FROM pg_locks WHERE pid = %s", [pid]).fetchone()[0]:
                return
            time.sleep(0.01)
    pytest.fail(f"the server kept the locks of closed session {pid}")


def test_a_run_of_a_closed_store_is_interrupted_at_the_next_start(target):
    s = open_store(target)
    left = s.start_run("test", {})  # its process "dies": the store closes without finishing it
    _close_and_wait(s)
    with open_store(target) as s:
        s.finish_run(s.start_run("test", {}), {}, "finished")
        assert [r["status"] for r in s.table("runs")] == ["interrupted", "finished"]
        assert s.table("runs")[0]["id"] == left


def test_a_live_postgres_run_of_another_process_is_not_interrupted(postgres_db):
    """Several processes may ingest into one PostgreSQL database: a run whose process is alive (its
    connection holds the run's lock) stays 'running' when another starts; once that connection is
    gone, the next start marks it."""
    with open_store(postgres_db) as a, open_store(postgres_db) as b:
        live = a.start_run("test", {})
        other = b.start_run("test", {})
        status = {r["id"]: r["status"] for r in b.table("runs")}
        assert status == {live: "running", other: "running"}
        b.finish_run(other, {}, "finished")
        _close_and_wait(a)  # as if killed: the server releases the lock with the connection
        third = b.start_run("test", {})
        status = {r["id"]: r["status"] for r in b.table("runs")}
        assert status == {live: "interrupted", other: "finished", third: "running"}


def test_postgres_merges_from_several_processes_at_once_do_not_collide(postgres_db, tmp_path):
    """Three connections merge one store's new articles together: the merge lock queues them, and the
    events equal one merge's (DuckDB's, on the same articles)."""
    with open_store(postgres_db) as s:
        s.write_batch(s.start_run("test", {}), _chain(), [])
    start = threading.Barrier(3)
    merged: list[int] = []
    failures: list[BaseException] = []

    def merge_one() -> None:
        with open_store(postgres_db) as s:
            start.wait()
            try:
                merged.append(s.merge())
            except BaseException as e:  # reported below
                failures.append(e)

    threads = [threading.Thread(target=merge_one) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == [] and sorted(merged) == [0, 0, 40]
    with DuckDBStore(tmp_path / "d.duckdb") as duck, open_store(postgres_db) as pg:
        duck.write_batch(duck.start_run("test", {}), _chain(), [])
        duck.merge()
        assert _no_added(pg.table("events")) == _no_added(duck.table("events")) != []
        assert pg.table("event_mentions") == duck.table("event_mentions")


def test_ingest_skips_stored_and_repeated_ids_before_coding(target):
    batch = _batch()
    coded_ids: list[str] = []

    class Coded:
        def __init__(self, article, events):
            self.article, self.events = article, events

    events = {a.id: ms for a, ms in batch}

    def code(items):
        for item in items:
            if isinstance(item, Article):
                coded_ids.append(item.id)
                yield Coded(item, events[item.id])
            else:
                yield item

    with open_store(target) as s:
        s.write_batch(s.start_run("t", {}), batch[:1], [])
        stream = [batch[1][0], ReadError("f:2", "read", "bad"), batch[0][0], batch[2][0], batch[1][0]]
        counts = ingest(s, stream, code, run_id=s.start_run("t", {}), keep=lambda e: e, batch_size=2)
        assert coded_ids == ["a2", "a3"]  # a1 was stored, the second a2 repeats this run's
        assert counts.as_dict() == {"read": 4, "skipped": 2, "coded": 2, "mentions": 2, "rejected": 1}
        assert sorted(r["id"] for r in s.table("articles")) == ["a1", "a2", "a3"]
        assert len(s.table("mentions")) == 4


def test_reports_of_one_event_merge_into_one_event_with_counts(target):
    with open_store(target) as s:
        run = s.start_run("test", {})
        s.write_batch(run, [_report("r1", "Wire A", date(2023, 5, 1), date(2023, 5, 1)),
                            _report("r2", "Wire B", date(2023, 5, 2), date(2023, 5, 2)),
                            _report("r3", "Wire B", date(2023, 5, 1), date(2023, 5, 3), actor=EGYPT)], [])
        assert s.merge() == 3
        events = s.events()
        merged = [e for e in events if e["n_mentions"] == 2]
        assert len(events) == 2 and len(merged) == 1  # Egypt's threat is another event
        e = merged[0]
        assert (e["n_articles"], e["n_outlets"]) == (2, 2) and e["actor_code"] == "PSEREB"
        assert e["first_seen"] == date(2023, 5, 1) and e["last_seen"] == date(2023, 5, 2)
        assert e["record"]["num_sources"] == 2 and e["source_url"].startswith("https://wire")
        assert [x["id"] for x in s.events(actor="egypt")] != [e["id"]]
        assert s.merge() == 0  # nothing new: nothing merged again
        assert {r["merged"] for r in s.table("articles")} == {True}


# -- the same writes give the same rows on both backends -------------------------------------------

STORY = ("Officials in the capital said on Monday that talks between the two delegations had ended without "
         "agreement after three days, and that a new round would be held next month in a neutral city. ") * 3


def _write_everything(s: SQLStore) -> None:
    """Batches, rejects, a failed batch, interrupted and finished runs, incremental merges with
    near-duplicate links: every table gets rows."""
    first = s.start_run("test", {"pass": 1})
    s.write_batch(first, _batch(), [ReadError("bad.jsonl:3", "read", "invalid JSON")])
    with pytest.raises(_errors(s)):
        s.write_batch(first, _batch()[:1], [])
    s.merge()
    run = s.start_run("test", {"pass": 2, "when": date(2024, 1, 2)})
    chain = _chain()[::-1]
    for i in range(0, len(chain), 9):
        s.write_batch(run, chain[i:i + 9], [ReadError(f"f{i}.txt", "read", "empty article")])
        s.merge()
    s.write_batch(run, [_report("s1", "Wire A", date(2023, 5, 1), date(2023, 5, 1), text=STORY),
                        _report("s2", "Paper B", date(2023, 5, 1), date(2023, 5, 2), text=STORY + " Copyright B."),
                        _report("s3", "Paper C", date(2023, 5, 1), date(2023, 5, 2), actor=ISRAEL,
                                recipient=HAMAS)], [])
    s.merge()
    s.finish_run(run, {"coded": 45}, "finished")


@pytest.fixture
def both(tmp_path, postgres_db):
    with DuckDBStore(tmp_path / "d.duckdb") as duck, open_store(postgres_db) as pg:
        _write_everything(duck)
        _write_everything(pg)
        yield duck, pg


def test_both_backends_hold_identical_rows(both):
    duck, pg = both
    expected = contents(duck)
    assert len(expected["events"]) > 3 and expected["article_links"] and expected["rejects"]
    assert expected["runs"][0][3] == "interrupted"
    got = contents(pg)
    for name in expected:  # table by table, for a readable failure
        assert got[name] == expected[name], name


@pytest.mark.parametrize("flt", [
    Filter(), Filter(actor="hamas"), Filter(recipient="israel", since=date(2023, 1, 20)), Filter(type="threaten"),
    Filter(country="PSE", until=date(2023, 2, 1)), Filter(actor="egygov", limit=3), Filter(limit=5),
])
def test_both_backends_answer_queries_and_events_alike(both, flt):
    duck, pg = both
    assert pg.query(flt) == duck.query(flt)
    assert _no_added(pg.events(flt)) == _no_added(duck.events(flt))
    assert pg.known_ids(["c00", "s2", "nope"]) == duck.known_ids(["c00", "s2", "nope"]) == {"c00", "s2"}


def _no_added(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "added"} for r in rows]


@pytest.mark.parametrize("fmt, level", [("plover-jsonl", None), ("csv", None), ("parquet", None),
                                        ("plover-jsonl", "events"), ("gdelt-tsv", None), ("polecat-tsv", None)])
def test_both_backends_export_the_same_records(both, tmp_path, fmt, level):
    import pyarrow.parquet as pq

    duck, pg = both
    n_duck = duck.export(tmp_path / "d.out", fmt, Filter(since=date(2023, 1, 10)), level=level)
    n_pg = pg.export(tmp_path / "p.out", fmt, Filter(since=date(2023, 1, 10)), level=level)
    assert n_pg == n_duck > 0
    if fmt == "parquet":
        tables = [pq.read_table(tmp_path / f) for f in ("d.out", "p.out")]
        assert tables[1].schema == tables[0].schema
        assert _decoded(tables[1].to_pylist()) == _decoded(tables[0].to_pylist())
        return
    lines = [(tmp_path / f).read_text(encoding="utf-8").splitlines() for f in ("d.out", "p.out")]
    if fmt == "plover-jsonl":
        assert [json.loads(x) for x in lines[1]] == [json.loads(x) for x in lines[0]]
    elif fmt == "csv":
        # JSON list columns as text: jsonb keeps no key order, so compare their values decoded
        assert _csv_rows(lines[1]) == _csv_rows(lines[0])
    else:  # the date an event was added is the store's clock: every other cell must match
        assert _without_date_added(fmt, lines[1]) == _without_date_added(fmt, lines[0])


def _decoded(rows: list[dict]) -> list[dict]:
    """JSON text cells decoded: jsonb keeps no key order, so the JSON list columns are compared by value."""
    return [{k: json.loads(v) if isinstance(v, str) and v.startswith(("[", "{")) else v for k, v in r.items()}
            for r in rows]


def _csv_rows(lines: list[str]) -> list[list]:
    import csv

    def cell(v: str):
        return json.loads(v) if v.startswith(("[", "{")) else v

    return [[cell(v) for v in row] for row in csv.reader(lines)]


def _without_date_added(fmt: str, lines: list[str]) -> list[list[str]]:
    from eventwire import export as layouts

    if fmt == "gdelt-tsv":
        skip = layouts.GDELT_EVENT_COLUMNS.index("DATEADDED")
    else:
        skip = lines[0].split("\t").index("Date Added") if "Date Added" in lines[0] else -1
    return [[c for i, c in enumerate(line.split("\t")) if i != skip] for line in lines]


# -- the CLI on a PostgreSQL URL -----------------------------------------------------------------

runner = CliRunner()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "mine.jsonl").write_text("".join(json.dumps(r) + "\n" for r in MINE), encoding="utf-8")
    return folder


def test_cli_ingest_and_query_on_postgres_match_duckdb(postgres_db, corpus, tmp_path):
    sources = [str(ROOT / "examples"), str(corpus)]
    duck_db = tmp_path / "events.duckdb"
    for db in (postgres_db, str(duck_db)):
        result = runner.invoke(app, ["ingest", "--workers", "1", "--no-progress", *sources, "--db", db])
        assert result.exit_code == 0, result.output
        assert "5 article(s) read, 5 coded and stored" in result.stderr
    again = runner.invoke(app, ["ingest", "--workers", "1", "--no-progress", *sources, "--db", postgres_db])
    assert again.exit_code == 0 and "0 coded and stored, 5 already stored" in again.stderr
    with open_store(postgres_db) as pg, open_store(duck_db) as duck:
        got, expected = contents(pg), contents(duck)
        runs, duck_runs = got.pop("runs"), expected.pop("runs")  # their configs name their own --db
        assert [(counts, status) for _, _, counts, status in runs] == \
            [(duck_runs[0][2], "finished"), ({**duck_runs[0][2], "coded": 0, "mentions": 0, "skipped": 5}, "finished")]
        for name in expected:
            assert got[name] == expected[name], name
    for args in (["--actor", "hamas", "--type", "threaten"], ["--country", "KEN"], ["--until", "2024-03-12"]):
        out = {}
        for db in (postgres_db, str(duck_db)):
            res = runner.invoke(app, ["query", "--db", db, "--format", "jsonl", *args])
            assert res.exit_code == 0, res.output
            out[db] = [json.loads(line) for line in res.stdout.splitlines()]
        assert out[postgres_db] == out[str(duck_db)] and out[postgres_db]
    table = runner.invoke(app, ["query", "--db", postgres_db, "--actor", "hamas", "--type", "threaten"])
    assert table.exit_code == 0 and "1 event mention(s)" in table.stderr


def test_killed_postgres_ingest_resumes_to_the_same_store_as_a_clean_run(postgres_url, tmp_path):
    """kill -9 mid-ingest at random points into PostgreSQL, re-run, and the store equals a clean run's
    (see the DuckDB test of the same name in test_ingest_cli.py)."""
    import random

    folder = tmp_path / "corpus"
    folder.mkdir()
    _write_corpus(folder)
    with fresh_database(postgres_url) as clean, fresh_database(postgres_url) as killed:
        status, coding = _run_ingest(folder, clean)
        assert status == 1  # the broken date is a reject
        with open_store(clean) as s:
            expected = contents(s)
        assert len(expected["articles"]) == 40 and len(expected["rejects"]) == 1 and len(expected["mentions"]) > 40

        rng = random.Random(42)
        kills = 0
        for _ in range(3):
            if _run_ingest(folder, killed, kill_at=rng.uniform(0.02, 0.6) * coding)[0] is None:
                kills += 1
        assert kills >= 1  # at least one run really was killed mid-way
        assert _run_ingest(folder, killed)[0] == 1
        with open_store(killed) as s:
            got = contents(s)
        statuses = [r[3] for r in got.pop("runs")]
        expected.pop("runs")
        assert statuses[-1] == "finished" and "running" not in statuses  # killed runs are marked
        assert "interrupted" in statuses
        for name in expected:
            assert got[name] == expected[name], name

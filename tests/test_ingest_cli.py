"""`eventwire ingest` and `eventwire query` end to end, on real DuckDB files: idempotence, rejects,
and resuming after kill -9 at random points."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from eventwire.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()

# Stories written for these tests (not taken from any corpus).
MINE = [
    {"id": "w-1", "date": "2024-03-14", "outlet": "Test Wire",
     "text": "Police arrested the opposition leader in Nairobi on Monday, officials said."},
    {"id": "w-2", "date": "2024-04-02", "outlet": "Other Wire",
     "text": "Hamas threatened Israel with new rocket attacks on Tuesday, a spokesman said in Gaza."},
]
COMPARED = {  # every table, without run ids and timestamps
    "articles": "SELECT * EXCLUDE (run_id) FROM articles",
    "mentions": "SELECT * FROM mentions",
    "rejects": "SELECT * EXCLUDE (run_id) FROM rejects",
    "events": "SELECT * EXCLUDE (added) FROM events",
    "event_mentions": "SELECT * FROM event_mentions",
    "entities": "SELECT * FROM entities",
    "mention_entities": "SELECT * FROM mention_entities",
    "places": "SELECT * FROM places",
    "article_links": "SELECT * FROM article_links",
    "article_bands": "SELECT * FROM article_bands",
    "events_daily": "SELECT * FROM events_daily",
    "actors_yearly": "SELECT * FROM actors_yearly",
    "schema_version": "SELECT version FROM schema_version",
}


def _dump(db: Path) -> dict[str, list]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {name: sorted(map(repr, con.execute(sql).fetchall())) for name, sql in COMPARED.items()}
    finally:
        con.close()


def _ingest(*args: str):
    return runner.invoke(app, ["ingest", "--workers", "1", "--no-progress", *args])


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    (folder / "mine.jsonl").write_text("".join(json.dumps(r) + "\n" for r in MINE), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ingested(corpus, tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("db") / "events.duckdb"
    result = _ingest(str(ROOT / "examples"), str(corpus), "--db", str(db))
    assert result.exit_code == 0, result.output
    assert "5 article(s) read, 5 coded and stored" in result.stderr
    return db


def test_ingest_stores_examples_and_my_articles(ingested):
    con = duckdb.connect(str(ingested), read_only=True)
    try:
        ids = {r[0] for r in con.execute("SELECT id FROM articles").fetchall()}
        assert ids == {"ministers-meet-amman", "ex-1", "ex-2", "w-1", "w-2"}
        arrest = con.execute("SELECT event, mode, place_name, date FROM mentions WHERE article_id = 'w-1'").fetchall()
        assert ("COERCE", "arrest", "Nairobi") == arrest[0][:3] and str(arrest[0][3]) == "2024-03-11"
        (status, counts, config), = con.execute("SELECT status, counts, config FROM runs").fetchall()
        assert status == "finished" and json.loads(counts)["coded"] == 5
        assert json.loads(config)["n_process"] == 1
        assert con.execute("SELECT count(*) FROM mentions").fetchone()[0] == \
            con.execute("SELECT sum(n_mentions) FROM articles").fetchone()[0] > 10
    finally:
        con.close()


def test_reingest_adds_nothing_and_codes_nothing(ingested, corpus):
    before = _dump(ingested)
    result = _ingest(str(ROOT / "examples"), str(corpus / "*.jsonl"), "--db", str(ingested))
    assert result.exit_code == 0, result.output
    assert "0 coded and stored, 5 already stored" in result.stderr
    assert _dump(ingested) == before


@pytest.mark.parametrize("args, expected", [
    (["--actor", "hamas", "--type", "threaten"], {("w-2", "THREATEN")}),
    (["--country", "KEN"], {("w-1", "COERCE")}),
    (["--recipient", "protesters", "--since", "2024-05-01", "--until", "2024-05-31"], {("ex-2", "COERCE")}),
    (["--type", "COERCE", "--until", "2024-03-12"], {("w-1", "COERCE")}),  # Amman's is the 13th
])
def test_query_cli_filters(ingested, args, expected):
    result = runner.invoke(app, ["query", "--db", str(ingested), "--format", "jsonl", *args])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {(r["article_id"], r["event"]) for r in rows} == expected
    assert all("evidence" in r and "actor" in r for r in rows)  # the full event records


def test_query_cli_csv_table_limit_and_bad_input(ingested, tmp_path):
    csv_out = runner.invoke(app, ["query", "--db", str(ingested), "--format", "csv", "--limit", "2"])
    assert csv_out.exit_code == 0
    lines = csv_out.stdout.splitlines()
    assert lines[0].startswith("id,article_id,sentence_index,event") and len(lines) == 3
    table = runner.invoke(app, ["query", "--db", str(ingested), "--actor", "Erdogan"])
    assert table.exit_code == 0 and "Recep Tayyip" in table.stdout and "3 event mention(s)" in table.stderr
    assert runner.invoke(app, ["query", "--db", str(ingested), "--since", "May 1"]).exit_code == 2
    missing = runner.invoke(app, ["query", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and not (tmp_path / "none.duckdb").exists()
    pg = runner.invoke(app, ["query", "--db", "postgresql://127.0.0.1/x"])
    assert pg.exit_code == 2 and "cannot open PostgreSQL store" in pg.stderr  # no server there


def test_bad_records_go_to_rejects_and_the_rest_is_stored(tmp_path):
    (tmp_path / "good.txt").write_text("date 2024-03-14\n" + MINE[0]["text"], encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "lines.jsonl").write_text(json.dumps(MINE[1]) + "\n{oops\n", encoding="utf-8")
    db = tmp_path / "e.duckdb"
    result = _ingest(str(tmp_path / "*.txt"), str(tmp_path / "lines.jsonl"), str(tmp_path / "nothing-*.txt"),
                     "--db", str(db))
    assert result.exit_code == 1
    assert "lines.jsonl:2: read: invalid JSON" in result.stderr
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert {r[0] for r in con.execute("SELECT id FROM articles").fetchall()} == {"good", "w-2"}
        rejects = {(Path(r[0]).name, r[1], r[2].split(":")[0]) for r in
                   con.execute("SELECT record, stage, reason FROM rejects").fetchall()}
        assert rejects == {("empty.txt", "read", "empty article"), ("lines.jsonl:2", "read", "invalid JSON"),
                           ("nothing-*.txt", "read", "no file matches this pattern")}
        assert json.loads(con.execute("SELECT counts FROM runs").fetchone()[0])["rejected"] == 3
    finally:
        con.close()


# -- kill -9 at random points, re-run, compare with an uninterrupted run ----------------------------

PEOPLE = ["Police", "Kenyan troops", "The Egyptian government", "Hamas", "Turkish President Recep Tayyip Erdogan",
          "Protesters", "The European Union", "Israeli forces"]
DEEDS = ["arrested dozens of students", "accused the opposition of fraud", "met the Jordanian foreign minister",
         "threatened to close the border", "condemned the attack", "sent food aid to the refugees",
         "rallied against the new law", "fired on the crowd"]
PLACES = ["Nairobi", "Cairo", "Gaza", "Ankara", "Tbilisi", "Amman", "Istanbul", "Mombasa"]


def _write_corpus(folder: Path, n: int = 40) -> None:
    rng = random.Random(5)
    lines = []
    for i in range(n):
        sents = [f"{rng.choice(PEOPLE)} {rng.choice(DEEDS)} in {rng.choice(PLACES)} on "
                 f"{rng.choice(['Monday', 'Tuesday', 'Saturday'])}." for _ in range(8)]
        lines.append({"id": f"g-{i:02d}", "date": f"2024-02-{1 + i % 28:02d}", "text": " ".join(sents)})
    (folder / "gen.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines[:30]), encoding="utf-8")
    for r in lines[30:]:  # some as .txt files, identified by their name
        (folder / f"{r['id']}.txt").write_text(f"date {r['date']}\n{r['text']}", encoding="utf-8")
    # read first (sorted names): its report marks the start of coding for the kill timer
    (folder / "broken.txt").write_text("date 2024-13-40\nA bad date.", encoding="utf-8")


def _run_ingest(folder: Path, db: Path, kill_at: float | None = None) -> tuple[int | None, float]:
    """Run `eventwire ingest` in a process; with `kill_at`, SIGKILL it that many seconds after coding
    began (the first rejected record is reported once the models are loaded and coding starts, so
    kills land among the batch writes, not while spaCy loads). Returns (exit status or None if killed,
    seconds from the start of coding to the end)."""
    cmd = [sys.executable, "-c", "from eventwire.cli import app; app()", "ingest", str(folder), "--db", str(db),
           "--workers", "1", "--batch-size", "2", "--no-progress"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in proc.stderr:
        if "rejected" in line:
            break
    coding = time.monotonic()
    try:
        proc.wait(timeout=300 if kill_at is None else kill_at)
        proc.stderr.read()
        return proc.returncode, time.monotonic() - coding
    except subprocess.TimeoutExpired:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        return None, time.monotonic() - coding
    finally:
        proc.stderr.close()


def test_killed_ingest_resumes_to_the_same_store_as_a_clean_run(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    _write_corpus(folder)
    clean = tmp_path / "clean.duckdb"
    status, coding = _run_ingest(folder, clean)
    assert status == 1  # the broken date is a reject
    expected = _dump(clean)
    assert len(expected["articles"]) == 40 and len(expected["rejects"]) == 1 and len(expected["mentions"]) > 40

    rng = random.Random(42)
    db = tmp_path / "killed.duckdb"
    kills = 0
    for _ in range(3):
        if _run_ingest(folder, db, kill_at=rng.uniform(0.02, 0.6) * coding)[0] is None:
            kills += 1
    assert kills >= 1  # at least one run really was killed mid-way
    assert _run_ingest(folder, db)[0] == 1
    assert _dump(db) == expected
    con = duckdb.connect(str(db), read_only=True)
    try:
        for table in ("articles", "mentions"):
            total, distinct = con.execute(f"SELECT count(*), count(DISTINCT id) FROM {table}").fetchone()
            assert total == distinct == len(expected[table])
        statuses = [r[0] for r in con.execute("SELECT status FROM runs ORDER BY started").fetchall()]
        assert statuses[-1] == "finished" and "running" not in statuses  # killed runs are marked
    finally:
        con.close()


def test_export_formats_hold_the_stored_mentions(ingested, tmp_path):
    import pyarrow.parquet as pq

    db = ingested
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
    con.close()
    assert stored > 0
    runner = CliRunner()
    out = tmp_path / "events.jsonl"
    assert runner.invoke(app, ["export", "--db", str(db), "-o", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == stored and all({"event", "actor", "recipient", "evidence"} <= set(r) for r in records)
    csv_out, pq_out = tmp_path / "events.csv", tmp_path / "events.parquet"
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "csv", "-o", str(csv_out)]).exit_code == 0
    lines = csv_out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == stored + 1 and lines[0].startswith('"id"')
    res = runner.invoke(app, ["export", "--db", str(db), "--format", "parquet", "--type", "CONSULT", "-o", str(pq_out)])
    assert res.exit_code == 0
    table = pq.read_table(pq_out)
    assert table.num_rows >= 1 and set(table.column("event").to_pylist()) == {"CONSULT"}
    # bad format and missing store are clear errors, and nothing is written
    assert runner.invoke(app, ["export", "--db", str(db), "--format", "gdelt", "-o", str(tmp_path / "x")]).exit_code != 0
    assert runner.invoke(app, ["export", "--db", str(tmp_path / "none.duckdb"), "-o", str(tmp_path / "y")]).exit_code == 2
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


def test_ingest_merges_events_and_they_are_queried_and_exported(ingested, tmp_path):
    con = duckdb.connect(str(ingested), read_only=True)
    try:
        mentions = con.execute("SELECT count(*) FROM mentions").fetchone()[0]
        linked, events, counted = con.execute(
            "SELECT (SELECT count(*) FROM event_mentions), (SELECT count(*) FROM events), "
            "(SELECT sum(n_mentions) FROM events)").fetchone()
        assert linked == mentions == counted and 0 < events <= mentions
        assert con.execute("SELECT count(*) FROM articles WHERE NOT merged").fetchone()[0] == 0
    finally:
        con.close()
    runner = CliRunner()
    res = runner.invoke(app, ["query", "--db", str(ingested), "--events", "--country", "KEN", "--format", "jsonl"])
    assert res.exit_code == 0, res.output
    (record,) = [json.loads(line) for line in res.stdout.splitlines()]
    assert record["event"] == "COERCE" and record["num_mentions"] >= 1 and record["articles"] == ["w-1"]
    out = tmp_path / "gdelt.tsv"
    res = runner.invoke(app, ["export", "--db", str(ingested), "--format", "gdelt-tsv", "--country", "KEN", "-o", str(out)])
    assert res.exit_code == 0, res.output
    (row,) = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert row[1] == "20240311" and row[-8] == "KE"  # SQLDATE; ActionGeo_CountryCode in FIPS (Kenya: KE)

"""The HTTP API (`eventwire serve`) against real stores made by `eventwire ingest`: filters, keyset paging,
the merged event behind several outlets' reports, summaries against the events they summarise, writes
that need the token, and the safe defaults (caps, no CORS, parameterised SQL)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from eventwire.api import Limits, _DuckReader, create_app
from eventwire.cli import app as cli

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "test-token-5c1f"
runner = CliRunner()

# Stories written for these tests (not taken from any corpus). Three outlets report one arrest and two
# report one meeting, so merged events with several articles and outlets exist.
ARTICLES = [
    {"id": "kenya-wire-1", "date": "2024-05-07", "outlet": "Lakeside Wire", "url": "https://lakeside.example/k1",
     "title": "Opposition leader arrested",
     "text": "NAIROBI - Kenyan police arrested the opposition leader Raila Odinga in Nairobi on Monday, officials "
             "said. His party called the arrest an outrage."},
    {"id": "kenya-daily-1", "date": "2024-05-07", "outlet": "Highland Daily", "url": "https://highland.example/o",
     "title": "Odinga detained",
     "text": "Police in Kenya arrested opposition leader Raila Odinga in Nairobi on Monday, according to "
             "officials. Supporters gathered outside the station."},
    {"id": "kenya-post-1", "date": "2024-05-08", "outlet": "Coast Post", "url": "https://coast.example/odinga",
     "title": "Arrest in Nairobi",
     "text": "Kenyan police arrested Raila Odinga, the opposition leader, in Nairobi on Monday, his lawyer said "
             "on Tuesday."},
    {"id": "amman-1", "date": "2024-06-11", "outlet": "Lakeside Wire", "title": "Ministers meet",
     "text": "AMMAN - Jordanian Foreign Minister Ayman Safadi met Egyptian Foreign Minister Sameh Shoukry in "
             "Amman on Tuesday to discuss the crisis in Gaza."},
    {"id": "amman-2", "date": "2024-06-11", "outlet": "Coast Post", "title": "Talks in Amman",
     "text": "Jordanian Foreign Minister Ayman Safadi met Egyptian Foreign Minister Sameh Shoukry in Amman on "
             "Tuesday, the ministry said."},
    {"id": "kharkiv-1", "date": "2024-07-02", "outlet": "Highland Daily", "title": "Shelling",
     "text": "Russian forces shelled the city of Kharkiv on Monday, killing three civilians, Ukrainian officials "
             "said."},
    {"id": "lagos-1", "date": "2024-08-05", "outlet": "Coast Post", "title": "Rally",
     "text": "Thousands of protesters rallied against the new fuel tax in Lagos on Saturday, police said."},
    {"id": "sudan-aid-1", "date": "2024-09-10", "outlet": "Lakeside Wire", "title": "Aid",
     "text": "The European Union sent food aid to refugees in Sudan on Monday, an EU spokesman said in Brussels."},
    {"id": "turkey-1", "date": "2024-10-15", "outlet": "Highland Daily", "title": "Warning",
     "text": "Turkish President Recep Tayyip Erdogan threatened to close the border with Syria on Tuesday, "
             "speaking in Ankara."},
]
NEW = {"id": "gaza-1", "date": "2024-11-05", "outlet": "Test Wire", "title": "Threat",
       "text": "Hamas threatened Israel with new rocket attacks on Tuesday, a spokesman said in Gaza."}


def _ingest(db: str, folder: Path, articles: list[dict] = ARTICLES) -> None:
    """A store made the way users make one: `eventwire ingest` over a JSONL file of `articles`."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "news.jsonl").write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    result = runner.invoke(cli, ["ingest", "--workers", "1", "--no-progress", str(folder / "news.jsonl"), "--db", db])
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def store_file(tmp_path_factory) -> Path:
    """A DuckDB store made by the ingest path (read by many tests; copied by those that write)."""
    tmp = tmp_path_factory.mktemp("api")
    db = tmp / "events.duckdb"
    _ingest(str(db), tmp / "corpus")
    return db


@pytest.fixture(scope="module")
def client(store_file):
    with TestClient(create_app(store_file)) as c:  # read-only: no token
        yield c


def _all(client, **params) -> list[dict]:
    r = client.get("/api/events", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()["events"]


def _expected(store_file: Path, sql: str, params=()) -> list:
    con = duckdb.connect(str(store_file))  # the same instance the app has open, if it has
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


# -- reads ---------------------------------------------------------------------------------------------

def test_events_newest_first_with_every_event_of_the_store(client, store_file):
    events = _all(client)
    ids = [r[0] for r in _expected(store_file, "SELECT id FROM events ORDER BY date DESC NULLS LAST, id DESC")]
    assert [e["id"] for e in events] == ids and len(ids) >= 6
    assert {"id", "date", "event", "quad_code", "actor_name", "recipient_name", "place_name", "n_articles"} <= \
        set(events[0])


@pytest.mark.parametrize("sort", ["-date", "date", "-articles"])
@pytest.mark.parametrize("size", [1, 2, 4])
def test_cursor_pages_join_up_to_the_whole_ordered_list(client, sort, size):
    whole = [e["id"] for e in _all(client, sort=sort)]
    paged, cursor = [], None
    for _ in range(20):
        params = {"limit": size, "sort": sort, **({"cursor": cursor} if cursor else {})}
        body = client.get("/api/events", params=params).json()
        paged += [e["id"] for e in body["events"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert paged == whole


@pytest.mark.parametrize("params, expected", [
    ({"type": "coerce"}, {("COERCE", "Kenyan police")}),
    ({"actor": "erdogan"}, {("THREATEN", "Recep Tayyip Erdogan")}),
    ({"actor": "TURGOV"}, {("THREATEN", "Recep Tayyip Erdogan")}),  # a CAMEO code, any case
    ({"recipient": "odinga"}, {("COERCE", "Kenyan police")}),
    ({"country": "ukr"}, {("ASSAULT", "Russian forces")}),
    ({"quad": 2}, {("AID", "European Union")}),
    ({"mode": "demo"}, {("PROTEST", "Thousands of protesters")}),
    ({"since": "2024-09-01", "until": "2024-09-30"}, {("AID", "European Union")}),
    ({"bbox": "30,-5,40,5"}, {("COERCE", "Kenyan police")}),  # around Nairobi
    ({"q": "amman"}, {("CONSULT", "Ayman Safadi")}),  # a place name
    ({"q": "shelled"}, {("ASSAULT", "Russian forces")}),  # the trigger word
    ({"type": "COERCE", "country": "TUR"}, set()),
])
def test_event_filters(client, params, expected):
    assert {(e["event"], e["actor_name"]) for e in _all(client, **params)} == expected


def test_the_arrest_three_outlets_reported_is_one_event_with_its_evidence(client):
    (row,) = _all(client, type="COERCE")
    assert (row["n_articles"], row["n_outlets"]) == (3, 3)
    body = client.get(f"/api/events/{row['id']}").json()
    assert body["event"]["id"] == row["id"] and body["event"]["record"]["event"] == "COERCE"
    articles = {a["id"]: a for a in body["articles"]}
    assert set(articles) == {"kenya-wire-1", "kenya-daily-1", "kenya-post-1"}
    assert {m["article_id"] for m in body["mentions"]} == set(articles)
    for m in body["mentions"]:  # every evidence span points at its words in the stored article text
        text = articles[m["article_id"]]["text"]
        ev = m["evidence"]
        assert text[ev["trigger"]["start"]:ev["trigger"]["end"]] == ev["trigger"]["text"]
        assert ev["trigger"]["text"].startswith("arrest")
        for span in [*ev["actor"], *ev["recipient"], ev["date"], ev["place"]]:
            if span:
                assert text[span["start"]:span["end"]] == span["text"]
    assert any(m["evidence"]["place"]["text"] == "Nairobi" for m in body["mentions"])


def test_article_endpoint_gives_text_mentions_and_their_events(client):
    body = client.get("/api/articles/kenya-post-1").json()
    assert body["article"]["outlet"] == "Coast Post" and "Raila Odinga" in body["article"]["text"]
    assert body["mentions"] and all(m["event_id"] for m in body["mentions"])
    assert client.get("/api/articles/nope").status_code == 404
    assert client.get("/api/events/nope").status_code == 404


def test_timeseries_from_the_summary_matches_the_events_table(client, store_file):
    fast = client.get("/api/stats/timeseries", params={"interval": "month", "by": "quad"}).json()
    assert fast["source"] == "events_daily"
    want = _expected(store_file, "SELECT CAST(date_trunc('month', date) AS DATE), quad_code, count(*), avg(goldstein) "
                                 "FROM events WHERE date IS NOT NULL GROUP BY 1, 2 ORDER BY 1, 2")
    got = [(r["period"], r["key"], r["n"], r["goldstein"]) for r in fast["series"]]
    assert [(str(a), b, c) for a, b, c, _ in want] == [g[:3] for g in got]
    assert all(abs(w[3] - g[3]) < 1e-9 for w, g in zip(want, got))
    # a filter the summary cannot answer goes to `events` and gives the same numbers for what it selects
    slow = client.get("/api/stats/timeseries", params={"by": "type", "interval": "week", "country": "KEN"}).json()
    assert slow["source"] == "events"
    assert [(r["period"], r["key"], r["n"]) for r in slow["series"]] == [("2024-05-06", "COERCE", 1)]
    quad4 = client.get("/api/stats/timeseries", params={"quad": 4, "by": "none", "interval": "year"}).json()
    assert quad4["source"] == "events_daily" and quad4["series"][0]["n"] == len(_all(client, quad=4))


def test_network_places_and_actors(client):
    net = client.get("/api/network").json()
    pairs = {(next(n["name"] for n in net["nodes"] if n["id"] == link["source"]),
              next(n["name"] for n in net["nodes"] if n["id"] == link["target"])) for link in net["links"]}
    assert ("Kenyan police", "Raila Odinga") in pairs and ("Recep Tayyip Erdogan", "Syria") in pairs
    places = client.get("/api/places").json()["places"]
    nairobi = next(p for p in places if p["name"] == "Nairobi")
    assert (nairobi["country"], nairobi["q4"], nairobi["n"]) == ("KEN", 1, 1) and abs(nairobi["lat"] + 1.28) < 0.1
    top = client.get("/api/actors").json()
    assert top["source"] == "actors_yearly" and "European Union" in {a["name"] for a in top["actors"]}
    assert client.get("/api/actors", params={"country": "KEN"}).json()["source"] == "events"
    eu = next(a for a in top["actors"] if a["name"] == "European Union")
    timeline = client.get(f"/api/actors/{eu['id']}/timeline").json()
    assert timeline["actor"]["name"] == "European Union"
    assert [(r["period"], r["key"], r["as_actor"]) for r in timeline["series"]] == [("2024-09-01", 2, 1)]
    assert client.get("/api/actors/no-such-actor/timeline").status_code == 404
    overview = client.get("/api/stats/overview").json()
    assert overview["events"] == len(_all(client)) and overview["first_day"] == "2024-05-06"


# -- limits, hostile input, safe defaults -----------------------------------------------------------------

@pytest.mark.parametrize("path, params, status", [
    ("/api/events", {"limit": 501}, 422),  # the page cap
    ("/api/events", {"limit": 0}, 422),
    ("/api/events", {"cursor": "not-a-cursor"}, 400),
    ("/api/events", {"since": "May 1"}, 422),
    ("/api/events", {"quad": 7}, 422),
    ("/api/events", {"bbox": "1,2,3"}, 422),
    ("/api/events", {"bbox": "0,50,10,40"}, 422),  # south above north
    ("/api/events", {"q": "x" * 201}, 422),
    ("/api/events", {"sort": "id; DROP TABLE events"}, 422),
    ("/api/stats/timeseries", {"interval": "minute"}, 422),
    ("/api/network", {"limit": 10_000}, 422),
])
def test_bad_parameters_are_refused_with_a_client_error(client, path, params, status):
    assert client.get(path, params=params).status_code == status


def test_a_cursor_of_one_sort_is_refused_by_another(client):
    cursor = client.get("/api/events", params={"limit": 1}).json()["next_cursor"]
    assert client.get("/api/events", params={"cursor": cursor, "sort": "-articles"}).status_code == 400


@pytest.mark.parametrize("value", ["' OR 1=1 --", "x'); DROP TABLE events; --", "%", "_", "\\", "Ω'\"`;"])
def test_injection_attempts_are_plain_values(client, store_file, value):
    for name in ("actor", "recipient", "mode", "q"):
        r = client.get("/api/events", params={name: value})
        assert r.status_code == 200 and r.json()["events"] == [], (name, value)
    assert client.get("/api/actors", params={"name": value}).json()["actors"] == []
    assert client.get(f"/api/events/{value}").status_code in (404, 422)  # '%' etc. are not wildcards
    assert len(_all(client)) == _expected(store_file, "SELECT count(*) FROM events")[0][0] > 0


@pytest.mark.parametrize("path", ["/static/../api.py", "/static/%2e%2e/api.py", "/static/..%2fapi.py",
                                  "/static//etc/passwd", "/api/articles/..%2f..%2fetc%2fpasswd"])
def test_path_traversal_finds_nothing(client, path):
    r = client.get(path)
    assert r.status_code == 404 and "import" not in r.text and "root:" not in r.text


def test_no_cors_and_protective_headers(client):
    r = client.get("/api/events", headers={"Origin": "https://evil.example"})
    assert r.status_code == 200 and "access-control-allow-origin" not in r.headers
    preflight = client.options("/api/articles", headers={"Origin": "https://evil.example",
                                                         "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in preflight.headers
    page = client.get("/")
    assert page.status_code == 200 and "<title>eventwire" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/vendor/world-atlas/countries-110m.json").json()["type"] == "Topology"
    assert "/api/events" in client.get("/openapi.json").json()["paths"]


def test_a_slow_query_is_interrupted_at_the_limit():
    con = duckdb.connect()
    reader = _DuckReader(con, seconds=0.2)
    try:
        with pytest.raises(duckdb.InterruptException):
            reader._execute("SELECT count(*) FROM range(1000000000000) a(i) WHERE i % 7 = 3")
        assert reader._execute("SELECT 42").fetchone() == (42,)  # the cursor works again afterwards
    finally:
        reader.close()
        con.close()


# -- writes -------------------------------------------------------------------------------------------------

def test_a_read_only_server_refuses_writes(client, store_file):
    r = client.post("/api/articles", json={"articles": [NEW]}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 403 and "read-only" in r.json()["detail"]
    assert _expected(store_file, "SELECT count(*) FROM articles WHERE id = 'gaza-1'")[0][0] == 0


def test_writes_need_the_token_and_new_events_appear(store_file, tmp_path):
    db = tmp_path / "events.duckdb"
    shutil.copy(store_file, db)
    with TestClient(create_app(db, token=TOKEN, limits=Limits(body_bytes=50_000))) as c:
        assert c.post("/api/articles", json={"articles": [NEW]}).status_code == 401
        bad = c.post("/api/articles", json={"articles": [NEW]}, headers={"Authorization": "Bearer wrong"})
        assert bad.status_code == 403
        assert c.post("/api/articles", json={"articles": [NEW]},
                      headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
        big = {"articles": [{**NEW, "id": "big", "text": "word " * 20_000}]}
        assert c.post("/api/articles", json=big, headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 413
        assert c.post("/api/articles", json={"articles": [{"text": ""}]},
                      headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 422
        assert _all(c, actor="hamas") == []
        ok = c.post("/api/articles", json={"articles": [NEW]}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert ok.status_code == 200, ok.text
        out = ok.json()
        assert (out["coded"], out["skipped"], out["rejected"]) == (1, 0, 0) and out["events"]
        (event,) = _all(c, actor="hamas")
        assert event["event"] == "THREATEN" and event["id"] in out["events"] and event["date"] == "2024-11-05"
        assert c.get("/api/articles/gaza-1").json()["article"]["text"] == NEW["text"]
        timeline = c.get("/api/stats/timeseries", params={"since": "2024-11-01"}).json()["series"]
        assert [(r["period"], r["key"], r["n"]) for r in timeline] == [("2024-11-01", 3, 1)]  # summary kept current
        again = c.post("/api/articles", json={"articles": [NEW]}, headers={"Authorization": f"Bearer {TOKEN}"})
        assert (again.json()["coded"], again.json()["skipped"]) == (0, 1)
    assert len(_expected(db, "SELECT id FROM articles WHERE id = 'gaza-1'")) == 1


# -- the command ----------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _other_address() -> str | None:
    """This machine's address on its network, if it has one besides loopback."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            address = s.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address


def test_serve_command_binds_loopback_and_answers(store_file, tmp_path):
    missing = runner.invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert missing.exit_code == 2 and not (tmp_path / "none.duckdb").exists()
    db = tmp_path / "served.duckdb"
    shutil.copy(store_file, db)
    port = _free_port()
    env = {**os.environ, "EVENTWIRE_TOKEN": TOKEN}
    proc = subprocess.Popen([sys.executable, "-c", "from eventwire.cli import main; main()", "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        body = None
        for _ in range(300):  # up to a minute for the process to start listening
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/stats/overview", timeout=2).json()
                break
            except httpx.TransportError:
                if proc.poll() is not None:
                    pytest.fail(f"serve exited: {proc.stdout.read()}")
                time.sleep(0.2)
        assert body is not None and body["events"] > 0
        r = httpx.post(f"http://127.0.0.1:{port}/api/articles", json={"articles": [NEW]}, timeout=10)
        assert r.status_code == 401  # the token came from the environment: writes are possible, with it
        other = _other_address()
        if other:  # the default host is loopback: the machine's other address does not answer
            with pytest.raises(httpx.TransportError):
                httpx.get(f"http://{other}:{port}/api/stats/overview", timeout=2)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


# -- PostgreSQL: the same queries on the other backend ------------------------------------------------------

def test_the_api_on_a_postgres_store(postgres_db, tmp_path):
    _ingest(postgres_db, tmp_path / "corpus")
    with TestClient(create_app(postgres_db)) as c:
        events = _all(c)
        assert len(events) >= 6 and events[0]["date"] >= events[-1]["date"]
        (arrest,) = _all(c, type="coerce", country="KEN")
        detail = c.get(f"/api/events/{arrest['id']}").json()
        assert len(detail["articles"]) == 3
        series = c.get("/api/stats/timeseries").json()
        assert series["source"] == "events_daily" and sum(r["n"] for r in series["series"]) == len(events)
        assert c.get("/api/stats/timeseries", params={"actor": "police"}).json()["series"]
        assert c.get("/api/network").json()["links"] and c.get("/api/places").json()["places"]
        assert c.get("/api/actors").json()["actors"] and c.get("/api/actors", params={"q": "x"}).status_code == 200
        page = c.get("/api/events", params={"limit": 2}).json()
        nxt = c.get("/api/events", params={"limit": 2, "cursor": page["next_cursor"]}).json()
        assert [e["id"] for e in page["events"] + nxt["events"]] == [e["id"] for e in events[:4]]
        assert c.get("/api/events", params={"actor": "' OR 1=1 --"}).json()["events"] == []

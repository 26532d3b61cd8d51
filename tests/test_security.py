"""Security checks of the HTTP API (issue 8) against a real DuckDB store made by the ingest path:
schemathesis over the live OpenAPI spec (no 5xx, answers that match the spec), injection and traversal
strings in every parameter the spec names, the write token, and the caps answered with 4xx/503."""

import hashlib
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import content_type_conformance, not_a_server_error, response_schema_conformance
from typer.testing import CliRunner

from eventwire.api import Limits, create_app
from eventwire.cli import app as cli
from test_api import _ingest as ingest_articles  # the store-building path both files use

TOKEN = "sec-token-9d2e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}

# Written for these tests (not from any corpus).
ARTICLES = [
    {"id": "harbour-1", "date": "2024-03-04", "outlet": "Quay Courier", "title": "Port strike",
     "text": "Dock workers protested against new port fees in Mombasa on Monday, union officials said."},
    {"id": "summit-1", "date": "2024-04-09", "outlet": "Valley Times", "title": "Ministers meet",
     "text": "Ghanaian Foreign Minister Shirley Ayorkor Botchwey met Nigerian officials in Accra on Tuesday "
             "to discuss trade."},
    {"id": "border-1", "date": "2024-04-22", "outlet": "Quay Courier", "title": "Shelling",
     "text": "Russian forces shelled the town of Sumy on Sunday, Ukrainian officials said."},
    {"id": "aid-1", "date": "2024-05-13", "outlet": "Valley Times", "title": "Aid",
     "text": "Japan sent medical aid to flood victims in Pakistan on Monday, a spokesman said in Tokyo."},
]
NEW = {"id": "sec-new-1", "date": "2024-06-03", "outlet": "Test Wire", "title": "Threat",
       "text": "Venezuela threatened Guyana with military action on Monday, officials said in Caracas."}

# Strings a hostile client sends: SQL injection, path traversal, encodings and control bytes.
HOSTILE = [
    "' OR '1'='1", "x'); DROP TABLE events; --", "1; DELETE FROM articles", "' UNION SELECT * FROM runs --",
    "%' OR 1=1 --", "\\'; COPY events TO '/tmp/x.csv'; --", "1 OR sleep(10)", "%", "_", "*",
    "../../../../etc/passwd", "..\\..\\windows\\win.ini", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....//....//etc",
    "/etc/passwd", "file:///etc/passwd", "\x00", "Ω'\"`;\u202e\u200b", "a" * 5000, "-1", "1e309", "NaN",
]


def _ingest(db: Path) -> None:
    ingest_articles(str(db), db.parent, ARTICLES)


def snapshot(db: Path) -> dict[str, str]:
    """A digest of every table's rows: equal snapshots mean nothing was written."""
    con = duckdb.connect(str(db))  # the app's own instance when it has the file open
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1").fetchall()]
        return {t: hashlib.sha256(repr(con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall()).encode())
                .hexdigest() for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def store_file(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("security") / "events.duckdb"
    _ingest(db)
    return db


@pytest.fixture(scope="module")
def client(store_file):
    with TestClient(create_app(store_file, token=TOKEN)) as c:
        yield c


# -- schemathesis over the live spec ------------------------------------------------------------------

@pytest.fixture(scope="module")
def baseline(store_file) -> dict[str, str]:
    return snapshot(store_file)


@pytest.fixture(scope="module")
def api_schema(store_file, baseline):
    """The spec as a running app serves it, bound to that app (its own: schemathesis runs the app's
    lifespan, whose end closes the app's store)."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(store_file, token=TOKEN))
    return schema.include(method="GET")


fuzzed = schemathesis.pytest.from_fixture("api_schema")


@fuzzed.parametrize()
# positive and negative examples (schemathesis' default modes); derandomized so CI sees the same cases
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck), database=None, derandomize=True)
def test_every_get_endpoint_answers_fuzzed_input_without_5xx_and_to_its_spec(case):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance, content_type_conformance])


def test_the_fuzzing_left_the_store_unchanged(store_file, baseline, client):
    """Runs after the fuzzing above (file order): GETs never write, whatever they were sent."""
    assert snapshot(store_file) == baseline
    assert baseline["events"] and client.get("/api/stats/overview").json()["events"] > 0


# -- injection and traversal in every parameter of the spec ------------------------------------------

def _spec_parameters() -> list[tuple[str, str, str, str]]:
    """(method, path, where, name) for every parameter the OpenAPI spec names, and for every field of
    every request body; read from the app's spec (the same for any store), not listed by hand."""
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "spec.duckdb")
        try:
            spec = app.openapi()
        finally:
            app.state.eventwire.close()
    found = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            for p in op.get("parameters", []):
                found.append((method.upper(), path, p["in"], p["name"]))
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            found += [(method.upper(), path, "body", name) for name in _fields(spec, body)] if body else []
    return found


def _fields(spec: dict[str, Any], node: dict[str, Any]) -> list[str]:
    """The names of a body schema's scalar fields, through $refs, nested objects and arrays."""
    if "$ref" in node:
        return _fields(spec, spec["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]])
    if node.get("type") == "array":
        return _fields(spec, node["items"])
    names = []
    for name, sub in node.get("properties", {}).items():
        nested = _fields(spec, sub) if ("$ref" in sub or sub.get("type") in ("array", "object")) else []
        names += nested or [name]
    return names


SPEC_PARAMETERS = _spec_parameters()


def test_the_parameter_list_covers_the_api():
    paths = {p for _, p, _, _ in SPEC_PARAMETERS}
    assert {"/api/events", "/api/events/{event_id}", "/api/articles", "/api/network"} <= paths
    assert ("POST", "/api/articles", "body", "text") in SPEC_PARAMETERS and len(SPEC_PARAMETERS) > 40


def _request(client, method: str, path: str, where: str, name: str, value: str, valid_id: dict[str, str]):
    url = path
    for key, default in valid_id.items():  # a path value is sent percent-encoded, as a client must
        url = url.replace("{" + key + "}", quote(value, safe="") if (where == "path" and key == name) else default)
    if where == "path":
        return client.request(method, url, headers=AUTH)
    if where == "query":
        return client.request(method, url, params={name: value}, headers=AUTH)
    if where == "header":  # raw UTF-8 bytes; NUL cannot be sent in a header at all
        return client.request(method, url, headers={name: value.replace("\x00", "").encode()})
    article = {"id": "sec-hostile", "text": "A short test text.", name: value}
    return client.request(method, url, json={"articles": [article]}, headers={"Authorization": "Bearer wrong"})


@pytest.mark.parametrize("method, path, where, name", SPEC_PARAMETERS)
def test_hostile_strings_in_every_parameter_get_a_client_answer_and_change_nothing(
        client, store_file, method, path, where, name):
    ids = {"event_id": _any_id(client, "events"), "article_id": "harbour-1", "actor_id": _any_id(client, "actors")}
    before = snapshot(store_file)
    for value in HOSTILE:
        r = _request(client, method, path, where, name, value, ids)
        assert r.status_code < 500, (value, r.status_code, r.text[:200])
        assert "Traceback" not in r.text and "duckdb" not in r.text.lower() and "root:" not in r.text
    assert snapshot(store_file) == before


def _any_id(client, what: str) -> str:
    body = client.get(f"/api/{what}", params={"limit": 1}).json()
    return body[what][0]["id"]


@pytest.mark.parametrize("path", ["/static/../api.py", "/static/%2e%2e/api.py", "/static/..%2f..%2fapi.py",
                                  "/static/%2e%2e%2f%2e%2e%2fpyproject.toml", "/docs-static/../../api.py",
                                  "/static/....//api.py", "/static/%00", "/static/..\\api.py"])
def test_static_paths_do_not_leave_their_folder(client, path):
    r = client.get(path)
    assert r.status_code in (400, 404) and "import " not in r.text


# -- the write token ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers, status", [
    ({}, 401),
    ({"Authorization": ""}, 401),
    ({"Authorization": "Bearer"}, 401),
    ({"Authorization": f"Basic {TOKEN}"}, 401),
    ({"Authorization": f"Token {TOKEN}"}, 401),
    ({"Authorization": "Bearer wrong"}, 403),
    ({"Authorization": f"Bearer {TOKEN[:-1]}"}, 403),  # a prefix of the token
    ({"Authorization": f"Bearer {TOKEN}x"}, 403),  # the token and more
    ({"Authorization": f"Bearer {TOKEN.upper()}"}, 403),
    ({"Authorization": "Bearer ' OR '1'='1"}, 403),
])
def test_writes_without_the_right_token_are_refused_and_store_nothing(client, store_file, headers, status):
    before = snapshot(store_file)
    r = client.post("/api/articles", json={"articles": [NEW]}, headers=headers)
    assert r.status_code == status, r.text
    assert snapshot(store_file) == before


def test_a_non_ascii_token_is_refused_not_a_crash(client, store_file):
    before = snapshot(store_file)
    r = client.post("/api/articles", json={"articles": [NEW]},
                    headers={"Authorization": "Bearer \u00e9t\u00e9".encode()})
    assert r.status_code in (401, 403)
    assert snapshot(store_file) == before


def test_the_right_token_writes(store_file, tmp_path):
    db = tmp_path / "copy.duckdb"
    shutil.copy(store_file, db)
    with TestClient(create_app(db, token=TOKEN)) as c:
        r = c.post("/api/articles", json={"articles": [NEW]}, headers=AUTH)
        assert r.status_code == 200, r.text
        assert r.json()["coded"] == 1 and c.get(f"/api/articles/{NEW['id']}").status_code == 200
    con = duckdb.connect(str(db))
    try:
        assert con.execute("SELECT count(*) FROM articles WHERE id = ?", [NEW["id"]]).fetchone() == (1,)
    finally:
        con.close()


def test_hostile_strings_written_with_the_token_are_stored_verbatim_and_touch_nothing_else(store_file, tmp_path):
    """The write path's SQL takes hostile text and titles as plain values: each is stored as sent, and the
    rows that were there before are as they were."""
    db = tmp_path / "copy.duckdb"
    shutil.copy(store_file, db)
    before = snapshot(db)
    kept = {t: _rows(db, t) for t in ("entities", "places")}
    sent = [{"id": f"inj-{i}-{field}", "date": "2024-06-01", field: value,
             **({"text": f"Officials met in Accra on Monday. {i}"} if field != "text" else {})}
            for i, value in enumerate(v for v in HOSTILE if v.strip("\x00") and len(v) <= 200)
            for field in ("text", "title", "outlet")]
    with TestClient(create_app(db, token=TOKEN)) as c:
        r = c.post("/api/articles", json={"articles": sent}, headers=AUTH)
        assert r.status_code == 200, r.text
    con = duckdb.connect(str(db))
    try:
        stored = {row[0]: row[1:] for row in con.execute("SELECT id, text, title, outlet FROM articles WHERE id LIKE "
                                                         "'inj-%'").fetchall()}
        old_articles = con.execute("SELECT * FROM articles WHERE id NOT LIKE 'inj-%' ORDER BY ALL").fetchall()
    finally:
        con.close()
    for a in sent:
        assert stored[a["id"]] == (a["text"], a.get("title"), a.get("outlet")), a["id"]
    assert hashlib.sha256(repr(old_articles).encode()).hexdigest() == before["articles"]
    assert all(kept[t] <= _rows(db, t) for t in kept)  # new actors and places may come; none went or changed


def _rows(db: Path, table: str) -> set[tuple]:
    con = duckdb.connect(str(db))
    try:
        return {tuple(map(repr, r)) for r in con.execute(f'SELECT * FROM "{table}"').fetchall()}
    finally:
        con.close()


def test_the_token_is_compared_with_hmac_compare_digest(client, monkeypatch):
    """Behaviour, not timing (one comparison's timing is noise): the given and the real token both reach
    `hmac.compare_digest`, which the real function then answers."""
    import hmac

    seen: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a, b):
        seen.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    assert client.post("/api/articles", json={"articles": []}, headers={"Authorization": "Bearer guess"}
                       ).status_code == 403
    assert seen == [(b"guess", TOKEN.encode())]


# -- limits: 4xx or 503, never 500 -----------------------------------------------------------------------

@pytest.mark.parametrize("path, params", [
    ("/api/events", {"limit": 501}), ("/api/events", {"limit": 10**12}), ("/api/events", {"limit": -1}),
    ("/api/actors", {"limit": 501}), ("/api/network", {"limit": 501}), ("/api/places", {"limit": 5001}),
    ("/api/events", {"q": "x" * 201}), ("/api/events", {"cursor": "A" * 401}),
    ("/api/events", {"cursor": "WyItZGF0ZSIsIjk5OTktOTktOTkiLCJ4Il0"}),  # ["-date","9999-99-99","x"]
    ("/api/events", {"since": "0000-01-01"}), ("/api/events", {"bbox": "nan,nan,nan,nan"}),
    ("/api/events", {"bbox": "inf,-inf,1,2"}), ("/api/events/" + "x" * 201, {}),
])
def test_caps_and_malformed_values_are_client_errors(client, path, params):
    r = client.get(path, params=params)
    assert 400 <= r.status_code < 500, (params, r.status_code, r.text[:200])


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "0,50,10,40", "200,0,210,10"])
def test_a_bad_bbox_is_a_422_in_the_documented_shape(client, bbox):
    """The spec documents 422 as {"detail": [errors]}; the bbox check once answered a string (found by
    schemathesis: a schema violation)."""
    r = client.get("/api/events", params={"bbox": bbox})
    assert r.status_code == 422
    (error,) = r.json()["detail"]
    assert error["loc"] == ["query", "bbox"] and error["msg"].startswith("bbox") and error["type"]


def test_page_size_is_capped_by_the_limit_setting(store_file):
    with TestClient(create_app(store_file, limits=Limits(page=2))) as c:
        assert c.get("/api/events", params={"limit": 3}).status_code == 422
        assert len(c.get("/api/events", params={"limit": 2}).json()["events"]) == 2


@pytest.mark.parametrize("body, headers", [
    (b"x" * 3000, {}),  # over the cap, Content-Length given
    (None, {"Transfer-Encoding": "chunked"}),  # over the cap, streamed without a length
])
def test_request_bodies_over_the_cap_are_refused(store_file, body, headers):
    with TestClient(create_app(store_file, token=TOKEN, limits=Limits(body_bytes=2000))) as c:
        content: Any = body if body is not None else iter([b"{" + b" " * 1000] * 5)
        r = c.post("/api/articles", content=content, headers={**AUTH, "Content-Type": "application/json", **headers})
        assert r.status_code == 413, r.text


def test_too_many_or_too_long_articles_are_refused(store_file):
    with TestClient(create_app(store_file, token=TOKEN, limits=Limits(articles_per_post=2, article_chars=100))) as c:
        many = {"articles": [{**NEW, "id": f"n{i}"} for i in range(3)]}
        assert c.post("/api/articles", json=many, headers=AUTH).status_code == 413
        long = {"articles": [{**NEW, "text": "word " * 30}]}
        assert c.post("/api/articles", json=long, headers=AUTH).status_code == 413
        assert c.post("/api/articles", content=b"{not json", headers={**AUTH, "Content-Type": "application/json"}
                      ).status_code == 422


def test_a_query_over_the_time_limit_is_a_503(postgres_db, tmp_path):
    """A read that waits past the limit is cancelled and answered 503 with a reason, not 500: another
    session holds a lock on `events`, so the API's query waits (PostgreSQL's statement_timeout)."""
    import psycopg

    corpus = tmp_path / "news.jsonl"
    corpus.write_text("".join(json.dumps(a) + "\n" for a in ARTICLES), encoding="utf-8")
    result = CliRunner().invoke(cli, ["ingest", "--workers", "1", "--no-progress", str(corpus), "--db", postgres_db])
    assert result.exit_code == 0, result.output
    app = create_app(postgres_db, limits=Limits(query_seconds=0.5))
    with TestClient(app, raise_server_exceptions=False) as c:  # as a server: the answer, not the re-raise
        assert c.get("/api/events").status_code == 200
        with psycopg.connect(postgres_db) as locker:
            locker.execute("LOCK TABLE events IN ACCESS EXCLUSIVE MODE")  # held until this transaction ends
            r = c.get("/api/events", params={"q": "police"})
            assert r.status_code == 503 and "longer than" in r.json()["detail"], r.text
        assert c.get("/api/events").status_code == 200  # the lock is gone: the reader works again

"""The HTTP API and the dashboard: `create_app(store)` gives a FastAPI app that `eventwire serve` runs.

Safe defaults (issue 8): the CLI binds 127.0.0.1; no CORS headers are sent, so another site's
scripts cannot read the API from a visitor's browser; the server is read-only unless a token is set,
and a write must carry it as a bearer token, compared in constant time; pages, request bodies, text
parameters and query time are all capped; every SQL value is a bound parameter (store/views.py).

Reads and writes go through different handles: each server thread reads through its own DuckDB
cursor (DuckDB connections are not shared across threads), and the one writer (`POST /api/articles`)
holds a lock around the store's own connection, as `eventwire ingest` would. A PostgreSQL store gets
a second connection for reads with `statement_timeout` set, used under a lock.
"""

import contextlib
import datetime as dt
import decimal
import hmac
import json
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Optional

from fastapi import Depends, FastAPI, Header, HTTPException, Path as PathParam, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from .config import Config
from .store import DuckDBStore, SQLStore, open_store
from .store import views
from .store.views import BadRequest, EventQuery

WEB = Path(__file__).resolve().parent / "web"


@dataclass(frozen=True, slots=True)
class Limits:
    """The caps a public server needs; each is a plain setting, passed in."""

    page: int = 500  # events per page at most
    body_bytes: int = 2_000_000  # a request body (POST /api/articles) at most
    articles_per_post: int = 100
    article_chars: int = 200_000
    query_seconds: float = 10.0  # a read query is interrupted after this long
    concurrent_queries: int = 0  # read queries run at once (0: the machine's cores); the rest wait their turn
    network_links: int = 500
    map_places: int = 5000


# -- reading without sharing a connection across threads --------------------------------------------

class _DuckReader:
    """Per-thread DuckDB cursors over the store's database, each query interrupted after the limit."""

    def __init__(self, con, seconds: float, concurrent: int = 0):
        self._con = con
        self._seconds = seconds
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()
        # each DuckDB query already uses every core: more at once only thrash, and all finish late
        self._gate = threading.BoundedSemaphore(concurrent or max(2, os.cpu_count() or 2))

    def _cursor(self):
        cur = getattr(self._local, "cur", None)
        if cur is None:
            with self._lock:
                cur = self._con.cursor()
                self._all.append(cur)
            self._local.cur = cur
        return cur

    def _execute(self, sql: str, params: Sequence[Any] = ()):
        cur = self._cursor()
        with self._gate:
            timer = threading.Timer(self._seconds, cur.interrupt)
            timer.start()
            try:
                cur.execute(sql, list(params))
                return _Fetched(cur.description, cur.fetchall())
            finally:
                timer.cancel()

    def close(self) -> None:
        with self._lock:
            for cur in self._all:
                cur.close()
            self._all.clear()


class _LockedReader:
    """A second store (PostgreSQL) for reads, one query at a time, with a statement timeout."""

    def __init__(self, store: SQLStore, seconds: float):
        self._store = store
        self._lock = threading.Lock()
        store._execute(f"SET statement_timeout = {int(seconds * 1000)}")  # an int we made, not user input

    def _execute(self, sql: str, params: Sequence[Any] = ()):
        with self._lock:
            cur = self._store._execute(sql, params)
            return _Fetched(cur.description, cur.fetchall())

    def close(self) -> None:
        self._store.close()


class _Fetched:
    """A query's rows, fetched while the cursor was ours (another request may reuse it next)."""

    def __init__(self, description, rows):
        self.description = description
        self._rows = rows

    def fetchall(self):
        return self._rows

    def fetchone(self):
        return self._rows[0] if self._rows else None


def _is_timeout(exc: Exception) -> bool:
    name = type(exc).__name__
    return name in ("InterruptException", "QueryCanceled") or "interrupted" in str(exc).lower()


# -- the app's state: one per app, passed explicitly ----------------------------------------------------

@dataclass
class _State:
    store: SQLStore
    reader: Any
    token: str | None
    limits: Limits
    config: Config
    write_lock: threading.Lock = field(default_factory=threading.Lock)
    pipeline: Any = None

    def coder(self):
        """The coding pipeline, loaded on the first write (reads never pay for spaCy)."""
        if self.pipeline is None:
            from .pipeline import Pipeline

            self.pipeline = Pipeline(self.config)
        return self.pipeline

    def close(self) -> None:
        with self.write_lock:
            self.reader.close()
            self.store.close()


class ArticleIn(BaseModel):
    """One article to code and store (the fields `eventwire ingest` reads from JSONL)."""

    id: Optional[str] = Field(None, min_length=1, max_length=200, pattern=r"^[\w.:@/+-]+$",
                              description="Stable id; default: a hash of the text.")
    text: str = Field(..., min_length=1)
    date: Optional[dt.date] = Field(None, description="Publication date (YYYY-MM-DD).")
    url: Optional[str] = Field(None, max_length=2000)
    title: Optional[str] = Field(None, max_length=1000)
    outlet: Optional[str] = Field(None, max_length=200)
    language: str = Field("en", pattern=r"^[a-z]{2}$")


class ArticlesIn(BaseModel):
    articles: list[ArticleIn] = Field(..., min_length=1)


class IngestOut(BaseModel):
    coded: int
    skipped: int
    mentions: int
    rejected: int
    merged: int
    events: list[str]


class _BodyLimit:
    """Refuse request bodies over `limit` bytes (413), by Content-Length or by counting the stream."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        for name, value in scope.get("headers", ()):
            if name == b"content-length" and (not value.isdigit() or int(value) > self.limit):
                return await JSONResponse({"detail": "request body too large"}, 413)(scope, receive, send)
        seen = 0

        async def counted():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await JSONResponse({"detail": "request body too large"}, 413)(scope, receive, send)


class _TooLarge(BaseException):
    """Not an Exception: FastAPI answers any Exception raised while it reads a body with 400, which
    would hide the 413 of a streamed (chunked) body over the cap."""


class _Headers:
    """Protective headers on every answer; the dashboard's pages also get a strict CSP."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer")]
        if not scope["path"].startswith(("/docs", "/redoc")):  # FastAPI's doc pages load their own scripts
            extra += [(b"content-security-policy", _CSP.encode()), (b"x-frame-options", b"DENY")]

        async def with_headers(message):
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


# the dashboard loads only its own files; the API's JSON cannot be framed or sniffed as HTML
_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


def create_app(store_target: str | Path, *, token: str | None = None, limits: Limits = Limits(),
               config: Config | None = None) -> FastAPI:
    """The API and dashboard over one store (a DuckDB file or a PostgreSQL URL). Without `token` the
    server is read-only; with it, `POST /api/articles` needs `Authorization: Bearer <token>`."""
    store = open_store(store_target)
    assert isinstance(store, SQLStore)
    if isinstance(store, DuckDBStore):
        reader: Any = _DuckReader(store.con, limits.query_seconds, limits.concurrent_queries)
    else:
        reader = _LockedReader(open_store(store_target), limits.query_seconds)  # type: ignore[arg-type]
    state = _State(store, reader, token or None, limits, config or Config(n_process=1))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        try:
            yield
        finally:  # the server stops: give the database back
            state.close()

    app = FastAPI(title="eventwire", version=_version(), lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="Political events coded from news (PLOVER), with the evidence behind each one.")
    _offline_docs(app)
    app.state.eventwire = state

    @app.exception_handler(BadRequest)
    async def bad_request(_request: Request, exc: BadRequest):
        return JSONResponse({"detail": str(exc)}, 400)

    @app.exception_handler(Exception)
    async def failed(_request: Request, exc: Exception):
        if _is_timeout(exc):
            return JSONResponse({"detail": f"query took longer than {limits.query_seconds:g} s"}, 503)
        return JSONResponse({"detail": "internal error"}, 500)  # no SQL or paths in the answer

    app.add_middleware(_Headers)
    app.add_middleware(_BodyLimit, limit=limits.body_bytes)
    _routes(app, state)
    if WEB.is_dir():
        app.mount("/static", StaticFiles(directory=WEB), name="static")

        @app.get("/", include_in_schema=False)
        def index() -> FileResponse:
            return FileResponse(WEB / "index.html", headers={"Cache-Control": "no-cache"})
    return app


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from files bundled with the package (web/vendor/swagger-ui: swagger-ui-dist
    5.35.0 from npm, which reads OpenAPI 3.1): FastAPI's default page loads them from a CDN, which an
    air-gapped machine cannot reach."""
    from fastapi.openapi.docs import get_swagger_ui_html

    app.mount("/docs-static", StaticFiles(directory=WEB / "vendor" / "swagger-ui"), name="docs-static")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Any:
        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="eventwire API",
                                   swagger_js_url="/docs-static/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-static/swagger-ui.css",
                                   swagger_favicon_url="/docs-static/favicon-32x32.png")


def _version() -> str:
    from . import __version__

    return __version__


Text = Annotated[Optional[str], Query(max_length=200)]
_Id = PathParam(max_length=200)


def _filters(
    actor: Text = None, recipient: Text = None,
    type: Annotated[Optional[str], Query(max_length=40, pattern=r"^[A-Za-z_]+$", description="PLOVER type")] = None,
    mode: Annotated[Optional[str], Query(max_length=40)] = None,
    quad: Annotated[Optional[int], Query(ge=1, le=4, description="QuadClass 1-4")] = None,
    country: Annotated[Optional[str], Query(pattern=r"^[A-Za-z]{3}$", description="ISO3 of the place")] = None,
    since: Annotated[Optional[dt.date], Query(description="Event day on or after (YYYY-MM-DD)")] = None,
    until: Annotated[Optional[dt.date], Query(description="Event day on or before")] = None,
    bbox: Annotated[Optional[str], Query(max_length=100, description="west,south,east,north in degrees")] = None,
    q: Annotated[Optional[str], Query(max_length=200, description="Part of a name, place or trigger")] = None,
) -> EventQuery:
    box = None
    if bbox:
        try:
            west, south, east, north = (float(x) for x in bbox.split(","))
        except ValueError:
            raise _invalid("bbox", bbox, "bbox must be four numbers: west,south,east,north") from None
        if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
            raise _invalid("bbox", bbox, "bbox out of range (lon -180..180, lat -90..90, south <= north)")
        box = (west, south, east, north)
    return EventQuery(actor=actor or None, recipient=recipient or None, type=type or None, mode=mode or None,
                      quad=quad, country=country or None, since=since, until=until, bbox=box, q=q or None)


Filters = Annotated[EventQuery, Depends(_filters)]


def _invalid(name: str, value: str, msg: str) -> RequestValidationError:
    """A 422 in the shape the OpenAPI spec promises for 422 (`detail`: a list of errors), as FastAPI's own
    checks give: a plain HTTPException(422, text) answered `detail` as a string, against the spec."""
    return RequestValidationError([{"type": "value_error", "loc": ("query", name), "msg": msg, "input": value}])


def _routes(app: FastAPI, state: _State) -> None:
    lim = state.limits
    db = state.reader

    def require_token(authorization: Annotated[Optional[str], Header()] = None) -> None:
        if state.token is None:
            raise HTTPException(403, "this server is read-only: start it with --token (or EVENTWIRE_TOKEN)")
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not given:
            raise HTTPException(401, "a bearer token is needed", headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(given.strip().encode(), state.token.encode()):
            raise HTTPException(403, "wrong token")

    @app.get("/api/events", tags=["events"])
    def events(flt: Filters, sort: Literal["-date", "date", "-articles"] = "-date",
               limit: Annotated[int, Query(ge=1, le=lim.page)] = 50,
               cursor: Annotated[Optional[str], Query(max_length=400)] = None) -> dict[str, Any]:
        """Merged events, newest first by default; pass `next_cursor` back as `cursor` for the next page."""
        return _json(views.list_events(db, flt, sort=sort, limit=limit, cursor=cursor))

    @app.get("/api/events/{event_id}", tags=["events"])
    def event(event_id: Annotated[str, _Id]) -> dict[str, Any]:
        """One event with its mentions (evidence spans into the article text) and articles."""
        return _json(_found(views.event_detail(db, event_id), "event"))

    @app.get("/api/articles/{article_id}", tags=["articles"])
    def article(article_id: Annotated[str, _Id]) -> dict[str, Any]:
        """One stored article with its text and the event mentions coded in it."""
        return _json(_found(views.article_detail(db, article_id), "article"))

    @app.get("/api/actors", tags=["actors"])
    def actors(flt: Filters, name: Text = None,
               limit: Annotated[int, Query(ge=1, le=lim.page)] = 50) -> dict[str, Any]:
        """The actors in most events, optionally only those whose name contains `name`."""
        return _json(views.top_actors(db, flt, name=name, limit=limit))

    @app.get("/api/actors/{actor_id}", tags=["actors"])
    def actor(actor_id: Annotated[str, _Id]) -> dict[str, Any]:
        return _json(_found(views.actor(db, actor_id), "actor"))

    @app.get("/api/actors/{actor_id}/timeline", tags=["actors"])
    def actor_timeline(actor_id: Annotated[str, _Id], flt: Filters,
                       interval: Literal["day", "week", "month", "year"] = "month") -> dict[str, Any]:
        """Events with this actor (as actor or recipient) per period and QuadClass."""
        found = _found(views.actor(db, actor_id), "actor")
        return _json({"actor": found, **views.actor_timeline(db, actor_id, flt, interval=interval)})

    @app.get("/api/stats/timeseries", tags=["stats"])
    def stats_timeseries(flt: Filters, interval: Literal["day", "week", "month", "year"] = "month",
                         by: Literal["quad", "type", "none"] = "quad") -> dict[str, Any]:
        """Event counts and mean Goldstein per period, by QuadClass, type or in all."""
        return _json(views.timeseries(db, flt, interval=interval, by=by))

    @app.get("/api/stats/overview", tags=["stats"])
    def stats_overview() -> dict[str, Any]:
        """The number of events, the span of their dates and the count per type."""
        return _json(views.overview(db))

    @app.get("/api/network", tags=["stats"])
    def network(flt: Filters, limit: Annotated[int, Query(ge=1, le=lim.network_links)] = 100) -> dict[str, Any]:
        """The busiest actor -> recipient dyads, with counts and mean Goldstein."""
        return _json(views.network(db, flt, limit=limit))

    @app.get("/api/places", tags=["stats"])
    def places(flt: Filters, limit: Annotated[int, Query(ge=1, le=lim.map_places)] = 2000) -> dict[str, Any]:
        """Events per place, with counts per QuadClass, for the map."""
        return _json(views.places(db, flt, limit=limit))

    @app.post("/api/articles", tags=["articles"], dependencies=[Depends(require_token)], response_model=IngestOut)
    def post_articles(body: ArticlesIn) -> IngestOut:
        """Code articles and store them with their events (needs the server's bearer token). Articles
        already stored (same id) are skipped; the new events are merged before this returns."""
        if len(body.articles) > lim.articles_per_post:
            raise HTTPException(413, f"at most {lim.articles_per_post} articles per request")
        if any(len(a.text) > lim.article_chars for a in body.articles):
            raise HTTPException(413, f"an article is longer than {lim.article_chars} characters")
        return _ingest(state, body.articles)


def _found(value: dict[str, Any] | None, what: str) -> dict[str, Any]:
    if value is None:
        raise HTTPException(404, f"no such {what}")
    return value


def _json(value: Any) -> Response:
    """Rows as JSON, written by `json` directly: FastAPI's generic encoder walks every value of every
    row first, which costs more than the query for a page of events."""
    return Response(json.dumps(value, default=_plain, separators=(",", ":"), ensure_ascii=False),
                    media_type="application/json")


def _plain(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):  # PostgreSQL's sum() of integers
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def _ingest(state: _State, items: list[ArticleIn]) -> IngestOut:
    """The CLI's ingest path for a few articles: code, store in one batch, merge."""
    from . import __version__
    from .pipeline import filter_events
    from .records import Article
    from .store import config_json, ingest

    articles = [Article(id=a.id or Article.content_id(a.text), text=a.text, date=a.date, url=a.url, title=a.title,
                        outlet=a.outlet, language=a.language, date_source="field" if a.date else None,
                        source="api") for a in items]
    with state.write_lock:
        store = state.store
        pipeline = state.coder()
        run_id = store.start_run(__version__, {**config_json(state.config), "sources": ["POST /api/articles"]})
        status = "failed"
        try:
            counts = ingest(store, articles, pipeline.code_articles, run_id=run_id,
                            keep=lambda events: filter_events(events, state.config), batch_size=len(articles))
            status = "finished"
        finally:
            if status != "finished":
                store.finish_run(run_id, {}, status)
        store.finish_run(run_id, counts.as_dict(), status)
        merged = store.merge()
        ids = [a.id for a in articles]
        rows = store._execute("SELECT DISTINCT em.event_id FROM event_mentions em JOIN mentions m "
                              f"ON m.id = em.mention_id WHERE {store._any('m.article_id')} ORDER BY 1",
                              [ids]).fetchall()
    return IngestOut(coded=counts.coded, skipped=counts.skipped, mentions=counts.mentions, rejected=counts.rejected,
                     merged=merged, events=[r[0] for r in rows])

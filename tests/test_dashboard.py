"""The dashboard in headless Chromium (Debian's `chromium`, driven by Playwright): it loads with no
internet, draws its four views, keeps a filter in the URL, and opens an event's articles with the
trigger, actor, recipient, date and place highlighted.

Skipped when Chromium or Playwright is missing, except under CI=true, where that is a failure.
`EVENTWIRE_SCREENSHOTS=DIR` also saves the pictures docs/ shows."""

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from eventwire.api import create_app
from test_api import ARTICLES, _ingest

CHROMIUM = os.environ.get("EVENTWIRE_CHROMIUM", "/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def expect(locator):
    """Playwright's retrying assertions (they run no page-side eval, which the dashboard's CSP forbids)."""
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def _need_browser():
    missing = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing = "playwright (Python) is not installed: pip install playwright"
        sync_playwright = None
    if missing is None and not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        missing = f"no Chromium at {CHROMIUM} (apt-get install chromium; scripts/test-services.sh does it)"
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"browser tests must run in CI: {missing}")
        pytest.skip(missing)
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The real app under uvicorn on a free loopback port, over a store made by `eventwire ingest`."""
    import uvicorn

    tmp = tmp_path_factory.mktemp("dash")
    db = tmp / "events.duckdb"
    _ingest(str(db), tmp / "corpus")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(600):
        if srv.started:
            break
        time.sleep(0.05)
    assert srv.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser():
    sync_playwright = _need_browser()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    pg = context.new_page()
    pg.problems = []  # console errors, page errors and requests that leave this server
    pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
    pg.on("pageerror", lambda e: pg.problems.append(f"page error: {e}"))
    pg.on("request", lambda r: not r.url.startswith((server, "data:")) and pg.problems.append(f"request: {r.url}"))
    yield pg
    context.close()


def _query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def _shot(page, name: str, **kw) -> None:
    folder = os.environ.get("EVENTWIRE_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name), **kw)


def test_dashboard_draws_every_view_offline(page, server):
    page.goto(server + "/")
    page.wait_for_selector("#events tbody tr")
    page.wait_for_selector("#map circle.place")
    assert page.locator("#events tbody tr").count() == 6  # the six merged events of ARTICLES
    assert page.locator("#timeline rect.bar").count() == 6  # one month each, one QuadClass each
    assert page.locator("#map path.land").count() > 150  # the bundled world outline
    assert page.locator("#map circle.place").count() == 6
    assert page.locator("#network .node").count() >= 8
    assert page.locator("#legend").inner_text().count("cooperation") == 2
    assert "6 events" in page.locator("#totals").inner_text()
    types = page.locator("select[name=type] option").all_inner_texts()
    assert "COERCE (1)" in types and len(types) == 7
    assert page.problems == []


def test_a_filter_is_kept_in_the_url_and_narrows_every_view(page, server):
    page.goto(server + "/")
    page.wait_for_selector("#events tbody tr")
    page.fill("input[name=country]", "ken")
    page.click("#apply")
    expect(page.locator("#events tbody tr")).to_have_count(1)
    assert _query(page.url)["country"] == ["KEN"]
    assert "Kenyan police" in page.locator("#events tbody tr").inner_text()
    expect(page.locator("#timeline rect.bar")).to_have_count(1)
    assert page.locator("#map circle.place").count() == 1
    # the URL alone brings the same view back (a link someone shares)
    page.goto(server + "/?type=AID")
    expect(page.locator("#events tbody tr")).to_have_count(1)
    assert page.locator("select[name=type]").input_value() == "AID"
    assert "European Union" in page.locator("#events tbody").inner_text()
    page.click("#reset")
    expect(page.locator("#events tbody tr")).to_have_count(6)
    assert _query(page.url) == {}
    assert page.problems == []


def test_opening_an_event_shows_its_articles_with_the_evidence_highlighted(page, server):
    page.goto(server + "/?type=COERCE")
    expect(page.locator("#events tbody tr")).to_have_count(1)
    page.click("#events tbody tr")
    page.wait_for_selector("#detail article.article mark.hl-trigger")
    assert _query(page.url)["event"] and _query(page.url)["type"] == ["COERCE"]
    articles = page.locator("#detail article.article")
    assert articles.count() == 3  # three outlets reported the arrest
    wire = page.locator("#detail article[data-article='kenya-wire-1']")
    assert "Kenyan police arrested the opposition leader Raila Odinga in Nairobi" in wire.inner_text()

    def marks(kind):
        return wire.locator(f"mark.hl-{kind}").all_inner_texts()

    assert "arrested" in marks("trigger")
    assert any("police" in t.lower() for t in marks("actor"))
    assert any("Raila Odinga" in t for t in marks("recipient"))
    assert "Monday" in marks("date")
    assert "Nairobi" in marks("place")
    facts = page.locator("#detail .facts").inner_text()
    assert "3 article(s) from 3 outlet(s)" in facts and "Nairobi (KEN)" in facts
    _shot(page, "dashboard-event.png")
    # the event's URL opens it again
    page.goto(page.url)
    page.wait_for_selector("#detail article.article mark.hl-place")
    page.keyboard.press("Escape")
    assert page.locator("#detail").is_hidden() and "event" not in _query(page.url)
    assert page.problems == []


def test_the_api_docs_render_offline(page, server):
    page.goto(server + "/docs")
    page.wait_for_selector(".opblock-summary-path")  # Swagger UI drew the operations from /openapi.json
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/events" in p for p in paths) and any("/api/stats/timeseries" in p for p in paths)
    assert [p for p in page.problems if p.startswith("request")] == []  # nothing from a CDN

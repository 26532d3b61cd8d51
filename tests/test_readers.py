"""RSS/Atom and WARC readers: articles with their metadata, stable ids, named errors, and no input
that crashes a reader. Feeds are in tests/data/feeds; WARC archives are written here with warcio
(plus one tiny committed capture). All stories are invented for these tests."""

import gzip
import io
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from eventwire.config import Config
from eventwire.ingest import read_feed, read_html, read_path, read_warc, source_files
from eventwire.records import Article, ReadError

CFG = Config()
DATA = Path(__file__).parent / "data"
RSS = DATA / "feeds" / "wire.rss"
ATOM = DATA / "feeds" / "wire.atom"
CAPTURE = DATA / "warc" / "capture.warc.gz"


def _split(items):
    items = list(items)
    assert all(isinstance(i, (Article, ReadError)) for i in items)
    return [i for i in items if isinstance(i, Article)], [i for i in items if isinstance(i, ReadError)]


# -- RSS and Atom ------------------------------------------------------------------------------


def test_rss_entries_become_articles_with_their_metadata():
    articles, errors = _split(read_path(RSS, CFG))
    full, summary_only, dateless = articles
    assert full.id == "wire-2024-0311-nairobi"  # the guid
    assert full.title == "Police arrest opposition leader in Nairobi"
    assert full.url == "https://wire.example.org/world/2024/03/11/nairobi-arrest"
    assert full.outlet == "Test Wire World" and full.language == "en"
    # 23:30 at -0500 is still the 11th where it was written (the 12th in UTC)
    assert str(full.date) == "2024-03-11" and full.date_source == "metadata"
    # the full content (content:encoded), not the one-line description; markup and share links gone
    assert full.text.startswith("NAIROBI - Police arrested the leader of the main opposition party")
    assert "\n\n" in full.text and "<" not in full.text and "Share this story" not in full.text
    assert full.source == f"{RSS}#entry-1 (wire-2024-0311-nairobi)"

    assert summary_only.id == "https://wire.example.org/world/2024/03/12/amman-talks"
    assert summary_only.text == ("The foreign ministers of Jordan and Egypt met in Amman on Tuesday and said that "
                                 "aid must reach civilians in the region, the ministry said in a statement.")
    assert str(summary_only.date) == "2024-03-12"

    # no guid: the content hash used for every source that gives no id; no date: None, as for pages
    assert dateless.id == Article.content_id(dateless.text)
    assert dateless.date is None and dateless.date_source is None
    assert dateless.title == "Talks on water sharing resume"

    (short,) = errors
    assert short.record == f"{RSS}#entry-4 (wire-brief-1)" and "too short" in short.reason


def test_atom_entries_prefer_content_and_publication_date():
    articles, errors = _split(read_path(ATOM, CFG))
    lima, court = articles
    assert lima.id == "urn:uuid:desk-entry-1" and lima.outlet == "Atom Desk"
    assert lima.title == "Protesters march in Lima"  # type="html" title, tags stripped
    assert lima.text.startswith("Thousands of protesters marched") and "Thousands marched in Lima." not in lima.text
    assert str(lima.date) == "2024-05-01"  # <published>, not <updated> (2024-05-02)
    assert lima.url == "https://desk.example.net/2024/05/01/lima-march"
    assert court.url is None  # feedparser offers the urn: id as a link; it is no web address
    assert str(court.date) == "2024-05-02"  # only <updated>
    assert court.text.startswith("A court in Lima ordered") and "\n" not in court.text  # wrapped lines joined
    (german,) = errors
    assert german.record == f"{ATOM}#entry-3 (urn:uuid:desk-entry-3)" and german.reason.startswith("not English")


def test_feed_ids_are_stable_across_reads():
    for path in (RSS, ATOM, CAPTURE):
        first, second = list(read_path(path, CFG)), list(read_path(path, CFG))
        assert first == second
        assert len({a.id for a in first if isinstance(a, Article)}) == sum(isinstance(a, Article) for a in first)


def test_random_bytes_feed_is_one_error_naming_the_file(tmp_path):
    path = tmp_path / "junk.rss"
    path.write_bytes(bytes(range(256)) * 8)
    (error,) = list(read_path(path, CFG))
    assert isinstance(error, ReadError) and error.record == str(path)
    assert error.reason.startswith("malformed feed")


def test_cut_feed_keeps_the_entries_before_the_cut():
    raw = RSS.read_bytes()
    cut = raw[: raw.index(b"<title>Ministers meet")]
    articles, errors = _split(read_feed(cut, "cut.rss", CFG))
    assert [a.id for a in articles] == ["wire-2024-0311-nairobi"]
    assert all(e.record.startswith("cut.rss#entry-2") for e in errors)


def test_feed_declared_latin1_is_decoded_by_its_prolog(tmp_path):
    feed = ('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Caf\xe9 Wire</title>'
            '<item><guid>c1</guid><description>The owners of a caf\xe9 in Paris said on Friday that the police '
            'had closed the street for the march.</description></item></channel></rss>')
    path = tmp_path / "latin.rss"
    path.write_bytes(feed.encode("latin-1"))
    (a,) = list(read_path(path, CFG))
    assert isinstance(a, Article) and "café in Paris" in a.text and a.outlet == "Café Wire"


def test_xml_files_are_read_only_when_they_hold_a_feed(tmp_path):
    (tmp_path / "sitemap.xml").write_text('<?xml version="1.0"?><urlset><url><loc>https://x.example/</loc></url>'
                                          "</urlset>", encoding="utf-8")
    shutil.copy(RSS, tmp_path / "news.xml")
    shutil.copy(CAPTURE, tmp_path / "a.warc.gz")
    (tmp_path / "b.txt").write_text("date 2024-03-15\n" + "Police arrested two men in Nairobi on Friday. " * 3)
    (tmp_path / "c.png").write_bytes(b"\x89PNG")
    assert [p.name for p in source_files(tmp_path)] == ["a.warc.gz", "b.txt", "news.xml", "sitemap.xml"]
    items = list(read_path(tmp_path, CFG))
    names = [(i.source if isinstance(i, Article) else i.record).removeprefix(f"{tmp_path}/") for i in items]
    assert names == [
        "a.warc.gz@0 (https://capture.example.org/europe/lyon-farmers)", "b.txt",
        "news.xml#entry-1 (wire-2024-0311-nairobi)",
        "news.xml#entry-2 (https://wire.example.org/world/2024/03/12/amman-talks)",
        "news.xml#entry-3", "news.xml#entry-4 (wire-brief-1)",
    ]  # the sitemap is passed over; the order is the sorted paths'
    assert items == list(read_path(tmp_path, CFG))
    # named on its own, a .xml that is no feed is an error, not silence
    (error,) = list(read_path(tmp_path / "sitemap.xml", CFG))
    assert isinstance(error, ReadError) and error.reason == "not an RSS or Atom feed"


def test_empty_feed_has_no_articles_and_no_error():
    assert list(read_feed(b'<rss version="2.0"><channel><title>Quiet</title></channel></rss>', "q.rss", CFG)) == []


# -- WARC --------------------------------------------------------------------------------------


def _page(title: str, paragraphs: list[str], published: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<html><head><title>{title}</title>{meta}</head><body><nav>Home | World</nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode("utf-8")


TROOPS = _page("Troops leave border town", [
    "Soldiers withdrew from the border town of Kafr on Sunday after two days of clashes with rebels, residents said.",
    "The army said the withdrawal was temporary and that its forces would return once reinforcements arrived.",
], published="2024-06-02T08:00:00Z")
PORT = _page("Strike closes port", [
    "Dock workers went on strike at the port of Mombasa on Friday to demand higher wages, union officials said.",
    "The strike halted the loading of ships and the union said it would continue until the government agreed to talks.",
])


def _warc(gz: bool = True, extra: list[tuple[str, str, bytes, str, str]] | None = None) -> bytes:
    """Two HTML pages (one dated in its markup, one not), an image and a 404 page."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    records = [
        ("https://news.example.com/troops", "200 OK", TROOPS, "text/html; charset=utf-8", "response"),
        ("https://news.example.com/logo.png", "200 OK", b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png", "response"),
        ("https://news.example.com/gone", "404 Not Found", _page("Not found", ["This page is gone."] * 5),
         "text/html", "response"),
        ("https://news.example.com/port", "200 OK", PORT, "text/html", "response"),
        *(extra or []),
    ]
    for url, status, body, ctype, rtype in records:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1") if rtype == "response" else None
        headers = {"WARC-Date": "2024-06-03T12:00:00Z"}
        if rtype == "resource":
            headers["Content-Type"] = ctype
        writer.write_record(writer.create_warc_record(url, rtype, payload=io.BytesIO(body), http_headers=http,
                                                      length=len(body), warc_headers_dict=headers))
    return buf.getvalue()


def _offsets(data: bytes) -> list[tuple[int, int]]:
    """(offset, length) of each record, as warcio sees them."""
    out = []
    archive = ArchiveIterator(io.BytesIO(data))
    for record in archive:
        record.content_stream().read()
        out.append((archive.get_record_offset(), archive.get_record_length()))
    return out


@pytest.mark.parametrize("gz", [True, False])
def test_warc_html_pages_become_articles(tmp_path, gz):
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(_warc(gz))
    articles, errors = _split(read_path(path, CFG))
    assert errors == []  # the image and the 404 are not articles, and not errors either
    troops, port = articles
    assert troops.url == "https://news.example.com/troops" and port.url == "https://news.example.com/port"
    assert troops.title == "Troops leave border town" and port.title == "Strike closes port"
    assert troops.outlet == port.outlet == "news.example.com"
    assert str(troops.date) == "2024-06-02" and troops.date_source == "metadata"
    assert str(port.date) == "2024-06-03" and port.date_source == "warc-date"  # no date in the page
    assert troops.text.startswith("Soldiers withdrew") and "Home | World" not in troops.text
    offsets = [o for o, _ in _offsets(path.read_bytes())]
    assert troops.source == f"{path}@{offsets[0]} (https://news.example.com/troops)"
    assert port.source == f"{path}@{offsets[3]} (https://news.example.com/port)"
    # ids: stable across reads, and the same page captured again is the same article
    again = [a for a in read_path(path, CFG) if isinstance(a, Article)]
    assert [a.id for a in again] == [troops.id, port.id] and troops.id != port.id
    recaptured = [a for a in read_warc(io.BytesIO(_warc(not gz)), "other.warc", CFG) if isinstance(a, Article)]
    assert [a.id for a in recaptured] == [troops.id, port.id]


def test_warc_id_changes_with_the_page_and_the_url():
    base = {a.url: a.id for a in read_warc(io.BytesIO(_warc()), "a.warc", CFG)}
    moved = [("https://mirror.example.com/port", "200 OK", PORT, "text/html", "response"),
             ("https://news.example.com/port", "200 OK", PORT.replace(b"Friday", b"Monday"), "text/html", "response")]
    ids = [a.id for a in read_warc(io.BytesIO(_warc(extra=moved)), "a.warc", CFG)]
    assert len(ids) == 4 and len(set(ids)) == 4 and set(base.values()) < set(ids)


def test_warc_resource_records_and_declared_charsets_are_read():
    latin = _page("Caf\xe9 owners march", ["The owners of every caf\xe9 in the old town marched to the town hall "
                                             "on Monday to protest against new taxes, the mayor said."])
    extra = [("https://news.example.com/cafe", "200 OK", latin.decode("utf-8").encode("cp1252"),
              "text/html; charset=windows-1252", "response"),
             ("https://news.example.com/stored", "", TROOPS.replace(b"Kafr", b"Dara"), "text/html", "resource")]
    articles, errors = _split(read_warc(io.BytesIO(_warc(extra=extra)), "a.warc", CFG))
    assert errors == []
    cafe, stored = articles[2:]
    assert cafe.title == "Café owners march" and "every café in the old town" in cafe.text
    assert stored.url == "https://news.example.com/stored" and "town of Dara" in stored.text


def test_warc_page_over_the_size_limit_is_refused_by_name():
    small = Config(max_chars=30)  # pages over 240 bytes
    data = _warc()  # each archive written has new record ids, so offsets differ between archives
    _, errors = _split(read_warc(io.BytesIO(data), "a.warc", small))
    assert [e.record for e in errors] == ["a.warc@0 (https://news.example.com/troops)",
                                          f"a.warc@{_offsets(data)[3][0]} (https://news.example.com/port)"]
    assert all(e.reason.startswith("page too large") for e in errors)


def test_truncated_warc_gz_keeps_earlier_pages_and_names_the_offset(tmp_path):
    data = _warc()
    offsets = _offsets(data)
    second_html = offsets[3][0]
    path = tmp_path / "cut.warc.gz"
    path.write_bytes(data[: second_html + offsets[3][1] // 2])
    articles, errors = _split(read_path(path, CFG))
    assert [a.url for a in articles] == ["https://news.example.com/troops"]
    (error,) = errors
    assert error.record == f"{path}@{second_html}" and error.reason.startswith("truncated archive")


def test_garbage_after_a_whole_record_is_a_corrupt_archive():
    data = _warc(gz=False)
    first = _offsets(data)[1][0]
    articles, errors = _split(read_warc(io.BytesIO(data[:first] + b"NOT A WARC RECORD\r\n" * 3), "g.warc", CFG))
    assert len(articles) == 1
    (error,) = errors
    assert error.record == f"g.warc@{first}" and "archive" in error.reason


@pytest.mark.parametrize("gz", [True, False])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(cut=st.floats(min_value=0, max_value=1))
def test_every_cut_keeps_only_whole_pages_and_loses_none_unnoticed(gz, cut):
    data = _warc(gz)
    records = _offsets(data)
    full = {a.id: a for a in read_warc(io.BytesIO(data), "a.warc", CFG)}
    end = int(cut * len(data))
    items = list(read_warc(io.BytesIO(data[:end]), "a.warc", CFG))
    articles, errors = _split(items)
    assert all(full.get(a.id) == a for a in articles)  # never a page read from a part of its record
    assert len(errors) <= 1 and (not errors or items[-1] is errors[0])  # one error, and it ends the archive
    # A cut inside a record is an error naming it; it may go unnoticed only in the record's last
    # bytes (its closing blank lines and gzip trailer), where no content is lost.
    cut_in = [o for o, n in records if o < end < o + n]
    assert [e.record for e in errors] in ([], [f"a.warc@{o}" for o in cut_in])
    if any(o < end < o + n - 16 for o, n in records):
        assert errors


# -- no input crashes a reader -----------------------------------------------------------------

_FEED_HEAD = b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><guid>g</guid><description>'


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_feed_reader(raw):
    for data in (raw, _FEED_HEAD + raw, _FEED_HEAD + raw.replace(b"<", b"&lt;") + b"</description></item>"):
        _split(read_feed(data, "r.rss", CFG))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash_the_warc_reader(raw):
    whole = _warc(gz=False)
    for data in (raw, gzip.compress(raw), b"WARC/1.0\r\n" + raw, whole[:300] + raw, _warc()[:600] + raw):
        _split(read_warc(io.BytesIO(data), "r.warc", CFG))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=1500))
def test_random_markup_never_crashes_the_html_reader(text):
    item = read_html("<html><body><p>" + text, source="r.html", config=CFG, url="https://x.example/a")
    assert isinstance(item, (Article, ReadError))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=600), suffix=st.sampled_from([".rss", ".atom", ".xml", ".warc", ".warc.gz", ".html"]))
def test_random_files_of_each_kind_are_articles_or_named_errors(tmp_path, raw, suffix):
    path = tmp_path / f"random{suffix}"
    path.write_bytes(raw)
    _, errors = _split(read_path(path, CFG))
    assert all(e.record.startswith(str(path)) for e in errors)


# -- end to end: `eventwire ingest` over feeds and an archive --------------------------------------


def test_ingest_cli_stores_feed_entries_and_warc_pages_once(tmp_path):
    import duckdb
    from typer.testing import CliRunner

    from eventwire.cli import app

    (tmp_path / "crawl.warc.gz").write_bytes(_warc())
    db = tmp_path / "events.duckdb"
    args = ["ingest", "--workers", "1", "--no-progress", str(DATA / "feeds"), str(tmp_path / "crawl.warc.gz"),
            "--db", str(db)]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 1, first.output  # 1: two entries were rejected
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT id, url, date_source FROM articles ORDER BY id").fetchall()
        rejects = sorted(r[0] for r in con.execute("SELECT record FROM rejects").fetchall())
    finally:
        con.close()
    assert len(rows) == 7
    assert {r[0] for r in rows} >= {"wire-2024-0311-nairobi", "urn:uuid:desk-entry-1", "urn:uuid:desk-entry-2"}
    assert {r[1] for r in rows} >= {"https://news.example.com/troops", "https://news.example.com/port"}
    assert "warc-date" in {r[2] for r in rows}
    assert rejects == [f"{ATOM}#entry-3 (urn:uuid:desk-entry-3)", f"{RSS}#entry-4 (wire-brief-1)"]
    second = CliRunner().invoke(app, args)
    assert "0 coded and stored, 7 already stored" in second.output, second.output

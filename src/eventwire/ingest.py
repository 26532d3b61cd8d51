"""Readers: files and streams in, Articles (or ReadErrors naming the record) out.

A bad record never stops a batch: readers yield a ReadError for it and go on. Formats: plain text
(optional `date YYYY-MM-DD` header), JSONL, HTML pages, RSS/Atom feeds (one article per entry) and
WARC archives (one article per HTML page captured).
"""

from __future__ import annotations

import codecs
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from .config import Config
from .records import Article, ReadError

_DATE_HEADER = re.compile(r"\A[ \t\ufeff]*date[ \t]+(\S+)[ \t]*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
# Frequent English function words: a cheap, explainable language check that needs no model.
_EN_WORDS = frozenset(
    "the of and to in a is that for on was with as by at from it he said his be are has have "
    "were an its not which they will their had but this who after been also or would".split()
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)

Item = Article | ReadError
_HTML = (".html", ".htm")
_FEED = (".rss", ".atom", ".xml")  # .xml only when feedparser recognises a feed in it
_WARC = (".warc", ".warc.gz")
_TEXT = (".txt", ".jsonl")
_MIN_PAGE_WORDS = 8
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# A captured page may be this many times the article character limit in bytes before it is refused
# unread: markup outweighs text, but a page of tens of megabytes is not a news story.
_PAGE_BYTES_PER_CHAR = 8


def parse_date(value: object) -> date:
    """Parse a strict YYYY-MM-DD publication date; raise ValueError with the reason."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError(f"malformed date {value!r} (expected YYYY-MM-DD)")
    try:
        parsed = date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"malformed date {value!r}: {exc}") from None
    if parsed.year < 1800:
        raise ValueError(f"implausible date {value!r}")
    return parsed


def check_text(text: str, config: Config) -> str | None:
    """The reason a text cannot be coded, or None when it can."""
    if not text.strip():
        return "empty article"
    if "\x00" in text:
        return "binary content (NUL bytes)"
    if len(text) > config.max_chars:
        return f"article too long ({len(text):,} characters > limit {config.max_chars:,})"
    words = _WORD.findall(text[:20_000].lower())
    if len(words) >= 12:  # shorter texts are too few words to judge
        ratio = sum(w in _EN_WORDS for w in words) / len(words)
        if ratio < config.min_english_ratio:
            return f"not English (function-word ratio {ratio:.2f} < {config.min_english_ratio})"
    controls = sum(1 for ch in text[:20_000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 20_000):
        return "binary content (control characters)"
    return None


def _decode(raw: bytes, record: str) -> str | ReadError:
    if b"\x00" in raw[:65536]:
        return ReadError(record, "read", "binary file (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return ReadError(record, "read", f"invalid UTF-8 at byte {exc.start}")


def _finish(article: Article, config: Config) -> Item:
    reason = check_text(article.text, config)
    if reason:
        return ReadError(article.source or article.id, "read", reason)
    return article


def read_text(text: str, *, id: str | None = None, source: str | None = None, config: Config) -> Item:
    """A plain-text story with an optional leading `date YYYY-MM-DD` header."""
    published = None
    date_source = None
    m = _DATE_HEADER.match(text)
    if m:
        try:
            published = parse_date(m.group(1))
        except ValueError as exc:
            return ReadError(source or id or "<text>", "read", str(exc))
        text = text[m.end():]
        date_source = "header"
    article_id = id or Article.content_id(text)
    return _finish(
        Article(id=article_id, text=text, date=published, date_source=date_source, source=source or article_id),
        config,
    )


def read_html(html: str, *, source: str, config: Config, url: str | None = None) -> Item:
    """A web page: the story's text, title, URL and publication date from its markup (trafilatura,
    with htmldate for the date: metadata and URL only, since dates found in the visible text are as
    often a photo's or an anniversary's as the story's). Boilerplate such as menus is dropped.
    `url`, where the page was fetched from (a WARC capture), helps find the date and outlet."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, include_tables=False,
            date_extraction_params={"original_date": True, "extensive_search": False},
        )
    except Exception as exc:  # lxml raises many types on hostile markup
        return ReadError(source, "read", f"unparseable HTML: {type(exc).__name__}: {exc}")
    words = len((doc.text or "").split()) if doc is not None else 0
    if words < _MIN_PAGE_WORDS:  # a menu or a cookie notice is not a story
        return ReadError(source, "read", f"no article text found in the HTML ({words} words)")
    lines = [ln.strip() for ln in doc.text.splitlines() if ln.strip()]
    if lines and doc.title and lines[0] == doc.title.strip():
        lines = lines[1:]  # the headline is kept as the title, so a dateline can open the text
    text = "\n\n".join(lines)  # one paragraph per block, as the parser's paragraph rule expects
    published = None
    if doc.date:
        try:
            published = parse_date(doc.date[:10])
        except ValueError:
            published = None  # a malformed meta date is no reason to lose the story
    article = Article(
        id=Article.content_id(text), text=text, date=published, date_source="metadata" if published else None,
        url=doc.url, title=doc.title, outlet=doc.sitename or doc.hostname, source=source,
    )
    return _finish(article, config)


def read_jsonl_lines(lines: Iterable[str], source: str, config: Config) -> Iterator[Item]:
    """One article per line: id, date, text, optional url, title, outlet, language."""
    for n, line in enumerate(lines, start=1):
        record = f"{source}:{n}"
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield ReadError(record, "read", f"invalid JSON: {exc.msg} at column {exc.colno}")
            continue
        if not isinstance(obj, dict):
            yield ReadError(record, "read", f"expected a JSON object, got {type(obj).__name__}")
            continue
        text = obj.get("text")
        if not isinstance(text, str):
            yield ReadError(record, "read", "field 'text' missing or not a string")
            continue
        raw_id = obj.get("id")
        if raw_id is not None and not isinstance(raw_id, (str, int)):
            yield ReadError(record, "read", "field 'id' must be a string or integer")
            continue
        published = None
        if obj.get("date") is not None:
            try:
                published = parse_date(obj["date"])
            except ValueError as exc:
                yield ReadError(f"{record} (id {raw_id})", "read", str(exc))
                continue
        optional = {k: obj.get(k) for k in ("url", "title", "outlet")}
        bad = [k for k, v in optional.items() if v is not None and not isinstance(v, str)]
        if bad:
            yield ReadError(record, "read", f"field {bad[0]!r} must be a string")
            continue
        language = obj.get("language") or "en"
        article = Article(
            id=str(raw_id) if raw_id is not None else Article.content_id(text),
            text=text,
            date=published,
            date_source="field" if published else None,
            language=language if isinstance(language, str) else "en",
            source=f"{record} (id {raw_id})" if raw_id is not None else record,
            **optional,
        )
        yield _finish(article, config)


def read_stream(stream: IO[bytes], name: str, config: Config) -> Iterator[Item]:
    """stdin: JSONL when it starts with '{', else one plain-text article."""
    decoded = _decode(stream.read(), name)
    if isinstance(decoded, ReadError):
        yield decoded
        return
    if decoded.lstrip().startswith("{"):
        yield from read_jsonl_lines(decoded.splitlines(), name, config)
    else:
        yield read_text(decoded, id="stdin", source=name, config=config)


# -- markup fragments --------------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    "p div br li ul ol h1 h2 h3 h4 h5 h6 blockquote pre table tr section article header footer figure "
    "figcaption dd dt hr".split()
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template"})
_SPACES = re.compile(r"[ \t\r\f\v\xa0]+")
_WHITESPACE = re.compile(r"\s+")
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v\xa0]*\n")


class _TextOnly(HTMLParser):
    """The visible text of an HTML fragment, with a line break at each block element."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in _SKIP_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:  # a line break inside markup is a space, not a paragraph
            self.parts.append(_WHITESPACE.sub(" ", data))


def _paragraphs(text: str) -> str:
    """One paragraph per non-blank line, blank-line separated, as read_html gives them."""
    lines = (_SPACES.sub(" ", ln).strip() for ln in text.splitlines())
    return "\n\n".join(ln for ln in lines if ln)


def _strip_tags(fragment: str) -> str:
    """Fallback for fragments trafilatura finds too short: the standard library's lenient parser,
    and a regular expression should even that give up."""
    parser = _TextOnly()
    try:
        parser.feed(fragment)
        parser.close()
        return _paragraphs("".join(parser.parts))
    except Exception:  # HTMLParser has raised on odd declarations in some Python versions
        return _paragraphs(unescape(re.sub(r"<[^>]*>", "\n", _WHITESPACE.sub(" ", fragment))))


def _plain_paragraphs(text: str) -> str:
    """Plain text: blank lines part paragraphs; a single line break is a wrapped line."""
    return "\n\n".join(" ".join(p.split()) for p in _BLANK_LINE.split(text) if p.strip())


def _fragment_text(fragment: str, mime: str) -> str:
    """Text from a feed's content or summary: plain text as is; HTML through trafilatura (which
    drops share buttons and the like), or through _strip_tags when trafilatura returns nothing,
    as it does for short fragments."""
    if mime == "text/plain":
        return _plain_paragraphs(fragment)
    if "<" not in fragment:
        return _strip_tags(fragment)
    import trafilatura

    try:
        text = trafilatura.extract(fragment, include_comments=False, include_tables=False, favor_recall=True)
    except Exception:  # lxml raises many types on hostile markup
        text = None
    return _paragraphs(text) if text else _strip_tags(fragment)


# -- RSS and Atom ------------------------------------------------------------------------------


def _plausible_date(value: date) -> date | None:
    try:
        return parse_date(value.isoformat())
    except ValueError:
        return None


def _entry_date(entry: Any) -> date | None:
    """The entry's publication (else update) day, as written: the feed's own offset is kept, so a
    story dated '23:30 -0500' is of that day, not of the next day in UTC. feedparser's UTC reading
    is the fallback for the formats parsed here by neither RFC 822 nor ISO 8601. A malformed date
    gives None, as a malformed meta date does for a page: it is no reason to lose the story."""
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if isinstance(raw, str) and raw.strip():
            for parse in (parsedate_to_datetime, datetime.fromisoformat):
                try:
                    found = _plausible_date(parse(raw.strip()).date())
                except (TypeError, ValueError, IndexError, OverflowError):
                    continue
                if found:
                    return found
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            try:
                found = _plausible_date(date(*parsed[:3]))
            except (TypeError, ValueError):
                continue
            if found:
                return found
    return None


def _entry_body(entry: Any) -> str:
    """The fullest text the entry carries: its content (content:encoded, atom:content) when
    present, else its summary or description."""
    contents = [c for c in entry.get("content") or () if isinstance(c.get("value"), str) and c["value"].strip()]
    if contents:
        best = max(contents, key=lambda c: len(c["value"]))
        return _fragment_text(best["value"], best.get("type") or "text/html")
    detail = entry.get("summary_detail") or {}
    summary = entry.get("summary")
    if isinstance(summary, str):
        return _fragment_text(summary, detail.get("type") or "text/html")
    return ""


def _entry_title(entry: Any) -> str | None:
    title = entry.get("title")
    if not isinstance(title, str) or not title.strip():
        return None
    mime = (entry.get("title_detail") or {}).get("type") or "text/plain"
    return " ".join((_strip_tags(title) if mime != "text/plain" else title).split()) or None


def _web_url(value: object) -> str | None:
    """A link to keep as the article's URL: http(s) only, since Atom ids such as 'urn:...' stand in
    for missing links in feedparser's output."""
    if isinstance(value, str) and urlsplit(value.strip()).scheme in ("http", "https"):
        return value.strip()
    return None


def _feed_outlet(feed: Any) -> str | None:
    title = feed.get("title")
    if isinstance(title, str) and title.strip():
        return " ".join(_strip_tags(title).split()) or None
    link = _web_url(feed.get("link"))
    return urlsplit(link).hostname if link else None


def _language(tag: object) -> str:
    """The primary subtag of a feed's language ('en-us' -> 'en'); English when absent or odd."""
    primary = tag.split("-")[0].strip().lower() if isinstance(tag, str) else ""
    return primary if 2 <= len(primary) <= 3 and primary.isalpha() else "en"


def _feed_entry(entry: Any, record: str, feed: Any, config: Config) -> Item:
    text = _entry_body(entry)
    words = len(text.split())
    if 0 < words < _MIN_PAGE_WORDS:  # a teaser such as "Read the full story" is not a story
        return ReadError(record, "read", f"entry text too short ({words} words < {_MIN_PAGE_WORDS})")
    guid = entry.get("id")
    published = _entry_date(entry)
    article = Article(
        id=guid.strip() if isinstance(guid, str) and guid.strip() else Article.content_id(text),
        text=text,
        date=published,
        date_source="metadata" if published else None,
        url=_web_url(entry.get("link")),
        title=_entry_title(entry),
        outlet=_feed_outlet(feed),
        language=_language(feed.get("language")),
        source=record,
    )
    return _finish(article, config)


def read_feed(raw: bytes, source: str, config: Config, *, feeds_only: bool = False) -> Iterator[Item]:
    """An RSS or Atom file, one article per entry, named `file#entry-N (guid)` in errors. A file
    with no entries that is malformed or no feed at all is one error; with `feeds_only` (an .xml
    file met in a directory walk) a file that is no feed is passed over instead."""
    import feedparser

    try:
        # A stream, never bytes or str: feedparser would take those for a path or URL to open.
        parsed = feedparser.parse(io.BytesIO(raw), resolve_relative_uris=False)
    except Exception as exc:  # feedparser guards most failures itself; this is for the rest
        yield ReadError(source, "read", f"unparseable feed: {type(exc).__name__}: {exc}")
        return
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if feeds_only and not version:
        return
    if not entries:
        if parsed.get("bozo"):
            reason = str(parsed.get("bozo_exception") or "not well-formed")[:200]
            yield ReadError(source, "read", f"malformed feed: {reason}")
        elif not version:
            yield ReadError(source, "read", "not an RSS or Atom feed")
        return  # a well-formed feed with no entries holds no articles
    feed = parsed.get("feed") or {}
    for n, entry in enumerate(entries, start=1):
        guid = entry.get("id")
        record = f"{source}#entry-{n}" + (f" ({guid})" if isinstance(guid, str) and guid.strip() else "")
        try:
            yield _feed_entry(entry, record, feed, config)
        except Exception as exc:  # an entry holds whatever the file held; one bad entry is one error
            yield ReadError(record, "read", f"unreadable entry: {type(exc).__name__}: {exc}")


# -- WARC --------------------------------------------------------------------------------------


class _BadRecord(Exception):
    """A record that warcio reads without complaint but that is cut short or malformed."""


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _charset(content_type: str | None, payload: bytes) -> str | None:
    """The declared encoding: the HTTP header's, else a <meta> in the page's first bytes."""
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.I) or \
        re.search(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([\w.:-]+)", payload[:4096], re.I)
    if not m:
        return None
    name = m.group(1)
    return name.decode("ascii", "replace") if isinstance(name, bytes) else name


def _decode_page(payload: bytes, content_type: str | None) -> str:
    """A captured page as text: its declared encoding when Python knows it, else UTF-8, else
    Windows-1252 (the usual undeclared encoding of the web) with undecodable bytes replaced."""
    declared = _charset(content_type, payload)
    for encoding in (declared, "utf-8"):
        if not encoding:
            continue
        try:
            codecs.lookup(encoding)
            return payload.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return payload.decode("cp1252", errors="replace")


def _warc_day(value: str | None) -> date | None:
    try:
        return _plausible_date(datetime.fromisoformat((value or "").strip()).date())
    except ValueError:
        return None


def _html_capture(record: Any) -> tuple[str, str | None] | None:
    """(URL, Content-Type) of a record that captured an HTML page successfully, else None: requests,
    metadata, images, redirects and errors are not articles."""
    url = record.rec_headers.get_header("WARC-Target-URI")
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or http.get_statuscode() != "200":
            return None
        content_type = http.get_header("Content-Type")
    elif record.rec_type == "resource":
        content_type = record.rec_headers.get_header("Content-Type")
    else:
        return None
    if _mime(content_type) not in _HTML_TYPES or not url:
        return None
    return url, content_type


def _warc_page(record: Any, url: str, content_type: str | None, where: str, config: Config) -> Item:
    """One captured page through the same path as an .html file. Its id hashes the URL and the
    page bytes, so reading the archive again gives the same ids and a re-ingest adds nothing."""
    limit = _PAGE_BYTES_PER_CHAR * config.max_chars
    try:
        payload = record.content_stream().read(limit + 1)  # undoes chunked and gzip transfer
    except Exception as exc:  # a bad Content-Encoding spoils this page, not the archive
        _drain(record)
        return ReadError(where, "read", f"undecodable page body: {type(exc).__name__}: {exc}")
    _drain(record)  # a page cut short by a truncated archive is not read as a whole page
    if len(payload) > limit:
        return ReadError(where, "read", f"page too large (> {limit:,} bytes)")
    item = read_html(_decode_page(payload, content_type), source=where, config=config, url=url)
    if isinstance(item, ReadError):
        return item
    page_id = hashlib.sha1(url.encode("utf-8", "replace") + b"\n" + payload).hexdigest()[:16]
    item = replace(item, id=page_id, url=url)
    if item.date is None:  # the capture day: no later than publication, and better than no date
        captured = _warc_day(record.rec_headers.get_header("WARC-Date"))
        if captured:
            item = replace(item, date=captured, date_source="warc-date")
    return item


def _drain(record: Any) -> None:
    """Read the rest of the record; raise _BadRecord when the archive ends before the record's
    declared Content-Length, or when a WARC record declares none (its header was cut off): warcio
    itself stops quietly in both cases."""
    raw = record.raw_stream
    while raw.read(65536):
        pass
    declared = record.rec_headers.get_header("Content-Length")
    if record.format.startswith("warc") and not (declared or "").strip().isdigit():
        raise _BadRecord(f"truncated archive: record header has no valid Content-Length ({declared!r})")
    missing = getattr(raw, "limit", 0)
    if missing > 0:
        raise _BadRecord(f"truncated archive: it ends {missing:,} bytes short of the record's length")


def _position(stream: IO[bytes]) -> int | None:
    try:
        return stream.tell()
    except (OSError, ValueError, AttributeError):  # a pipe, or a closed stream
        return None


def read_warc(stream: IO[bytes], source: str, config: Config) -> Iterator[Item]:
    """The HTML pages of a WARC (or gzipped WARC) archive, streamed record by record. Pages
    captured with HTTP 200 become articles; other records are passed over quietly. A corrupt or
    truncated archive ends in one error naming `file@offset` (the failing record's byte offset),
    after the articles read before it."""
    from warcio.archiveiterator import ArchiveIterator

    archive = None
    try:
        archive = ArchiveIterator(stream)
        for record in archive:
            capture = _html_capture(record)
            if capture is None:
                _drain(record)
                continue
            url, content_type = capture
            yield _warc_page(record, url, content_type, f"{source}@{archive.offset} ({url})", config)
        # warcio ends quietly where a .warc.gz is cut before its first decompressed bytes: then
        # what was read runs past the end of the last whole record.
        end = _position(stream)
        if end is not None and end > archive.offset:
            yield ReadError(f"{source}@{archive.offset}", "read", f"truncated archive: its last "
                            f"{end - archive.offset:,} bytes hold no whole record")
    except Exception as exc:  # warcio, zlib and the file system each raise their own types
        # While a record is read, `offset` is where it starts; after it, where the next one does.
        where = f"{source}@{archive.offset if archive is not None else 0}"
        reason = str(exc) if isinstance(exc, _BadRecord) else f"corrupt archive: {type(exc).__name__}: {exc}"
        yield ReadError(where, "read", reason[:300])


def _suffix(p: Path) -> str:
    name = p.name.lower()
    return ".warc.gz" if name.endswith(".warc.gz") else p.suffix.lower()


def source_files(path: str | Path) -> list[Path]:
    """The readable files under a directory, in a stable order (the order their articles come in).
    `.xml` files are listed too; the feed reader passes over those that hold no feed."""
    known = (*_TEXT, *_HTML, *_FEED, *_WARC)
    return [c for c in sorted(Path(path).rglob("*")) if c.is_file() and _suffix(c) in known]


def read_path(path: str | Path, config: Config, *, in_directory: bool = False) -> Iterator[Item]:
    """Articles from one path: a file, a directory (recursively), or '-' for stdin. Within a
    directory, `.xml` files that are not feeds (sitemaps, configuration) are passed over quietly."""
    if str(path) == "-":
        yield from read_stream(sys.stdin.buffer, "<stdin>", config)
        return
    p = Path(path)
    if p.is_dir():
        for child in source_files(p):
            yield from read_path(child, config, in_directory=True)
        return
    suffix = _suffix(p)
    if suffix in _WARC:  # streamed: an archive can be larger than memory
        try:
            fh = p.open("rb")
        except OSError as exc:
            yield ReadError(str(p), "read", f"cannot read file: {exc.strerror or exc}")
            return
        with fh:
            yield from read_warc(fh, str(p), config)
        return
    try:
        raw = p.read_bytes()
    except OSError as exc:
        yield ReadError(str(p), "read", f"cannot read file: {exc.strerror or exc}")
        return
    if suffix in _FEED:  # bytes: the XML prolog, not UTF-8, says how a feed is encoded
        yield from read_feed(raw, str(p), config, feeds_only=in_directory and suffix == ".xml")
        return
    decoded = _decode(raw, str(p))
    if isinstance(decoded, ReadError):
        yield decoded
        return
    if suffix == ".jsonl":
        yield from read_jsonl_lines(decoded.splitlines(), str(p), config)
    elif suffix in _HTML:
        yield read_html(decoded, source=str(p), config=config)
    else:
        yield read_text(decoded, id=p.stem, source=str(p), config=config)


def read_all(paths: Iterable[str | Path], config: Config) -> Iterator[Item]:
    for path in paths:
        yield from read_path(path, config)

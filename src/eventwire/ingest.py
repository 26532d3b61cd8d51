"""Readers: files and streams in, Articles (or ReadErrors naming the record) out.

A bad record never stops a batch: readers yield a ReadError for it and go on.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import IO

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
_MIN_PAGE_WORDS = 8


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


def read_html(html: str, *, source: str, config: Config) -> Item:
    """A web page: the story's text, title, URL and publication date from its markup (trafilatura,
    with htmldate for the date: metadata and URL only, since dates found in the visible text are as
    often a photo's or an anniversary's as the story's). Boilerplate such as menus is dropped."""
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(
            html, with_metadata=True, include_comments=False, include_tables=False,
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


def read_path(path: str | Path, config: Config) -> Iterator[Item]:
    """Articles from one path: a file, a directory (recursively), or '-' for stdin."""
    if str(path) == "-":
        yield from read_stream(sys.stdin.buffer, "<stdin>", config)
        return
    p = Path(path)
    if p.is_dir():
        for child in sorted(p.rglob("*")):
            if child.is_file() and child.suffix.lower() in (".txt", ".jsonl", *_HTML):
                yield from read_path(child, config)
        return
    try:
        raw = p.read_bytes()
    except OSError as exc:
        yield ReadError(str(p), "read", f"cannot read file: {exc.strerror or exc}")
        return
    decoded = _decode(raw, str(p))
    if isinstance(decoded, ReadError):
        yield decoded
        return
    if p.suffix.lower() == ".jsonl":
        yield from read_jsonl_lines(decoded.splitlines(), str(p), config)
    elif p.suffix.lower() in _HTML:
        yield read_html(decoded, source=str(p), config=config)
    else:
        yield read_text(decoded, id=p.stem, source=str(p), config=config)


def read_all(paths: Iterable[str | Path], config: Config) -> Iterator[Item]:
    for path in paths:
        yield from read_path(path, config)

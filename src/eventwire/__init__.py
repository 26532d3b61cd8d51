"""eventwire: dated news in, explainable PLOVER political events out.

The Python API mirrors the CLI: `code_text` is `eventwire code`, `classify` is the
relation classifier `eventwire eval plv` scores.
"""

from __future__ import annotations

from dataclasses import replace as _replace
from datetime import date as _date
from functools import lru_cache

from .config import Config
from .records import Article, Classification, Entity, EventMention, Place, ReadError, ResolvedDate, Span

__version__ = "0.1.0"
__all__ = [
    "Article", "Classification", "Config", "Entity", "EventMention", "Place", "ReadError", "ResolvedDate", "Span",
    "classify", "code_text", "load", "open",
]


def load(config: Config | None = None):
    """A ready Pipeline (spaCy, ontology, knowledge base, gazetteer loaded once)."""
    from .pipeline import Pipeline

    return Pipeline(config or Config())


@lru_cache(maxsize=1)
def _default():
    return load()


@lru_cache(maxsize=1)
def _default_classifier():
    from .coding.relation import RelationClassifier

    pipe = _default()
    quads = {name: t.quad_code for name, t in pipe.ontology.event_types.items()}
    return RelationClassifier(pipe.nlp, pipe.coder, quads)


def code_text(text: str, date: _date | str | None = None, id: str | None = None, *,
              keep_flagged: bool = False) -> list[EventMention]:
    """Code one article's text into events; `date` is its publication date (relative dates need it)."""
    from .ingest import check_text, parse_date
    from .pipeline import filter_events

    pipe = _default()
    published = parse_date(date) if isinstance(date, str) else date
    reason = check_text(text, pipe.config)
    if reason:
        raise ValueError(f"{id or 'text'}: {reason}")
    article = Article(id=id or Article.content_id(text), text=text, date=published,
                      date_source="argument" if published else None)
    return filter_events(pipe.code_article(article), _replace(pipe.config, keep_flagged=keep_flagged))


def open(db: str = "events.duckdb"):
    """The event store at `db` (a DuckDB file path or a postgresql:// URL), as `eventwire ingest` and
    `eventwire query` use it: `.query(actor=..., type=..., country=..., since=..., until=..., limit=...)`
    returns mention rows (dicts), `.events(...)` merged events, `.query_df`/`.events_df` pandas
    DataFrames, `.export(path, format)` a file. Use it as a context manager or call `.close()`."""
    from .store import open_store

    return open_store(db)


def classify(sentence: str, actor: str, recipient: str) -> Classification:
    """The PLOVER type of the relation from `actor` to `recipient` in `sentence` (`.event`, `.score`)."""
    return _default_classifier().classify(sentence, actor, recipient)

"""The store interface: what ingest, query, export and serve need, whatever database stands behind it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ..records import Article, EventMention, ReadError

EXPORT_FORMATS = ("plover-jsonl", "csv", "parquet", "gdelt-tsv", "polecat-tsv")


@dataclass(frozen=True, slots=True)
class Filter:
    """What `query` and `events` select; every field narrows (None = no condition). Case-insensitive."""

    actor: str | None = None  # part of any actor's canonical name or text, or its exact CAMEO code
    recipient: str | None = None  # the same for recipients
    type: str | None = None  # PLOVER event type
    country: str | None = None  # ISO3 of the event's place (where it happened)
    since: date | None = None  # event date on or after
    until: date | None = None  # event date on or before
    limit: int | None = None

    def __post_init__(self) -> None:
        for name in ("since", "until"):  # "2023-01-01" is accepted from Python callers as from the CLI
            value = getattr(self, name)
            if isinstance(value, str):
                object.__setattr__(self, name, date.fromisoformat(value))


MentionFilter = Filter  # the name the first API used


class Store(ABC):
    """The few operations ingest, merge and query need, so another database can stand behind them."""

    @abstractmethod
    def known_ids(self, ids: Sequence[str]) -> set[str]:
        """Those of `ids` whose articles are already stored."""

    @abstractmethod
    def start_run(self, version: str, config: dict[str, Any]) -> str:
        """Record a new run; runs left 'running' by a killed process are marked 'interrupted'."""

    @abstractmethod
    def write_batch(self, run_id: str, coded: Sequence[tuple[Article, list[EventMention]]],
                    rejects: Sequence[ReadError]) -> None:
        """Store articles with their mentions, entities and places, and rejects, in one transaction."""

    @abstractmethod
    def finish_run(self, run_id: str, counts: dict[str, int], status: str) -> None: ...

    @abstractmethod
    def merge(self, config: Any = None) -> int:
        """Merge the mentions of articles not merged yet into events; returns the articles merged."""

    @abstractmethod
    def query(self, where: Filter | None = None, /, **filters: Any) -> list[dict[str, Any]]:
        """Mentions as dicts (JSON columns decoded), ordered by date, article and sentence."""

    @abstractmethod
    def events(self, where: Filter | None = None, /, **filters: Any) -> list[dict[str, Any]]:
        """Merged events as dicts, ordered by date and id; the filter applies to their representative."""

    @abstractmethod
    def table(self, name: str) -> list[dict[str, Any]]:
        """Every row of one schema table."""

    @abstractmethod
    def export(self, out: Path | str, fmt: str, where: Filter | None = None, *, level: str | None = None) -> int:
        """Write mentions or events to a file in one of EXPORT_FORMATS; returns the rows written."""

    @abstractmethod
    def close(self) -> None: ...

    def query_df(self, where: Filter | None = None, /, **filters: Any):
        """`query` as a pandas DataFrame (needs pandas)."""
        return _frame(self.query(where, **filters))

    def events_df(self, where: Filter | None = None, /, **filters: Any):
        """`events` as a pandas DataFrame (needs pandas)."""
        return _frame(self.events(where, **filters))

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _frame(rows: list[dict[str, Any]]):
    try:
        import pandas as pd
    except ImportError:
        raise ImportError("query_df needs pandas: pip install pandas") from None
    return pd.DataFrame(rows)

"""Write speed of the stores: `write_batch` into DuckDB and into PostgreSQL, on the same batches.

The batches are real records (Article, EventMention with actors, recipients and places, as the coder
makes them), `--batch-size` articles per transaction as `eventwire ingest` writes them. A third path,
`rows_only`, runs the same `write_batch` with a store that writes nothing: the Python share (rows and
Arrow tables), so the database's own share can be read off. Each path is timed `--repeat` times on a
fresh store (best run kept). Results, with the ratios, go to benchmarks/results/store_write.json.

PostgreSQL is the server at `--pg URL` (each run creates and drops a database there), or else a
throwaway local cluster (tests/postgres_server.py, so pytest must be installed; Debian's postgresql,
see scripts/test-services.sh) with the server's default, durable settings (fsync on), on the same
machine as the client.

    python benchmarks/store_write.py [--articles N] [--mentions M] [--batch-size B] [--repeat R] [--pg URL]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import platform
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from eventwire.records import Article, Entity, EventMention, Place, ReadError, ResolvedDate, Span
from eventwire.store import DuckDBStore, SQLStore
from eventwire.store.postgres import PostgresStore
from eventwire.store.schema import DUCKDB

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from postgres_server import fresh_database, throwaway_server  # noqa: E402  (the tests' throwaway server)

ACTORS = [Entity("Hamas", "Hamas", "group", "PSE", "REB", "PSEREB"),
          Entity("Israel", "Israel", "state", "ISR", "GOV", "ISRGOV", wikidata="Q801"),
          Entity("Cairo", "Egypt", "state", "EGY", "GOV", "EGYGOV", wikidata="Q79"),
          Entity("police", "Kenya", "state", "KEN", "COP", "KENCOP"),
          Entity("protesters", "protesters", "group", None, "CVL", "CVL"),
          Entity("Erdogan", "Recep Tayyip Erdogan", "person", "TUR", "GOV", "TURGOV", wikidata="Q39259")]
PLACES = [Place("Gaza", "Gaza", 281133, 31.5, 34.47, "PSE"), Place("Nairobi", "Nairobi", 184745, -1.28, 36.82, "KEN"),
          Place("Ankara", "Ankara", 323786, 39.92, 32.85, "TUR"), None]
EVENTS = ["THREATEN", "CONSULT", "ACCUSE", "PROTEST", "COERCE", "ASSAULT", "AID"]


def synthetic(n_articles: int, per_article: int) -> list[tuple[Article, list[EventMention]]]:
    """Articles with `per_article` mentions each, varied enough that keys and entities repeat as in news."""
    out = []
    start = date(2024, 1, 1)
    for i in range(n_articles):
        day = start + timedelta(days=i % 365)
        aid = f"bench-{i:06d}"
        text = f"Report {i} written for this benchmark. " * 20
        art = Article(aid, text, day, "header", url=f"https://wire.example/{aid}", outlet=f"Outlet {i % 17}",
                      title=f"Report {i}")
        mentions = []
        for j in range(per_article):
            k = i * per_article + j
            mentions.append(EventMention(
                article_id=aid, sentence_index=j, event=EVENTS[k % len(EVENTS)], mode=None,
                trigger=Span(40 * j, 40 * j + 8, "verbword"), sentence=Span(40 * j, 40 * j + 39, "A sentence."),
                actor=[ACTORS[k % len(ACTORS)]], recipient=[ACTORS[(k + 1) % len(ACTORS)]],
                quad_code=1 + k % 4, cameo="040", goldstein=float(k % 10) - 5.0,
                date=ResolvedDate(day - timedelta(days=j % 3), "day"), place=PLACES[k % len(PLACES)],
                confidence=0.5 + (k % 5) / 10))
        out.append((art, mentions))
    return out


class _NoWrites(SQLStore):
    """write_batch's Python work (rows, Arrow tables) with nothing written."""

    dialect = DUCKDB

    def start_run(self, version, config) -> str:
        return "no-run"

    def _transaction(self):
        return contextlib.nullcontext()

    def _insert(self, table, rows, *, ignore_conflicts=False) -> None:
        pass

    def close(self) -> None:
        pass


@contextlib.contextmanager
def _postgres(url: str | None) -> Iterator[str]:
    """A server URL: the given one, or a throwaway durable local cluster."""
    if url:
        yield url
        return
    with throwaway_server(durable=True) as server:
        yield server


def _time_writes(store: SQLStore, batches: list, rejects: list[ReadError]) -> float:
    run = store.start_run("bench", {})
    t = time.perf_counter()
    for i, batch in enumerate(batches):
        store.write_batch(run, batch, rejects if i % 10 == 0 else [])
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=4000)
    ap.add_argument("--mentions", type=int, default=4, help="event mentions per article")
    ap.add_argument("--batch-size", type=int, default=64, help="articles per write_batch (ingest's default)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pg", help="a PostgreSQL server URL where databases may be created (default: a throwaway one)")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "store_write.json")
    args = ap.parse_args()

    coded = synthetic(args.articles, args.mentions)
    batches = [coded[i:i + args.batch_size] for i in range(0, len(coded), args.batch_size)]
    rejects = [ReadError("feed.jsonl:7", "read", "invalid JSON")]  # the same reject, again and again
    best = {"rows_only": float("inf"), "duckdb": float("inf"), "postgres": float("inf")}
    with _postgres(args.pg) as server, tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):  # the paths alternate, so a slow moment of the machine hits each
            best["rows_only"] = min(best["rows_only"], _time_writes(_NoWrites(), batches, rejects))
            with DuckDBStore(Path(tmp) / f"bench{r}.duckdb") as s:
                best["duckdb"] = min(best["duckdb"], _time_writes(s, batches, rejects))
            with fresh_database(server, "bench_") as url, PostgresStore(url) as s:
                best["postgres"] = min(best["postgres"], _time_writes(s, batches, rejects))
                assert len(s.table("articles")) == args.articles  # everything landed

    n_mentions = args.articles * args.mentions
    result = {
        "articles": args.articles, "mentions": n_mentions, "batch_size": args.batch_size, "repeat": args.repeat,
        **{f"{path}_s": round(s, 3) for path, s in best.items()},
        **{f"{path}_mentions_per_s": round(n_mentions / s) for path, s in best.items()},
        **{f"{path}_articles_per_s": round(args.articles / s) for path, s in best.items()},
        "ratio_postgres_to_duckdb": round(best["duckdb"] / best["postgres"], 3),  # speed: < 1 = PostgreSQL slower
        "database_share_duckdb": round(1 - best["rows_only"] / best["duckdb"], 3),
        "database_share_postgres": round(1 - best["rows_only"] / best["postgres"], 3),
        "postgres_server": args.pg and "given by --pg" or "throwaway local cluster, default durable settings",
        "python": platform.python_version(), "machine": platform.machine(),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

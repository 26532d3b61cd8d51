"""Articles per second of `eventwire ingest` into DuckDB (and PostgreSQL) against coding alone, in one run.

All paths code the same articles with the same loaded Pipeline; the ingest paths add the id look-ups,
the Arrow batches and transactions of `store.ingest` and the merge into events (`store.merge`) on a
fresh store. Issue 5 wants the store to cost < 10% of the time (ratio >= 0.9). Results go to
benchmarks/results/ingest.json.

    python benchmarks/ingest.py [--articles N] [--repeat R] [--batch-size B] [--postgres URL]

`--postgres` takes the URL of a server database the benchmark may fill (tables are dropped first).
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from throughput import reuters_articles

from eventwire.config import Config
from eventwire.pipeline import filter_events
from eventwire.store import DuckDBStore, ingest

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=2, help="alternate the two paths this many times; best of each")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "ingest.json")
    ap.add_argument("--postgres", help="also ingest into this PostgreSQL database (its tables are dropped first)")
    args = ap.parse_args()

    from eventwire.pipeline import Pipeline

    config = Config(batch_size=args.batch_size)
    pipe = Pipeline(config)
    source = reuters_articles(args.articles)

    def fresh():  # coding mutates an article's date (datelines): each pass gets its own copies
        return [replace(a) for a in source]

    code_best = ingest_best = pg_best = float("inf")
    stored = mentions = events = 0

    def timed_ingest(store) -> float:
        nonlocal stored, mentions, events
        t = time.perf_counter()
        with store:
            run = store.start_run("bench", {})
            counts = ingest(store, fresh(), pipe.code_articles, run_id=run,
                            keep=lambda ev: filter_events(ev, config), batch_size=args.batch_size)
            store.finish_run(run, counts.as_dict(), "finished")
            store.merge()
            stored, mentions, events = counts.coded, counts.mentions, len(store.table("events"))
        return time.perf_counter() - t

    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            articles = fresh()
            t = time.perf_counter()
            for coded in pipe.code_articles(articles):
                if not hasattr(coded, "events"):
                    continue
                filter_events(coded.events, config)
            code_best = min(code_best, time.perf_counter() - t)

            ingest_best = min(ingest_best, timed_ingest(DuckDBStore(Path(tmp) / f"bench{r}.duckdb")))
            if args.postgres:
                pg_best = min(pg_best, timed_ingest(_empty_postgres(args.postgres)))

    n = len(source)
    result = {
        "articles": n,
        "stored": stored,
        "mentions": mentions,
        "events": events,
        "batch_size": args.batch_size,
        "code_articles_per_s": round(n / code_best, 1),
        "ingest_duckdb_articles_per_s": round(n / ingest_best, 1),
        "ratio": round(code_best / ingest_best, 3),
        "store_share_of_time": round(1 - code_best / ingest_best, 3),
        **({"ingest_postgres_articles_per_s": round(n / pg_best, 1), "ratio_postgres": round(code_best / pg_best, 3)}
           if args.postgres else {}),
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


def _empty_postgres(url: str):
    import psycopg

    from eventwire.store import TABLES, open_store

    with psycopg.connect(url, autocommit=True) as con:
        for table in TABLES:
            con.execute(f"DROP TABLE IF EXISTS {table} CASCADE")
    return open_store(url)


if __name__ == "__main__":
    main()

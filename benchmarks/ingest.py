"""Articles per second of `eventwire ingest` into DuckDB against coding alone, in the same run.

Both paths code the same articles with the same loaded Pipeline; the ingest path adds the id
look-ups, the Arrow batches and the transactions of `store.ingest` into a fresh DuckDB file. Issue 5
wants the store to cost < 10% of the time (ratio >= 0.9). Results go to benchmarks/results/ingest.json.

    python benchmarks/ingest.py [--articles N] [--repeat R] [--batch-size B]
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
    args = ap.parse_args()

    from eventwire.pipeline import Pipeline

    config = Config(batch_size=args.batch_size)
    pipe = Pipeline(config)
    source = reuters_articles(args.articles)

    def fresh():  # coding mutates an article's date (datelines): each pass gets its own copies
        return [replace(a) for a in source]

    code_best = ingest_best = float("inf")
    stored = mentions = 0
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.repeat):
            articles = fresh()
            t = time.perf_counter()
            for coded in pipe.code_articles(articles):
                if not hasattr(coded, "events"):
                    continue
                filter_events(coded.events, config)
            code_best = min(code_best, time.perf_counter() - t)

            articles = fresh()
            t = time.perf_counter()
            with DuckDBStore(Path(tmp) / f"bench{r}.duckdb") as store:
                run = store.start_run("bench", {})
                counts = ingest(store, articles, pipe.code_articles, run_id=run,
                                keep=lambda ev: filter_events(ev, config), batch_size=args.batch_size)
                store.finish_run(run, counts.as_dict(), "finished")
            ingest_best = min(ingest_best, time.perf_counter() - t)
            stored, mentions = counts.coded, counts.mentions

    n = len(source)
    result = {
        "articles": n,
        "stored": stored,
        "mentions": mentions,
        "batch_size": args.batch_size,
        "code_articles_per_s": round(n / code_best, 1),
        "ingest_duckdb_articles_per_s": round(n / ingest_best, 1),
        "ratio": round(code_best / ingest_best, 3),
        "store_share_of_time": round(1 - code_best / ingest_best, 3),
        "repeat": args.repeat,
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""How fast the store merges: articles/s of `store.merge()` on a synthetic corpus, in one merge and in
daily increments, against coding's own rate measured in the same run.

The merge runs after coding in every ingest; it must stay a small share of ingest time as the store
grows (it reads only the stored mentions a new chunk may link to, and their components). Results go to
benchmarks/results/merge.json.

    python benchmarks/merge.py [--articles N] [--per-article M] [--days D]
"""

from __future__ import annotations

import argparse
import json
import platform
import tempfile
import time
from pathlib import Path

from store_write import synthetic
from throughput import reuters_articles

from eventwire.store import DuckDBStore

HERE = Path(__file__).resolve().parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--articles", type=int, default=20_000)
    ap.add_argument("--per-article", type=int, default=4)
    ap.add_argument("--days", type=int, default=20, help="daily increments for the incremental run")
    ap.add_argument("--code-articles", type=int, default=60, help="Reuters articles coded to get coding's rate")
    ap.add_argument("--out", type=Path, default=HERE / "results" / "merge.json")
    args = ap.parse_args()

    from eventwire.config import Config
    from eventwire.pipeline import Pipeline

    corpus = synthetic(args.articles, args.per_article)  # 365 publication days, mentions within 2 days
    pipe = Pipeline(Config())
    sample = reuters_articles(args.code_articles)
    t = time.perf_counter()
    for _ in pipe.code_articles(sample):
        pass
    code_rate = len(sample) / (time.perf_counter() - t)

    with tempfile.TemporaryDirectory() as tmp:
        with DuckDBStore(Path(tmp) / "once.duckdb") as store:
            store.write_batch(store.start_run("bench", {}), corpus, [])
            t = time.perf_counter()
            store.merge()
            once = time.perf_counter() - t
            events = len(store.table("events"))
        # a daily feed: each day's articles stored, then merged into a store that already holds the past
        by_day: dict = {}
        for art, ms in corpus:
            by_day.setdefault(art.date, []).append((art, ms))
        days = sorted(by_day)[-args.days:]
        with DuckDBStore(Path(tmp) / "daily.duckdb") as store:
            run = store.start_run("bench", {})
            for day in sorted(by_day)[:-args.days]:
                store.write_batch(run, by_day[day], [])
            store.merge()
            increments, n_inc = 0.0, 0
            for day in days:
                store.write_batch(run, by_day[day], [])
                t = time.perf_counter()
                n_inc += store.merge()
                increments += time.perf_counter() - t

    result = {
        "articles": args.articles, "mentions": args.articles * args.per_article, "events": events,
        "merge_once_articles_per_s": round(args.articles / once, 1),
        "merge_daily_articles_per_s": round(n_inc / increments, 1),
        "daily_increments": args.days, "articles_per_day": round(n_inc / args.days, 1),
        "coding_articles_per_s": round(code_rate, 1),
        "merge_share_of_ingest_once": round(code_rate / (args.articles / once), 4),
        "merge_share_of_ingest_daily": round(code_rate / (n_inc / increments), 4),
        "python": platform.python_version(), "machine": platform.machine(),
    }
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

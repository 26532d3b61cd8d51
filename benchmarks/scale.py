"""One corpus, three ways of ingesting it into a fresh DuckDB store: a single process, spaCy with two
processes (`--workers 2`, through `store.ingest` as the CLI runs it), and Ray with two workers
(`eventwire.scale.ingest_on_ray`, a local Ray started for the run). Articles/s, words/s, peak memory
per worker process and start-up cost for each, with ratios against the single process, and a check
that the three stores hold the same mentions and events. Results go to benchmarks/results/scale.json.

Each mode runs in its own Python process, so peak memory is that mode's alone.

    python benchmarks/scale.py [--articles 1500] [--keep DIR]

The corpus is Reuters-21578 bodies read at run time from ../shared/data (benchmarks/throughput.py).
1,500 articles, not more: on the 2-vCPU development VM, shared with other jobs, 3,000 took over ten
minutes for the three modes. Small corpora favour the in-process modes: Ray's start-up (ray.init,
actor processes, one pipeline load per actor) is a fixed cost of several seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
MODES = ("single", "workers2", "ray2")


def _peak_rss_self() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def run_mode(mode: str, n: int, db: Path) -> dict:
    """Ingest the corpus one way; what it cost, measured inside this process (and its workers)."""
    from throughput import reuters_articles

    from eventwire.config import Config
    from eventwire.pipeline import Pipeline, filter_events
    from eventwire.store import ingest, open_store

    articles = reuters_articles(n)
    words = sum(len(a.text.split()) for a in articles)
    config = Config(n_process=2 if mode == "workers2" else 1)
    out: dict = {"mode": mode, "articles": len(articles), "words": words}
    with open_store(db) as store:
        run_id = store.start_run("bench", {})
        t0 = time.perf_counter()
        if mode == "ray2":
            from eventwire.scale import ingest_on_ray

            run = ingest_on_ray(store, articles, config, run_id=run_id, workers=2, batch_size=64)
            counts = run.counts
            out["startup_s"] = round(run.startup_s, 2)  # ray.init
            out["worker_load_s"] = [round(w.load_s, 2) for w in run.workers]  # pipeline, in each actor
            out["worker_peak_rss_mb"] = [round(w.peak_rss / 2**20) for w in run.workers]
            out["worker_articles"] = [w.articles for w in run.workers]
            out["worker_code_cpu_s"] = [round(w.cpu_s, 2) for w in run.workers]
            out["driver_peak_rss_mb"] = round(_peak_rss_self() / 2**20)
        else:
            pipeline = Pipeline(config)
            out["startup_s"] = round(time.perf_counter() - t0, 2)  # loading the pipeline
            counts = ingest(store, articles, pipeline.code_articles, run_id=run_id,
                            keep=lambda events: filter_events(events, config), batch_size=64)
            out["driver_peak_rss_mb"] = round(_peak_rss_self() / 2**20)
            if mode == "workers2":  # spaCy's parser processes (largest of them)
                child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
                out["worker_peak_rss_mb"] = [out["driver_peak_rss_mb"], round(child / 2**20)]
            else:
                out["worker_peak_rss_mb"] = [out["driver_peak_rss_mb"]]
        ingest_s = time.perf_counter() - t0
        usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
        # CPU seconds of this process and its spaCy children (Ray workers report theirs above)
        out["process_cpu_s"] = round(sum(u.ru_utime + u.ru_stime for u in usage), 2)
        t1 = time.perf_counter()
        try:
            store.merge()
        except Exception as exc:  # merging is the same code in every mode; report, do not lose the run
            out["merge_error"] = f"{type(exc).__name__}: {exc}"[:300]
        merge_s = time.perf_counter() - t1
    out.update(counts=counts.as_dict(), ingest_s=round(ingest_s, 2), merge_s=round(merge_s, 2),
               articles_per_s=round(len(articles) / ingest_s, 2), words_per_s=round(words / ingest_s, 1),
               articles_per_s_total=round(len(articles) / (ingest_s + merge_s), 2))
    return out


def _store_digest(db: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        q = {"mentions": "SELECT * FROM mentions ORDER BY id", "events": "SELECT * EXCLUDE (added) FROM events ORDER BY id",
             "articles": "SELECT * EXCLUDE (run_id) FROM articles ORDER BY id"}
        return {k: hash(tuple(map(repr, con.execute(sql).fetchall()))) for k, sql in q.items()} | {
            "n_mentions": con.execute("SELECT count(*) FROM mentions").fetchone()[0],
            "n_events": con.execute("SELECT count(*) FROM events").fetchone()[0]}
    finally:
        con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=1500)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "scale.json")
    ap.add_argument("--mode", choices=MODES, help=argparse.SUPPRESS)  # one mode, in a child process
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--keep", type=Path, help="keep the three stores in this folder")
    args = ap.parse_args()
    if args.mode:
        print(json.dumps(run_mode(args.mode, args.articles, args.db)))
        return

    results: dict = {}
    with tempfile.TemporaryDirectory() as scratch:
        tmp = args.keep or scratch
        digests = {}
        for mode in MODES:
            db = Path(tmp) / f"{mode}.duckdb"
            load_before = os.getloadavg()[0]
            t = time.perf_counter()
            proc = subprocess.run([sys.executable, __file__, "--mode", mode, "--articles", str(args.articles),
                                   "--db", str(db)], capture_output=True, text=True, check=False,
                                  env={**os.environ, "RAY_AUTH_MODE": "disabled"})
            if proc.returncode != 0:
                sys.exit(f"{mode} failed:\n{proc.stderr[-4000:]}")
            results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            results[mode]["process_wall_s"] = round(time.perf_counter() - t, 2)  # interpreter, imports, all
            # other work on the machine skews every figure: the 1-minute load average around the mode
            results[mode]["load_avg_1m"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
            digests[mode] = _store_digest(db)
            print(f"{mode}: {results[mode]['articles_per_s']} articles/s", file=sys.stderr)
    single = results["single"]
    report = {
        "corpus": f"Reuters-21578 bodies (>= 60 words), first {single['articles']}",
        "articles": single["articles"], "words": single["words"],
        "modes": results,
        "ratio_vs_single": {m: round(results[m]["articles_per_s"] / single["articles_per_s"], 3) for m in MODES},
        "ratio_vs_single_incl_startup": {m: round(single["process_wall_s"] / results[m]["process_wall_s"], 3)
                                         for m in MODES},
        # per table: does every mode's store hold the single process's rows?
        "identical_to_single": {t: all(d[t] == digests["single"][t] for d in digests.values())
                                for t in ("articles", "mentions", "events")},
        "mentions": digests["single"]["n_mentions"], "events": digests["single"]["n_events"],
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                    "processor": platform.processor() or platform.machine()},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()

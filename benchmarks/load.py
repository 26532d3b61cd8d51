"""Load with a concurrent writer (issue 8): C asyncio httpx clients read the API for T seconds while
articles are POSTed to the same DuckDB store through the server's own `POST /api/articles` (DuckDB
allows one writing process: the server is it). Reports errors and p50/p95/p99 latency, then stops the
server and checks that every article the server accepted is in the store exactly once, with every one
of its mentions merged into an event (nothing lost, nothing doubled).

The store is benchmarks/api.py's synthetic one (N merged events, summaries computed); the reads are its
dashboard mix. Everything runs on loopback; clients and seconds are capped (MAX_CLIENTS, MAX_SECONDS).
The clients, the writers and the server share the machine's cores, so the load generator's own CPU use
is part of what is measured.

    python benchmarks/load.py [--events N] [--clients 100] [--seconds 60] [--writers 2] [--out PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import api as apibench  # noqa: E402  (benchmarks/api.py: the synthetic store, the read mix, the stats)

MAX_CLIENTS, MAX_SECONDS, MAX_WRITERS = 200, 300, 8
TOKEN = "load-test-token"

# Sentences written for this benchmark; each posted article combines one of each with its number.
ACTORS = ["Kenyan police", "Russian forces", "The European Union", "Turkish President Recep Tayyip Erdogan",
          "Protesters", "Japan", "Egyptian Foreign Minister Sameh Shoukry", "Nigerian soldiers"]
DEEDS = ["arrested opposition activists", "shelled villages near the border", "sent food aid to refugees",
         "threatened to close the border", "met Jordanian officials", "rallied against fuel prices",
         "accused the government of fraud", "signed a trade agreement with Ghana"]
PLACES = ["Nairobi", "Kharkiv", "Khartoum", "Ankara", "Lagos", "Amman", "Cairo", "Accra"]


def article(run: str, i: int) -> dict[str, Any]:
    a, d, p = ACTORS[i % len(ACTORS)], DEEDS[(i // 3) % len(DEEDS)], PLACES[(i // 7) % len(PLACES)]
    return {"id": f"{run}-{i}", "date": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}", "outlet": "Load Wire",
            "title": f"Report {i}", "text": f"{a} {d} in {p} on Monday, officials said. This is report {i}."}


def serve(db: Path, port: int) -> subprocess.Popen:
    """`eventwire serve` on loopback with the write token."""
    return apibench.serve(db, port, token=TOKEN)


async def run_load(base: str, reqs, event_ids: list[str], clients: int, writers: int, seconds: float,
                   run: str) -> dict[str, Any]:
    """Readers loop over the mix, writers POST one article at a time, all until the same deadline."""
    import httpx

    ms: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    error_samples: list[str] = []
    accepted: list[str] = []  # ids of articles the server answered 200 with coded == 1
    next_id = iter(range(10**9))
    limits = httpx.Limits(max_connections=clients + writers, max_keepalive_connections=clients + writers)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
        cursor = (await http.get("/api/events", params=apibench._params(reqs[2][2]))).json()["next_cursor"]

        def failed(name: str, why: str) -> None:
            errors[name] += 1
            if len(error_samples) < 20:
                error_samples.append(f"{name}: {why}")

        async def read(k: int, name: str, path: str, params: dict[str, Any]) -> None:
            if name == "event_detail":
                path = path.format(id=event_ids[k % len(event_ids)])
            if name == "events_page2":
                params = {**params, "cursor": cursor}
            t = time.perf_counter()
            try:
                r = await http.get(path, params=apibench._params(params))
                if r.status_code != 200:
                    failed(name, f"{r.status_code} {r.text[:120]}")
            except httpx.HTTPError as exc:
                failed(name, repr(exc))
            ms[name].append((time.perf_counter() - t) * 1000)

        async def write() -> None:
            item = article(run, next(next_id))
            t = time.perf_counter()
            try:
                r = await http.post("/api/articles", json={"articles": [item]},
                                    headers={"Authorization": f"Bearer {TOKEN}"})
                if r.status_code == 200 and r.json()["coded"] == 1:
                    accepted.append(item["id"])
                else:
                    failed("post_article", f"{r.status_code} {r.text[:120]}")
            except httpx.HTTPError as exc:
                failed("post_article", repr(exc))
            ms["post_article"].append((time.perf_counter() - t) * 1000)

        for k, req in enumerate(reqs):  # warm-up: each read once and the coder loaded, not recorded
            await read(k, *req)
        await write()
        ms.clear()
        errors.clear()
        stop = time.perf_counter() + seconds

        async def reader(c: int) -> None:
            k = c * 7
            while time.perf_counter() < stop:
                await read(k, *reqs[k % len(reqs)])
                k += 1

        async def writer() -> None:
            while time.perf_counter() < stop:
                await write()

        started = time.perf_counter()
        await asyncio.gather(*(reader(c) for c in range(clients)), *(writer() for _ in range(writers)))
        elapsed = time.perf_counter() - started
    reads = [x for name, xs in ms.items() if name != "post_article" for x in xs]
    return {"clients": clients, "writers": writers, "seconds": round(elapsed, 1), "reads": len(reads),
            "reads_per_second": round(len(reads) / elapsed, 1), "posts": len(ms["post_article"]),
            "errors": sum(errors.values()), "errors_by_endpoint": dict(errors), "error_samples": error_samples,
            "read_latency": _stats(reads), "post_latency": _stats(ms["post_article"]),
            "endpoints": {name: _stats(ms[name]) for name, *_ in reqs}, "accepted": accepted}


def _stats(values: list[float]) -> dict[str, Any]:
    s = apibench._stats(values)
    s.pop("p95_under_target", None)
    return s


def check_store(db: Path, run: str, accepted: list[str]) -> dict[str, Any]:
    """After the server stopped: each accepted article stored exactly once, none stored that was not
    accepted, and every mention of them linked to one merged event."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        stored = Counter(r[0] for r in con.execute("SELECT id FROM articles WHERE id LIKE ?", [f"{run}-%"]).fetchall())
        mentions, unmerged, multi = con.execute(
            "SELECT count(*), count(*) FILTER (WHERE n = 0), count(*) FILTER (WHERE n > 1) FROM "
            "(SELECT m.id, count(em.event_id) AS n FROM mentions m LEFT JOIN event_mentions em "
            "ON em.mention_id = m.id WHERE m.article_id LIKE ? GROUP BY m.id)", [f"{run}-%"]).fetchone()
    finally:
        con.close()
    want = set(accepted)
    lost = sorted(want - set(stored))
    extra = sorted(set(stored) - want)
    doubled = sorted(i for i, n in stored.items() if n > 1)
    return {"accepted": len(accepted), "accepted_twice": len(accepted) - len(want), "stored": sum(stored.values()),
            "lost": lost, "stored_not_accepted": extra, "stored_twice": doubled, "mentions": mentions,
            "mentions_not_merged": unmerged, "mentions_in_two_events": multi,
            "nothing_lost": not lost and not extra and not doubled and len(want) == len(accepted) and unmerged == 0
            and multi == 0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=100_000, help="synthetic merged events in the store")
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--writers", type=int, default=2, help="concurrent POST loops (the server serialises them)")
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "load.json")
    ap.add_argument("--tmp", type=Path, default=None)
    args = ap.parse_args()
    clients = max(1, min(args.clients, MAX_CLIENTS))
    writers = max(0, min(args.writers, MAX_WRITERS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-load-", dir=args.tmp))
    run = f"load{int(time.time())}"
    result: dict[str, Any] = {"events": args.events, "seed": args.seed, "store": "duckdb"}
    proc = None
    try:
        db = tmp / "events.duckdb"
        built = apibench.build(db, args.events, args.seed)
        print(f"built {args.events:,} events in {built['seconds']} s ({built['file_mb']} MB)")
        port = apibench._free_port()
        proc = serve(db, port)
        reqs = apibench.requests_for(built["picks"], built["event_ids"])
        load = asyncio.run(run_load(f"http://127.0.0.1:{port}", reqs, built["event_ids"], clients, writers,
                                    seconds, run))
        proc.terminate()
        proc.wait(timeout=60)
        proc = None
        accepted = load.pop("accepted")
        result["load"] = load
        result["store_check"] = check_store(db, run, accepted)
        import duckdb

        result["machine"] = {"cpus": os.cpu_count(), "duckdb": duckdb.__version__,
                             "python": platform.python_version(), "platform": platform.platform()}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=60)
        shutil.rmtree(tmp, ignore_errors=True)
    load, check = result["load"], result["store_check"]
    print(f"{load['clients']} readers + {load['writers']} writers, {load['seconds']} s: {load['reads']} reads "
          f"({load['reads_per_second']}/s), {load['posts']} posts, errors {load['errors']}")
    for what in ("read_latency", "post_latency"):
        s = load[what]
        print(f"{what:<14} n={s['n']} p50 {s.get('p50_ms')} ms  p95 {s.get('p95_ms')} ms  p99 {s.get('p99_ms')} ms")
    print(f"store: {check['accepted']} accepted, {check['stored']} stored, lost {len(check['lost'])}, "
          f"doubled {len(check['stored_twice'])}, unmerged mentions {check['mentions_not_merged']}: "
          f"{'nothing lost' if check['nothing_lost'] else 'PROBLEM'}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()

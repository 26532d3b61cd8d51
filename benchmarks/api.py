"""API latency on a synthetic store of N merged events (issue 6: p95 < 200 ms for stats and event listing).

A DuckDB file is filled by benchmarks/query.py's generator (same skewed, self-consistent events, in
date order as the merge writes them) and its summary tables are computed with the schema's own refresh
SQL. `eventwire serve` then serves it on loopback in its own process, and a bounded load generator
(httpx, asyncio) runs C concurrent clients for T seconds each phase; every client loops over the
dashboard's requests (the mix below) and each response's latency is recorded under its endpoint.
A warm-up pass runs each request once first. Non-2xx answers and transport errors are counted.

The clients and the server share the machine's cores: on a small machine the load generator's own
CPU use is part of what is measured (reported in `machine`).

    python benchmarks/api.py [--events N] [--clients 1,8] [--seconds T] [--seed S] [--out PATH]
                             [--screenshot docs/dashboard.png]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from query import fill_dimensions, fill_events, pick  # noqa: E402  (the generator of benchmarks/query.py)

from eventwire.store import DuckDBStore  # noqa: E402
from eventwire.store import schema  # noqa: E402

TARGET_MS = 200.0
MAX_CLIENTS, MAX_SECONDS = 64, 300  # the load generator's bounds, whatever is asked
TARGETED = ("events_newest", "events_filtered", "events_page2", "timeseries_month_quad", "timeseries_country_week")


def build(path: Path, n: int, seed: int) -> dict[str, Any]:
    """The synthetic store: dimensions, N events in date order, the summaries; returns what the requests use."""
    store = DuckDBStore(path)
    try:
        con = store.con
        t = time.perf_counter()
        fill_dimensions(con, seed)
        fill_events(con, n, seed, order_by_date=True)
        con.execute("DELETE FROM events_daily")
        con.execute("DELETE FROM actors_yearly")
        con.execute(schema.DAILY_REFRESH.format(days="SELECT DISTINCT date FROM events WHERE date IS NOT NULL"))
        con.execute(schema.YEARLY_REFRESH.format(
            years="SELECT DISTINCT CAST(EXTRACT(YEAR FROM date) AS INTEGER) FROM events WHERE date IS NOT NULL"))
        con.execute("CHECKPOINT")
        p = pick(con)
        ids = [r[0] for r in con.execute("SELECT id FROM events USING SAMPLE 200 ROWS").fetchall()]
        return {"seconds": round(time.perf_counter() - t, 1), "file_mb": round(path.stat().st_size / 2**20, 1),
                "picks": p, "event_ids": sorted(ids)}
    finally:
        store.close()


def requests_for(picks, event_ids: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """The dashboard's requests: (name, path, params). `events_page2` gets its cursor at run time."""
    now, y1, y2 = picks.today, picks.today - timedelta(days=365), picks.today - timedelta(days=730)
    month = now.replace(day=1)
    return [
        ("events_newest", "/api/events", {"limit": 50}),
        ("events_filtered", "/api/events", {"limit": 50, "actor": picks.actor_code, "since": y2, "until": now}),
        ("events_page2", "/api/events", {"limit": 50, "country": picks.country}),
        ("timeseries_month_quad", "/api/stats/timeseries", {"interval": "month", "by": "quad"}),
        ("timeseries_country_week", "/api/stats/timeseries",
         {"interval": "week", "by": "quad", "country": picks.country, "since": y2, "until": now}),
        ("network_year", "/api/network", {"since": y1, "until": now, "limit": 80}),
        ("places_month", "/api/places", {"since": month, "until": now}),
        ("actors_top", "/api/actors", {"limit": 50}),
        ("event_detail", "/api/events/{id}", {}),
        ("overview", "/api/stats/overview", {}),
    ]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path, port: int, token: str | None = None) -> subprocess.Popen:
    """`eventwire serve` on loopback (with a write token if given), waited for until it answers."""
    env = {**os.environ, **({"EVENTWIRE_TOKEN": token} if token else {})}
    proc = subprocess.Popen([sys.executable, "-c", "from eventwire.cli import main; main()", "serve", "--db", str(db),
                             "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    import httpx

    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/stats/overview", timeout=5)
            return proc
        except httpx.TransportError:
            if proc.poll() is not None:
                raise RuntimeError(f"eventwire serve exited: {proc.stderr.read()}")
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("eventwire serve did not start in 60 s")


async def load(base: str, reqs, event_ids: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """`clients` concurrent loops over the request mix for `seconds`; latencies per request name."""
    import httpx

    clients, seconds = max(1, min(clients, MAX_CLIENTS)), max(1.0, min(seconds, MAX_SECONDS))
    ms: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as http:
        cursor = (await http.get("/api/events", params=_params(reqs[2][2]))).json()["next_cursor"]

        async def one(k: int, name: str, path: str, params: dict[str, Any]) -> None:
            if name == "event_detail":
                path = path.format(id=event_ids[k % len(event_ids)])
            if name == "events_page2":
                params = {**params, "cursor": cursor}
            t = time.perf_counter()
            try:
                r = await http.get(path, params=_params(params))
                ok = r.status_code == 200
            except httpx.HTTPError:
                ok = False
            ms[name].append((time.perf_counter() - t) * 1000)
            if not ok:
                errors[name] += 1

        for k, req in enumerate(reqs):  # warm-up: each request once, not recorded
            await one(k, *req)
        ms.clear()
        errors.clear()
        stop = time.perf_counter() + seconds

        async def client(c: int) -> None:
            k = c * 7
            while time.perf_counter() < stop:
                await one(k, *reqs[k % len(reqs)])
                k += 1

        started = time.perf_counter()
        await asyncio.gather(*(client(c) for c in range(clients)))
        elapsed = time.perf_counter() - started
    total = sum(len(v) for v in ms.values())
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": total,
            "requests_per_second": round(total / elapsed, 1), "errors": dict(errors),
            "endpoints": {name: _stats(ms[name]) | {"targeted": name in TARGETED} for name, *_ in reqs}}


def _params(params: dict[str, Any]) -> dict[str, str]:
    return {k: str(v) for k, v in params.items()}


def _pct(xs: list[float], q: float) -> float:
    return xs[min(len(xs) - 1, max(0, math.ceil(q * len(xs)) - 1))]


def _stats(values: list[float]) -> dict[str, Any]:
    xs = sorted(values)
    if not xs:
        return {"n": 0}
    return {"n": len(xs), "p50_ms": round(statistics.median(xs), 1), "p95_ms": round(_pct(xs, 0.95), 1),
            "p99_ms": round(_pct(xs, 0.99), 1), "max_ms": round(xs[-1], 1),
            "p95_under_target": _pct(xs, 0.95) < TARGET_MS}


def screenshot(base: str, out: Path) -> None:
    """The dashboard over this store, as docs/ shows it (Debian's chromium driven by Playwright)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium",
                              args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        page = b.new_page(viewport={"width": 1400, "height": 1250})
        page.goto(base + "/?interval=month")
        page.wait_for_selector("#events tbody tr", timeout=60_000)
        page.wait_for_selector("#map circle.place", timeout=60_000)
        page.wait_for_selector("#network .node", timeout=60_000)
        page.wait_for_timeout(500)
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))  # the first screenful: the views and the table's first rows
        b.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--clients", default="1,8", help="comma-separated: one timed phase per number of clients")
    ap.add_argument("--seconds", type=float, default=20.0, help="length of each phase")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "api.json")
    ap.add_argument("--tmp", type=Path, default=None)
    ap.add_argument("--screenshot", type=Path, default=None, help="also save the dashboard over this store here")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="eventwire-apibench-", dir=args.tmp))
    result: dict[str, Any] = {"events": args.events, "seed": args.seed, "target_ms": TARGET_MS,
                              "targeted": list(TARGETED)}
    proc = None
    try:
        db = tmp / "events.duckdb"
        built = build(db, args.events, args.seed)
        print(f"built {args.events:,} events in {built['seconds']} s ({built['file_mb']} MB)")
        result["generation"] = {"seconds": built["seconds"], "file_mb": built["file_mb"]}
        result["picks"] = {k: str(v) for k, v in asdict(built["picks"]).items()}
        port = _free_port()
        proc = serve(db, port)
        base = f"http://127.0.0.1:{port}"
        reqs = requests_for(built["picks"], built["event_ids"])
        result["requests"] = {name: {"path": path, "params": _params(params)} for name, path, params in reqs}
        phases = []
        for c in (int(x) for x in args.clients.split(",")):
            phase = asyncio.run(load(base, reqs, built["event_ids"], c, args.seconds))
            phases.append(phase)
            print(f"\n{phase['clients']} client(s), {phase['seconds']} s: {phase['requests']} requests "
                  f"({phase['requests_per_second']}/s), errors {phase['errors'] or 'none'}")
            print(f"{'endpoint':<26}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
            for name, s in phase["endpoints"].items():
                if s["n"]:
                    flag = "" if s["p95_under_target"] or not s["targeted"] else "  [p95 > target]"
                    print(f"{name:<26}{s['n']:>6}{s['p50_ms']:>9}{s['p95_ms']:>9}{s['p99_ms']:>9}{s['max_ms']:>9}{flag}")
        result["phases"] = phases
        if args.screenshot:
            screenshot(base, args.screenshot)
            print(f"dashboard -> {args.screenshot}")
        import duckdb

        load_avg = os.getloadavg() if hasattr(os, "getloadavg") else None
        result["machine"] = {"cpus": os.cpu_count(), "duckdb": duckdb.__version__,
                             "python": platform.python_version(), "platform": platform.platform(),
                             "load_average_at_end": [round(x, 2) for x in load_avg] if load_avg else None}
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(tmp, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=str) + "\n")


if __name__ == "__main__":
    main()

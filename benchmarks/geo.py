"""Gazetteer load time in a fresh interpreter (imports included): building the index (empty cache
folder) and loading it from the pickle that build wrote; best of --repeat. Target: load <= 1 s.
Also the load time of an index merged with a GeoNames dump when --dump FILE is given.

Results go to benchmarks/results/geo.json.

    python benchmarks/geo.py [--repeat R] [--dump allCountries.txt]
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LOAD = "from eventwire.geo import load_gazetteer; import sys; g = load_gazetteer(sys.argv[1]); print(len(g), g.n_keys)"


def _timed(args: list[str]) -> tuple[float, str]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, *args], check=True, capture_output=True, text=True).stdout
    return time.perf_counter() - start, out.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--dump", type=Path, help="also import this GeoNames dump and time the merged load")
    opts = ap.parse_args()
    result: dict = {"python": platform.python_version(), "machine": platform.machine()}
    with tempfile.TemporaryDirectory() as folder:
        build, sizes = _timed(["-c", LOAD, folder])
        loads = [_timed(["-c", LOAD, folder])[0] for _ in range(opts.repeat)]
        records, keys = (int(x) for x in sizes.split())
        result.update(records=records, names=keys, build_s=round(build, 2), load_s=round(min(loads), 3),
                      cache_mb=round((Path(folder) / "gazetteer.pkl").stat().st_size / 1e6, 1))
        if opts.dump:
            start = time.perf_counter()
            subprocess.run(["eventwire", "geo", "import", str(opts.dump), "--cache-dir", folder, "--json"],
                           capture_output=True, text=True)
            result["import_s"] = round(time.perf_counter() - start, 1)
            result["merged_load_s"] = round(min(_timed(["-c", LOAD, folder])[0] for _ in range(opts.repeat)), 3)
    print(json.dumps(result, indent=2))
    out = Path(__file__).parent / "results" / "geo.json"
    out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

"""Scorers for third-party gold in ../shared/data; each returns a plain dict of figures."""

from __future__ import annotations

import os
from pathlib import Path


def find_data_dir(explicit: Path | None = None) -> Path:
    """The shared gold folder: --data-dir, $EVENTWIRE_DATA, or a `shared/data` beside a parent folder."""
    if explicit is not None:
        return explicit
    env = os.environ.get("EVENTWIRE_DATA")
    if env:
        return Path(env)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / "shared" / "data"
        if candidate.is_dir():
            return candidate
        candidate = folder.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no gold data folder found: pass --data-dir or set EVENTWIRE_DATA")

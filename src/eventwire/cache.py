"""Pickled caches of derived indexes (gazetteer, knowledge base), keyed by what they were built from.

Building these from YAML and package data takes seconds; loading a pickle takes a fraction of one.
Each file starts with its key; a different key (new data, new build code) means rebuild. Files are
written atomically so parallel workers never read half a file, and a cache that cannot be read or
written only costs time.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


def default_cache_dir() -> Path:
    env = os.environ.get("EVENTWIRE_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "eventwire"


def read_cached(path: Path, key: str, kind: type[T]) -> T | None:
    """The object stored under `key`, or None when missing, stale, unreadable or of another type.
    Only files this library wrote in the user's own cache folder are read."""
    try:
        with path.open("rb") as f:
            if pickle.load(f) != key:
                log.info("cache %s is stale; rebuilding", path)
                return None
            obj = pickle.load(f)
    except FileNotFoundError:
        return None
    except Exception as exc:  # a truncated or foreign file can fail in many ways
        log.warning("cache %s is unreadable (%s); rebuilding", path, exc)
        return None
    return obj if isinstance(obj, kind) else None


def write_cached(path: Path, key: str, obj: object) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump(key, f, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.chmod(tmp, 0o644)  # mkstemp's 0600 would hide a shared cache from other users
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        log.warning("cannot write cache %s (%s); continuing without it", path, exc)

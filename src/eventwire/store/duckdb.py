"""The embedded default: one DuckDB file, no server.

DuckDB lets one process write a file at a time, which is what makes 'a run still marked running
belongs to a dead process' true when a new run starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from .schema import DUCKDB
from .sql import SQLStore, migrate


class DuckDBStore(SQLStore):
    dialect = DUCKDB

    def __init__(self, path: Path | str):
        import duckdb

        self.path = Path(path)
        self.con = duckdb.connect(str(self.path))
        migrate(self)

    def _execute(self, sql: str, params: Sequence[Any] = ()):
        return self.con.execute(sql, list(params))

    def _transaction(self):
        return _Transaction(self.con)

    def _insert(self, table: str, rows, *, ignore_conflicts: bool = False) -> None:
        # a registered Arrow table is read in place: one INSERT per table per batch
        self.con.register("_batch", rows)
        try:
            conflict = " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
            self.con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _batch{conflict}")
        finally:
            self.con.unregister("_batch")

    def _any(self, column: str) -> str:
        return f"{column} IN (SELECT unnest(?::VARCHAR[]))"

    def close(self) -> None:
        self.con.close()


class _Transaction:
    def __init__(self, con):
        self.con = con

    def __enter__(self):
        self.con.execute("BEGIN TRANSACTION")
        return self.con

    def __exit__(self, exc_type, *_):
        self.con.execute("ROLLBACK" if exc_type else "COMMIT")

"""PostgreSQL for teams: the same schema and rows as DuckDB, on a server several processes share.

The shared logic is `SQLStore`'s; this module supplies its primitives with psycopg 3 over one
connection. Every write is in an explicit transaction (`_transaction`, psycopg's
`connection.transaction()`): the connection runs in driver autocommit mode so that a read outside
those blocks is its own statement, never an implicit transaction left open ("idle in transaction",
holding a snapshot) that would also swallow the next `transaction()` as a mere savepoint. A batch of
articles with their mentions therefore lands whole or not at all, as in DuckDB.

Three things differ from DuckDB because several processes may write one database at once:

- **Migrations** run in ONE transaction holding `pg_advisory_xact_lock`: two processes opening a fresh
  database together queue on the lock; the second then reads the version the first committed and
  has nothing left to do. (The shared `migrate` steps run as savepoints inside it.)
- **Runs left 'running'.** DuckDB lets one process write a file, so any run still 'running' when a
  new one starts belongs to a dead process. Here it may belong to a live ingest in another process.
  So each run holds a session-level advisory lock keyed by its id for as long as its process (its
  connection) lives; `start_run` marks 'interrupted' only the running runs whose lock it can take,
  i.e. whose process is gone (the server releases a session's locks when its connection drops, and
  a SIGKILLed client's connection drops at once). A lock rather than a heartbeat: no timer thread,
  no clock to trust, no threshold to tune. A run of this same store is abandoned by starting
  another, as in DuckDB. (The server frees a session's locks a moment after its connection ends: a run
  started within that moment, or while a cut-off client's session lingers until TCP keepalive ends
  it, leaves the dead run 'running' for the next `start_run` to mark.)
- **Merges** take a database-wide advisory lock, so two processes never rewrite one event at once.

Text order and case: rows come back in the same order as from DuckDB (code point order of text)
and filters fold case beyond ASCII when the database's locale is C.UTF-8, e.g.
`CREATE DATABASE events TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'`. Under another
collation (en_US.UTF-8, ICU) ties in `ORDER BY` of text keys come out in that collation's order; under
plain C, `lower()` folds ASCII letters only, so `--actor россия` would not find "Россия".

Bulk writes use COPY (faster than executemany's INSERTs, and no SQL text per row); `ON CONFLICT DO
NOTHING` cannot be said to COPY, so conflict-ignoring inserts COPY into a temporary table and `INSERT ... SELECT`
from it. JSON columns are `jsonb`: psycopg returns them decoded, as `rows_of` expects.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Sequence
from typing import Any

from . import schema
from .schema import POSTGRES
from .sql import SQLStore, migrate


def _psycopg():
    try:
        import psycopg
    except ImportError:
        raise ImportError("PostgreSQL stores need psycopg: pip install 'eventwire[postgres]'") from None
    return psycopg


def lock_key(name: str) -> int:
    """A 64-bit advisory lock key for one of eventwire's names (advisory locks are per database, and
    64 bits make a clash with another run, or another application's keys, vanishingly unlikely)."""
    return int.from_bytes(hashlib.sha1(f"eventwire:{name}".encode()).digest()[:8], "big", signed=True)


def redact_url(url: str) -> str:
    """The URL without its password, for messages and run records."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = f"{parts.username or ''}:***@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def placeholders(sql: str) -> str:
    """Shared SQL's `?` placeholders as psycopg's `%s` (a literal `%` doubled first). Shared SQL has no
    `?` inside string literals and does not use PostgreSQL's jsonb `?` operators."""
    return sql.replace("%", "%%").replace("?", "%s")


class PostgresStore(SQLStore):
    """A PostgreSQL database given by a libpq URL (`postgresql://user@host:port/db`)."""

    dialect = POSTGRES

    def __init__(self, url: str):
        psycopg = _psycopg()
        self.url = url
        try:
            self.con = psycopg.connect(url, autocommit=True, application_name="eventwire")
        except psycopg.OperationalError as exc:  # no server, refused, bad password, no such database
            raise ConnectionError(f"cannot open PostgreSQL store {redact_url(url)}: {exc}") from exc
        self._runs: set[str] = set()  # runs this store started and holds the lock of
        try:
            with self.con.transaction():
                self._execute("SELECT pg_advisory_xact_lock(?)", [lock_key("migrate")])
                migrate(self)
        except BaseException:
            self.con.close()
            raise

    # -- primitives ---------------------------------------------------------------------------------
    def _execute(self, sql: str, params: Sequence[Any] = ()):
        if not params:  # psycopg leaves a query without parameters as it is: no %% to undo
            return self.con.execute(sql)
        return self.con.execute(placeholders(sql), list(params))

    def _transaction(self):
        # nested inside another transaction() it is a savepoint (migrate inside the locked one)
        return self.con.transaction()

    def _insert(self, table: str, rows, *, ignore_conflicts: bool = False) -> None:
        """COPY an Arrow table in; conflicting rows skipped through a temporary table when asked.
        `table` and the column names are the schema's own (never user input)."""
        names = ", ".join(rows.column_names)
        target = table
        if ignore_conflicts:
            target = f"_ew_batch_{table}"
            # one per session and table, emptied at each commit (a rollback takes back its rows, or the
            # table itself when it was made in the rolled-back transaction: IF NOT EXISTS remakes it);
            # LIKE keeps types and NOT NULLs, no keys
            self.con.execute(f"CREATE TEMP TABLE IF NOT EXISTS {target} (LIKE {table}) ON COMMIT DELETE ROWS")
        with self.con.cursor() as cur:
            with cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in zip(*(column.to_pylist() for column in rows.columns)):
                    copy.write_row(row)
            if ignore_conflicts:
                cur.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} ON CONFLICT DO NOTHING")

    def _any(self, column: str) -> str:
        return f"{column} = ANY(?)"  # a Python list binds as a text[]

    def close(self) -> None:
        self.con.close()  # also releases the locks of this store's runs
        self._runs.clear()

    def merge(self, config: Any = None) -> int:
        """The shared merge, one process at a time: two merges rewriting the events of one component
        at once would collide on its keys (DuckDB has one writer anyway). The lock is the session's,
        so a killed merger's is freed with its connection."""
        self._execute("SELECT pg_advisory_lock(?)", [lock_key("merge")])
        try:
            return super().merge(config)
        finally:
            self._execute("SELECT pg_advisory_unlock(?)", [lock_key("merge")])

    # -- runs: an advisory lock per live run --------------------------------------------------------
    def start_run(self, version: str, config: dict[str, Any]) -> str:
        run_id = uuid.uuid4().hex
        # ours first, and kept until this run finishes or the connection ends
        self._execute("SELECT pg_advisory_lock(?)", [lock_key(f"run:{run_id}")])
        try:
            with self._transaction():
                running = [r[0] for r in self._execute("SELECT id FROM runs WHERE status = 'running'").fetchall()]
                dead = [r for r in running if self._abandoned(r)]
                if dead:
                    self._execute(f"UPDATE runs SET status = 'interrupted' WHERE status = 'running' AND "
                                  f"{self._any('id')}", [dead])
                self._execute("INSERT INTO runs (id, version, config, started, status) VALUES (?, ?, ?, ?, 'running')",
                              [run_id, version, json.dumps(config, default=str, sort_keys=True),
                               schema.now()])
        except BaseException:
            self._unlock(run_id)
            raise
        self._runs.add(run_id)
        return run_id

    def finish_run(self, run_id: str, counts: dict[str, int], status: str) -> None:
        super().finish_run(run_id, counts, status)
        if run_id in self._runs:
            self._runs.discard(run_id)
            self._unlock(run_id)

    def _abandoned(self, run_id: str) -> bool:
        """Whether no live process owns this 'running' run: ours (a new run abandons it, as in
        DuckDB), or one whose lock is free because its connection is gone."""
        if run_id in self._runs:
            self._runs.discard(run_id)
            self._unlock(run_id)
            return True
        took = self._execute("SELECT pg_try_advisory_lock(?)", [lock_key(f"run:{run_id}")]).fetchone()[0]
        if took:
            self._unlock(run_id)
        return bool(took)

    def _unlock(self, run_id: str) -> None:
        self._execute("SELECT pg_advisory_unlock(?)", [lock_key(f"run:{run_id}")])


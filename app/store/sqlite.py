"""The embedded engine: one SQLite file in WAL mode, a busy timeout, BEGIN IMMEDIATE for the single writer."""
from __future__ import annotations

import shutil
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from .base import Busy, Store, StoreError

BUSY_TIMEOUT_MS = 30000


class SqliteStore(Store):
    """A connection to the SQLite file at `target`."""

    dialect = "sqlite"

    def execute(self, sql: str, params=()):
        """Run one statement with `?` placeholders; a cursor of tuples."""
        return self.conn.execute(sql, params or ())

    def executemany(self, sql: str, rows) -> None:
        """Run one statement for each row of parameters."""
        self.conn.executemany(sql, rows)

    @property
    def in_transaction(self) -> bool:
        """Is a write transaction open on this connection?"""
        return self.conn.in_transaction

    def get_version(self) -> int:
        """The schema version, kept in the file's header."""
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def set_version(self, version: int) -> None:
        """Record the schema version (inside the migration's transaction)."""
        self.conn.execute(f"PRAGMA user_version = {int(version)}")

    def migration_ddl(self, sql: str | dict) -> str:
        """Migrations are written in SQLite's DDL (or per engine)."""
        return sql["sqlite"] if isinstance(sql, dict) else sql

    def position(self, alias: str) -> str:
        """SQL for the order a table's rows were stored in (events only)."""
        return f"{alias}.rowid"

    def begin_write(self, deadline: float, student: int | None = None) -> None:
        """BEGIN IMMEDIATE, retried until the deadline while another process writes (one writer, whoever it writes for)."""
        attempt = 0
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise Busy("database stayed locked; try again")
            self.conn.execute(f"PRAGMA busy_timeout = {max(1, int(remaining * 1000))}")
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                attempt += 1
                time.sleep(min(0.02 * attempt, max(0.0, deadline - time.monotonic())))
            finally:
                self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def tables(self) -> list[str]:
        """The app's tables, by name."""
        return [row[0] for row in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]

    def columns(self, table: str) -> list[str]:
        """The table's column names, in order."""
        return [row[1] for row in self.conn.execute(f"PRAGMA table_info({table})")]

    def _read_primary_key(self, table: str) -> list[str]:
        info = sorted((row[5], row[1]) for row in self.conn.execute(f"PRAGMA table_info({table})") if row[5])
        return [name for _, name in info]

    def json_text(self, column: str, key: str) -> str:
        """SQL for a JSON text column's top-level field as text."""
        return f"json_extract({column}, '$.{key}')"

    @contextmanager
    def secure_erase(self):
        # Freed pages are zeroed, and the WAL (which still holds the old pages) is folded in and truncated after.
        self.conn.execute("PRAGMA secure_delete = ON")
        yield
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def headroom(self) -> int:
        """Bytes the file can still grow by: the smaller of free disk space and SQLite's own page limit."""
        free = shutil.disk_usage(Path(self.target).parent).free
        page_size, page_count, max_pages = (self.conn.execute(f"PRAGMA {name}").fetchone()[0]
                                            for name in ("page_size", "page_count", "max_page_count"))
        return min(free, (max_pages - page_count) * page_size)

    def identity(self) -> str:
        """Which database this is, the same for every connection to it."""
        return self.conn.execute("PRAGMA database_list").fetchone()[2]


def open_sqlite(path: str) -> SqliteStore:
    """Open (creating) the SQLite file in WAL mode with a busy timeout and foreign keys on."""
    file = Path(path)
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(file), timeout=30, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA journal_mode = WAL")
    except (OSError, sqlite3.DatabaseError) as exc:
        raise StoreError(f"cannot open the database file {file}: {exc}") from None
    # NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    return SqliteStore(conn, str(file))


def probe_version(path: str) -> int:
    """Open the file afresh (never create it) and read its schema version: a vanished file shows at once."""
    probe = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=rw", uri=True, timeout=2)
    try:
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return probe.execute("PRAGMA user_version").fetchone()[0]
    finally:
        probe.close()

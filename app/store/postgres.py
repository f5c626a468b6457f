"""The server engine: PostgreSQL through psycopg 3, autocommit outside writes, advisory locks for the single writer."""
from __future__ import annotations

import time
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import errors, pq
from psycopg.adapt import Loader

from .base import Busy, Store, StoreError, lock_key
from .sql import pg_json_text, pg_migration, pg_placeholders

# Every write takes this one transaction-level lock: exclusively for a global write (the single writer, across all
# servers), shared for one student's write, which also takes its student's lock.
WRITER_LOCK = lock_key("abhyas:writer")
# Students' locks use PostgreSQL's two-key form (namespace, student id): a key space apart from every one-key lock
# (the writer's, the jobs'), so no student can collide with them.
STUDENT_LOCKS = lock_key("abhyas:student") >> 32
CONNECT_TIMEOUT_SECONDS = 5


class _NumberLoader(Loader):
    """numeric (what sum() and avg() return) as int when whole, else float, as SQLite gives them; never Decimal."""

    def load(self, data):
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else float(text)


def _plain(params):
    # bool is an int to SQLite; PostgreSQL would refuse a boolean in an integer column.
    return [int(p) if isinstance(p, bool) else p for p in params]


class PostgresStore(Store):
    """A connection to the PostgreSQL database at `target` (a postgresql:// URL)."""

    dialect = "postgresql"

    def execute(self, sql: str, params=()):
        """Run one statement with `?` placeholders; a cursor of tuples."""
        if not params:
            return self.conn.execute(sql)
        return self.conn.execute(pg_placeholders(sql), _plain(params))

    def executemany(self, sql: str, rows) -> None:
        """Run one statement for each row of parameters."""
        with self.conn.cursor() as cursor:
            cursor.executemany(pg_placeholders(sql), [_plain(row) for row in rows])

    @property
    def in_transaction(self) -> bool:
        """Is a write transaction open on this connection?"""
        return self.conn.info.transaction_status != pq.TransactionStatus.IDLE

    @property
    def broken(self) -> bool:
        """Did the server cut this connection (a restart, a failover)?"""
        return self.conn.broken or self.conn.closed

    def get_version(self) -> int:
        """The schema version, kept in a one-row table (0 for an empty database)."""
        row = self.conn.execute("SELECT max(version) FROM schema_version").fetchone() if self._has_version_table() else None
        return (row and row[0]) or 0

    def _has_version_table(self) -> bool:
        return self.conn.execute("SELECT to_regclass('schema_version')").fetchone()[0] is not None

    def set_version(self, version: int) -> None:
        """Record the schema version (inside the migration's transaction)."""
        self.conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)")
        self.conn.execute("DELETE FROM schema_version")
        self.conn.execute("INSERT INTO schema_version (version) VALUES (%s)", [int(version)])

    def migration_ddl(self, sql: str | dict) -> str:
        """SQLite's migration DDL in PostgreSQL's types (or the migration's own PostgreSQL form)."""
        return sql["postgresql"] if isinstance(sql, dict) else pg_migration(sql)

    def position(self, alias: str) -> str:
        """SQL for the order a table's rows were stored in (events only)."""
        return f"{alias}.pos"

    def begin_write(self, deadline: float, student: int | None = None) -> None:
        """BEGIN, then the transaction-level advisory locks, waiting at most until the deadline: the writer's lock
        exclusively, or for one student's write the writer's lock shared and the student's lock exclusively."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise Busy("database stayed locked; try again")
        self.conn.execute("BEGIN")
        try:
            self.conn.execute(f"SET LOCAL lock_timeout = {max(1, int(remaining * 1000))}")
            if student is None:
                self.conn.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])
            else:
                # Shared first, always in this order: a global write waiting for the exclusive lock holds off new
                # students' writes (PostgreSQL queues a shared request behind a waiting exclusive one), never deadlocks.
                self.conn.execute("SELECT pg_advisory_xact_lock_shared(%s), pg_advisory_xact_lock(%s, %s)",
                                  [WRITER_LOCK, STUDENT_LOCKS, student_lock_id(student)])
            self.conn.execute("SET LOCAL lock_timeout = 0")
        except errors.LockNotAvailable:
            self.conn.execute("ROLLBACK")
            raise Busy("database stayed locked; try again") from None
        except BaseException:
            if self.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    def tables(self) -> list[str]:
        """The app's tables, by name."""
        return [row[0] for row in self.conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
            "AND table_type = 'BASE TABLE' ORDER BY table_name")]

    def columns(self, table: str) -> list[str]:
        """The table's column names, in order."""
        return [row[0] for row in self.conn.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = %s "
            "ORDER BY ordinal_position", [table])]

    def _read_primary_key(self, table: str) -> list[str]:
        return [row[0] for row in self.conn.execute(
            "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            "WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)", [table])]

    def json_text(self, column: str, key: str) -> str:
        """SQL for a JSON text column's top-level field as text."""
        return pg_json_text(column, key)

    def headroom(self) -> None:
        """The server's disk is not ours to measure: its operator watches it."""
        return None

    def identity(self) -> str:
        """Which database this is, the same for every connection to it."""
        return redact(self.target)


def student_lock_id(student_id: int) -> int:
    """The second key of a student's lock: the id as a signed 32-bit integer (ids past 2^31 share a lock, never a wrong
    answer, only a wait)."""
    folded = int(student_id) & 0xFFFFFFFF
    return folded - (1 << 32) if folded >= 1 << 31 else folded


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _reason(exc: Exception) -> str:
    """libpq's explanation on one line: the server's FATAL message, else why the connection failed."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()] or [type(exc).__name__]
    fatal = next((line for line in lines if "FATAL:" in line), None)
    if fatal:
        return fatal.split("FATAL:", 1)[1].strip()
    return lines[0].rsplit("failed: ", 1)[-1].strip()


def open_postgres(url: str) -> PostgresStore:
    """Connect in autocommit mode (each statement its own transaction; writes open theirs in `write()`)."""
    try:
        conn = psycopg.connect(url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
    except psycopg.Error as exc:
        raise StoreError(f"cannot connect to the database {redact(url)}: {_reason(exc)}") from None
    conn.adapters.register_loader("numeric", _NumberLoader)
    return PostgresStore(conn, url)


def probe_version(url: str) -> int:
    """Connect afresh and read the schema version: a server that went away shows at once."""
    store = open_postgres(url)
    try:
        return store.get_version()
    finally:
        store.close()

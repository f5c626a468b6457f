"""What every engine offers the app: `execute` with `?` placeholders, the write transaction, locks and table helpers."""
from __future__ import annotations

import hashlib
import sqlite3
from contextlib import contextmanager


class StoreError(Exception):
    """Bad database configuration (unreachable, refused, unknown, too new): one line for the operator, no traceback."""

    def __init__(self, message: str):
        super().__init__(message)
        self.user_message = message


class Busy(sqlite3.OperationalError):
    """The write lock stayed taken past the wait: answered 503 with Retry-After, on either engine."""


def _operational_errors() -> tuple:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency; SQLite alone still works without it
        return (sqlite3.OperationalError,)
    # A read-only transaction (a standby, a server set read-only) is PostgreSQL's read-only file system.
    return (sqlite3.OperationalError, psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction)


# Failures that mean "the database cannot serve right now" (locked, gone, restarting): a 503, not a 500.
OPERATIONAL_ERRORS = _operational_errors()


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for a lock name (PostgreSQL advisory locks take a bigint)."""
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True)


class NotFoundError(KeyError):
    """No row has that primary key."""


class Table:
    """The few row-as-dict helpers the app uses, in SQL both engines run."""

    def __init__(self, store: Store, name: str):
        self.store, self.name = store, name
        self.last_pk = None

    @property
    def pk(self) -> list[str]:
        """The table's primary-key columns."""
        return self.store.primary_key(self.name)

    def _where_pk(self, key) -> tuple[str, list]:
        values = list(key) if isinstance(key, (tuple, list)) else [key]
        return " AND ".join(f"{c} = ?" for c in self.pk), values

    def insert(self, row: dict, replace: bool = False) -> Table:
        """Insert a row (replace: over the row with the same primary key); `last_pk` is the new row's id."""
        columns = list(row)
        sql = f"INSERT INTO {self.name} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        if replace:
            sql += self._on_conflict(columns)
        returns_id = self.pk == ["id"] and "id" not in row
        cursor = self.store.execute(sql + (" RETURNING id" if returns_id else ""), [row[c] for c in columns])
        self.last_pk = cursor.fetchone()[0] if returns_id else (row.get(self.pk[0]) if len(self.pk) == 1 else None)
        return self

    def insert_all(self, rows) -> Table:
        """Insert each row."""
        for row in rows:
            self.insert(row)
        return self

    @property
    def count(self) -> int:
        """How many rows the table holds."""
        return self.store.execute(f"SELECT count(*) FROM {self.name}").fetchone()[0]  # noqa: S608

    def upsert(self, row: dict, pk: str | None = None) -> Table:
        """Insert a row, or update the given columns of the row with the same primary key."""
        return self.insert(row, replace=True)

    def _on_conflict(self, columns: list[str]) -> str:
        updates = [c for c in columns if c not in self.pk]
        if not updates:
            return f" ON CONFLICT ({', '.join(self.pk)}) DO NOTHING"
        return f" ON CONFLICT ({', '.join(self.pk)}) DO UPDATE SET " + ", ".join(f"{c} = excluded.{c}" for c in updates)

    def get(self, key) -> dict:
        """The row with this primary key; NotFoundError when there is none."""
        where, values = self._where_pk(key)
        row = next(self.rows_where(where, values), None)
        if row is None:
            raise NotFoundError(f"{self.name}: no row {key!r}")
        return row

    def update(self, key, values: dict) -> Table:
        """Set some columns of the row with this primary key."""
        where, params = self._where_pk(key)
        self.store.execute(f"UPDATE {self.name} SET {', '.join(f'{c} = ?' for c in values)} WHERE {where}",  # noqa: S608
                           [*values.values(), *params])
        return self

    def rows_where(self, where: str | None = None, params=None):
        """Each row matching `where` as a dict, in primary-key order."""
        sql = f"SELECT * FROM {self.name}" + (f" WHERE {where}" if where else "") + f" ORDER BY {', '.join(self.pk)}"
        cursor = self.store.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        for values in cursor:
            yield dict(zip(names, values))

    @property
    def rows(self):
        """Every row as a dict."""
        return self.rows_where()


class Store:
    """A connection to one database: the same calls, the same SQL, on either engine."""

    dialect = ""

    def __init__(self, conn, target: str):
        self.conn, self.target = conn, target
        self._primary_keys: dict[str, list[str]] = {}

    def __getitem__(self, table: str) -> Table:
        """The row helpers for one table: db["users"].insert(...)."""
        return Table(self, table)

    def execute(self, sql: str, params=()):
        """Run one statement with `?` placeholders; a cursor of tuples."""
        raise NotImplementedError

    def executemany(self, sql: str, rows) -> None:
        """Run one statement for each row of parameters."""
        raise NotImplementedError

    @property
    def in_transaction(self) -> bool:
        """Is a write transaction open on this connection?"""
        raise NotImplementedError

    def close(self) -> None:
        """Close the connection."""
        self.conn.close()

    @property
    def broken(self) -> bool:
        """Is the connection lost for good (the server restarted, the connection was cut)?"""
        return False

    def primary_key(self, table: str) -> list[str]:
        """The table's primary-key columns, in order."""
        if table not in self._primary_keys:
            self._primary_keys[table] = self._read_primary_key(table)
        return self._primary_keys[table]

    @contextmanager
    def secure_erase(self):
        """Deleted or blanked rows inside this block leave no readable copy behind that the engine controls."""
        yield

"""Every row of the database as plain values, on either engine: what a refused request must leave unchanged."""
from __future__ import annotations


def every_row(db, tables=None, leave_out=()) -> tuple:
    """(table, sorted rows) for each table; rows as tuples of text so any engine's values compare alike."""
    names = tables or [t for t in db.tables() if t not in leave_out]
    return tuple((table, sorted(tuple(repr(v) for v in row) for row in db.execute(f"SELECT * FROM {table}")))  # noqa: S608
                 for table in names)

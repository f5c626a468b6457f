"""`abhyas stats`: counts an operator checks after a demo or a sync run."""
from __future__ import annotations

from ..db import connect


def database_stats(db_path=None) -> dict:
    """Students, events, answers and sets in the database."""
    db = connect(db_path)
    try:
        count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "students": count("SELECT count(*) FROM students"),
            "events": count("SELECT count(*) FROM events"),
            "answers": count("SELECT count(*) FROM events WHERE type = 'answer'"),
            "sets_released": count("SELECT count(*) FROM sets WHERE status IN ('released', 'completed')"),
            "sets_proposed": count("SELECT count(*) FROM sets WHERE status = 'proposed'"),
        }
    finally:
        db.close()

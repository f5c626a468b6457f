"""Reading a student's stored event log in the server's canonical order: trusted time, then device and sequence."""
from __future__ import annotations

from ..adaptive.checkpoint import order_key

LOG_COLUMNS = "id, type, item_id, set_id, server_ts, correct, misconception, device_id, seq, hint, secs, attempt, prompt, value"
LOG_ORDER = "ORDER BY server_ts, device_id, seq, id"


def _event(row) -> dict:
    (event_id, kind, item, set_id, ts, correct, misconception, device_id, seq, hint, secs, attempt, prompt, value) = row
    return {"id": event_id, "type": kind, "item": item, "set": set_id, "ts": ts,
            "correct": None if correct is None else bool(correct), "misconception": misconception,
            "hints": (hint or 0) if kind == "hint" else 0, "seconds": secs or 0.0, "attempt": attempt or 1,
            "prompt": prompt, "value": value, "device": device_id, "seq": seq}


def read_log(db, student_id: int, after: tuple | None = None, since: float | None = None) -> list:
    """The student's events in canonical order; with `after` (an `order_key`), only those that sort after it;
    with `since` (epoch seconds), only those from then on."""
    if after is None:
        where, args = ("AND server_ts >= ?", [student_id, since]) if since is not None else ("", [student_id])
        rows = db.execute(f"SELECT {LOG_COLUMNS} FROM events WHERE student_id = ? {where} {LOG_ORDER}",  # noqa: S608
                          args).fetchall()
        return [_event(row) for row in rows]
    # The index (student_id, server_ts, ...) finds the tail; ties on the time are settled in Python.
    rows = db.execute(f"SELECT {LOG_COLUMNS} FROM events WHERE student_id = ? AND server_ts >= ? {LOG_ORDER}",  # noqa: S608
                      [student_id, after[0]]).fetchall()
    return [e for e in map(_event, rows) if order_key(e) > after]


def sets_log(db, student_id: int, set_ids) -> list:
    """The student's events of these sets only, in canonical order (a pilot's tests and arms, not a year of practice)."""
    ids = sorted(set_ids)
    if not ids:
        return []
    rows = db.execute(f"SELECT {LOG_COLUMNS} FROM events WHERE student_id = ? "  # noqa: S608
                      f"AND set_id IN ({','.join('?' * len(ids))}) {LOG_ORDER}", [student_id, *ids]).fetchall()
    return [_event(row) for row in rows]


def count_through(db, student_id: int, position: tuple) -> int:
    """How many of the student's events sort at or before `position`."""
    before = db.execute("SELECT count(*) FROM events WHERE student_id = ? AND server_ts < ?",
                        [student_id, position[0]]).fetchone()[0]
    ties = db.execute("SELECT server_ts, device_id, seq, id FROM events WHERE student_id = ? AND server_ts = ?",
                      [student_id, position[0]]).fetchall()
    return before + sum(1 for ts, device, seq, event_id in ties
                        if order_key({"ts": ts, "device": device, "seq": seq, "id": event_id}) <= position)


def count_events(db, student_id: int) -> int:
    """How many events the student has stored."""
    return db.execute("SELECT count(*) FROM events WHERE student_id = ?", [student_id]).fetchone()[0]

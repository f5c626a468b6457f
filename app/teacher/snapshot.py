"""One read of a class's data per request: students, their events, syncs and sets.

The overview, the misconception pages and the reports all start from a snapshot, so each
page reads the event log once (a few thousand rows for 60 students over two weeks).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

DAY = 86400

EVENTS_SQL = (
    "SELECT e.student_id, e.type, e.item_id, e.set_id, e.correct, e.misconception, e.response, "
    "json_extract(e.payload, '$.secs'), json_extract(e.payload, '$.hint'), e.server_ts, e.received_at, "
    "json_extract(e.payload, '$.prompt'), json_extract(e.payload, '$.value') "
    "FROM events e WHERE e.student_id = ? {since} ORDER BY e.server_ts, e.device_id, e.seq, e.id")


@dataclass
class Snapshot:
    """A class at one moment: students, ordered events per student, last sync, sets per student."""
    class_id: int
    now: float
    students: list
    events: dict = field(default_factory=dict)      # student id -> [event dicts in log order]
    last_sync: dict = field(default_factory=dict)   # student id -> ts or None
    sets: dict = field(default_factory=dict)        # student id -> [set rows]

    def by_id(self) -> dict:
        """Students keyed by id."""
        return {s["id"]: s for s in self.students}


def load_students(db, class_id: int) -> list:
    """The class's students: id, name, language, groups, accommodations."""
    rows = db.execute("SELECT id, display_name, locale, groups, audio, simplified, created_at FROM students "
                      "WHERE class_id = ? ORDER BY display_name COLLATE NOCASE, id", [class_id]).fetchall()
    return [{"id": r[0], "name": r[1], "locale": r[2], "groups": json.loads(r[3] or "[]"), "audio": bool(r[4]),
             "simplified": bool(r[5]), "created_at": r[6]} for r in rows]


def student_events(db, student_id: int, since: float | None = None) -> list:
    """A student's events in log order, each answer carrying the hints used on its item before it."""
    sql = EVENTS_SQL.format(since="AND e.server_ts >= ?" if since else "")
    params = [student_id, since] if since else [student_id]
    out, hints_on = [], {}
    for (_sid, kind, item, set_id, correct, mc, response, secs, hint, ts, received, prompt,
         value) in db.execute(sql, params):
        if kind == "hint":
            hints_on[item] = max(hints_on.get(item, 0), int(hint or 1))
        event = {"type": kind, "item": item, "set": set_id, "ts": ts, "received_at": received,
                 "correct": None if correct is None else bool(correct), "misconception": mc,
                 "response": response, "seconds": float(secs or 0.0), "hints": 0}
        if kind == "answer":
            event["hints"] = max(int(hint or 0), hints_on.pop(item, 0))
        elif kind == "reflection":
            event.update(prompt=prompt, value=value)
        out.append(event)
    return out


def load_snapshot(db, class_id: int, now: float | None = None, days: int | None = None) -> Snapshot:
    """Read everything the class pages need; `days` limits events to the recent window."""
    now = now or time.time()
    students = load_students(db, class_id)
    snap = Snapshot(class_id=class_id, now=now, students=students)
    since = now - days * DAY if days else None
    for s in students:
        snap.events[s["id"]] = student_events(db, s["id"], since)
    for student_id, seen, received in db.execute(
            "SELECT s.id, (SELECT max(d.last_seen_at) FROM devices d WHERE d.student_id = s.id), "
            "(SELECT max(e.received_at) FROM events e WHERE e.student_id = s.id) "
            "FROM students s WHERE s.class_id = ?", [class_id]):
        snap.last_sync[student_id] = max(filter(None, (seen, received)), default=None)
    for row in db.execute(
            "SELECT x.student_id, x.id, x.status, x.tier, x.created_at, x.released_at FROM sets x "
            "JOIN students s ON s.id = x.student_id WHERE s.class_id = ? ORDER BY x.created_at", [class_id]):
        snap.sets.setdefault(row[0], []).append(
            {"id": row[1], "status": row[2], "tier": row[3], "created_at": row[4], "released_at": row[5]})
    return snap

"""One read of a class's data per request: students, their events, syncs and sets.

The overview, the misconception pages and the reports all start from a snapshot, so each
page reads the event log once (a few thousand rows for 60 students over two weeks).
"""
from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

DAY = 86400

EVENT_COLUMNS = (
    "e.student_id, e.type, e.item_id, e.set_id, e.correct, e.misconception, e.response, "
    "e.secs, e.hint, e.server_ts, e.prompt, e.value, e.device_id, e.seq, e.attempt")
IN_CLASS = "e.student_id IN (SELECT id FROM students WHERE class_id = ?)"
CACHED_CLASSES = 16
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()


@dataclass
class Snapshot:
    """A class at one moment: students, ordered events per student, last sync, sets per student."""
    class_id: int
    now: float
    students: list
    events: dict = field(default_factory=dict)      # student id -> [event dicts in log order]
    last_sync: dict = field(default_factory=dict)   # student id -> ts or None
    sets: dict = field(default_factory=dict)        # student id -> [set rows]
    away: dict = field(default_factory=dict)        # student id -> [(start, end, kind)]: excuses and class pauses
    version: tuple | None = None                    # changes whenever the class's events do (windowed reads)

    def by_id(self) -> dict:
        """Students keyed by id."""
        return {s["id"]: s for s in self.students}


def load_students(db, class_id: int) -> list:
    """The class's students: id, name, language, groups, accommodations."""
    rows = db.execute("SELECT id, display_name, locale, groups, audio, simplified, created_at FROM students "
                      "WHERE class_id = ? ORDER BY lower(display_name), id", [class_id]).fetchall()
    return [{"id": r[0], "name": r[1], "locale": r[2], "groups": json.loads(r[3] or "[]"), "audio": bool(r[4]),
             "simplified": bool(r[5]), "created_at": r[6]} for r in rows]


def _event(row) -> dict:
    (sid, kind, item, set_id, correct, mc, response, secs, hint, ts, prompt, value, device, seq, attempt) = row
    event = {"type": kind, "item": item, "set": set_id, "ts": ts, "correct": None if correct is None else bool(correct),
             "misconception": mc, "response": response, "seconds": float(secs or 0.0), "hints": int(hint or 0),
             "attempt": int(attempt or 1), "order": (ts, device, seq)}
    if kind == "reflection":
        event.update(prompt=prompt, value=value)
    return event


def _with_hints(events: list) -> list:
    """Events in log order, each answer carrying the hints used on its item before it and whether it counts as right.

    Right means right at the first try without help, as on the phone and in mastery: a later
    right answer (after feedback, a hint or the worked solution) is practice.
    """
    events.sort(key=lambda e: e["order"])
    hints_on: dict = {}
    for event in events:
        if event["type"] == "shown":
            hints_on.pop(event["item"], None)
        elif event["type"] == "hint":
            hints_on[event["item"]] = max(hints_on.get(event["item"], 0), event["hints"] or 1)
        elif event["type"] == "answer":
            event["hints"] = max(event["hints"], hints_on.get(event["item"], 0))
            event["first_try"] = event.get("attempt", 1) == 1 and not event["hints"]
    return events


def student_events(db, student_id: int, since: float | None = None) -> list:
    """A student's events in log order, each answer carrying the hints used on its item before it."""
    where = "e.student_id = ?" + (" AND e.server_ts >= ?" if since else "")
    rows = db.execute(f"SELECT {EVENT_COLUMNS} FROM events e WHERE {where}",  # noqa: S608
                      [student_id, since] if since else [student_id])
    return _with_hints([_event(row) for row in rows])


def window_start(now: float, days: int) -> float:
    """The start of the recent window: midnight UTC `days` days ago (a day boundary, so caches last a day)."""
    return (now // DAY - days) * DAY


def class_events(db, class_id: int, since: float | None, student_ids: list) -> tuple:
    """({student: [events]}, version) of a class since a time; events are immutable facts, so rows read before are kept
    (per process) and only rows stored since are read again.

    Positions are given at insert, not at commit, and different students' writes commit side by side (`write`'s
    per-student lock), so a row of one student may become visible after a higher position of another's. One
    student's writes commit one at a time, though, so each student's positions grow in commit order: the cache keeps
    each student's highest position and count, and reads only up to the highest position the count saw, so a row
    committed late is never skipped and never read twice. A deleted event (retention, a student's data deleted)
    changes that student's count, and the class is read afresh."""
    position = db.position("e")
    window = " AND e.server_ts >= ?" if since else ""
    seen = {sid: (count, top) for sid, count, top in db.execute(
        f"SELECT e.student_id, count(*), max({position}) FROM events e WHERE {IN_CLASS}{window} "  # noqa: S608
        "GROUP BY e.student_id", [class_id, since] if since else [class_id])}
    key = (db.identity(), class_id, since)
    with _cache_lock:
        entry = _cache.get(key)
        if entry is None or entry["students"] != tuple(student_ids) or any(
                seen.get(sid, (0, 0))[1] < top for sid, (_count, top) in entry["seen"].items()):
            entry = {"students": tuple(student_ids), "seen": {}, "events": {sid: [] for sid in student_ids}}
        old = entry["seen"]
        grown = {sid: (old.get(sid, (0, 0))[1], top) for sid, (_count, top) in seen.items() if old.get(sid, (0, 0))[1] < top}
        if grown:
            low, high = min(after for after, _ in grown.values()), max(upto for _, upto in grown.values())
            marks = ",".join("?" * len(grown))
            counts = {sid: old.get(sid, (0, 0))[0] for sid in grown}
            for row in db.execute(f"SELECT {EVENT_COLUMNS}, {position} FROM events e WHERE e.student_id IN ({marks}) "  # noqa: S608
                                  f"AND {position} > ? AND {position} <= ?{window}",
                                  [*grown, low, high, since] if since else [*grown, low, high]):
                after, upto = grown[row[0]]
                if after < row[-1] <= upto:
                    entry["events"].setdefault(row[0], []).append(_event(row[:-1]))
                    counts[row[0]] += 1
            for sid in grown:
                _with_hints(entry["events"].setdefault(sid, []))
                entry["seen"][sid] = (counts[sid], grown[sid][1])
        if any(entry["seen"].get(sid, (0, 0))[0] != count for sid, (count, _top) in seen.items()) or \
                len(entry["seen"]) != len(seen):  # rows went away: read the class afresh
            _cache.pop(key, None)
            entry = None
        else:
            _cache[key] = entry
            _cache.move_to_end(key)
            while len(_cache) > CACHED_CLASSES:
                _cache.popitem(last=False)
    if entry is None:
        return class_events(db, class_id, since, student_ids)
    top = max((upto for _count, upto in seen.values()), default=0)
    count = sum(count for count, _top in seen.values())
    return entry["events"], key + (top, count)


def load_snapshot(db, class_id: int, now: float | None = None, days: int | None = None) -> Snapshot:
    """Read everything the class pages need: students, syncs, sets, absences, and with `days` the events of the recent window
    (from midnight UTC). Without `days`, no events: a year is ~600,000, and the whole-history reports read
    running tallies instead (app/teacher/tallied.py)."""
    now = now or time.time()
    students = load_students(db, class_id)
    snap = Snapshot(class_id=class_id, now=now, students=students)
    if days:
        events, snap.version = class_events(db, class_id, window_start(now, days), [s["id"] for s in students])
        snap.events = {s["id"]: events.get(s["id"], []) for s in students}
    # Every stored batch stamps its device's last_seen_at, so the devices tell when each student last synced.
    for student_id, seen in db.execute("SELECT s.id, max(d.last_seen_at) FROM students s LEFT JOIN devices d "
                                       "ON d.student_id = s.id WHERE s.class_id = ? GROUP BY s.id", [class_id]):
        snap.last_sync[student_id] = seen
    for row in db.execute(
            "SELECT x.student_id, x.id, x.status, x.tier, x.created_at, x.released_at FROM sets x "
            "JOIN students s ON s.id = x.student_id WHERE s.class_id = ? ORDER BY x.created_at", [class_id]):
        snap.sets.setdefault(row[0], []).append(
            {"id": row[1], "status": row[2], "tier": row[3], "created_at": row[4], "released_at": row[5]})
    from ..planning.away import away_spans
    snap.away = away_spans(db, [s["id"] for s in students], now)
    return snap

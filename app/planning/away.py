"""Away from homework: a student excused until a date, or the whole class paused; planning waits meanwhile.

No Flask here: the teacher's pages record the excuse or the pause (app/teacher/exceptions.py) and
planning (app/planning/refresh.py) asks `away` after each sync. While a student is away no new set
is planned for them; the first sync after it ends plans one set, as for any student with nothing
left to do, so nothing piles up. The hold and the resumption are each recorded once, with the
excuse's reason, beside the teacher's decisions. `away_spans` gives the absences as time spans, so the
outreach signals leave those days out (app/adaptive/signals.py).
"""
from __future__ import annotations

import json
import time

from .decisions import record_override

DAY = 86400


def excused(db, student_ids: list, now: float | None = None) -> dict:
    """{student_id: {"until", "kind", "reason", "by", "since"}} for students excused right now (the newest decision counts)."""
    if not student_ids:
        return {}
    now = now or time.time()
    marks = ",".join("?" * len(student_ids))
    latest: dict = {}
    for sid, value, reason, by, since in db.execute(
            "SELECT student_id, new_value, reason, user_id, created_at FROM overrides WHERE target = 'excused' "
            f"AND student_id IN ({marks}) ORDER BY created_at, id", list(student_ids)):  # noqa: S608
        latest[sid] = (json.loads(value) if value else None, reason, by, since)
    return {sid: dict(value, reason=reason, by=by, since=since) for sid, (value, reason, by, since) in latest.items()
            if isinstance(value, dict) and value.get("until", 0) > now}


def class_pause(klass: dict, now: float | None = None) -> dict | None:
    """The class's pause in force ({"until", "reason"}), or None."""
    settings = json.loads(klass.get("settings") or "{}")
    pause = settings.get("pause")
    return pause if isinstance(pause, dict) and pause.get("until", 0) > (now or time.time()) else None


def away(db, student_id: int, now: float | None = None) -> dict | None:
    """Why the student has no homework planned now: their excuse, else the class pause, else None.

    Returns {"until", "kind" ("ill", ..., or "pause"), "reason", "by" (the deciding teacher)}.
    """
    now = now or time.time()
    own = excused(db, [student_id], now).get(student_id)
    if own:
        return own
    row = db.execute("SELECT c.id, c.settings FROM classes c JOIN students s ON s.class_id = c.id WHERE s.id = ?",
                     [student_id]).fetchone()
    pause = class_pause({"settings": row[1]}, now) if row else None
    if not pause:
        return None
    decided = db.execute("SELECT user_id FROM overrides WHERE target = 'class_pause' AND class_id = ? "
                         "ORDER BY created_at DESC, id DESC LIMIT 1", [row[0]]).fetchone()
    return {"until": pause["until"], "kind": "pause", "reason": pause.get("reason") or "-",
            "by": decided[0] if decided else None}


def _spans(records, now: float, kind: str) -> list:
    """Time spans of a run of excuse or pause decisions, oldest first: each lasts until its date, or until the next
    decision (an early end, or a new date) replaces it. One in force keeps its date as its end (the signals stop
    counting at now), so the spans stay the same from one page view to the next."""
    out = []
    for i, (value, since) in enumerate(records):
        if not isinstance(value, dict) or not isinstance(value.get("until"), (int, float)) or since > now:
            continue
        end = min(value["until"], records[i + 1][1] if i + 1 < len(records) else value["until"])
        if end > since:
            out.append((since, end, kind))
    return out


def away_spans(db, student_ids: list, now: float | None = None) -> dict:
    """{student_id: [(start, end, "excused" | "pause")]}: each student's excuses and their class's pauses so far."""
    if not student_ids:
        return {}
    now = now or time.time()
    marks = ",".join("?" * len(student_ids))
    excuses: dict = {sid: [] for sid in student_ids}
    for sid, value, since in db.execute(
            "SELECT student_id, new_value, created_at FROM overrides WHERE target = 'excused' "
            f"AND student_id IN ({marks}) ORDER BY created_at, id", list(student_ids)):  # noqa: S608
        excuses[sid].append((json.loads(value) if value else None, since))
    class_of = dict(db.execute(f"SELECT id, class_id FROM students WHERE id IN ({marks})",  # noqa: S608
                               list(student_ids)).fetchall())
    classes = sorted({c for c in class_of.values() if c is not None})
    pauses: dict = {c: [] for c in classes}
    if classes:
        for class_id, value, since in db.execute(
                "SELECT class_id, new_value, created_at FROM overrides WHERE student_id IS NULL AND target = 'class_pause' "
                f"AND class_id IN ({','.join('?' * len(classes))}) ORDER BY created_at, id", classes):  # noqa: S608
            pauses[class_id].append((json.loads(value) if value else None, since))
    paused = {c: _spans(records, now, "pause") for c, records in pauses.items()}
    return {sid: _spans(excuses[sid], now, "excused") + paused.get(class_of.get(sid), []) for sid in student_ids}


def due_after_away(due: float, until: float, now: float) -> float | None:
    """A deadline that falls inside an absence keeps the time it had left, counted from the day the absence ends;
    None when it falls after the absence anyway."""
    return None if due >= until else until + max(DAY, due - now)


def _last_hold(db, student_id: int) -> dict | None:
    row = db.execute("SELECT new_value, user_id, reason FROM overrides WHERE target = 'planning' AND student_id = ? "
                     "ORDER BY created_at DESC, id DESC LIMIT 1", [student_id]).fetchone()
    return {"value": json.loads(row[0]) if row[0] else None, "by": row[1], "reason": row[2]} if row else None


def _class_of(db, student_id: int) -> int | None:
    row = db.execute("SELECT class_id FROM students WHERE id = ?", [student_id]).fetchone()
    return row[0] if row else None


def record_hold(db, student_id: int, why: dict, now: float) -> None:
    """Record, once per excuse or pause, that planning waits for it (inside the caller's write)."""
    last = _last_hold(db, student_id)
    value = last["value"] if last else None
    if isinstance(value, dict) and value.get("held") and value.get("until") == why["until"]:
        return
    if why.get("by") is None:
        return  # no deciding teacher on record (a pause written outside the pages): nothing to attribute it to
    record_override(db, why["by"], student_id, _class_of(db, student_id), "planning", None, None,
                    {"held": True, "until": why["until"], "kind": why["kind"]}, why.get("reason") or "-", now)


def record_resume(db, student_id: int, now: float) -> None:
    """Record that planning starts again after an excuse or pause, if a hold is the last word (inside the caller's write)."""
    last = _last_hold(db, student_id)
    if not last or not (isinstance(last["value"], dict) and last["value"].get("held")):
        return
    record_override(db, last["by"], student_id, _class_of(db, student_id), "planning", None, last["value"],
                    {"held": False, "kind": last["value"].get("kind")}, last["reason"], now)

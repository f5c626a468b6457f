"""After a sync: replay the student's log into mastery, close finished sets, propose the next one."""
from __future__ import annotations

import hashlib
import json
import time

from ..adaptive.bkt import BKTParams
from ..adaptive.selection import next_set_for
from ..adaptive.state import replay
from ..db import write

OPEN_STATUSES = ("proposed", "released")
SETS_AHEAD = 1  # one set beyond the current one, so a week offline does not run dry


def class_settings(db, student_id: int) -> dict:
    """The class's release mode, mastery threshold and teacher-set thresholds for this student."""
    row = db.execute("SELECT c.release_mode, c.mastery_threshold, c.settings FROM classes c "
                     "JOIN students s ON s.class_id = c.id WHERE s.id = ?", [student_id]).fetchone()
    settings = json.loads(row[2] or "{}")
    return dict(settings, release_mode=row[0], mastery_threshold=row[1])


def skill_params(db) -> dict:
    """Fitted BKT parameters per skill (defaults where `abhyas fit` has not run)."""
    return {row["skill_id"]: BKTParams(prior=row["prior"], learn=row["learn"], guess=row["guess"],
                                       slip=row["slip"], forget=row["forget"])
            for row in db["skill_params"].rows}


def event_log(db, student_id: int) -> list:
    """The student's events in the server's canonical order: trusted time, then device and sequence."""
    # json_extract runs in SQLite's C code: far cheaper than json.loads per event in Python.
    rows = db.execute(
        "SELECT id, type, item_id, set_id, server_ts, correct, misconception, device_id, seq, "
        "json_extract(payload, '$.hint'), json_extract(payload, '$.secs'), json_extract(payload, '$.attempt'), "
        "json_extract(payload, '$.prompt'), json_extract(payload, '$.value') "
        "FROM events WHERE student_id = ? ORDER BY server_ts, device_id, seq, id", [student_id]).fetchall()
    return [{"id": event_id, "type": kind, "item": item, "set": set_id, "ts": ts,
             "correct": None if correct is None else bool(correct), "misconception": misconception,
             "hints": (hint or 0) if kind == "hint" else 0, "seconds": secs or 0.0, "attempt": attempt or 1,
             "prompt": prompt, "value": value, "device": device_id, "seq": seq}
            for (event_id, kind, item, set_id, ts, correct, misconception, device_id, seq,
                 hint, secs, attempt, prompt, value) in rows]


def state_for(db, student_id: int, catalog: dict, settings: dict | None = None):
    """The student's state as a pure function of the event log (plus fitted parameters)."""
    settings = settings or class_settings(db, student_id)
    return replay(event_log(db, student_id), catalog, skill_params(db), threshold=settings["mastery_threshold"])


def _set_id(student_id: int, based_on: int, now: float) -> str:
    return "s" + hashlib.sha256(f"{student_id}:{based_on}:{now}".encode()).hexdigest()[:15]


def _answered_items_by_set(db, student_id: int) -> dict:
    done = {}
    for set_id, item in db.execute("SELECT set_id, item_id FROM events WHERE student_id = ? AND set_id IS NOT NULL "
                                   "AND type IN ('answer', 'skip')", [student_id]):
        done.setdefault(set_id, set()).add(item)
    return done


def refresh_student(db, student_id: int, catalog: dict, now: float | None = None, changed: bool = True) -> None:
    """Recompute mastery from the log when it changed; complete finished sets; keep the next set ready."""
    now = now or time.time()
    has_mastery = db.execute("SELECT 1 FROM mastery WHERE student_id = ? LIMIT 1", [student_id]).fetchone()
    open_sets = db.execute("SELECT id, payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released')",
                           [student_id]).fetchall()
    if not changed and has_mastery and open_sets:
        return
    settings = class_settings(db, student_id)
    state = state_for(db, student_id, catalog, settings)
    done = _answered_items_by_set(db, student_id)
    events_count = db.execute("SELECT count(*) FROM events WHERE student_id = ?", [student_id]).fetchone()[0]
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    with write(db):
        db.conn.executemany("INSERT OR REPLACE INTO mastery (student_id, skill_id, p_known, attempts, correct, updated_at) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                            [(student_id, skill, round(st.mastery, 4), st.attempts, st.correct, now)
                             for skill, st in state.skills.items()])
        db.conn.executemany("INSERT OR REPLACE INTO mastery_history (student_id, skill_id, day, p_known) VALUES (?, ?, ?, ?)",
                            [(student_id, skill, day, round(st.mastery, 4)) for skill, st in state.skills.items() if st.attempts])
        still_open = []
        for set_id, payload, status in open_sets:
            items = {entry["item"] for entry in json.loads(payload)["items"]}
            if status == "released" and items and items <= done.get(set_id, set()):
                db.execute("UPDATE sets SET status = 'completed' WHERE id = ?", [set_id])
            else:
                still_open.append(status)
        if "proposed" not in still_open and still_open.count("released") <= SETS_AHEAD:
            proposal = next_set_for(state, catalog, now, settings)
            if proposal and proposal.get("items"):
                auto = settings["release_mode"] == "auto" or proposal.get("kind") == "diagnostic"
                set_id = _set_id(student_id, events_count, now)
                db["sets"].insert({"id": set_id, "student_id": student_id, "status": "released" if auto else "proposed",
                                   "tier": str(proposal.get("tier", "")), "payload": json.dumps(dict(proposal, id=set_id)),
                                   "created_at": now, "released_at": now if auto else None,
                                   "based_on_events": events_count})


def student_view(db, student_id: int, catalog: dict) -> dict:
    """What the phone needs after a sync: mastery per skill, open sets, and the student's settings."""
    threshold = class_settings(db, student_id)["mastery_threshold"]
    mastery = {row[0]: {"p": row[1], "attempts": row[2], "mastered": row[1] >= threshold}
               for row in db.execute("SELECT skill_id, p_known, attempts FROM mastery WHERE student_id = ?", [student_id])}
    sets = [dict(json.loads(payload), status=status) for payload, status in db.execute(
        "SELECT payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
        "ORDER BY created_at", [student_id])]
    student = db.execute("SELECT display_name, locale, simplified, audio FROM students WHERE id = ?", [student_id]).fetchone()
    return {"mastery": mastery, "sets": sets, "threshold": threshold,
            "student": {"name": student[0], "locale": student[1], "simplified": bool(student[2]), "audio": bool(student[3])}}

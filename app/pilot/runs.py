"""A pilot's life in the store: started on a unit for a window, students withdrawn, post-test released, closed.

Every change is a decision in the log (who, when, why), like the teacher's other decisions.
Refusals raise PilotRefused with a code the teacher's pages put into words.
"""
from __future__ import annotations

import json
import secrets
import time

from ..db import write
from ..planning.decisions import record_override
from ..planning.pilot_arm import release_post_tests
from ..planning.refresh import refresh_student
from .analysis import ARMS
from .held_out import PilotRefused, choose_held_out
from .randomize import MIN_FOR_BETWEEN, assign_arms, choose_design, split_skills
from .scores import diagnostic_score, starting_tier

DAY = 86400.0
MIN_DAYS, MAX_DAYS = 7, 84
OPEN = ("running", "post_test")
FIELDS = ("id", "class_id", "pack_id", "skills", "design", "design_reason", "skill_arms", "held_out", "seed",
          "status", "window_days", "started_at", "ends_at", "post_test_at", "closed_at", "started_by")


def _pilot(row) -> dict:
    found = dict(zip(FIELDS, row))
    for key in ("skills", "skill_arms", "held_out"):
        found[key] = json.loads(found[key])
    return found


def get_pilot(db, pilot_id: int) -> dict | None:
    """One pilot, its JSON columns decoded."""
    row = db.execute(f"SELECT {', '.join(FIELDS)} FROM pilots WHERE id = ?", [pilot_id]).fetchone()  # noqa: S608
    return _pilot(row) if row else None


def latest_pilot(db, class_id: int) -> dict | None:
    """The class's newest pilot, open or closed."""
    row = db.execute(f"SELECT {', '.join(FIELDS)} FROM pilots WHERE class_id = ? "  # noqa: S608
                     "ORDER BY started_at DESC, id DESC LIMIT 1", [class_id]).fetchone()
    return _pilot(row) if row else None


def participants(db, pilot_id: int) -> list:
    """The pilot's students: id, name, locale, groups, arm, stratum, and when and why withdrawn."""
    rows = db.execute(
        "SELECT s.id, s.display_name, s.locale, s.groups, ps.arm, ps.stratum, ps.withdrawn_at, ps.withdrawn_reason "
        "FROM pilot_students ps JOIN students s ON s.id = ps.student_id WHERE ps.pilot_id = ? "
        "ORDER BY s.display_name, s.id", [pilot_id]).fetchall()
    keys = ("id", "name", "locale", "groups", "arm", "stratum", "withdrawn_at", "withdrawn_reason")
    return [dict(zip(keys, r), groups=json.loads(r[3] or "[]")) for r in rows]


def _served_in_class(db, student_ids: list) -> set:
    """Every item the class has met, or holds in an open set: none of these can be a fair post-test item."""
    served: set = set()
    for student_id in student_ids:
        served |= {r[0] for r in db.execute("SELECT DISTINCT item_id FROM events WHERE student_id = ? "
                                            "AND item_id IS NOT NULL", [student_id])}
        for (payload,) in db.execute("SELECT payload FROM sets WHERE student_id = ?", [student_id]):
            doc = json.loads(payload)
            served |= {e["item"] for e in [*(doc.get("items") or []), *(doc.get("reserve") or [])] if isinstance(e, dict)}
            served |= {e["item"] for e in [doc.get("extension")] if isinstance(e, dict)}
    return served


def _check_window(weeks) -> int:
    try:
        days = int(round(float(weeks) * 7))
    except (TypeError, ValueError):
        raise PilotRefused("bad_window", low=MIN_DAYS // 7, high=MAX_DAYS // 7) from None
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise PilotRefused("bad_window", low=MIN_DAYS // 7, high=MAX_DAYS // 7)
    return days


def start_pilot(db, class_id: int, pack_id: str, weeks, user_id: int, catalog: dict,
                now: float | None = None, seed: int | None = None) -> dict:
    """Check the unit and the class, choose the design, randomize, hold out the post-test; return the pilot."""
    now = now or time.time()
    days = _check_window(weeks)
    assigned = {r[0] for r in db.execute("SELECT pack_id FROM assignments WHERE class_id = ?", [class_id])}
    skills = list(catalog["packs"].get(pack_id, {}).get("skills") or [])
    if pack_id not in assigned or not skills:
        raise PilotRefused("unit_not_assigned", unit=pack_id)
    for other in db.execute("SELECT skills FROM pilots WHERE class_id = ? AND status IN ('running', 'post_test')",
                            [class_id]):
        shared = sorted(set(json.loads(other[0])) & set(skills))
        # Two pilots on one skill would serve one student two arms; two on one class, two post-tests at once.
        raise PilotRefused("overlap", skill=shared[0]) if shared else PilotRefused("one_at_a_time")
    students = [r[0] for r in db.execute("SELECT id FROM students WHERE class_id = ? ORDER BY id", [class_id])]
    design = choose_design(len(students))
    if len(students) < 2 or (design == "within" and len(skills) < 2):
        raise PilotRefused("arm_empty", students=len(students), skills=len(skills))
    seed = secrets.randbelow(2 ** 31) if seed is None else int(seed)
    held_out = choose_held_out(catalog, skills, _served_in_class(db, students), seed)
    strata = {s: starting_tier(diagnostic_score(db, s, catalog, skills)) for s in students}
    if design == "between":
        arms, skill_arms = assign_arms(strata, seed), {}
    else:
        arms, skill_arms = dict.fromkeys(students, "both"), split_skills(skills, seed)
    reason = "enough_students" if design == "between" else "small_class"
    with write(db):
        db["pilots"].insert({"class_id": class_id, "pack_id": pack_id, "skills": json.dumps(skills),
                             "design": design, "design_reason": reason, "skill_arms": json.dumps(skill_arms),
                             "held_out": json.dumps(held_out), "seed": seed, "status": "running",
                             "window_days": days, "started_at": now, "ends_at": now + days * DAY,
                             "started_by": user_id})
        pilot_id = db.execute("SELECT max(id) FROM pilots WHERE class_id = ?", [class_id]).fetchone()[0]
        for student_id in students:
            db["pilot_students"].insert({"pilot_id": pilot_id, "student_id": student_id, "arm": arms[student_id],
                                         "stratum": strata[student_id]})
        # Homework planned before the pilot gives way to the arm's sets (a diagnostic under way stays).
        db.execute("UPDATE sets SET status = 'withdrawn' WHERE status IN ('proposed', 'released') AND student_id IN "
                   "(SELECT id FROM students WHERE class_id = ?) AND payload NOT LIKE '%\"kind\": \"diagnostic\"%'",
                   [class_id])
        record_override(db, user_id, None, class_id, "pilot", str(pilot_id), None,
                        {"unit": pack_id, "design": design, "weeks": days / 7, "students": len(students),
                         "min_for_between": MIN_FOR_BETWEEN}, "pilot started", now)
    for student_id in students:
        refresh_student(db, student_id, catalog, now)
    return get_pilot(db, pilot_id)


def withdraw_student(db, pilot_id: int, student_id: int, reason: str, user_id: int, catalog: dict,
                     now: float | None = None) -> None:
    """Take a student out of the pilot (their data stays out of the report), with the teacher's reason logged."""
    now = now or time.time()
    pilot = get_pilot(db, pilot_id)
    reason = (reason or "").strip()[:300]
    if not reason:
        raise PilotRefused("reason_needed")
    people = {p["id"]: p for p in participants(db, pilot_id)}
    me = people.get(student_id)
    if pilot is None or me is None or me["withdrawn_at"] is not None or pilot["status"] == "closed":
        raise PilotRefused("not_in_pilot")
    left = [p["arm"] for p in people.values() if p["withdrawn_at"] is None and p["id"] != student_id]
    arms = ARMS if pilot["design"] == "between" else ("both",)
    if any(arm not in left for arm in arms):
        raise PilotRefused("arm_empty", students=len(left), skills=len(pilot["skills"]))
    with write(db):
        db.execute("UPDATE pilot_students SET withdrawn_at = ?, withdrawn_reason = ? WHERE pilot_id = ? "
                   "AND student_id = ?", [now, reason, pilot_id, student_id])
        record_override(db, user_id, student_id, pilot["class_id"], "pilot", str(pilot_id), me["arm"], "withdrawn",
                        reason, now)
    refresh_student(db, student_id, catalog, now)


def end_pilot(db, pilot_id: int, user_id: int, catalog: dict, now: float | None = None) -> int:
    """End the homework window now: the post-test goes to every student still in; returns how many got it."""
    now = now or time.time()
    pilot = get_pilot(db, pilot_id)
    if pilot is None or pilot["status"] != "running":
        raise PilotRefused("not_running")
    with write(db):
        released = release_post_tests(db, pilot_id, catalog, now)
        record_override(db, user_id, None, pilot["class_id"], "pilot", str(pilot_id), "running", "post_test",
                        "post-test released", now)
    return released


def close_pilot(db, pilot_id: int, user_id: int, now: float | None = None) -> None:
    """Close a pilot whose post-test is out: the report stays, homework is planned as usual, a new pilot may start."""
    now = now or time.time()
    pilot = get_pilot(db, pilot_id)
    if pilot is None or pilot["status"] != "post_test":
        raise PilotRefused("not_post_test")
    with write(db):
        db.execute("UPDATE pilots SET status = 'closed', closed_at = ? WHERE id = ?", [now, pilot_id])
        record_override(db, user_id, None, pilot["class_id"], "pilot", str(pilot_id), "post_test", "closed",
                        "pilot closed", now)


def window_passed(db, pilot: dict, catalog: dict, now: float | None = None) -> dict:
    """Release the post-test if the window has ended while nobody synced; return the pilot as it is now."""
    now = now or time.time()
    if pilot["status"] == "running" and now >= pilot["ends_at"]:
        with write(db):
            release_post_tests(db, pilot["id"], catalog, now)
        return get_pilot(db, pilot["id"])
    return pilot

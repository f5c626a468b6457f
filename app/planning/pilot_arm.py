"""Homework during a pilot: the static worksheet arm, the held-out post-test items kept back, the post-test.

A student in a running pilot gets sets of the same size either way; what differs is the choosing.
The static worksheet is the unit's items in textbook (pack file) order with the same hints and
feedback and no adaptivity; the adaptive arm is the engine as usual, on the unit. In the within
design each student alternates: a set on the adaptive half of the unit's skills, then one on the
static half. Neither arm ever sees the held-out items until the post-test releases them to both.
The pilot's rows are read with plain SQL here so planning never imports the pilot's own package.
"""
from __future__ import annotations

import json

from ..adaptive.bkt import DEFAULT_PARAMS, item_choices, predict_correct
from ..adaptive.selection import DEFAULT_SETTINGS, next_set_for
from ..db import write
from ..i18n.explain import with_english_lines

OPEN_PILOT = ("running", "post_test")


def pilot_of_student(db, student_id: int) -> dict | None:
    """The open pilot the student takes part in (not withdrawn), with the student's arm; None otherwise."""
    row = db.execute(
        "SELECT p.id, p.skills, p.design, p.skill_arms, p.held_out, p.status, p.ends_at, p.started_at, ps.arm "
        "FROM pilot_students ps JOIN pilots p ON p.id = ps.pilot_id "
        "WHERE ps.student_id = ? AND ps.withdrawn_at IS NULL AND p.status IN ('running', 'post_test') "
        "ORDER BY p.id DESC LIMIT 1", [student_id]).fetchone()
    if row is None:
        return None
    return {"id": row[0], "skills": json.loads(row[1]), "design": row[2], "skill_arms": json.loads(row[3]),
            "held_out": json.loads(row[4]), "status": row[5], "ends_at": row[6], "started_at": row[7], "arm": row[8]}


def post_test_set_id(pilot_id: int, student_id: int) -> str:
    """The one post-test set a student gets in a pilot: a fixed id, so releasing twice changes nothing."""
    return f"pt{int(pilot_id)}-{int(student_id)}"


def without_items(catalog: dict, drop) -> dict:
    """The catalog less some items (a shallow copy): what planning may serve during the pilot."""
    drop = set(drop)
    if not drop:
        return catalog
    return dict(catalog, items={i: item for i, item in catalog["items"].items() if i not in drop})


def served_catalog(db, student_id: int, catalog: dict) -> dict:
    """What may be put in front of this student now: the catalog less an open pilot's held-out items while it runs."""
    pilot = pilot_of_student(db, student_id)
    return without_items(catalog, pilot["held_out"]) if pilot and pilot["status"] == "running" else catalog


def _p_success(plan, catalog: dict, item_id: str) -> float:
    """The model's prediction, for the teacher's display only: it chooses nothing in the static arm."""
    item = catalog["items"][item_id]
    skill = plan.skills.get(item["skill"])
    p_known = skill.p_known if skill is not None else DEFAULT_PARAMS.prior
    params = plan.params.get(item["skill"], DEFAULT_PARAMS)
    return round(predict_correct(p_known, params, item.get("difficulty", 3), item_choices(item), params.item_offset(item_id)), 4)


def _pilot_sets(db, student_id: int, since: float) -> list:
    """(status, payload) of the student's sets made since the pilot began, oldest first."""
    return [(status, json.loads(payload)) for status, payload in db.execute(
        "SELECT status, payload FROM sets WHERE student_id = ? AND created_at >= ? ORDER BY created_at, id",
        [student_id, since])]


def static_set(plan, catalog: dict, skills: list, now: float, size: int, pending: set, done_sets: int) -> dict:
    """The next worksheet: the skills' items in pack file order, unanswered ones first, then the oldest answered.

    `pending` are items already out in an open set. No mastery, misconception or prediction decides anything.
    """
    wanted = set(skills)
    order = [i for i, item in catalog["items"].items()
             if item["skill"] in wanted and not item.get("extension") and i not in pending]
    position = {item_id: k for k, item_id in enumerate(order)}

    def last_seen(item_id):
        history = plan.items.get(item_id)
        return history.last_answered if history is not None and history.last_answered is not None else None

    fresh = [i for i in order if last_seen(i) is None]
    again = sorted((i for i in order if last_seen(i) is not None), key=lambda i: (last_seen(i), position[i]))
    chosen = (fresh + again)[:size]
    reflections = list(catalog.get("reflections") or [])
    return {
        "kind": "practice", "tier": "", "tier_code": "worksheet", "tier_args": {},
        "items": [{"item": i, "skill": catalog["items"][i]["skill"], "reason": "worksheet",
                   "why_args": {"position": position[i] + 1, "of": len(order)},
                   "p_success": _p_success(plan, catalog, i)} for i in chosen],
        "reflection": reflections[done_sets % len(reflections)] if reflections else None,
        "extension": None, "reserve": [],
        "minutes": round(sum(catalog["items"][i].get("seconds", 60) for i in chosen) / 60),
        "generated_at": float(now),
    }


def release_post_tests(db, pilot_id: int, catalog: dict, now: float) -> int:
    """Release the post-test (the held-out items) to every student still in the pilot (inside the caller's write).

    Their open homework sets are withdrawn so the post-test comes next; a student who already has
    it is left alone. Returns how many post-tests were released now.
    """
    row = db.execute("SELECT held_out FROM pilots WHERE id = ?", [pilot_id]).fetchone()
    held_out = [i for i in json.loads(row[0]) if i in catalog["items"]]
    released = 0
    students = [r[0] for r in db.execute("SELECT student_id FROM pilot_students WHERE pilot_id = ? "
                                         "AND withdrawn_at IS NULL ORDER BY student_id", [pilot_id])]
    for student_id in students:
        set_id = post_test_set_id(pilot_id, student_id)
        if db.execute("SELECT 1 FROM sets WHERE id = ?", [set_id]).fetchone():
            continue
        db.execute("UPDATE sets SET status = 'withdrawn' WHERE student_id = ? AND status IN ('proposed', 'released')",
                   [student_id])
        payload = with_english_lines({
            "kind": "post_test", "pilot": pilot_id, "tier": "", "tier_code": "post_test", "tier_args": {},
            "items": [{"item": i, "skill": catalog["items"][i]["skill"], "reason": "post_test", "why_args": {},
                       "p_success": None} for i in held_out],
            "reflection": None, "extension": None, "reserve": [],
            "minutes": round(sum(catalog["items"][i].get("seconds", 60) for i in held_out) / 60),
            "generated_at": float(now)}, catalog)
        db["sets"].insert({"id": set_id, "student_id": student_id, "status": "released", "tier": "",
                           "payload": json.dumps(dict(payload, id=set_id)), "created_at": now, "released_at": now,
                           "based_on_events": 0})
        released += 1
    db.execute("UPDATE pilots SET status = 'post_test', post_test_at = ? WHERE id = ? AND status = 'running'",
               [now, pilot_id])
    return released


def release_due_post_tests(db, student_id: int, catalog: dict, now: float) -> bool:
    """Before a student's own write: once their pilot's window has ended, release every member's post-test in a
    global write, since it withdraws and adds sets of all of them (a student's write may touch only their own rows).
    Returns whether the window had ended."""
    pilot = pilot_of_student(db, student_id)
    if pilot is None or pilot["status"] != "running" or now < pilot["ends_at"]:
        return False
    with write(db):
        pilot = pilot_of_student(db, student_id)  # another sync or server may have released them meanwhile
        if pilot is not None and pilot["status"] == "running" and now >= pilot["ends_at"]:
            release_post_tests(db, pilot["id"], catalog, now)
    return True


def pilot_next_set(db, student_id: int, plan, catalog: dict, settings: dict, now: float) -> dict | None:
    """The next set for a student in a pilot (inside the caller's write): None outside a pilot, {} for nothing now."""
    pilot = pilot_of_student(db, student_id)
    if pilot is None:
        return None
    if pilot["status"] == "running" and now >= pilot["ends_at"]:
        # The caller's write released them first (refresh_student: `release_due_post_tests`), unless it was global.
        release_post_tests(db, pilot["id"], catalog, now)
        pilot["status"] = "post_test"
    if pilot["status"] == "post_test":
        post = db.execute("SELECT status FROM sets WHERE id = ?", [post_test_set_id(pilot["id"], student_id)]).fetchone()
        # Until the student's post-test is done nothing else comes; after it, homework goes on as usual.
        return None if post is not None and post[0] == "completed" else {}
    served = without_items(catalog, pilot["held_out"])
    unit_settings = dict(settings, skills=list(pilot["skills"]))
    first = next_set_for(plan, served, now, unit_settings)
    if first.get("kind") == "diagnostic":
        return first  # the pre-test: every arm takes the diagnostic first
    sets = _pilot_sets(db, student_id, pilot["started_at"])
    made = [doc.get("arm") for _status, doc in sets if doc.get("pilot") == pilot["id"]]
    if pilot["design"] == "between":
        modes = [pilot["arm"]]
    else:
        # Alternate the halves. The adaptive half can be blocked by a prerequisite on the static half (its items are
        # not the engine's to serve): then the worksheet comes now, and the engine once the worksheet has taught it.
        turn = "adaptive" if made.count("adaptive") <= made.count("static") else "static"
        modes = [turn, "static" if turn == "adaptive" else "adaptive"]
    for mode in modes:
        proposal = _arm_set(pilot, mode, plan, served, first, sets, made, settings, now)
        if proposal.get("items"):
            return dict(proposal, pilot=pilot["id"], arm=mode)
    return {}


def _arm_set(pilot: dict, mode: str, plan, served: dict, first: dict, sets: list, made: list, settings: dict,
             now: float) -> dict:
    """One arm's set: the worksheet, or the engine on the arm's skills (the unit's, or its half in the within design)."""
    skills = (list(pilot["skills"]) if pilot["design"] == "between"
              else [s for s in pilot["skills"] if pilot["skill_arms"].get(s) == mode])
    if mode == "static":
        pending = {e["item"] for status, doc in sets if status in ("proposed", "released") for e in doc.get("items") or []}
        # As many items as the engine would give this student now: the arms differ in which items, not how many.
        size = len(first.get("items") or []) or int(settings.get("set_size", DEFAULT_SETTINGS["set_size"]))
        return static_set(plan, served, skills, now, size, pending, made.count("static"))
    if pilot["design"] == "between":
        return first
    other = {i for i, item in served["items"].items() if item["skill"] in pilot["skills"] and item["skill"] not in skills}
    return next_set_for(plan, without_items(served, other), now, dict(settings, skills=skills))

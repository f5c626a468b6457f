"""What the phone receives after a sync: mastery per skill (teacher's overrides shown), open sets, settings."""
from __future__ import annotations

import json

from ..adaptive.bkt import BKTParams
from ..adaptive.review import INITIAL_STABILITY_DAYS
from ..planning.decisions import apply_overrides
from ..planning.pilot_arm import pilot_of_student
from ..planning.replay import class_settings, diagnostic_priors, skill_params


def student_view(db, student_id: int, catalog: dict) -> dict:
    """What the phone needs after a sync: mastery per skill, open sets, and the student's settings."""
    settings = class_settings(db, student_id)
    threshold = settings["mastery_threshold"]
    params = skill_params(db)
    sets = [dict(json.loads(payload), status=status) for payload, status in db.execute(
        "SELECT payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
        "ORDER BY created_at", [student_id])]
    answerable = answerable_items(sets)
    # `review` is the skill's forgetting curve, so the phone fades its provisional bars as replay fades mastery.
    mastery = {row[0]: {"p": row[1], "p_next": row[3], "attempts": row[2], "mastered": row[1] >= threshold,
                        "params": params_for_phone(params.get(row[0]) or BKTParams(), answerable),
                        "review": {"stability_days": row[4] or INITIAL_STABILITY_DAYS, "last_review_ts": row[5]}}
               for row in db.execute("SELECT skill_id, p_known, attempts, p_next, stability_days, last_review_ts "
                                     "FROM mastery WHERE student_id = ?", [student_id])}
    for skill, p in apply_overrides(db, student_id, {k: v["p"] for k, v in mastery.items()}).items():
        if skill in mastery and p != mastery[skill]["p"]:
            mastery[skill].update(p=p, p_next=p, mastered=p >= threshold, overridden=True)
    student = db.execute("SELECT display_name, locale, simplified, audio FROM students WHERE id = ?", [student_id]).fetchone()
    view = {"mastery": mastery, "sets": sets, "threshold": threshold, "pilot": pilot_for_phone(db, student_id),
            "student": {"name": student[0], "locale": student[1], "simplified": bool(student[2]), "audio": bool(student[3]),
                        "reminder": bool(settings.get("reminders", False))}}
    starting = starting_params(db, student_id, catalog, params, answerable, mastery)
    if starting:  # absent when empty, as it nearly always is: not even its name rides on every reply
        view["skill_params"] = starting
    return view


def answerable_items(sets: list) -> set:
    """Every item the phone can answer before its next sync: its open sets' items, reserves and extensions."""
    out = set()
    for s in sets:
        for entry in [*(s.get("items") or []), *(s.get("reserve") or []), s.get("extension")]:
            if isinstance(entry, dict) and entry.get("item"):
                out.add(entry["item"])
    return out


def params_for_phone(params: BKTParams, answerable: set) -> dict:
    """A skill's parameters for the phone, with item offsets only for items it can answer before the next sync.

    The phone needs an offset only to move its provisional bar after answering that item
    offline, so a skill's whole table (tens of items) need not ride on every sync reply.
    """
    out = params.as_dict()
    out["item_offsets"] = {item: b for item, b in out["item_offsets"].items() if item in answerable}
    return out


def starting_params(db, student_id: int, catalog: dict, params: dict, answerable: set, mastery: dict) -> dict:
    """Parameters for the skills the phone can answer before its next sync but has no mastery for yet.

    A skill only just released (or practised for the first time in a diagnostic or a pre-approved
    set) has no mastery row, yet replay will run the student's first answers with its fitted
    parameters: the phone must too, or its bar jumps at the next sync. `prior` is where replay
    starts this student (the diagnostic's seed where it gave one). Skills the phone's defaults
    already describe exactly are left out, so a typical reply carries nothing here.
    """
    skills = {catalog["items"][item]["skill"] for item in answerable if item in catalog["items"]} - set(mastery)
    if not skills:
        return {}
    seeded = diagnostic_priors(db, student_id, catalog, params) or {}
    defaults = params_for_phone(BKTParams(), set())
    out = {}
    for skill in sorted(skills):
        sent = params_for_phone(params.get(skill) or BKTParams(), answerable)
        sent["prior"] = seeded.get(skill, sent["prior"])
        if sent != defaults:
            out[skill] = sent
    return out


def pilot_for_phone(db, student_id: int) -> dict | None:
    """The student's arm in an open pilot (and, in the within design, which skills get which mode); None outside one."""
    pilot = pilot_of_student(db, student_id)
    if pilot is None:
        return None
    # The held-out items travel too, so nothing the phone picks by itself (practice while waiting) serves one early.
    return {"id": pilot["id"], "arm": pilot["arm"], "design": pilot["design"], "status": pilot["status"],
            "ends_at": int(pilot["ends_at"] * 1000), "skills": pilot["skill_arms"] if pilot["design"] == "within" else {},
            "held_out": pilot["held_out"] if pilot["status"] == "running" else []}

"""The teacher's decisions: every override recorded (who, when, why, old, new) and applied where it counts.

No Flask here: planning (app/planning/next_set.py) calls `overridden_state` and `adjust_proposal` after each
replay, so a teacher's decision survives the student's next sync.
"""
from __future__ import annotations

import json
import time
from dataclasses import replace

from ..db import write

# What a teacher can change; the target names are stored in overrides.target.
TARGETS = ("mastery", "tier", "items_per_set", "deadline", "audio", "simplified", "groups", "set", "release",
           "release_mode", "mastery_threshold", "units", "tier_thresholds", "pin", "device", "lockout",
           "student_deleted", "retention", "pilot", "excused", "class_pause", "locale", "while_waiting", "planning")
TIERS = ("1", "2", "3", "enrichment", "maintenance")
MIN_ITEMS, MAX_ITEMS = 1, 5


def record_override(db, user_id: int, student_id: int | None, class_id: int | None, target: str,
                    target_id: str | None, old, new, reason: str, now: float | None = None) -> int:
    """Store one decision with who made it, when and why; return its id.

    Inside the caller's `write(db)` it joins that transaction, so a change and its record
    are committed together."""
    if target not in TARGETS:
        raise ValueError(f"unknown override target {target!r}")
    row = {"user_id": user_id, "student_id": student_id, "class_id": class_id, "target": target,
           "target_id": target_id, "old_value": json.dumps(old, ensure_ascii=False),
           "new_value": json.dumps(new, ensure_ascii=False), "reason": (reason or "").strip()[:300] or "-",
           "created_at": now or time.time()}
    if db.in_transaction:  # part of the caller's write: the change and its record commit together
        return db["overrides"].insert(row).last_pk
    with write(db):
        return db["overrides"].insert(row).last_pk


def _decode(text):
    try:
        return json.loads(text) if text is not None else None
    except ValueError:
        return text


def history(db, student_id: int | None = None, class_id: int | None = None, target: str | None = None,
            target_id: str | None = None, limit: int = 200) -> list:
    """Recorded decisions, newest first, with the deciding teacher's name."""
    clauses, params = [], []
    for column, value in (("o.student_id", student_id), ("o.class_id", class_id), ("o.target", target),
                          ("o.target_id", target_id)):
        if value is not None:
            clauses.append(f"{column} = ?")
            params.append(value)
    where = " AND ".join(clauses) or "1"
    rows = db.execute(
        "SELECT o.id, o.user_id, coalesce(u.display_name, u.username), o.student_id, o.class_id, o.target, "
        f"o.target_id, o.old_value, o.new_value, o.reason, o.created_at FROM overrides o "  # noqa: S608
        f"LEFT JOIN users u ON u.id = o.user_id WHERE {where} ORDER BY o.created_at DESC, o.id DESC LIMIT ?",
        params + [limit]).fetchall()
    keys = ("id", "user_id", "by", "student_id", "class_id", "target", "target_id", "old", "new", "reason", "at")
    return [dict(zip(keys, row), old=_decode(row[7]), new=_decode(row[8])) for row in rows]


def _latest(db, student_ids: list, targets: tuple) -> dict:
    """The newest decision per (student, target, target_id)."""
    if not student_ids:
        return {}
    marks = ",".join("?" * len(student_ids))
    tmarks = ",".join("?" * len(targets))
    rows = db.execute(
        "SELECT o.student_id, o.target, o.target_id, o.new_value, o.old_value, o.reason, o.created_at, "
        f"coalesce(u.display_name, u.username) FROM overrides o LEFT JOIN users u ON u.id = o.user_id "  # noqa: S608
        f"WHERE o.student_id IN ({marks}) AND o.target IN ({tmarks}) ORDER BY o.created_at, o.id",
        list(student_ids) + list(targets)).fetchall()
    latest = {}
    for student_id, target, target_id, new, old, reason, at, by in rows:
        latest[(student_id, target, target_id)] = {"value": _decode(new), "old": _decode(old), "reason": reason,
                                                   "at": at, "by": by}
    return latest


def mastery_overrides(db, student_ids: list) -> dict:
    """Active mastery overrides: {student: {skill: {value, old, reason, at, by}}}; a cleared one is gone."""
    active: dict = {}
    for (student_id, _target, skill), decision in _latest(db, student_ids, ("mastery",)).items():
        if decision["value"] is not None:
            active.setdefault(student_id, {})[skill] = decision
    return active


def apply_overrides(db, student_id: int, mastery: dict) -> dict:
    """Mastery {skill: p} with the teacher's overrides in place of the model's estimates (a new dict).

    An override stands until the teacher clears it; the model's own estimate is still
    replayed from the log and shown beside it on the teacher's pages.
    """
    result = dict(mastery)
    for skill, decision in mastery_overrides(db, [student_id]).get(student_id, {}).items():
        result[skill] = float(decision["value"])
    return result


def student_settings(db, student_ids: list) -> dict:
    """Per student: the tier override and items-per-set accommodation in force, each with its decision."""
    found: dict = {}
    for (student_id, target, _tid), decision in _latest(db, student_ids, ("tier", "items_per_set")).items():
        if decision["value"] not in (None, ""):
            found.setdefault(student_id, {})[target] = decision
    return found


def adjust_proposal(db, student_id: int, proposal: dict) -> dict:
    """A proposed set with the teacher's standing decisions applied: tier override, fewer items."""
    settings = student_settings(db, [student_id]).get(student_id, {})
    if not proposal or not settings:
        return proposal
    adjusted = dict(proposal)
    if "tier" in settings:
        adjusted["tier"] = settings["tier"]["value"]
        adjusted["tier_overridden"] = True
    if "items_per_set" in settings and adjusted.get("items"):
        keep = max(MIN_ITEMS, int(settings["items_per_set"]["value"]))
        if len(adjusted["items"]) > keep:
            adjusted["items"] = list(adjusted["items"])[:keep]
            adjusted["shortened_to"] = keep
    return adjusted


def overridden_state(db, student_id: int, state):
    """A copy of a replayed StudentState with the teacher's mastery overrides in place, for planning the next set.

    The replayed `state` itself is left as the model computed it (that is what the mastery
    table records and what the teacher sees as "Model: ..."); the copy is what the selector
    should plan from, so an override decides the next set from the next sync on.
    """
    decided = mastery_overrides(db, [student_id]).get(student_id, {})
    if not decided:
        return state
    skills = dict(state.skills)
    for skill, decision in decided.items():
        if skill in skills:
            p = float(decision["value"])
            skills[skill] = replace(skills[skill], mastery=p, p_known=p, mastered=p >= state.threshold)
    return replace(state, skills=skills)

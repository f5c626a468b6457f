"""Reviewing and editing a proposed set: swap, drop, retarget, shorten, release — each recorded.

No Flask: the views call these with the database, the catalog and the deciding teacher.
"""
from __future__ import annotations

import json
import time

from ..adaptive.bkt import DEFAULT_PARAMS, item_choices, predict_correct
from ..db import write
from ..planning.away import away, due_after_away
from ..planning.decisions import apply_overrides, record_override
from ..planning.pilot_arm import served_catalog
from ..planning.replay import skill_params

DAY = 86400
DEFAULT_DAYS_PER_SET = 7
TEACHER_WHY = "Your teacher chose this item for you"
ZONE_MID = 0.725  # the middle of the productive zone (0.6-0.85 predicted success)


def N_(message: str) -> str:
    """Mark a message for translation (babel extracts N_); the view translates it when it shows it."""
    return message


class EditError(ValueError):
    """An edit that cannot be made (the set is no longer a proposal, an unknown item...)."""


def load_set(db, set_id: str) -> dict:
    """The set row with its payload decoded."""
    row = db["sets"].get(set_id)
    return dict(row, payload=json.loads(row["payload"] or "{}"))


def student_mastery(db, student_id: int) -> dict:
    """{skill: p} from the last replay, with the teacher's overrides in force."""
    rows = db.execute("SELECT skill_id, p_known FROM mastery WHERE student_id = ?", [student_id]).fetchall()
    return apply_overrides(db, student_id, dict(rows))


def _params(db) -> dict:
    return skill_params(db)


def predicted(catalog: dict, item_id: str, mastery: dict, params: dict) -> float:
    """The student's predicted chance of getting an item right."""
    item = catalog["items"][item_id]
    p_known = mastery.get(item["skill"], params.get(item["skill"], DEFAULT_PARAMS).prior)
    skill_params = params.get(item["skill"], DEFAULT_PARAMS)
    return predict_correct(p_known, skill_params, item.get("difficulty", 3), item_choices(item), skill_params.item_offset(item_id))


def candidates(db, catalog: dict, student_id: int, skill: str, exclude: set, limit: int = 8) -> list:
    """Items of a skill the teacher may swap in, those nearest the productive zone first (never a held-out one)."""
    catalog = served_catalog(db, student_id, catalog)
    mastery, params = student_mastery(db, student_id), _params(db)
    pool = [(abs(predicted(catalog, i, mastery, params) - ZONE_MID), i) for i, item in catalog["items"].items()
            if item["skill"] == skill and not item.get("extension") and i not in exclude]
    pool.sort()
    return [{"item": i, "p_success": round(predicted(catalog, i, mastery, params), 4)} for _, i in pool[:limit]]


def _entry(db, catalog: dict, student_id: int, item_id: str) -> dict:
    mastery, params = student_mastery(db, student_id), _params(db)
    return {"item": item_id, "skill": catalog["items"][item_id]["skill"], "reason": "teacher", "why": TEACHER_WHY,
            "why_args": {}, "p_success": round(predicted(catalog, item_id, mastery, params), 4)}


def edited_items(db, catalog: dict, set_row: dict, action: str, form: dict) -> list:
    """The set's items after one edit; raise EditError when the edit makes no sense."""
    items = list(set_row["payload"].get("items", []))
    student_id = set_row["student_id"]
    catalog = served_catalog(db, student_id, catalog)  # a pilot's post-test items stay unseen, even by a swap
    try:
        index = int(form.get("index", -1))
    except (TypeError, ValueError):
        index = -1
    if action in ("swap", "drop") and not 0 <= index < len(items):
        raise EditError(N_("no such item in the set"))
    if action == "swap":
        new = form.get("item")
        if new not in catalog["items"] or any(e["item"] == new for e in items):
            raise EditError(N_("choose an item that is not already in the set"))
        items[index] = _entry(db, catalog, student_id, new)
    elif action == "drop":
        if len(items) <= 1:
            raise EditError(N_("a set needs at least one item"))
        items.pop(index)
    elif action == "shorten":
        try:
            keep = int(form.get("keep", len(items)))
        except (TypeError, ValueError):
            raise EditError(N_("choose how many items to keep")) from None
        if not 1 <= keep <= len(items):
            raise EditError(N_("choose how many items to keep"))
        items = items[:keep]
    elif action == "retarget":
        skill = form.get("skill")
        if skill not in catalog["skills"]:
            raise EditError(N_("choose a skill"))
        size = max(1, min(len(items) or 5, 5))
        picks = candidates(db, catalog, student_id, skill, set(), limit=size)
        if not picks:
            raise EditError(N_("that skill has no items to practise"))
        items = [_entry(db, catalog, student_id, p["item"]) for p in picks]
    else:
        raise EditError(N_("unknown edit"))
    return items


def apply_edit(db, catalog: dict, set_id: str, action: str, form: dict, user_id: int, reason: str) -> dict:
    """Edit a proposed set and record the change (old and new items, who, why); return the new set.

    The set is read, changed and its record written in one write transaction: two edits in quick
    succession (a swap, then a drop) apply one after the other, and no record names an edit that
    another one overwrote."""
    with write(db):
        set_row = load_set(db, set_id)
        if set_row["status"] != "proposed":
            raise EditError(N_("only a set waiting for approval can be edited"))
        new_items = edited_items(db, catalog, set_row, action, form)
        _store_items(db, catalog, set_row, action, new_items, user_id, reason,
                     {"target_skill": form.get("skill")} if action == "retarget" else {})
    return load_set(db, set_id)


def replace_items(db, catalog: dict, set_id: str, item_ids: list, user_id: int, reason: str) -> dict:
    """Give a proposed set exactly these items (a group's shared list) and record it as one edit of that set.

    An item the engine already chose for this student keeps its reason; any other is the teacher's choice."""
    with write(db):
        set_row = load_set(db, set_id)
        if set_row["status"] != "proposed":
            raise EditError(N_("only a set waiting for approval can be edited"))
        served = served_catalog(db, set_row["student_id"], catalog)
        chosen = {e["item"]: e for e in set_row["payload"].get("items", [])}
        if not item_ids:
            raise EditError(N_("a set needs at least one item"))
        if any(i not in served["items"] or served["items"][i].get("extension") for i in item_ids):
            raise EditError(N_("an item of the list is not open to this student"))
        new_items = [chosen.get(i) or _entry(db, served, set_row["student_id"], i) for i in dict.fromkeys(item_ids)]
        _store_items(db, catalog, set_row, "shared", new_items, user_id, reason)
    return load_set(db, set_id)


def _store_items(db, catalog: dict, set_row: dict, action: str, new_items: list, user_id: int, reason: str,
                 extra: dict | None = None) -> None:
    """Write a proposed set's new items (inside the caller's write) and record the old and new lists."""
    old_items = set_row["payload"].get("items", [])
    payload = dict(set_row["payload"], items=new_items, edited=True, **(extra or {}))
    payload["minutes"] = round(sum(catalog["items"][e["item"]].get("seconds", 60) for e in new_items
                                   if e["item"] in catalog["items"]) / 60)
    changed = db.execute("UPDATE sets SET payload = ? WHERE id = ? AND status = 'proposed'",
                         [json.dumps(payload, ensure_ascii=False), set_row["id"]]).rowcount
    if not changed:
        raise EditError(N_("only a set waiting for approval can be edited"))
    record_override(db, user_id, set_row["student_id"], _class_of(db, set_row["student_id"]), "set", set_row["id"],
                    {"action": action, "items": [e["item"] for e in old_items]},
                    {"action": action, "items": [e["item"] for e in new_items]}, reason)


def release(db, set_id: str, user_id: int, reason: str, now: float | None = None,
            days_per_set: int = DEFAULT_DAYS_PER_SET) -> bool:
    """Release a proposed set to the student (they get it at their next sync); False if it was not proposed."""
    now = now or time.time()
    set_row = load_set(db, set_id)
    if set_row["status"] != "proposed":
        return False
    due = set_row["payload"].get("due") or now + days_per_set * DAY
    # Released to a student who is away: the set's time counts from the day they are back.
    why_away = away(db, set_row["student_id"], now)
    later = due_after_away(due, why_away["until"], now) if why_away else None
    payload = dict(set_row["payload"], due=later or due)
    with write(db):
        changed = db.execute("UPDATE sets SET status = 'released', released_at = ?, released_by = ?, payload = ? "
                             "WHERE id = ? AND status = 'proposed'",
                             [now, user_id, json.dumps(payload, ensure_ascii=False), set_id]).rowcount
        if changed:
            class_id = _class_of(db, set_row["student_id"])
            record_override(db, user_id, set_row["student_id"], class_id, "release", set_id, "proposed", "released",
                            reason, now)
            if later:
                record_override(db, user_id, set_row["student_id"], class_id, "deadline", set_id, due, later,
                                why_away.get("reason") or "-", now)
    return bool(changed)


def due_date(set_row: dict) -> float | None:
    """When a released set is due: its own date (a teacher may have extended it), else a week after release."""
    payload = set_row["payload"] if isinstance(set_row.get("payload"), dict) else json.loads(set_row["payload"] or "{}")
    if payload.get("due"):
        return float(payload["due"])
    start = set_row.get("released_at") or set_row.get("created_at")
    return start + DEFAULT_DAYS_PER_SET * DAY if start else None


def extend_deadline(db, set_id: str, days: int, user_id: int, reason: str) -> float:
    """Move a set's due date later by `days`; record old and new dates; return the new one."""
    with write(db):  # read and change together: two extensions at once add up, each recorded as applied
        set_row = load_set(db, set_id)
        old = due_date(set_row) or time.time()
        new = old + days * DAY
        payload = dict(set_row["payload"], due=new)
        db.execute("UPDATE sets SET payload = ? WHERE id = ?", [json.dumps(payload, ensure_ascii=False), set_id])
        record_override(db, user_id, set_row["student_id"], _class_of(db, set_row["student_id"]), "deadline", set_id,
                        old, new, reason)
    return new


def _class_of(db, student_id: int) -> int:
    return db.execute("SELECT class_id FROM students WHERE id = ?", [student_id]).fetchone()[0]

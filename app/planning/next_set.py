"""Planning the next set: the selector's proposal from the state with the teacher's decisions applied."""
from __future__ import annotations

import hashlib
import json

from ..adaptive.holding import holding_set_for
from ..adaptive.selection import next_set_for
from ..i18n.explain import with_english_lines
from .decisions import adjust_proposal, overridden_state
from .pilot_arm import pilot_next_set, pilot_of_student, served_catalog


def _set_id(student_id: int, based_on: int, now: float, kind: str = "") -> str:
    return "s" + hashlib.sha256(f"{student_id}:{based_on}:{now}{kind}".encode()).hexdigest()[:15]


def plan_next_set(db, student_id: int, state, catalog: dict, settings: dict, now: float, events_count: int) -> None:
    """Propose (or, in auto release and for a diagnostic, release) the next set (inside the caller's write)."""
    # The teacher's overrides steer planning; the model's own estimate is still what is stored.
    plan = overridden_state(db, student_id, state)
    # A student in a pilot gets the arm's set (the static worksheet, or the engine on the unit).
    chosen = pilot_next_set(db, student_id, plan, catalog, settings, now)
    proposal = adjust_proposal(db, student_id, next_set_for(plan, catalog, now, settings) if chosen is None else chosen)
    if proposal and proposal.get("items"):
        # The engine gives codes; the set keeps English lines too, for the API and exports.
        proposal = with_english_lines(proposal, catalog)
        auto = settings["release_mode"] == "auto" or proposal.get("kind") == "diagnostic"
        set_id = _set_id(student_id, events_count, now)
        db["sets"].insert({"id": set_id, "student_id": student_id, "status": "released" if auto else "proposed",
                           "tier": str(proposal.get("tier", "")), "payload": json.dumps(dict(proposal, id=set_id)),
                           "created_at": now, "released_at": now if auto else None,
                           "based_on_events": events_count})


def last_released_set(db, student_id: int) -> dict | None:
    """The newest set the teacher released (or a diagnostic): what pre-approved practice continues."""
    row = db.execute("SELECT payload FROM sets WHERE student_id = ? AND released_at IS NOT NULL "  # noqa: S608
                     f"AND {db.json_text('payload', 'pre_approved')} IS NULL ORDER BY released_at DESC, created_at DESC "
                     "LIMIT 1", [student_id]).fetchone()
    return json.loads(row[0]) if row else None


def plan_holding_set(db, student_id: int, state, catalog: dict, settings: dict, now: float, events_count: int) -> bool:
    """Release a short pre-approved practice set while a proposal waits for the teacher (inside the caller's write).

    Released at once and kept like any set (who, when, which policy), so the teacher's pages show it.
    """
    # A pilot's arms get only their own sets: practice beside them would blur the comparison.
    pilot = pilot_of_student(db, student_id)
    if pilot and pilot["status"] == "running":
        return False
    plan = overridden_state(db, student_id, state)
    catalog = served_catalog(db, student_id, catalog)
    holding = holding_set_for(plan, catalog, now, settings, last_released_set(db, student_id))
    if not holding:
        return False
    holding = with_english_lines(holding, catalog)
    set_id = _set_id(student_id, events_count, now, "holding")
    db["sets"].insert({"id": set_id, "student_id": student_id, "status": "released", "tier": str(holding["tier"]),
                       "payload": json.dumps(dict(holding, id=set_id)), "created_at": now, "released_at": now,
                       "based_on_events": events_count})
    return True

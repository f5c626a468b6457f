"""Planning the next set: the selector's proposal from the state with the teacher's decisions applied."""
from __future__ import annotations

import hashlib
import json

from ..adaptive.selection import next_set_for
from ..i18n.explain import with_english_lines
from .decisions import adjust_proposal, overridden_state
from .pilot_arm import pilot_next_set


def _set_id(student_id: int, based_on: int, now: float) -> str:
    return "s" + hashlib.sha256(f"{student_id}:{based_on}:{now}".encode()).hexdigest()[:15]


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

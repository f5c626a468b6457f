"""After a sync: replay the student's log into mastery, close finished sets, propose the next one."""
from __future__ import annotations

import time

from ..db import write
from .life_cycle import (
    answered_items_by_set,
    close_finished_sets,
    diagnostic_open,
    needs_holding_set,
    needs_next_set,
    open_sets,
)
from .next_set import plan_holding_set, plan_next_set
from .replay import class_settings, state_for, store_mastery


def refresh_student(db, student_id: int, catalog: dict, now: float | None = None, changed: bool = True) -> None:
    """Recompute mastery from the log when it changed; complete finished sets; keep the next set ready."""
    now = now or time.time()
    has_mastery = db.execute("SELECT 1 FROM mastery WHERE student_id = ? LIMIT 1", [student_id]).fetchone()
    sets = open_sets(db, student_id)
    if not changed and has_mastery and sets:
        return
    settings = class_settings(db, student_id, catalog)
    state = state_for(db, student_id, catalog, settings)
    done = answered_items_by_set(db, student_id)
    events_count = db.execute("SELECT count(*) FROM events WHERE student_id = ?", [student_id]).fetchone()[0]
    with write(db):
        store_mastery(db, student_id, state, now)
        still_open = close_finished_sets(db, sets, done)
        if needs_next_set(still_open) and not diagnostic_open(db, student_id):
            plan_next_set(db, student_id, state, catalog, settings, now, events_count)
        # Never nothing to do: while the teacher has not yet looked, practice the teacher approved by policy.
        if needs_holding_set(db, student_id, settings):
            plan_holding_set(db, student_id, state, catalog, settings, now, events_count)

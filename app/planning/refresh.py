"""After a sync: fold the student's new events into mastery, close finished sets, propose the next one."""
from __future__ import annotations

import time

from ..db import write
from .away import away, record_hold, record_resume
from .life_cycle import (
    answered_items_by_set,
    close_finished_sets,
    diagnostic_open,
    holding_missing,
    needs_holding_set,
    needs_next_set,
    open_sets,
)
from .log import count_events
from .next_set import plan_holding_set, plan_next_set
from .pilot_arm import release_due_post_tests
from .replay import class_settings, state_for, store_mastery


def refresh_student(db, student_id: int, catalog: dict, now: float | None = None, changed: bool = True,
                    more: bool = False) -> None:
    """Bring mastery up to date with the log; complete finished sets; keep the next set ready.

    `more`: the phone has further batches queued right behind this one and still has sets to
    work on, so sets are closed and planned once, on its last batch; mastery is brought up to
    date for every batch.
    """
    now = now or time.time()
    has_mastery = db.execute("SELECT 1 FROM mastery WHERE student_id = ? LIMIT 1", [student_id]).fetchone()
    sets = open_sets(db, student_id)
    if not changed and has_mastery and sets and not holding_missing(sets):
        return
    settings = class_settings(db, student_id, catalog)
    if not changed and has_mastery and sets and not needs_holding_set(db, student_id, settings):
        return
    events_count = count_events(db, student_id)
    state = state_for(db, student_id, catalog, settings, total_events=events_count, now=now)
    # A pilot's ended window touches every member's sets: that write is global, before this student's own.
    release_due_post_tests(db, student_id, catalog, now)
    with write(db, student=student_id):  # one student's rows: other students' syncs go on beside it
        store_mastery(db, student_id, state, now)
        if more and sets:
            return
        still_open = close_finished_sets(db, sets, answered_items_by_set(db, student_id, sets))
        wants_set = needs_next_set(still_open) and not diagnostic_open(db, student_id)
        # Excused or paused: nothing new is planned, so the student comes back to one set, not a pile.
        why_away = away(db, student_id, now)
        if why_away:
            if wants_set or needs_holding_set(db, student_id, settings):
                record_hold(db, student_id, why_away, now)
            return
        record_resume(db, student_id, now)
        if wants_set:
            plan_next_set(db, student_id, state, catalog, settings, now, events_count)
        # Never nothing to do: while the teacher has not yet looked, practice the teacher approved by policy.
        if needs_holding_set(db, student_id, settings):
            plan_holding_set(db, student_id, state, catalog, settings, now, events_count)

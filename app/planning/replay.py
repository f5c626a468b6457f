"""The student's state from the event log (folded on from a stored checkpoint): class settings, fitted parameters, diagnostic priors."""
from __future__ import annotations

import json
import time

from ..adaptive.bkt import BKTParams
from ..adaptive.diagnostic import seed_priors
from ..adaptive.state import replay
from .checkpoints import current_fold
from .log import count_events, read_log


def class_settings(db, student_id: int, catalog: dict | None = None) -> dict:
    """The class's release mode, mastery threshold, assigned skills and teacher-set thresholds."""
    row = db.execute("SELECT c.release_mode, c.mastery_threshold, c.settings, c.id FROM classes c "
                     "JOIN students s ON s.class_id = c.id WHERE s.id = ?", [student_id]).fetchone()
    settings = dict({"diagnostic_first": True}, **json.loads(row[2] or "{}"))
    settings.update(release_mode=row[0], mastery_threshold=row[1])
    if catalog is not None:
        assigned = [r[0] for r in db.execute("SELECT pack_id FROM assignments WHERE class_id = ?", [row[3]])]
        skills = [s for pid in assigned for s in catalog["packs"].get(pid, {}).get("skills", [])]
        # No assignment yet: practise across everything published rather than nothing.
        settings["skills"] = skills or None
    return settings


def skill_params(db) -> dict:
    """Fitted BKT parameters per skill (defaults where `abhyas fit` has not run)."""
    names = BKTParams.__dataclass_fields__
    # Rows fitted before the difficulty step was fitted hold NULL there: the default applies.
    return {row["skill_id"]: BKTParams.from_dict({k: v for k, v in row.items() if k in names})
            for row in db["skill_params"].rows}


def event_log(db, student_id: int) -> list:
    """The student's events in the server's canonical order: trusted time, then device and sequence."""
    return read_log(db, student_id)


def diagnostic_set_ids(db, student_id: int) -> set:
    """Ids of the student's diagnostic sets, whose answers seed priors instead of counting twice."""
    return {row[0] for row in db.execute(f"SELECT id FROM sets WHERE student_id = ? AND {db.json_text('payload', 'kind')} = "  # noqa: S608
                                         "'diagnostic'", [student_id])}


def state_from_log(db, student_id: int, catalog: dict, settings: dict | None = None):
    """The student's state replayed from the whole event log (plus fitted parameters and diagnostic priors).

    The definition the stored checkpoints must always agree with; syncs use `state_for`.
    """
    settings = settings or class_settings(db, student_id)
    params = skill_params(db)
    log = event_log(db, student_id)
    priors = diagnostic_priors(db, student_id, catalog, params, log)
    return replay(log, catalog, params, threshold=settings["mastery_threshold"], priors=priors)


def diagnostic_priors(db, student_id: int, catalog: dict, params: dict, log: list | None = None) -> dict | None:
    """Where replay starts each skill for this student: the priors the diagnostic's answers seed (None without any).

    Marks the log's events `diagnostic` when given one, so replay does not count those answers again.
    """
    diagnostic = diagnostic_set_ids(db, student_id)
    if not diagnostic:
        return None
    log = event_log(db, student_id) if log is None else log
    for event in log:
        event["diagnostic"] = event["set"] in diagnostic
    answers = [e for e in log if e["diagnostic"] and e["type"] == "answer" and e["attempt"] == 1]
    return seed_priors(answers, catalog, params) if answers else None


def state_for(db, student_id: int, catalog: dict, settings: dict | None = None, total_events: int | None = None,
              now: float | None = None):
    """The student's state as a pure function of the event log, folded on from the latest stored checkpoint."""
    settings = settings or class_settings(db, student_id)
    total = count_events(db, student_id) if total_events is None else total_events
    fold = current_fold(db, student_id, catalog, skill_params(db), settings["mastery_threshold"],
                        diagnostic_set_ids(db, student_id), total, now)
    return fold.state


def store_mastery(db, student_id: int, state, now: float) -> None:
    """Write the replayed mastery per skill and today's point in its history (inside the caller's write)."""
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    db.executemany("INSERT INTO mastery (student_id, skill_id, p_known, attempts, correct, updated_at, p_next, "
                   "stability_days, last_review_ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (student_id, skill_id) "
                   "DO UPDATE SET p_known = excluded.p_known, attempts = excluded.attempts, correct = excluded.correct, "
                   "updated_at = excluded.updated_at, p_next = excluded.p_next, stability_days = excluded.stability_days, "
                   "last_review_ts = excluded.last_review_ts",
                   [(student_id, skill, round(st.mastery, 4), st.attempts, st.correct, now, round(st.p_known, 4),
                     st.review.stability_days, st.review.last_review_ts)
                    for skill, st in state.skills.items()])
    db.executemany("INSERT INTO mastery_history (student_id, skill_id, day, p_known) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT (student_id, skill_id, day) DO UPDATE SET p_known = excluded.p_known",
                   [(student_id, skill, day, round(st.mastery, 4)) for skill, st in state.skills.items() if st.attempts])

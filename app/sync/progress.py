"""After a sync: fold the student's new events into mastery, close finished sets, propose the next one."""
from __future__ import annotations

import hashlib
import json
import time

from ..adaptive.bkt import BKTParams
from ..adaptive.diagnostic import seed_priors
from ..adaptive.selection import next_set_for
from ..adaptive.state import replay
from ..db import write
from .checkpoints import current_fold
from .log import count_events, read_log
from ..teacher.decisions import adjust_proposal, apply_overrides, overridden_state

OPEN_STATUSES = ("proposed", "released")
SETS_AHEAD = 1  # one set beyond the current one, so a week offline does not run dry
SET_CLOCK_MARGIN = 2 * 86400  # how far before a set was made a phone's corrected clock may still stamp its answers


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
    return {row["skill_id"]: BKTParams(prior=row["prior"], learn=row["learn"], guess=row["guess"],
                                       slip=row["slip"], forget=row["forget"])
            for row in db["skill_params"].rows}


def event_log(db, student_id: int) -> list:
    """The student's events in the server's canonical order: trusted time, then device and sequence."""
    return read_log(db, student_id)


def diagnostic_set_ids(db, student_id: int) -> set:
    """Ids of the student's diagnostic sets, whose answers seed priors instead of counting twice."""
    return {row[0] for row in db.execute("SELECT id FROM sets WHERE student_id = ? AND json_extract(payload, '$.kind') = "
                                         "'diagnostic'", [student_id])}


def state_from_log(db, student_id: int, catalog: dict, settings: dict | None = None):
    """The student's state replayed from the whole event log (plus fitted parameters and diagnostic priors).

    The definition the stored checkpoints must always agree with; syncs use `state_for`.
    """
    settings = settings or class_settings(db, student_id)
    params = skill_params(db)
    log = event_log(db, student_id)
    diagnostic = diagnostic_set_ids(db, student_id)
    priors = None
    if diagnostic:
        for event in log:
            event["diagnostic"] = event["set"] in diagnostic
        answers = [e for e in log if e["diagnostic"] and e["type"] == "answer" and e["attempt"] == 1]
        priors = seed_priors(answers, catalog, params) if answers else None
    return replay(log, catalog, params, threshold=settings["mastery_threshold"], priors=priors)


def state_for(db, student_id: int, catalog: dict, settings: dict | None = None, total_events: int | None = None,
              now: float | None = None):
    """The student's state as a pure function of the event log, folded on from the latest stored checkpoint."""
    settings = settings or class_settings(db, student_id)
    total = count_events(db, student_id) if total_events is None else total_events
    fold = current_fold(db, student_id, catalog, skill_params(db), settings["mastery_threshold"],
                        diagnostic_set_ids(db, student_id), total, now)
    return fold.state


def diagnostic_finished(tree: dict | None, first_answers: dict) -> bool:
    """Walk the diagnostic tree with the first answer to each item; finished when the walk ends."""
    node = tree
    while node is not None:
        if node["item"] not in first_answers:
            return False
        node = node["right"] if first_answers[node["item"]] else node["wrong"]
    return True


def _set_id(student_id: int, based_on: int, now: float) -> str:
    return "s" + hashlib.sha256(f"{student_id}:{based_on}:{now}".encode()).hexdigest()[:15]


def _answered_items_by_set(db, student_id: int, open_sets: list) -> dict:
    """Per open set: item -> whether its first answer was right (a skip counts as answered, wrong).

    Only events since the oldest open set was made are read (less a margin for phones' clocks):
    a set's answers cannot come before the phone had the set, and a year of older events
    would otherwise be read on every sync.
    """
    if not open_sets:
        return {}
    ids = [row[0] for row in open_sets]
    since = min(row[3] for row in open_sets) - SET_CLOCK_MARGIN
    done: dict = {}
    for set_id, item, correct in db.execute(
            "SELECT set_id, item_id, correct FROM events WHERE student_id = ? AND server_ts >= ? "  # noqa: S608
            f"AND set_id IN ({','.join('?' * len(ids))}) AND type IN ('answer', 'skip') "
            "ORDER BY server_ts, device_id, seq", [student_id, since, *ids]):
        done.setdefault(set_id, {}).setdefault(item, bool(correct))
    return done


def refresh_student(db, student_id: int, catalog: dict, now: float | None = None, changed: bool = True,
                    more: bool = False) -> None:
    """Bring mastery up to date with the log; complete finished sets; keep the next set ready.

    `more`: the phone has further batches queued right behind this one, so sets are closed and
    planned once, on its last batch; mastery is still brought up to date for every batch.
    """
    now = now or time.time()
    has_mastery = db.execute("SELECT 1 FROM mastery WHERE student_id = ? LIMIT 1", [student_id]).fetchone()
    open_sets = db.execute("SELECT id, payload, status, created_at FROM sets WHERE student_id = ? "
                           "AND status IN ('proposed', 'released')", [student_id]).fetchall()
    if not changed and has_mastery and open_sets:
        return
    settings = class_settings(db, student_id, catalog)
    events_count = count_events(db, student_id)
    state = state_for(db, student_id, catalog, settings, total_events=events_count, now=now)
    day = time.strftime("%Y-%m-%d", time.gmtime(now))
    with write(db):
        db.conn.executemany("INSERT OR REPLACE INTO mastery (student_id, skill_id, p_known, attempts, correct, updated_at, p_next) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)",
                            [(student_id, skill, round(st.mastery, 4), st.attempts, st.correct, now, round(st.p_known, 4))
                             for skill, st in state.skills.items()])
        db.conn.executemany("INSERT OR REPLACE INTO mastery_history (student_id, skill_id, day, p_known) VALUES (?, ?, ?, ?)",
                            [(student_id, skill, day, round(st.mastery, 4)) for skill, st in state.skills.items() if st.attempts])
        if more and open_sets:
            return  # the phone still has sets to work on; plan on its last batch
        done = _answered_items_by_set(db, student_id, open_sets)
        still_open = []
        for set_id, payload, status, _created in open_sets:
            doc = json.loads(payload)
            answered = done.get(set_id, {})
            if doc.get("kind") == "diagnostic":
                finished = diagnostic_finished(doc.get("tree"), answered)
            else:
                finished = bool(doc["items"]) and {e["item"] for e in doc["items"]} <= set(answered)
            if status == "released" and finished:
                db.execute("UPDATE sets SET status = 'completed' WHERE id = ?", [set_id])
            else:
                still_open.append(status)
        if "proposed" not in still_open and still_open.count("released") <= SETS_AHEAD:
            # The teacher's overrides steer planning; the model's own estimate is still what is stored.
            plan = overridden_state(db, student_id, state)
            proposal = adjust_proposal(db, student_id, next_set_for(plan, catalog, now, settings))
            if proposal and proposal.get("items"):
                auto = settings["release_mode"] == "auto" or proposal.get("kind") == "diagnostic"
                set_id = _set_id(student_id, events_count, now)
                db["sets"].insert({"id": set_id, "student_id": student_id, "status": "released" if auto else "proposed",
                                   "tier": str(proposal.get("tier", "")), "payload": json.dumps(dict(proposal, id=set_id)),
                                   "created_at": now, "released_at": now if auto else None,
                                   "based_on_events": events_count})


def student_view(db, student_id: int, catalog: dict) -> dict:
    """What the phone needs after a sync: mastery per skill, open sets, and the student's settings."""
    threshold = class_settings(db, student_id)["mastery_threshold"]
    params = skill_params(db)
    mastery = {row[0]: {"p": row[1], "p_next": row[3], "attempts": row[2], "mastered": row[1] >= threshold,
                        "params": (params.get(row[0]) or BKTParams()).as_dict()}
               for row in db.execute("SELECT skill_id, p_known, attempts, p_next FROM mastery WHERE student_id = ?",
                                     [student_id])}
    for skill, p in apply_overrides(db, student_id, {k: v["p"] for k, v in mastery.items()}).items():
        if skill in mastery and p != mastery[skill]["p"]:
            mastery[skill].update(p=p, p_next=p, mastered=p >= threshold, overridden=True)
    sets = [dict(json.loads(payload), status=status) for payload, status in db.execute(
        "SELECT payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
        "ORDER BY created_at", [student_id])]
    student = db.execute("SELECT display_name, locale, simplified, audio FROM students WHERE id = ?", [student_id]).fetchone()
    return {"mastery": mastery, "sets": sets, "threshold": threshold,
            "student": {"name": student[0], "locale": student[1], "simplified": bool(student[2]), "audio": bool(student[3])}}

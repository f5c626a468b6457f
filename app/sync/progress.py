"""What the phone receives after a sync: mastery per skill (teacher's overrides shown), open sets, settings."""
from __future__ import annotations

import json

from ..adaptive.bkt import BKTParams
from ..adaptive.review import INITIAL_STABILITY_DAYS
from ..planning.decisions import apply_overrides
from ..planning.pilot_arm import pilot_of_student
from ..planning.replay import class_settings, skill_params


def student_view(db, student_id: int, catalog: dict) -> dict:
    """What the phone needs after a sync: mastery per skill, open sets, and the student's settings."""
    threshold = class_settings(db, student_id)["mastery_threshold"]
    params = skill_params(db)
    # `review` is the skill's forgetting curve, so the phone fades its provisional bars as replay fades mastery.
    mastery = {row[0]: {"p": row[1], "p_next": row[3], "attempts": row[2], "mastered": row[1] >= threshold,
                        "params": (params.get(row[0]) or BKTParams()).as_dict(),
                        "review": {"stability_days": row[4] or INITIAL_STABILITY_DAYS, "last_review_ts": row[5]}}
               for row in db.execute("SELECT skill_id, p_known, attempts, p_next, stability_days, last_review_ts "
                                     "FROM mastery WHERE student_id = ?", [student_id])}
    for skill, p in apply_overrides(db, student_id, {k: v["p"] for k, v in mastery.items()}).items():
        if skill in mastery and p != mastery[skill]["p"]:
            mastery[skill].update(p=p, p_next=p, mastered=p >= threshold, overridden=True)
    sets = [dict(json.loads(payload), status=status) for payload, status in db.execute(
        "SELECT payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
        "ORDER BY created_at", [student_id])]
    student = db.execute("SELECT display_name, locale, simplified, audio FROM students WHERE id = ?", [student_id]).fetchone()
    return {"mastery": mastery, "sets": sets, "threshold": threshold, "pilot": pilot_for_phone(db, student_id),
            "student": {"name": student[0], "locale": student[1], "simplified": bool(student[2]), "audio": bool(student[3])}}


def pilot_for_phone(db, student_id: int) -> dict | None:
    """The student's arm in an open pilot (and, in the within design, which skills get which mode); None outside one."""
    pilot = pilot_of_student(db, student_id)
    if pilot is None:
        return None
    # The held-out items travel too, so nothing the phone picks by itself (practice while waiting) serves one early.
    return {"id": pilot["id"], "arm": pilot["arm"], "design": pilot["design"], "status": pilot["status"],
            "ends_at": int(pilot["ends_at"] * 1000), "skills": pilot["skill_arms"] if pilot["design"] == "within" else {},
            "held_out": pilot["held_out"] if pilot["status"] == "running" else []}

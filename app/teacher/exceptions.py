"""Exceptions: a student excused until a date (ill, exams, family), a class paused for the holidays.

While excused, a student's deadlines move past the excuse, outreach leaves them alone and planning
makes no new set (app/planning/away.py); a class pause does the same for everyone. Each start and end
is recorded with its reason.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from flask import redirect, request, url_for

from ..db import get_db, write
from ..i18n.web import gettext as _
from ..planning.away import due_after_away, excused
from ..planning.decisions import record_override
from . import set_edits
from .blueprint import bp, current_user, form_reason, owned_class, owned_student, teacher_required
from .readable import EXCUSE_KINDS, excuse_reason_label
from .timefmt import ZONE

DAY = 86400
LONGEST_DAYS = 90


def parse_until(text: str, now: float | None = None) -> float | None:
    """The end of the day a date input names ("2027-01-10"), in the teachers' zone; None if not a coming date."""
    try:
        day = datetime.strptime((text or "").strip(), "%Y-%m-%d").replace(tzinfo=ZONE)
    except ValueError:
        return None
    until = (day + timedelta(days=1)).timestamp() - 1
    now = now or time.time()
    return until if now < until <= now + LONGEST_DAYS * DAY else None


def _move_deadlines(db, student_id: int, class_id: int, until: float, user_id: int, reason: str, now: float) -> None:
    """Released sets due before `until` keep the time they had left, counted from the day the excuse ends."""
    for (set_id,) in db.execute("SELECT id FROM sets WHERE student_id = ? AND status = 'released'", [student_id]).fetchall():
        row = set_edits.load_set(db, set_id)
        due = set_edits.due_date(row) or now
        new = due_after_away(due, until, now)
        if new is None:
            continue
        db.execute("UPDATE sets SET payload = ? WHERE id = ?",
                   [json.dumps(dict(row["payload"], due=new), ensure_ascii=False), set_id])
        record_override(db, user_id, student_id, class_id, "deadline", set_id, due, new, reason)


def _back_to_student(student_id: int, error: str | None = None):
    from flask import flash
    if error:
        flash(error)
    return redirect(url_for("teacher.student", student_id=student_id) + "#excuse")


@bp.post("/students/<int:student_id>/excuse")
@teacher_required
def excuse(student_id):
    """Excuse a student until a date with a reason: deadlines move past it, outreach pauses; recorded."""
    student, klass = owned_student(student_id)
    now = time.time()
    until = parse_until(request.form.get("until", ""), now)
    if until is None:
        return _back_to_student(student_id, _("Choose a day from tomorrow up to %(n)s days ahead.", n=LONGEST_DAYS))
    kind = request.form.get("kind", "")
    if kind not in EXCUSE_KINDS:
        return _back_to_student(student_id, _("Choose why the student is excused."))
    db, user_id = get_db(), current_user()["id"]
    # Without a note, the reason in words (in the teacher's language, like a typed note), never the form's code.
    reason = form_reason() or excuse_reason_label(kind)
    with write(db):
        record_override(db, user_id, student_id, klass["id"], "excused", None, None,
                        {"until": until, "kind": kind}, reason, now)
        _move_deadlines(db, student_id, klass["id"], until, user_id, _("Excused: %(why)s", why=reason), now)
    return _back_to_student(student_id)


@bp.post("/students/<int:student_id>/excuse/end")
@teacher_required
def end_excuse(student_id):
    """End a student's excuse early; recorded."""
    student, klass = owned_student(student_id)
    db = get_db()
    current = excused(db, [student_id]).get(student_id)
    if current:
        record_override(db, current_user()["id"], student_id, klass["id"], "excused", None,
                        {"until": current["until"], "kind": current.get("kind")}, None,
                        form_reason() or _("Back in class"))
    return _back_to_student(student_id)


@bp.post("/classes/<int:class_id>/pause")
@teacher_required
def pause_class(class_id):
    """Pause the whole class until a date (holidays): deadlines move past it, outreach pauses; recorded."""
    klass = owned_class(class_id)
    now = time.time()
    until = parse_until(request.form.get("until", ""), now)
    target = redirect(url_for("teacher.class_settings", class_id=class_id) + "#pause")
    if until is None:
        from flask import flash
        flash(_("Choose a day from tomorrow up to %(n)s days ahead.", n=LONGEST_DAYS))
        return target
    db, user_id = get_db(), current_user()["id"]
    reason = form_reason() or _("Holidays")
    settings = dict(json.loads(klass["settings"] or "{}"), pause={"until": until, "reason": reason})
    with write(db):
        db.execute("UPDATE classes SET settings = ? WHERE id = ?", [json.dumps(settings, ensure_ascii=False), class_id])
        record_override(db, user_id, None, class_id, "class_pause", None, None, {"until": until}, reason, now)
        for (sid,) in db.execute("SELECT id FROM students WHERE class_id = ?", [class_id]).fetchall():
            _move_deadlines(db, sid, class_id, until, user_id, reason, now)
    return target


@bp.post("/classes/<int:class_id>/pause/end")
@teacher_required
def end_pause(class_id):
    """End the class pause early; recorded."""
    klass = owned_class(class_id)
    db = get_db()
    settings = json.loads(klass["settings"] or "{}")
    pause = settings.pop("pause", None)
    if pause:
        with write(db):
            db.execute("UPDATE classes SET settings = ? WHERE id = ?", [json.dumps(settings, ensure_ascii=False), class_id])
            record_override(db, current_user()["id"], None, class_id, "class_pause", None, pause, None,
                            form_reason() or _("Back to school"))
    return redirect(url_for("teacher.class_settings", class_id=class_id) + "#pause")

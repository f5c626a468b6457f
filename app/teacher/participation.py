"""Participation: the in-class signal homework cannot see — a tap per contribution, a level from 1 to 3.

Taps are kept per class and day in the settings table ({student_id: count}); each tap carries an id
from the page, so a tap resent over a flaky connection is counted once. On the phone, app/static/tally.js
queues each tap (with its id and the time it was made) and sends it when the connection allows, so a
lesson without signal loses no tap and a resend never counts twice. The level beside persistence and
independence comes from the last two weeks of taps.
"""
from __future__ import annotations

import json
import re
import secrets
import time
from datetime import datetime, timedelta

from flask import abort, jsonify, redirect, render_template, request, url_for

from ..db import get_db, write
from ..i18n.web import get_locale, gettext as _, ngettext, translations_for
from .blueprint import bp, class_context, is_htmx, owned_class, teacher_required
from .timefmt import ZONE

WINDOW_DAYS = 14
LEVEL_2_FROM, LEVEL_3_FROM = 1, 4  # contributions in two weeks: none is 1, a few is 2, regular is 3
SEEN_TAPS = 1000  # tap ids remembered per class and day (a queued tap may be resent hours later, the same day)
LATE_TAP = 2 * 86400  # a tap queued offline counts on the day it was made, if sent within two days
TAP_ID = re.compile(r"[A-Za-z0-9_-]{6,40}")


def new_tap_id() -> str:
    """A fresh id for the next tap of a button (a resend of the same tap carries the same id)."""
    return secrets.token_urlsafe(9)


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, ZONE).strftime("%Y-%m-%d")


def _key(class_id: int, day: str) -> str:
    return f"participation:{class_id}:{day}"


def day_tally(db, class_id: int, day: str) -> dict:
    """{"counts": {student_id (str): n}, "taps": [recent tap ids]} for one class and day."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [_key(class_id, day)]).fetchone()
    value = json.loads(row[0]) if row else {}
    return {"counts": value.get("counts", {}), "taps": value.get("taps", [])}


def tap(db, class_id: int, student_id: int, tap_id: str, now: float | None = None) -> int:
    """Count one contribution (once per tap id); return the student's count for the day."""
    day = _day(now or time.time())
    with write(db):
        tally = day_tally(db, class_id, day)
        if tap_id not in tally["taps"]:
            tally["counts"][str(student_id)] = tally["counts"].get(str(student_id), 0) + 1
            tally["taps"] = (tally["taps"] + [tap_id])[-SEEN_TAPS:]
            db["settings"].insert({"key": _key(class_id, day), "value": json.dumps(tally)}, replace=True)
    return tally["counts"].get(str(student_id), 0)


def tap_time(sent_ms: str | None, now: float) -> float:
    """When a tap was made: the phone's time (ms) for a tap queued offline, kept within the last two days; else now."""
    try:
        made = float(sent_ms) / 1000
    except (TypeError, ValueError):
        return now
    return made if now - LATE_TAP <= made <= now else now


def recent_counts(db, class_id: int, now: float | None = None, days: int = WINDOW_DAYS) -> dict:
    """{student_id: contributions} over the last `days` days."""
    now = now or time.time()
    start = datetime.fromtimestamp(now, ZONE) - timedelta(days=days - 1)
    keys = [_key(class_id, (start + timedelta(days=i)).strftime("%Y-%m-%d")) for i in range(days)]
    totals: dict = {}
    marks = ",".join("?" * len(keys))
    for (value,) in db.execute(f"SELECT value FROM settings WHERE key IN ({marks})", keys):  # noqa: S608
        for sid, n in json.loads(value).get("counts", {}).items():
            totals[int(sid)] = totals.get(int(sid), 0) + n
    return totals


def level(count: int) -> int:
    """Participation level 1-3 from two weeks of contributions."""
    return 3 if count >= LEVEL_3_FROM else 2 if count >= LEVEL_2_FROM else 1


def level_reason(count: int) -> str:
    """Why the level, in words."""
    return ngettext("%(num)d contribution in class in the last two weeks",
                    "%(num)d contributions in class in the last two weeks", count)


@bp.get("/classes/<int:class_id>/participation")
@teacher_required
def participation(class_id):
    """The in-class tally: one big button per student, today's count beside it."""
    klass = owned_class(class_id)
    db = get_db()
    students = db.execute("SELECT id, display_name FROM students WHERE class_id = ? ORDER BY display_name",
                          [class_id]).fetchall()
    today = day_tally(db, class_id, _day(time.time()))["counts"]
    return render_template("teacher/participation.html", students=students, today=today, tap_id=new_tap_id,
                           class_id=class_id, day=_day(time.time()), today_forms=_today_forms(), **class_context(klass))


def _today_forms() -> dict:
    """"N today" in the teacher's language with {n} for the count, singular and plural, for the tally script."""
    catalog = translations_for(get_locale())
    return {form: catalog.ngettext("%(num)d today", "%(num)d today", n).replace("%(num)d", "{n}")
            for form, n in (("one", 1), ("other", 2))}


@bp.post("/classes/<int:class_id>/participation/<int:student_id>")
@teacher_required
def count_contribution(class_id, student_id):
    """One tap: the student contributed in class."""
    owned_class(class_id)
    db = get_db()
    row = db.execute("SELECT id, display_name FROM students WHERE id = ? AND class_id = ?", [student_id, class_id]).fetchone()
    if row is None:
        abort(404)
    tap_id = (request.form.get("tap") or "").strip()
    if not TAP_ID.fullmatch(tap_id):
        abort(422, _("This tap has no readable id; reload the tally page."))
    now = time.time()
    made = tap_time(request.form.get("at"), now)
    count = tap(db, class_id, student_id, tap_id, made)
    if request.accept_mimetypes.best == "application/json":  # the tally script: the day's count for its screen
        return jsonify(count=count, day=_day(made))
    if is_htmx():
        return render_template("teacher/_tally_row.html", s=row, count=count, class_id=class_id, tap_id=new_tap_id)
    return redirect(url_for("teacher.participation", class_id=class_id) + f"#p{student_id}")

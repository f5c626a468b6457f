"""A student's page: mastery over time, recent answers and mistakes, hints, reflections, what comes next and why."""
from __future__ import annotations

import time

from flask import render_template, url_for

from ..adaptive.signals import behaviour_signals
from ..db import get_db
from ..i18n.explain import signal_lines
from ..i18n.web import get_locale, gettext as _
from ..planning.decisions import TIERS, history, mastery_overrides, student_settings
from . import insights, set_edits, timefmt
from .blueprint import bp, class_context, owned_student, teacher_required
from .catalog import catalog, class_skills, labels
from .readable import flag_label
from .snapshot import student_events, window_start
from .todo import FLAG_NEED

RECENT_ANSWERS = 30
SPARK_W, SPARK_H = 120, 28


def sparkline(points: list) -> str:
    """SVG polyline points for a mastery series (0..1) across the last days."""
    if not points:
        return ""
    if len(points) == 1:
        points = points * 2
    step = SPARK_W / (len(points) - 1)
    return " ".join(f"{i * step:.0f},{(1 - p) * (SPARK_H - 2) + 1:.0f}" for i, p in enumerate(points))


def mastery_rows(db, student_id: int, skills: list, threshold: float) -> list:
    """Per skill: the model's estimate, any override, attempts, and the daily history."""
    model = {r[0]: (r[1], r[2], r[3]) for r in db.execute(
        "SELECT skill_id, p_known, attempts, correct FROM mastery WHERE student_id = ?", [student_id])}
    series: dict = {}
    for skill, day, p in db.execute("SELECT skill_id, day, p_known FROM mastery_history WHERE student_id = ? "
                                    "ORDER BY day", [student_id]):
        series.setdefault(skill, []).append((day, p))
    overrides = mastery_overrides(db, [student_id]).get(student_id, {})
    rows = []
    for skill in skills:
        p, attempts, correct = model.get(skill, (None, 0, 0))
        override = overrides.get(skill)
        shown = float(override["value"]) if override else (p if attempts else None)
        hist = series.get(skill, [])
        rows.append({"skill": skill, "p": shown, "model": p, "attempts": attempts, "correct": correct,
                     "override": override, "mastered": shown is not None and shown >= threshold,
                     "history": hist, "spark": sparkline([h[1] for h in hist]),
                     "first": hist[0] if hist else None, "last": hist[-1] if hist else None})
    return rows


def open_sets(db, student_id: int) -> list:
    """Sets the student has not finished (waiting or released), oldest first, with due dates."""
    rows = db.execute("SELECT id FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
                      "ORDER BY created_at, id", [student_id]).fetchall()
    out = []
    for (set_id,) in rows:
        s = set_edits.load_set(db, set_id)
        s["due"] = set_edits.due_date(s) if s["status"] == "released" else None
        out.append(s)
    return out


def devices(db, student_id: int) -> list:
    """The student's phones: when joined, last seen, revoked or not."""
    rows = db.execute("SELECT id, label, created_at, last_seen_at, revoked_at FROM devices WHERE student_id = ? "
                      "ORDER BY created_at", [student_id]).fetchall()
    return [dict(zip(("id", "label", "created_at", "last_seen_at", "revoked_at"), r)) for r in rows]


def student_context(db, student: dict, klass: dict) -> dict:
    """Everything the student page renders."""
    cat = catalog()
    now = time.time()
    events = student_events(db, student["id"])
    recent = [e for e in events if e["ts"] >= window_start(now, insights.RECENT_DAYS)]
    last_sync = db.execute("SELECT max(last_seen_at) FROM devices WHERE student_id = ?", [student["id"]]).fetchone()[0]
    from ..planning.away import away_spans
    signals = behaviour_signals(recent, now, cat, last_sync, away=away_spans(db, [student["id"]], now)[student["id"]])
    answers = [e for e in events if e["type"] == "answer"]
    reflections = [e for e in events if e["type"] == "reflection"]
    settings = student_settings(db, [student["id"]]).get(student["id"], {})
    latest_tier = db.execute("SELECT tier FROM sets WHERE student_id = ? ORDER BY created_at DESC LIMIT 1",
                             [student["id"]]).fetchone()
    skills = class_skills(db, klass["id"], cat)
    return {
        "student": student, "names": labels(get_locale()), "signals": signals, "last_sync": last_sync,
        "mastery": mastery_rows(db, student["id"], skills, klass["mastery_threshold"]),
        "threshold": klass["mastery_threshold"], "recent_answers": answers[-RECENT_ANSWERS:][::-1],
        "hinted": sum(1 for e in recent if e["type"] == "answer" and e["hints"]),
        "answered": sum(1 for e in recent if e["type"] == "answer"),
        "reflections": reflections[-10:][::-1], "sets": open_sets(db, student["id"]),
        "tier": settings.get("tier", {}).get("value") if settings.get("tier") else (latest_tier[0] if latest_tier else None),
        "tier_override": settings.get("tier"), "items_per_set": settings.get("items_per_set"), "tiers": TIERS,
        "devices": devices(db, student["id"]), "decisions": history(db, student_id=student["id"], limit=50),
        "excused": _excused_now(db, student["id"], klass),
        "participation": _participation(db, student["id"], klass),
        "groups_text": ", ".join(student["groups"] if isinstance(student["groups"], list) else []),
    }


def what_to_do(ctx: dict) -> list:
    """The page's first lines: what the teacher might do about this student now, most pressing first.

    Each is {"text", "url"?}: an excuse says there is nothing to do; a waiting set links to it; outreach
    flags say whether to call (the phone is quiet) or talk in class; otherwise, that all is well."""
    name, lines = ctx["student"]["display_name"], []
    if ctx["excused"]:
        return [{"text": _("Away until %(when)s: deadlines and outreach wait.", when=timefmt.localtime(
            ctx["excused"]["until"], "%d %b"))}]
    flags = sorted(ctx["signals"].get("flags", []), key=lambda f: -FLAG_NEED.get(f["flag"], 1))
    if flags:
        quiet = any(f["flag"] in ("inactive", "set_overdue") for f in flags)
        why = " · ".join(f"{flag_label(f['flag'])}: {(signal_lines(f) or [''])[0]}".rstrip(": ") for f in flags[:2])
        lines.append({"text": (_("Call %(name)s", name=name) if quiet else _("Talk to %(name)s", name=name)) + ": " + why})
    for s in ctx["sets"]:
        if s["status"] == "proposed":
            lines.append({"text": _("A set waits for your approval."), "url": url_for("teacher.set_detail", set_id=s["id"]),
                          "action": _("Review the set")})
            break
    return lines or [{"text": _("Nothing needed now: the homework goes well.")}]


@bp.get("/students/<int:student_id>")
@teacher_required
def student(student_id):
    """One student: mastery over time, answers and mistakes, hints, reflections, next items and why."""
    row, klass = owned_student(student_id)
    db = get_db()
    row = dict(row, groups=_groups(row["groups"]))
    ctx = student_context(db, row, klass)
    return render_template("teacher/student.html", to_do=what_to_do(ctx), **ctx, **class_context(klass))


def _participation(db, student_id: int, klass: dict) -> dict:
    """The in-class participation level (1-3) and its reason, from two weeks of tally taps."""
    from .participation import level, level_reason, recent_counts
    count = recent_counts(db, klass["id"]).get(student_id, 0)
    return {"level": level(count), "reason": level_reason(count), "count": count}


def _excused_now(db, student_id: int, klass: dict) -> dict | None:
    """The student's excuse in force, or the class pause as one, or None."""
    from ..planning.away import class_pause, excused
    pause = class_pause(klass)
    return excused(db, [student_id]).get(student_id) or ({"until": pause["until"], "kind": "pause",
                                                          "reason": pause["reason"]} if pause else None)


def _groups(text) -> list:
    import json
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return [str(g) for g in value] if isinstance(value, list) else []

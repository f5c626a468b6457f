"""Overrides: a mastery estimate, a tier, accommodations, groups, phones — each recorded with who, when, why."""
from __future__ import annotations

import json

from flask import current_app, flash, redirect, render_template, request, url_for

from ..db import get_db, write
from ..i18n.web import gettext as _
from ..planning.decisions import (
    MAX_ITEMS,
    MIN_ITEMS,
    TIERS,
    record_override,
    student_settings,
)
from ..sync.devices import revoke_device
from .blueprint import (
    bp,
    class_context,
    current_user,
    form_reason,
    is_htmx,
    owned_student,
    teacher_required,
)
from .students import _groups, student_context

MAX_GROUPS, MAX_GROUP_CHARS = 5, 30


def _back(student_id: int, fragment: str, error: str | None = None):
    """After a change: the changed section for htmx, else the student page again."""
    student, klass = owned_student(student_id)
    if is_htmx():
        db = get_db()
        ctx = student_context(db, dict(student, groups=_groups(student["groups"])), klass)
        return render_template(f"teacher/{fragment}.html", error=error, **ctx, **class_context(klass))
    if error:
        flash(error)  # not in the URL: a link cannot put words on the teacher's page
    return redirect(url_for("teacher.student", student_id=student_id) + "#" + fragment.strip("_").replace("_", "-"))


@bp.post("/students/<int:student_id>/mastery")
@teacher_required
def override_mastery(student_id):
    """Set (or clear) the mastery of one skill for a student; it stands until cleared, across syncs."""
    student, klass = owned_student(student_id)
    db = get_db()
    skill = request.form.get("skill", "")
    known = {r[0] for r in db.execute("SELECT skill_id FROM mastery WHERE student_id = ?", [student_id])}
    from .catalog import catalog
    if skill not in known and skill not in catalog()["skills"]:
        return _back(student_id, "_mastery_overrides", _("Choose a skill."))
    reason = form_reason()
    if not reason:
        return _back(student_id, "_mastery_overrides", _("Say why, so the change explains itself later."))
    model = db.execute("SELECT p_known FROM mastery WHERE student_id = ? AND skill_id = ?",
                       [student_id, skill]).fetchone()
    if request.form.get("clear"):
        new = None
    else:
        try:
            value = float(request.form.get("value", ""))
        except ValueError:
            return _back(student_id, "_mastery_overrides", _("Type a number from 0 to 100."))
        if not 0 <= value <= 100:
            return _back(student_id, "_mastery_overrides", _("Type a number from 0 to 100."))
        new = round(value / 100, 4)
    record_override(db, current_user()["id"], student_id, klass["id"], "mastery", skill,
                    model[0] if model else None, new, reason)
    return _back(student_id, "_mastery_overrides")


@bp.post("/students/<int:student_id>/tier")
@teacher_required
def override_tier(student_id):
    """Set (or clear) the student's tier; new sets carry it."""
    student, klass = owned_student(student_id)
    db = get_db()
    tier = request.form.get("tier", "")
    if tier and tier not in TIERS:
        return _back(student_id, "_accommodations", _("Choose a tier."))
    reason = form_reason()
    if not reason:
        return _back(student_id, "_accommodations", _("Say why, so the change explains itself later."))
    current = student_settings(db, [student_id]).get(student_id, {}).get("tier")
    latest = db.execute("SELECT tier FROM sets WHERE student_id = ? ORDER BY created_at DESC LIMIT 1",
                        [student_id]).fetchone()
    old = current["value"] if current else (latest[0] if latest else None)
    with write(db):
        record_override(db, current_user()["id"], student_id, klass["id"], "tier", None, old, tier or None, reason)
        if tier:  # the set waiting for approval takes the new tier at once
            for set_id, payload in db.execute("SELECT id, payload FROM sets WHERE student_id = ? AND status = 'proposed'",
                                              [student_id]).fetchall():
                body = dict(json.loads(payload), tier=tier, tier_overridden=True)
                db.execute("UPDATE sets SET tier = ?, payload = ? WHERE id = ?", [tier, json.dumps(body), set_id])
    return _back(student_id, "_accommodations")


@bp.post("/students/<int:student_id>/accommodations")
@teacher_required
def accommodations(student_id):
    """Fewer items per set, audio on, simplified text on: each change recorded."""
    student, klass = owned_student(student_id)
    db = get_db()
    user_id = current_user()["id"]
    reason = form_reason() or _("Accommodation")
    raw = request.form.get("items_per_set", "")
    items = None
    if raw:
        try:
            items = max(MIN_ITEMS, min(MAX_ITEMS, int(raw)))
        except ValueError:
            return _back(student_id, "_accommodations", _("Choose how many items."))
    current = student_settings(db, [student_id]).get(student_id, {}).get("items_per_set")
    old_items = current["value"] if current else None
    audio, simplified = int(bool(request.form.get("audio"))), int(bool(request.form.get("simplified")))
    with write(db):
        if items != old_items:
            record_override(db, user_id, student_id, klass["id"], "items_per_set", None, old_items, items, reason)
        locale = request.form.get("locale", student["locale"])
        if locale in current_app.config["I18N_SUPPORTED_LOCALES"] and locale != student["locale"]:
            db.execute("UPDATE students SET locale = ? WHERE id = ?", [locale, student_id])
            record_override(db, user_id, student_id, klass["id"], "locale", None, student["locale"], locale, reason)
        for column, value in (("audio", audio), ("simplified", simplified)):
            if student[column] != value:
                db.execute(f"UPDATE students SET {column} = ? WHERE id = ?", [value, student_id])  # noqa: S608
                record_override(db, user_id, student_id, klass["id"], column, None, bool(student[column]),
                                bool(value), reason)
    return _back(student_id, "_accommodations")


@bp.post("/students/<int:student_id>/groups")
@teacher_required
def set_groups(student_id):
    """The teacher's own groups for a student (for the equity view), comma-separated."""
    student, klass = owned_student(student_id)
    db = get_db()
    groups = []
    for part in request.form.get("groups", "").split(","):
        name = part.strip()[:MAX_GROUP_CHARS]
        if name and name not in groups:
            groups.append(name)
    groups = groups[:MAX_GROUPS]
    old = _groups(student["groups"])
    if groups != old:
        with write(db):
            db.execute("UPDATE students SET groups = ? WHERE id = ?", [json.dumps(groups, ensure_ascii=False), student_id])
            record_override(db, current_user()["id"], student_id, klass["id"], "groups", None, old, groups,
                            form_reason() or _("Groups"))
    return _back(student_id, "_accommodations")


@bp.post("/students/<int:student_id>/devices/<int:device_id>/revoke")
@teacher_required
def revoke(student_id, device_id):
    """Sign a phone out of this student's profile (it must join again with the PIN)."""
    student, klass = owned_student(student_id)
    db = get_db()
    if db.execute("SELECT 1 FROM devices WHERE id = ? AND student_id = ?", [device_id, student_id]).fetchone():
        revoke_device(db, device_id)
        record_override(db, current_user()["id"], student_id, klass["id"], "device", str(device_id), "active",
                        "revoked", form_reason() or _("Signed the phone out"))
    return redirect(url_for("teacher.student", student_id=student_id) + "#phones")

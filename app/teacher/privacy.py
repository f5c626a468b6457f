"""A student's data exported or deleted for good; a class's consent records and how long typed answers are kept."""
from __future__ import annotations

import json
import time

from flask import Response, redirect, render_template, request, url_for

from ..db import get_db, write
from ..i18n.web import gettext as _
from ..planning.decisions import history, record_override
from ..privacy import records as privacy
from ..web.openapi import register_paths
from .blueprint import (
    bp,
    class_context,
    current_user,
    owned_class,
    owned_student,
    teacher_required,
)

MIN_RETENTION_DAYS, MAX_RETENTION_DAYS = 7, 3650
register_paths({"/teacher/students/{student_id}/export.json": {"get": {
    "summary": "Everything held about one student (the teacher's signed-in session; their own students only)",
    "parameters": [{"name": "student_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "the student's data", "content": {"application/json": {"schema": {
        "type": "object", "required": ["student", "events", "sets", "mastery", "devices"]}}}},
                  "404": {"description": "not one of the signed-in teacher's students"}}}}})
CONSENT_METHODS = ("signed form", "parents' meeting", "school agreement", "other")


def _download(body: bytes | str, mimetype: str, filename: str) -> Response:
    """A download that no cache keeps (it holds a child's data)."""
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})


def _filename(student: dict, suffix: str) -> str:
    # The id, not the name: a file name travels further than its contents (chat previews, download lists).
    return f"abhyas-student-{student['id']}-{time.strftime('%Y%m%d')}.{suffix}"


@bp.get("/students/<int:student_id>/export.json")
@teacher_required
def export_student_json(student_id):
    """Everything held about one student as one JSON file."""
    student, _klass = owned_student(student_id)
    data = privacy.export_student(get_db(), student_id)
    return _download(json.dumps(data, ensure_ascii=False, indent=1), "application/json", _filename(student, "json"))


@bp.get("/students/<int:student_id>/export.zip")
@teacher_required
def export_student_zip(student_id):
    """Everything held about one student as a zip of CSV files, one per table."""
    student, _klass = owned_student(student_id)
    return _download(privacy.export_student_zip(get_db(), student_id), "application/zip", _filename(student, "zip"))


def _held(db, student_id: int) -> dict:
    """How many rows of each kind the deletion would remove."""
    return {table: db.execute(f"SELECT count(*) FROM {table} WHERE student_id = ?", [student_id]).fetchone()[0]  # noqa: S608
            for table in privacy.STUDENT_TABLES + ("overrides",)}


@bp.get("/students/<int:student_id>/delete")
@teacher_required
def confirm_delete(student_id):
    """The confirmation step before deleting a student for good: what goes, and typing the name to confirm."""
    student, klass = owned_student(student_id)
    return render_template("teacher/delete_student.html", student=student, held=_held(get_db(), student_id),
                           **class_context(klass))


@bp.post("/students/<int:student_id>/delete")
@teacher_required
def delete_student(student_id):
    """Delete a student and all their data for good, once the teacher typed the name; keep an audit row without it."""
    student, klass = owned_student(student_id)
    db = get_db()
    typed = request.form.get("confirm_name", "").strip()
    if typed.casefold() != student["display_name"].strip().casefold():
        return render_template("teacher/delete_student.html", student=student, held=_held(db, student_id),
                               error=_("Type the student's name exactly as shown to confirm."),
                               **class_context(klass)), 422
    counts = privacy.delete_student(db, student_id)
    # The audit row says that a student was deleted, by whom, when and why — never who the student was.
    record_override(db, current_user()["id"], None, klass["id"], "student_deleted", str(student_id),
                    None, {k: v for k, v in counts.items() if v}, request.form.get("reason", "").strip()[:300]
                    or _("Deleted for good"))
    return redirect(url_for("teacher.roster", class_id=klass["id"], deleted=1))


def privacy_settings(db, class_id: int) -> dict:
    """What the class settings page shows about privacy: consent records, retention, recent deletions."""
    consents = [dict(zip(("id", "method", "note", "recorded_at", "by", "withdrawn_at"), row)) for row in db.execute(
        "SELECT c.id, c.method, c.note, c.recorded_at, coalesce(u.display_name, u.username), c.withdrawn_at "
        "FROM consents c LEFT JOIN users u ON u.id = c.recorded_by WHERE c.class_id = ? ORDER BY c.recorded_at DESC",
        [class_id])]
    days = db.execute("SELECT raw_retention_days FROM classes WHERE id = ?", [class_id]).fetchone()[0]
    return {"consents": consents, "retention_days": days, "consent_methods": CONSENT_METHODS,
            "deletions": history(db, class_id=class_id, target="student_deleted", limit=20)}


@bp.post("/classes/<int:class_id>/consent")
@teacher_required
def record_consent(class_id):
    """Record how consent for the class was obtained (method and a note), kept with who recorded it and when."""
    klass = owned_class(class_id)
    method = request.form.get("method", "").strip()
    if method == "other":
        method = request.form.get("other_method", "").strip()
    if not method:
        return redirect(url_for("teacher.class_settings", class_id=class_id, consent="missing") + "#privacy")
    privacy.record_consent(get_db(), klass["id"], current_user()["id"], method[:200], request.form.get("note", "")[:500])
    return redirect(url_for("teacher.class_settings", class_id=class_id, consent="recorded") + "#privacy")


@bp.post("/classes/<int:class_id>/retention")
@teacher_required
def set_retention(class_id):
    """Set how many days typed answers and reflections are kept before they are blanked (grades stay)."""
    klass = owned_class(class_id)
    db = get_db()
    try:
        days = int(request.form.get("days", ""))
    except ValueError:
        return redirect(url_for("teacher.class_settings", class_id=class_id, retention="invalid") + "#privacy")
    days = min(MAX_RETENTION_DAYS, max(MIN_RETENTION_DAYS, days))
    old = db.execute("SELECT raw_retention_days FROM classes WHERE id = ?", [class_id]).fetchone()[0]
    if days != old:
        with write(db):
            db.execute("UPDATE classes SET raw_retention_days = ? WHERE id = ?", [days, class_id])
            record_override(db, current_user()["id"], None, klass["id"], "retention", None, old, days,
                            request.form.get("reason", "").strip()[:300] or _("Retention of typed answers"))
        # A shorter period applies now, not at the next daily run.
        privacy.redact_old_raw_answers(db)
    return redirect(url_for("teacher.class_settings", class_id=class_id, retention="saved") + "#privacy")

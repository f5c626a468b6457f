"""Approvals: review the sets the engine proposed, approve them, or edit them and release them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from ..db import get_db
from ..i18n.web import get_locale, gettext as _, ngettext
from ..planning.decisions import history
from . import alike_sets, set_edits
from .blueprint import (
    bp,
    class_context,
    current_user,
    form_reason,
    is_htmx,
    owned_class,
    owned_set,
    teacher_required,
)
from .catalog import catalog, class_skills, labels


def proposed_sets(db, class_id: int) -> list:
    """The class's sets waiting for approval, oldest first, with the student's name."""
    rows = db.execute("SELECT x.id, s.id, s.display_name FROM sets x JOIN students s ON s.id = x.student_id "
                      "WHERE s.class_id = ? AND x.status = 'proposed' ORDER BY x.created_at, x.id",
                      [class_id]).fetchall()
    return [dict(set_edits.load_set(db, set_id), student_name=name) for set_id, _sid, name in rows]


@bp.get("/classes/<int:class_id>/approvals")
@teacher_required
def approvals(class_id):
    """Sets waiting for the teacher, each with its items and why they were chosen."""
    klass = owned_class(class_id)
    db = get_db()
    sets = proposed_sets(db, class_id)
    return render_template("teacher/approvals.html", sets=sets, groups=alike_sets.group_sets(sets),
                           names=labels(get_locale()), **class_context(klass))


def _group_or_404(db, class_id: int, key: str) -> dict:
    group = alike_sets.find_group(proposed_sets(db, class_id), key)
    if group is None:
        abort(404)
    return group


def _posted_sets(db, class_id: int) -> list:
    """The waiting sets of this class named in the form (a group as the teacher saw it), oldest first."""
    wanted = set(request.form.getlist("set"))
    return [s for s in proposed_sets(db, class_id) if s["id"] in wanted]


@bp.get("/classes/<int:class_id>/approvals/groups/<key>")
@teacher_required
def approval_group(class_id, key):
    """A group of alike waiting sets: each student's set to open, and one item list to give them all."""
    klass = owned_class(class_id)
    db = get_db()
    group = _group_or_404(db, class_id, key)
    return render_template("teacher/approval_group.html", g=group, ticked=alike_sets.shared_default(group),
                           names=labels(get_locale()), **class_context(klass))


@bp.post("/classes/<int:class_id>/approvals/groups/<key>/approve")
@teacher_required
def approve_group(class_id, key):
    """Release the alike sets the teacher saw in one group card (those still waiting)."""
    klass = owned_class(class_id)
    db = get_db()
    sets = _posted_sets(db, klass["id"])
    released = [s for s in sets if set_edits.release(db, s["id"], current_user()["id"],
                                                     form_reason() or _("Approved with its group of alike sets"))]
    if is_htmx():
        return render_template("teacher/_set_group.html", g={"key": key, "students": [s["student_name"] for s in sets],
                                                             "sets": sets}, released=len(released),
                               names=labels(get_locale()))
    flash(ngettext("%(num)d set released", "%(num)d sets released", len(released)), "done")
    return redirect(url_for("teacher.approvals", class_id=class_id))


@bp.post("/classes/<int:class_id>/approvals/groups/<key>/items")
@teacher_required
def edit_group(class_id, key):
    """Give every set of a group the same item list; each set's change is recorded on its own, with the reason."""
    klass = owned_class(class_id)
    db = get_db()
    sets = _posted_sets(db, klass["id"])
    items = request.form.getlist("item")
    reason = form_reason() or _("The same items for the whole group")
    changed, refused = 0, []
    if not items:
        flash(_("a set needs at least one item"))
        return redirect(url_for("teacher.approval_group", class_id=class_id, key=key))
    for s in sets:
        try:
            set_edits.replace_items(db, catalog(), s["id"], items, current_user()["id"], reason)
            changed += 1
        except set_edits.EditError as exc:
            refused.append(f"{s['student_name']} ({_(str(exc))})")
    if not sets:
        flash(_("None of these sets waits for approval any more."))
    elif changed:
        flash(ngettext("%(num)d set changed", "%(num)d sets changed", changed), "done")
    if refused:
        flash(_("Not changed: %(who)s", who="; ".join(refused)))
    return redirect(url_for("teacher.approvals", class_id=class_id))


@bp.post("/classes/<int:class_id>/approvals/all")
@teacher_required
def approve_all(class_id):
    """Release every set waiting in the class."""
    klass = owned_class(class_id)
    db = get_db()
    for s in proposed_sets(db, klass["id"]):
        set_edits.release(db, s["id"], current_user()["id"], form_reason() or _("Approved with all the others"))
    return redirect(url_for("teacher.approvals", class_id=class_id))


@bp.post("/sets/<set_id>/approve")
@teacher_required
def approve(set_id):
    """Release a proposed set as it is (or as edited)."""
    set_row, student, klass = owned_set(set_id)
    db = get_db()
    set_edits.release(db, set_id, current_user()["id"], form_reason() or _("Approved"))
    if is_htmx():
        return render_template("teacher/_set_card.html", s=dict(set_edits.load_set(db, set_id),
                                                                 student_name=student["display_name"]),
                               names=labels(get_locale()))
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/teacher/")
                    else url_for("teacher.approvals", class_id=klass["id"]))


def _editor_context(db, set_id: str, error: str | None = None) -> dict:
    set_row, student, klass = owned_set(set_id)
    cat = catalog()
    s = set_edits.load_set(db, set_id)
    items = s["payload"].get("items", [])
    used = {e["item"] for e in items}
    swaps = {}
    for entry in items:
        swaps.setdefault(entry["skill"], set_edits.candidates(db, cat, student["id"], entry["skill"], used))
    return {"s": s, "student": student, "klass": klass, "names": labels(get_locale()), "swaps": swaps,
            "skills": class_skills(db, klass["id"], cat), "error": error, "due": set_edits.due_date(s),
            "edits": history(db, target_id=set_id)}


@bp.get("/sets/<set_id>")
@teacher_required
def set_detail(set_id):
    """One set: its items and reasons, the reflection and extension, the editor and its history."""
    db = get_db()
    ctx = _editor_context(db, set_id)
    return render_template("teacher/set.html", **dict(ctx, **class_context(ctx["klass"])))


@bp.post("/sets/<set_id>/edit")
@teacher_required
def edit_set(set_id):
    """Swap or drop an item, change the target skill, or shorten the set; then show the editor again."""
    owned_set(set_id)
    db = get_db()
    error = None
    try:
        set_edits.apply_edit(db, catalog(), set_id, request.form.get("action", ""), request.form,
                             current_user()["id"], form_reason() or _("Edited the set"))
    except set_edits.EditError as exc:
        error = _(str(exc))
    if is_htmx():
        # 200 even for a refused edit: htmx swaps only 2xx, and the reason shows inside the editor.
        return render_template("teacher/_set_editor.html", **_editor_context(db, set_id, error))
    if error:
        flash(error)
    return redirect(url_for("teacher.set_detail", set_id=set_id))


@bp.post("/sets/<set_id>/extend")
@teacher_required
def extend(set_id):
    """Give the student more days for a set (an accommodation); recorded with the old and new dates."""
    set_row, student, _klass = owned_set(set_id)
    try:
        days = max(1, min(30, int(request.form.get("days", 3))))
    except ValueError:
        days = 3
    set_edits.extend_deadline(get_db(), set_id, days, current_user()["id"], form_reason() or _("More time"))
    return redirect(request.form.get("next") if request.form.get("next", "").startswith("/teacher/")
                    else url_for("teacher.student", student_id=student["id"]))

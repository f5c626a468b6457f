"""The class's pilot on the teacher's phone: start one on a unit, see the arms, withdraw, end, read the report."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from ..db import get_db
from ..i18n.pilot_words import arm_name, refusal_line
from ..i18n.web import get_locale, gettext as _
from ..pilot.held_out import PilotRefused
from ..pilot.randomize import MIN_FOR_BETWEEN
from ..pilot.report import pilot_view
from ..pilot.runs import close_pilot, end_pilot, latest_pilot, start_pilot, withdraw_student
from ..pilot.sheet import pilot_csv
from .blueprint import bp, class_context, current_user, owned_class, teacher_required
from .catalog import catalog, labels
from .pilot_plot import arms_plot

WEEKS = (2, 3, 4, 6, 8)


def _page(klass: dict, status: int = 200, problem: str | None = None):
    """The pilot page: the start form when no pilot is open, else the pilot, its arms and its report."""
    db, cat = get_db(), catalog()
    pilot = latest_pilot(db, klass["id"])
    view = pilot_view(db, pilot, cat) if pilot else None
    names = labels(get_locale())
    units = [r[0] for r in db.execute("SELECT pack_id FROM assignments WHERE class_id = ? ORDER BY pack_id",
                                      [klass["id"]])]
    students = db.execute("SELECT count(*) FROM students WHERE class_id = ?", [klass["id"]]).fetchone()[0]
    plot = arms_plot(view["report"]["arms"], {arm: arm_name(arm) for arm in ("adaptive", "static")},
                     _("pre-test"), _("post-test")) if view else None
    return render_template("teacher/trial.html", view=view, units=units, names=names, weeks=WEEKS,
                           students=students, min_for_between=MIN_FOR_BETWEEN, problem=problem, plot=plot,
                           **class_context(klass)), status


def _refused(klass: dict, exc: PilotRefused):
    return _page(klass, 422, refusal_line(exc.code, exc.args_))


@bp.get("/classes/<int:class_id>/pilot")
@teacher_required
def pilot(class_id):
    """The class's pilot: start one, or watch it, end it and read its report."""
    return _page(owned_class(class_id))


@bp.post("/classes/<int:class_id>/pilot/start")
@teacher_required
def pilot_start(class_id):
    """Start a pilot on one of the class's units for a window of weeks (refused with a reason)."""
    klass = owned_class(class_id)
    try:
        start_pilot(get_db(), class_id, request.form.get("pack", ""), request.form.get("weeks", ""),
                    current_user()["id"], catalog())
    except PilotRefused as exc:
        return _refused(klass, exc)
    return redirect(url_for("teacher.pilot", class_id=class_id))


@bp.post("/classes/<int:class_id>/pilot/withdraw")
@teacher_required
def pilot_withdraw(class_id):
    """Take one student out of the open pilot, with the reason kept in the decision log."""
    klass = owned_class(class_id)
    found = latest_pilot(get_db(), class_id)
    try:
        student_id = int(request.form.get("student_id", ""))
    except ValueError:
        return _refused(klass, PilotRefused("not_in_pilot"))
    try:
        if found is None:
            raise PilotRefused("not_in_pilot")
        withdraw_student(get_db(), found["id"], student_id, request.form.get("reason", ""), current_user()["id"],
                         catalog())
    except PilotRefused as exc:
        return _refused(klass, exc)
    return redirect(url_for("teacher.pilot", class_id=class_id))


def _step_latest_pilot(class_id: int, missing: str, step):
    """Apply one life-cycle step to the class's latest pilot; a refusal (or no pilot: `missing`) shows its reason."""
    klass = owned_class(class_id)
    found = latest_pilot(get_db(), class_id)
    try:
        if found is None:
            raise PilotRefused(missing)
        step(found["id"])
    except PilotRefused as exc:
        return _refused(klass, exc)
    return redirect(url_for("teacher.pilot", class_id=class_id))


@bp.post("/classes/<int:class_id>/pilot/end")
@teacher_required
def pilot_end(class_id):
    """End the homework window now and release the post-test to both arms."""
    return _step_latest_pilot(class_id, "not_running",
                              lambda pilot_id: end_pilot(get_db(), pilot_id, current_user()["id"], catalog()))


@bp.post("/classes/<int:class_id>/pilot/close")
@teacher_required
def pilot_close(class_id):
    """Close a pilot whose post-test is out: the report stays; a new pilot may start."""
    return _step_latest_pilot(class_id, "not_post_test",
                              lambda pilot_id: close_pilot(get_db(), pilot_id, current_user()["id"]))


@bp.get("/classes/<int:class_id>/pilot.csv")
@teacher_required
def pilot_csv_file(class_id):
    """The pilot's students with arm, pre, post and minutes as a CSV (a header alone before any pilot)."""
    klass = owned_class(class_id)
    db = get_db()
    found = latest_pilot(db, class_id)
    rows = pilot_view(db, found, catalog())["rows"] if found else []
    return Response(pilot_csv(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="pilot-{klass["code"]}.csv"'})

"""Reports: before and after per misconception group (descriptive, not an effect) and the equity view."""
from __future__ import annotations

from flask import render_template, request

from ..db import get_db
from ..i18n.web import get_locale
from . import outcomes as oc, tallied
from .blueprint import bp, class_context, owned_class, teacher_required
from .catalog import catalog, class_skills, labels
from .snapshot import load_snapshot


def _report_base(db, klass: dict):
    """The class (students and sets, no events), the split, and the whole history's tallies and mastery at the split."""
    cat = catalog()
    snap = load_snapshot(db, klass["id"])
    split = oc.parse_day(request.args.get("split")) or oc.default_split(tallied.first_event_ts(db, klass["id"]), snap.now)
    ids = [s["id"] for s in snap.students]
    tally = tallied.answer_tally(db, klass["id"], ids, cat["items"], split)
    points = tallied.mastery_points(db, ids, oc.day_of(split - 1))
    return cat, snap, split, ids, points, tally, class_skills(db, klass["id"], cat)


@bp.get("/classes/<int:class_id>/reports/pilot")
@teacher_required
def pilot_report(class_id):
    """Before and after, per misconception group: recurrence, mastery gained, completion (descriptive only)."""
    klass = owned_class(class_id)
    db = get_db()
    cat, snap, split, ids, points, tally, skills = _report_base(db, klass)
    groups = []
    for mc, members in sorted(oc.mistake_groups(tally).items(), key=lambda kv: (-len(kv[1]), kv[0])):
        row = oc.outcomes(snap, cat, points, tally, members, split, skills, mc)
        row.update(misconception=mc, skill=cat["misconceptions"].get(mc, {}).get("skill"))
        groups.append(row)
    overall = oc.outcomes(snap, cat, points, tally, ids, split, skills)
    return render_template("teacher/pilot.html", groups=groups, overall=overall, split=split,
                           split_day=oc.day_of(split), names=labels(get_locale()), **class_context(klass))


@bp.get("/classes/<int:class_id>/reports/equity")
@teacher_required
def equity_report(class_id):
    """The same outcomes by language and by the teacher's own groups, with a warning where a group lags."""
    klass = owned_class(class_id)
    db = get_db()
    cat, snap, split, ids, points, tally, skills = _report_base(db, klass)
    overall = oc.outcomes(snap, cat, points, tally, ids, split, skills)
    rows = []
    for kind, name, members in oc.equity_groups(snap.students):
        row = oc.outcomes(snap, cat, points, tally, members, split, skills)
        row.update(kind=kind, name=name, lags=oc.lags(row, overall))
        rows.append(row)
    return render_template("teacher/equity.html", rows=rows, overall=overall, split=split,
                           split_day=oc.day_of(split), min_group=oc.MIN_GROUP, **class_context(klass))

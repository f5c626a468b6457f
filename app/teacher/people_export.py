"""Exports for people: a class's progress and decisions as a spreadsheet reads them (names, dates, skill titles,
percentages, the teacher's language), beside the table-by-table export kept for data work."""
from __future__ import annotations

import csv
import io

from flask import abort

from ..db import get_db
from ..i18n.web import get_locale, gettext as _
from ..planning.decisions import history, mastery_overrides, student_settings
from ..privacy.csvsafe import safe_cell
from . import insights, timefmt
from .blueprint import bp, owned_class, teacher_required
from .catalog import catalog, class_skills, labels
from .export import csv_download
from .overview import current_tiers, tier_text
from .readable import decision_sentence, language_name
from .snapshot import load_snapshot

SHEETS = ("progress", "decisions")


def _csv(rows: list) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return "\ufeff" + out.getvalue()  # the BOM: spreadsheet apps then read Devanagari, Tamil and Bengali right


def progress_rows(db, klass: dict) -> list:
    """One row per student: name, language, tier, sets done, last synced, then mastery per skill in percent."""
    names = labels(get_locale())
    skills = class_skills(db, klass["id"], catalog())
    snap = load_snapshot(db, klass["id"], days=insights.RECENT_DAYS)
    ids = [s["id"] for s in snap.students]
    matrix = insights.mastery_matrix(db, ids, skills, mastery_overrides(db, ids))
    done = insights.completion(snap)
    tiers = current_tiers(snap, student_settings(db, ids))
    rows = [[_("Name"), _("Language"), _("Tier"), _("Sets done"), _("Last synced")]
            + [f'{names["skills"].get(sk, _("a skill"))} (%)' for sk in skills]]
    for s in snap.students:
        sid = s["id"]
        cells = [matrix[sid].get(sk) for sk in skills]
        rows.append([s["name"], language_name(s.get("locale")), tier_text(tiers[sid]["tier"]),
                     f'{done[sid]["completed"]}/{done[sid]["released"]}',
                     timefmt.localtime(snap.last_sync.get(sid), "%d %b %Y") or _("never")]
                    + [timefmt.pct(c["p"]) if c and (c["attempts"] or c["override"]) else "" for c in cells])
    return rows


def decision_rows(db, klass: dict) -> list:
    """Every recorded decision for the class: when, for whom, what (a sentence), who, why."""
    names = labels(get_locale())
    students = dict(db.execute("SELECT id, display_name FROM students WHERE class_id = ?", [klass["id"]]).fetchall())
    rows = [[_("Date"), _("Student"), _("Decision"), _("By"), _("Why")]]
    for d in history(db, class_id=klass["id"], limit=5000):  # a student's decisions carry their class too
        rows.append([timefmt.localtime(d["at"], "%d %b %Y"), students.get(d["student_id"], _("whole class")),
                     decision_sentence(d, names), d["by"] or "", d["reason"]])
    return rows


@bp.get("/classes/<int:class_id>/export/people/<sheet>.csv")
@teacher_required
def export_for_people(class_id, sheet):
    """Download the class's progress or decisions as a spreadsheet-ready CSV in the teacher's language."""
    klass = owned_class(class_id)
    if sheet not in SHEETS:
        abort(404)
    db = get_db()
    rows = progress_rows(db, klass) if sheet == "progress" else decision_rows(db, klass)
    return csv_download(_csv(rows), f'{klass["code"]}-{sheet}.csv')

"""CSV export of every table a class owns: students, phones, events, sets, mastery, history, decisions."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, render_template

from ..db import get_db
from .blueprint import bp, class_context, owned_class, teacher_required

IN_CLASS = "student_id IN (SELECT id FROM students WHERE class_id = ?)"
# Table -> (columns, where). PINs and token hashes are credentials: they never leave in a file.
EXPORTS = {
    "classes": ("id, code, name, release_mode, mastery_threshold, settings, created_at", "id = ?"),
    "students": ("id, class_id, display_name, locale, simplified, audio, groups, created_at", "class_id = ?"),
    "devices": ("id, student_id, label, created_at, revoked_at, last_seen_at", IN_CLASS),
    "events": ("id, student_id, device_id, seq, type, item_id, set_id, client_ts, server_ts, received_at, correct, "
               "misconception, response, payload", IN_CLASS),
    "sets": ("id, student_id, status, tier, payload, created_at, released_at, released_by, based_on_events",
             IN_CLASS),
    "mastery": ("student_id, skill_id, p_known, attempts, correct, updated_at", IN_CLASS),
    "mastery_history": ("student_id, skill_id, day, p_known", IN_CLASS),
    "overrides": ("id, user_id, student_id, class_id, target, target_id, old_value, new_value, reason, created_at",
                  "class_id = ?"),
    "assignments": ("class_id, pack_id, assigned_at", "class_id = ?"),
}
ORDER = {"mastery": "student_id, skill_id", "mastery_history": "student_id, skill_id, day",
         "assignments": "pack_id", "events": "student_id, server_ts, device_id, seq"}


def safe_cell(value):
    """A cell a spreadsheet shows as text: no formula from a name or an answer a student typed."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
            return value  # a plain negative number like "-3" stays a number
        except ValueError:
            return "'" + value
    return value


def table_csv(db, table: str, class_id: int) -> str:
    """One table's rows for a class as CSV text with a header row."""
    columns, where = EXPORTS[table]
    order = ORDER.get(table, "rowid")
    cursor = db.execute(f"SELECT {columns} FROM {table} WHERE {where} ORDER BY {order}", [class_id])  # noqa: S608
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.strip() for c in columns.split(",")])
    for row in cursor:
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()


@bp.get("/classes/<int:class_id>/exports")
@teacher_required
def exports(class_id):
    """Links to download each table of the class as CSV."""
    klass = owned_class(class_id)
    return render_template("teacher/exports.html", tables=list(EXPORTS), **class_context(klass))


@bp.get("/classes/<int:class_id>/export/<table>.csv")
@teacher_required
def export_table(class_id, table):
    """Download one table of the class as CSV (UTF-8 with a BOM, so spreadsheet apps read Indic scripts)."""
    klass = owned_class(class_id)
    if table not in EXPORTS:
        abort(404)
    body = "\ufeff" + table_csv(get_db(), table, klass["id"])
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{klass["code"]}-{table}.csv"', "Cache-Control": "no-store"})

"""CSV export of every table a class owns: students, phones, events, sets, mastery, history, decisions."""
from __future__ import annotations

import csv
import io
import itertools

from flask import Response, abort, render_template, stream_with_context

from ..db import get_db
from ..privacy.csvsafe import safe_cell
from .blueprint import bp, class_context, owned_class, teacher_required

IN_CLASS = "student_id IN (SELECT id FROM students WHERE class_id = ?)"
# Table -> which rows belong to a class. Every column goes out (a migration's new column too),
# except credentials, which never leave in a file: PINs and device token hashes.
EXPORTS = {
    "classes": "id = ?", "students": "class_id = ?", "devices": IN_CLASS, "events": IN_CLASS, "sets": IN_CLASS,
    "mastery": IN_CLASS, "mastery_history": IN_CLASS, "overrides": "class_id = ? OR " + IN_CLASS,
    "assignments": "class_id = ?", "pilots": "class_id = ?", "pilot_students": IN_CLASS,
}
SECRET_COLUMNS = {"pin", "token_hash"}
ORDER = {"mastery": "student_id, skill_id", "pilot_students": "pilot_id, student_id", "mastery_history": "student_id, skill_id, day",
         "assignments": "pack_id", "events": "student_id, server_ts, device_id, seq", "sets": "created_at, id"}


def export_columns(db, table: str) -> list:
    """The table's columns as the schema has them now, less the credentials."""
    return [name for name in db.columns(table) if name not in SECRET_COLUMNS]


def table_csv_chunks(db, table: str, class_id: int, rows_per_chunk: int = 2000):
    """One table's rows for a class as CSV text with a header row, a few thousand rows at a time
    (a year of a class's events is ~75 MB of CSV: it streams, and the server never holds it whole)."""
    columns = export_columns(db, table)
    where = EXPORTS[table]
    params = [class_id] * where.count("?")
    cursor = db.execute(f"SELECT {', '.join(columns)} FROM {table} WHERE {where} "  # noqa: S608
                        f"ORDER BY {ORDER.get(table, 'id')}", params)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    while rows := cursor.fetchmany(rows_per_chunk):
        # Only text can become a formula; numbers and empty cells go out as they are.
        writer.writerows([safe_cell(v) if isinstance(v, str) else v for v in row] for row in rows)
        yield out.getvalue()
        out.seek(0)
        out.truncate()
    if out.tell():
        yield out.getvalue()


def table_csv(db, table: str, class_id: int) -> str:
    """One table's rows for a class as CSV text with a header row."""
    return "".join(table_csv_chunks(db, table, class_id))


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
    chunks = itertools.chain(["\ufeff"], table_csv_chunks(get_db(), table, klass["id"]))
    return csv_download(stream_with_context(chunks), f'{klass["code"]}-{table}.csv')


def csv_download(body, filename: str) -> Response:
    """A CSV file to save (text, or text chunks as they are made), never cached: a class's data stays off shared caches."""
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})

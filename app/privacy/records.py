"""Privacy: one student's data exported whole or deleted for good; raw answers kept only as long as set."""
from __future__ import annotations

import csv
import io
import json
import time
import zipfile

from ..db import write
from ..sync.tallies import TALLY_TABLES, retally_wrong
from .csvsafe import safe_cell

STUDENT_TABLES = ("events", "sets", "mastery", "mastery_history", "devices", "pilot_students")
# Derived from the tables above (stored replays of the log): deleted with the student, not exported.
DERIVED_TABLES = ("checkpoints",) + TALLY_TABLES


def export_student(db, student_id: int) -> dict:
    """Everything Abhyas holds about one student, as plain JSON-ready data."""
    student = db["students"].get(student_id)
    fields = ("id", "class_id", "display_name", "locale", "simplified", "audio", "groups", "created_at")
    data = {"student": {k: student[k] for k in fields},  # not the PIN: a credential, not the student's data
            "exported_at": time.time()}
    for table in STUDENT_TABLES:
        rows = [dict(r) for r in db[table].rows_where("student_id = ?", [student_id])]
        for row in rows:
            row.pop("token_hash", None)  # a device token's hash is a credential, not the student's data
        data[table] = rows
    data["overrides"] = [dict(r) for r in db["overrides"].rows_where("student_id = ?", [student_id])]
    return data


def export_student_csv(db, student_id: int) -> dict:
    """The same export as one CSV text per table (formula-safe cells; nested values as JSON)."""
    out = {}
    for table, rows in export_student(db, student_id).items():
        if not isinstance(rows, (list, dict)):
            continue  # the export's own time is in the zip's name and the JSON, not a table
        rows = [rows] if isinstance(rows, dict) else rows
        buffer = io.StringIO()
        if rows:
            writer = csv.DictWriter(buffer, fieldnames=sorted({k for r in rows for k in r}))
            writer.writeheader()
            writer.writerows({k: safe_cell(json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v)
                              for k, v in r.items()} for r in rows)
        out[table] = buffer.getvalue()
    return out


def export_student_zip(db, student_id: int) -> bytes:
    """The CSV export as one zip file: a CSV per table (UTF-8 with a BOM, so spreadsheets read Indic scripts)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table, text in export_student_csv(db, student_id).items():
            archive.writestr(f"{table}.csv", "\ufeff" + text)
    return buffer.getvalue()


def delete_student(db, student_id: int) -> dict:
    """Delete a student and everything about them, for good; return how many rows went."""
    counts = {}
    # Deleted rows must not stay readable in the database's free space (SQLite: zeroed pages, WAL truncated).
    with db.secure_erase(), write(db):
        for table in STUDENT_TABLES + DERIVED_TABLES + ("overrides",):
            counts[table] = db.execute(f"DELETE FROM {table} WHERE student_id = ?", [student_id]).rowcount  # noqa: S608
        counts["students"] = db.execute("DELETE FROM students WHERE id = ?", [student_id]).rowcount
    return counts


def redact_old_raw_answers(db, now: float | None = None) -> int:
    """Blank typed responses and reflection text older than each class's retention; grades stay for mastery."""
    now = now or time.time()
    with db.secure_erase():  # the blanked text must not stay readable in freed space
        with write(db):
            cursor = db.execute(
                "UPDATE events SET response = NULL, value = NULL, redacted_at = ? "
                "WHERE redacted_at IS NULL AND (response IS NOT NULL OR value IS NOT NULL) "
                "AND received_at < ? - 86400 * (SELECT c.raw_retention_days FROM students s JOIN classes c "
                "ON c.id = s.class_id WHERE s.id = events.student_id)", [now, now])
            count = cursor.rowcount
        if count:
            # The wrong-answer tallies hold response text too: count those students' wrong answers again, blanked.
            students = [r[0] for r in db.execute("SELECT DISTINCT student_id FROM events WHERE redacted_at = ?", [now])]
            retally_wrong(db, students)
    return count


def record_consent(db, class_id: int, user_id: int, method: str, note: str = "") -> dict:
    """Record how consent for a class was obtained (e.g. a signed form at a parents' meeting)."""
    with write(db):
        db["consents"].insert({"class_id": class_id, "recorded_by": user_id, "method": method.strip()[:200],
                               "note": (note or "").strip()[:500], "recorded_at": time.time()})
    return json.loads(json.dumps(list(db["consents"].rows_where("class_id = ?", [class_id]))[-1]))

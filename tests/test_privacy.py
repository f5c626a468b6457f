"""Privacy: export holds everything about one student and nothing of others; delete leaves nothing; retention redacts."""
from __future__ import annotations

import time

import pytest

from app.db import connect
from app.privacy.records import (
    delete_student,
    export_student,
    export_student_csv,
    record_consent,
    redact_old_raw_answers,
)
from app.sync.reconcile import reconcile_batch
from app.teacher.class_records import add_student, create_class

ITEMS = {"q1": {"kind": "numeric", "answer": "5", "form": "any", "accept": [], "wrong": []}}


@pytest.fixture
def db(new_database):
    database = connect(new_database("p.db"))
    database["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    klass = create_class(database, 1, "7A")
    ids = [add_student(database, klass["id"], name)["id"] for name in ("Asha", "Bala")]
    for number, sid in enumerate(ids, 1):
        database["devices"].insert({"student_id": sid, "token_hash": f"h{sid}", "created_at": 0})
        reconcile_batch(database, {"device_id": number, "student_id": sid},
                        {"events": [{"id": f"evt-priv-{sid:03d}", "seq": 1, "type": "answer", "item": "q1", "r": "4",
                                     "t": int(time.time() * 1000)}]}, ITEMS)
    database.ids, database.class_id = ids, klass["id"]
    return database


def test_export_has_one_students_data_and_no_credentials(db):
    data = export_student(db, db.ids[0])
    assert data["student"]["display_name"] == "Asha"
    assert [e["id"] for e in data["events"]] == [f"evt-priv-{db.ids[0]:03d}"]
    assert all("token_hash" not in d for d in data["devices"])
    assert "Bala" not in str(data)
    assert export_student_csv(db, db.ids[0])["events"].startswith("attempt,client_ts,")


def test_delete_removes_everything_of_that_student_only(db):
    delete_student(db, db.ids[0])
    for table in ("events", "devices", "students"):
        column = "id" if table == "students" else "student_id"
        assert db.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?", [db.ids[0]]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 1


def test_old_raw_answers_are_redacted_but_grades_stay(db):
    assert redact_old_raw_answers(db, now=time.time()) == 0
    changed = redact_old_raw_answers(db, now=time.time() + 181 * 86400)
    assert changed == 2
    row = db.execute("SELECT response, correct, value, redacted_at FROM events LIMIT 1").fetchone()
    assert row[0] is None and row[1] == 0 and row[2] is None and row[3] is not None


def test_consent_is_recorded_per_class(db):
    record = record_consent(db, db.class_id, 1, "signed forms at the parents' meeting")
    assert record["method"].startswith("signed forms") and record["class_id"] == db.class_id

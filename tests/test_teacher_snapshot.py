"""The class snapshot's incremental read: every stored event once, whatever order students' writes commit in."""
from __future__ import annotations

import time

import pytest

from app.db import connect, write
from app.teacher.class_records import add_student, create_class
from app.teacher.snapshot import class_events

NOW = time.time()


@pytest.fixture
def klass(new_database):
    target = new_database("snap.db")
    db = connect(target)
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    made = create_class(db, 1, "7A")
    students = [add_student(db, made["id"], name)["id"] for name in ("Asha", "Bala", "Chitra")]
    with write(db):
        db["devices"].insert_all([{"student_id": sid, "token_hash": f"t{sid}", "created_at": 0} for sid in students])
    return {"target": target, "id": made["id"], "students": students, "db": db}


def _store(db, student_id: int, event_id: str, ts: float) -> None:
    device = db.execute("SELECT id FROM devices WHERE student_id = ?", [student_id]).fetchone()[0]
    db.execute("INSERT INTO events (id, student_id, device_id, seq, type, item_id, server_ts, received_at) "
               "VALUES (?, ?, ?, ?, 'answer', 'q1', ?, ?)", [event_id, student_id, device, int(ts), ts, ts])


def _read(klass) -> dict:
    events, _version = class_events(klass["db"], klass["id"], NOW - 86400, klass["students"])
    return {sid: sorted(e["ts"] for e in events.get(sid, [])) for sid in klass["students"]}


def test_rows_stored_since_the_last_read_are_added_once(klass):
    asha, bala, _chitra = klass["students"]
    with write(klass["db"], student=asha):
        _store(klass["db"], asha, "a1", NOW - 100)
    assert _read(klass)[asha] == [NOW - 100]
    with write(klass["db"], student=bala):
        _store(klass["db"], bala, "b1", NOW - 90)
    with write(klass["db"], student=asha):
        _store(klass["db"], asha, "a2", NOW - 80)
    assert _read(klass) == {asha: [NOW - 100, NOW - 80], bala: [NOW - 90], klass["students"][2]: []}
    with write(klass["db"]):
        klass["db"].execute("DELETE FROM events WHERE id = 'a1'")
    assert _read(klass)[asha] == [NOW - 80]


@pytest.mark.postgresql_only("two students' writes open at once: SQLite has one writer")
def test_a_row_committed_after_a_higher_position_of_another_student_is_still_read(klass):
    """Asha's write takes a position, then Bala's takes a higher one and commits first: the read in between sees
    Bala's row; once Asha's commits, the next read adds it, exactly once, even with Bala's top unchanged."""
    asha, bala, chitra = klass["students"]
    late = connect(klass["target"])
    with write(late, student=asha):
        _store(late, asha, "a-late", NOW - 50)
        with write(klass["db"], student=bala):
            _store(klass["db"], bala, "b-early", NOW - 40)
        assert _read(klass) == {asha: [], bala: [NOW - 40], chitra: []}
    assert _read(klass) == {asha: [NOW - 50], bala: [NOW - 40], chitra: []}
    assert _read(klass) == {asha: [NOW - 50], bala: [NOW - 40], chitra: []}
    # A later row of another student and a late one together: still each once.
    with write(late, student=chitra):
        _store(late, chitra, "c-late", NOW - 30)
        with write(klass["db"], student=asha):
            _store(klass["db"], asha, "a-next", NOW - 20)
        assert _read(klass)[asha] == [NOW - 50, NOW - 20]
    assert _read(klass) == {asha: [NOW - 50, NOW - 20], bala: [NOW - 40], chitra: [NOW - 30]}


@pytest.mark.postgresql_only("two students' writes open at once: SQLite has one writer")
def test_a_late_row_and_a_deleted_row_between_two_reads_are_both_seen(klass):
    """The class's count and top position alone would not change here (one row in, one out, the top the same):
    each student's own count and position show both."""
    asha, bala, chitra = klass["students"]
    with write(klass["db"], student=chitra):
        _store(klass["db"], chitra, "c-old", NOW - 70)
    late = connect(klass["target"])
    with write(late, student=asha):
        _store(late, asha, "a-late", NOW - 50)
        with write(klass["db"], student=bala):
            _store(klass["db"], bala, "b-early", NOW - 40)
        assert _read(klass) == {asha: [], bala: [NOW - 40], chitra: [NOW - 70]}
    with write(klass["db"]):
        klass["db"].execute("DELETE FROM events WHERE id = 'c-old'")
    assert _read(klass) == {asha: [NOW - 50], bala: [NOW - 40], chitra: []}

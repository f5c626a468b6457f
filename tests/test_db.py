"""Migrations on either engine: a database made by the oldest schema reaches the newest with every row and fact."""
from __future__ import annotations

import json

from app.db import MIGRATIONS, connect, migrate, schema_version
from app.store import open_store
from app.store.sql import statements

LATEST = MIGRATIONS[-1][0]


def _database_at(target: str, version: int):
    """A database built by hand at an old schema version, as that version's code left it."""
    old = open_store(target)
    for number, sql in MIGRATIONS:
        if number > version:
            break
        for statement in statements(old.migration_ddl(sql)):
            old.execute(statement)
        old.set_version(number)
    return old


def test_compaction_moves_each_payload_field_into_its_column(new_database):
    target = new_database("old.db", empty=True)
    old = _database_at(target, 5)
    sent = {"id": "evt-old-0001", "seq": 3, "type": "answer", "item": "q1", "set": "s1", "t": 1787850019888, "r": "3/4",
            "secs": 12, "attempt": 2, "ok": 1, "mc": "adds-denominators"}
    reflection = {"id": "evt-old-0002", "seq": 4, "type": "reflection", "t": 1787850020000, "prompt": "hardest",
                  "value": "the last one"}
    old.execute("INSERT INTO users (username, password_hash, role, created_at) VALUES ('t', 'x', 'teacher', 0)")
    old.execute("INSERT INTO classes (code, name, teacher_id, created_at) VALUES ('C1', '7A', 1, 0)")
    old.execute("INSERT INTO students (class_id, display_name, pin, created_at) VALUES (1, 'Asha', '1234', 0)")
    for event in (sent, reflection):
        old.execute("INSERT INTO events (id, student_id, device_id, seq, type, item_id, set_id, client_ts, server_ts, "
                    "received_at, correct, response, payload) VALUES (?, 1, 1, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    [event["id"], event["seq"], event["type"], event.get("item"), event.get("set"), event["t"] / 1000,
                     event["t"] / 1000, event["t"] / 1000, event.get("r"), json.dumps(event)])
    old.close()

    db = connect(target)
    assert schema_version(db) == LATEST and migrate(db) == LATEST
    assert "payload" not in db.columns("events")
    answer = dict(zip(("hint", "secs", "attempt", "phone_ok", "phone_mc", "response"), db.execute(
        "SELECT hint, secs, attempt, phone_ok, phone_mc, response FROM events WHERE id = 'evt-old-0001'").fetchone()))
    assert answer == {"hint": None, "secs": 12, "attempt": 2, "phone_ok": 1, "phone_mc": "adds-denominators",
                      "response": "3/4"}
    assert db.execute("SELECT prompt, value FROM events WHERE id = 'evt-old-0002'").fetchone() == ("hardest", "the last one")


def test_the_oldest_schema_with_rows_reaches_the_newest_and_keeps_working(new_database):
    """Version 1 with a teacher, a class, a student, a phone, an event, a set and mastery: all kept, all usable."""
    from app.planning.decisions import record_override
    from app.teacher.class_records import add_student, create_class

    target = new_database("v1.db", empty=True)
    old = _database_at(target, 1)
    old.execute("INSERT INTO users (username, password_hash, role, created_at) VALUES ('asha', 'x', 'teacher', 1.5)")
    old.execute("INSERT INTO classes (code, name, teacher_id, created_at) VALUES ('ABC123', '7A', 1, 1789000000.25)")
    old.execute("INSERT INTO students (class_id, display_name, pin, created_at) VALUES (1, 'Kiran', '4321', 2)")
    old.execute("INSERT INTO devices (student_id, token_hash, created_at) VALUES (1, 'h1', 3)")
    old.execute("INSERT INTO events (id, student_id, device_id, seq, type, item_id, server_ts, received_at, correct, "
                "payload) VALUES ('e1', 1, 1, 1, 'answer', 'q1', 1789000001.5, 1789000001.5, 1, ?)",
                [json.dumps({"id": "e1", "ok": True, "hint": 1, "secs": 7.5})])
    old.execute("INSERT INTO sets (id, student_id, status, payload, created_at) VALUES ('s1', 1, 'released', '{}', 4)")
    old.execute("INSERT INTO mastery (student_id, skill_id, p_known, attempts, correct, updated_at) "
                "VALUES (1, 'add', 0.5, 2, 1, 5)")
    old.close()

    db = connect(target)
    assert schema_version(db) == LATEST
    assert db.execute("SELECT code, created_at FROM classes").fetchone() == ("ABC123", 1789000000.25)
    assert db.execute("SELECT hint, secs, phone_ok, server_ts FROM events WHERE id = 'e1'").fetchone() == (1, 7.5, 1, 1789000001.5)
    assert db.execute("SELECT raw_retention_days, redacted_at FROM classes c JOIN events e ON e.id = 'e1'").fetchone() == (180, None)
    assert db.execute("SELECT p_known, p_next, stability_days FROM mastery").fetchone() == (0.5, None, None)
    # New rows number on from the old ones, and the tables added since take rows.
    klass = create_class(db, 1, "7B")
    assert klass["id"] == 2 and add_student(db, klass["id"], "Bala")["id"] == 2
    assert record_override(db, 1, 1, 1, "release", None, "approve", "auto", "test") == 1
    assert db.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == 0


def test_processes_starting_together_on_an_empty_database_migrate_it_once(new_database):
    """Several servers start at once: one migrates, the others wait for it and find the work done."""
    import threading

    target, results = new_database("together.db", empty=True), []

    def start():
        try:
            db = connect(target)
            results.append(schema_version(db))
            db.close()
        except Exception as exc:  # noqa: BLE001 - a failure is the result
            results.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert results == [LATEST] * 4

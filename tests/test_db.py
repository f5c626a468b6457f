"""Migrations: an event stored before compaction keeps every fact it had, in columns of its own."""
from __future__ import annotations

import json
import sqlite3

import sqlite_utils

from app.db import MIGRATIONS, connect, migrate, schema_version


def test_compaction_moves_each_payload_field_into_its_column(tmp_path):
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(sqlite3.connect(str(path), isolation_level=None))
    for version, sql in MIGRATIONS:
        if version > 5:
            break
        for statement in sql.split(";"):
            if statement.strip():
                old.execute(statement)
        old.execute(f"PRAGMA user_version = {version}")
    sent = {"id": "evt-old-0001", "seq": 3, "type": "answer", "item": "q1", "set": "s1", "t": 1787850019888, "r": "3/4",
            "secs": 12, "attempt": 2, "ok": 1, "mc": "adds-denominators"}
    reflection = {"id": "evt-old-0002", "seq": 4, "type": "reflection", "t": 1787850020000, "prompt": "hardest",
                  "value": "the last one"}
    for event in (sent, reflection):
        old.execute("INSERT INTO events (id, student_id, device_id, seq, type, item_id, set_id, client_ts, server_ts, "
                    "received_at, correct, response, payload) VALUES (?, 1, 1, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
                    [event["id"], event["seq"], event["type"], event.get("item"), event.get("set"), event["t"] / 1000,
                     event["t"] / 1000, event["t"] / 1000, event.get("r"), json.dumps(event)])
    old.conn.close()

    db = connect(path)
    assert schema_version(db) == MIGRATIONS[-1][0] and migrate(db) == MIGRATIONS[-1][0]
    columns = {row[1] for row in db.execute("PRAGMA table_info(events)")}
    assert "payload" not in columns
    answer = dict(zip(("hint", "secs", "attempt", "phone_ok", "phone_mc", "response"), db.execute(
        "SELECT hint, secs, attempt, phone_ok, phone_mc, response FROM events WHERE id = 'evt-old-0001'").fetchone()))
    assert answer == {"hint": None, "secs": 12, "attempt": 2, "phone_ok": 1, "phone_mc": "adds-denominators",
                      "response": "3/4"}
    assert db.execute("SELECT prompt, value FROM events WHERE id = 'evt-old-0002'").fetchone() == ("hardest", "the last one")

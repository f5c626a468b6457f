"""A database that cannot write (full, read-only): syncs answer 503 with Retry-After, acknowledge nothing unstored, and recover.

The full disk is SQLite's own: `PRAGMA max_page_count` caps the database at its current size on the
connection the server uses, so an insert that needs a new page fails with SQLITE_FULL exactly as
on a full file system (the same error code reaches the same code path). Read-only is `query_only`.
"""
from __future__ import annotations

import json
import logging
import time
import uuid

import pytest

from app.db import connect
from app.teacher.class_records import add_student, create_class

UNLIMITED_PAGES = 1073741823
# A database gone read-only: SQLite's query_only; on PostgreSQL, read-only transactions (what a standby gives).
READ_ONLY = {"sqlite": ("PRAGMA query_only = ON", "PRAGMA query_only = OFF"),
             "postgresql": ("SET default_transaction_read_only = on", "SET default_transaction_read_only = off")}
FULL = ("PRAGMA max_page_count = 1", f"PRAGMA max_page_count = {UNLIMITED_PAGES}")


@pytest.fixture
def phone(app, client):
    """A joined student's token, and the connection the server's requests use in this thread."""
    db = connect(app.config["DATABASE"])
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    klass = create_class(db, 1, "7A")
    pin = add_student(db, klass["id"], "Asha")["pin"]
    token = client.post("/api/v1/join", json={"class_code": klass["code"], "pin": pin}).json["token"]
    with app.app_context():
        server_db = app.extensions["abhyas_db"]()
    return {"token": token, "server_db": server_db, "db": db}


def batch(count: int, start: int = 1) -> list:
    """Answers as a phone's outbox holds them, with typed responses long enough that a batch needs new pages."""
    now = int(time.time() * 1000)
    return [{"id": uuid.uuid4().hex, "seq": start + n, "type": "answer", "item": "sample-add-1",
             "r": f"{n}/4 " + "x" * 30, "t": now - n} for n in range(count)]


def sync(client, token: str, events: list):
    return client.post("/api/v1/sync", data=json.dumps({"events": events}),
                       headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})


def stored(db, events: list) -> set:
    ids = [e["id"] for e in events]
    return {r[0] for r in db.execute(f"SELECT id FROM events WHERE id IN ({','.join('?' * len(ids))})", ids)}


def ops_lines(caplog) -> list:
    return [json.loads(r.getMessage()) for r in caplog.records if r.name == "abhyas.ops"]


@pytest.mark.parametrize("kind", [
    pytest.param("full", marks=pytest.mark.sqlite_only("the full disk is SQLite's page cap")),  # the disk is full
    "read_only",  # the file system (or the server) went read-only
])
def test_a_sync_that_cannot_be_stored_is_refused_with_retry_after_and_recovers(client, phone, caplog, kind):
    """503 + Retry-After, nothing stored or acknowledged, a log line an operator can count; then it all goes in."""
    fault, undo = FULL if kind == "full" else READ_ONLY[phone["server_db"].dialect]
    caplog.set_level(logging.INFO, logger="abhyas.ops")
    first = batch(5)
    assert sync(client, phone["token"], first).status_code == 200
    outbox = batch(50, start=6)
    phone["server_db"].execute(fault)

    refused = sync(client, phone["token"], outbox)
    assert refused.status_code == 503 and int(refused.headers["Retry-After"]) > 0
    assert "acked" not in refused.json and "Nothing was lost on your side" in refused.json["error"]
    assert stored(phone["db"], outbox) == set()
    assert client.get("/healthz").status_code == (503 if "max_page_count" in fault else 200)
    lines = ops_lines(caplog)
    assert [line["event"] for line in lines[-2:]] == ["storage_unavailable", "sync_refused"]
    assert lines[-1]["status"] == 503 and lines[-1]["count"] >= 1
    assert client.get("/healthz").json["events"]["sync_refused"] >= 1

    again = sync(client, phone["token"], outbox)  # the phone retries the same outbox; still nothing half-stored
    assert again.status_code == 503 and stored(phone["db"], outbox) == set()

    phone["server_db"].execute(undo)  # space comes back: no restart, no operator step
    recovered = sync(client, phone["token"], outbox)
    assert recovered.status_code == 200
    assert set(recovered.json["acked"]) == {e["id"] for e in outbox} == stored(phone["db"], outbox)
    assert client.get("/healthz").status_code == 200


def test_a_teacher_page_that_cannot_write_says_so_with_503(client, phone):
    """Not only the API: a sign-in (which records failures) on a read-only database is a 503 page, not a 500."""
    from tests.teacher_fixtures import csrf_from
    token = csrf_from(client)
    fault, undo = READ_ONLY[phone["server_db"].dialect]
    phone["server_db"].execute(fault)
    response = client.post("/teacher/sign-in", data={"username": "t", "password": "wrong", "csrf_token": token})
    phone["server_db"].execute(undo)
    assert response.status_code == 503 and response.headers["Retry-After"]
    assert "cannot store anything right now" in response.get_data(as_text=True)


def test_failed_planning_is_one_countable_line_and_the_acks_still_go_out(app, client, phone, caplog, monkeypatch):
    """Planning (mastery, the next set) fails after the events were stored: acks sent, progress_error logged."""
    caplog.set_level(logging.INFO, logger="abhyas.ops")
    import app.sync.views as views

    def broken(*_args, **_kwargs):
        raise RuntimeError("the planner met something it cannot handle")

    monkeypatch.setattr(views, "refresh_student", broken)
    events = batch(3)
    reply = sync(client, phone["token"], events)
    assert reply.status_code == 200 and set(reply.json["acked"]) == stored(phone["db"], events)
    assert reply.json["progress_error"]
    line = ops_lines(caplog)[-1]
    assert line["event"] == "progress_error" and line["error"] == "RuntimeError" and line["count"] >= 1


def test_a_database_locked_beyond_the_wait_is_503_soon_and_writes_once_the_lock_goes(app, client, phone, monkeypatch):
    """Another process holds the write lock (a stuck job): the sync is refused well before the phone's 45 s timeout."""
    monkeypatch.setattr("app.db.WRITE_WAIT_SECONDS", 0.5)  # the production wait is 20 s; the lock below is real
    holder = connect(app.config["DATABASE"])
    holder.begin_write(time.monotonic() + 5)  # the write lock as another process takes it
    outbox = batch(10)
    started = time.monotonic()
    refused = sync(client, phone["token"], outbox)
    waited = time.monotonic() - started
    holder.execute("ROLLBACK")
    holder.close()
    assert refused.status_code == 503 and refused.headers["Retry-After"] and waited < 5
    assert stored(phone["db"], outbox) == set()
    assert sync(client, phone["token"], outbox).status_code == 200 and len(stored(phone["db"], outbox)) == 10

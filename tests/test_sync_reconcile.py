"""Reconciliation: each valid event stored once, bad ones refused with a reason, the rest kept."""
from __future__ import annotations

import time

import pytest

from app.db import connect
from app.sync.reconcile import BatchError, reconcile_batch
from app.teacher.class_records import add_student, create_class

ITEMS = {
    "frac-1": {"kind": "fraction", "answer": "3/4", "form": "any", "accept": [], "wrong": [{"answer": "2/6", "misconception": "m.add_across"}]},
    "int-1": {"kind": "numeric", "answer": "-3", "form": "any", "accept": [], "wrong": []},
}


@pytest.fixture
def db(new_database):
    database = connect(new_database("t.db"))
    database["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    klass = create_class(database, 1, "7A")
    student = add_student(database, klass["id"], "Asha")
    other = add_student(database, klass["id"], "Bala")
    database["devices"].insert_all([{"student_id": student["id"], "token_hash": "a", "created_at": 0},
                                    {"student_id": other["id"], "token_hash": "b", "created_at": 0}])
    database.device = {"device_id": 1, "student_id": student["id"]}
    database.other_device = {"device_id": 2, "student_id": other["id"]}
    return database


def answer(event_id, response="3/4", seq=1, item="frac-1", t=None):
    return {"id": event_id, "seq": seq, "type": "answer", "item": item, "r": response, "t": t or int(time.time() * 1000)}


def test_valid_events_are_stored_and_regraded(db):
    result = reconcile_batch(db, db.device, {"events": [answer("evt-00001", "6/8"),
                                                        answer("evt-00002", "2/6", 2)]}, ITEMS)
    assert result["acked"] == ["evt-00001", "evt-00002"] and result["rejected"] == []
    rows = {r["id"]: r for r in db["events"].rows}
    assert rows["evt-00001"]["correct"] == 1
    assert rows["evt-00002"]["correct"] == 0 and rows["evt-00002"]["misconception"] == "m.add_across"


def test_the_phones_own_grade_is_ignored(db):
    event = dict(answer("evt-00003", "1/2"), ok=True)
    reconcile_batch(db, db.device, {"events": [event]}, ITEMS)
    assert db["events"].get("evt-00003")["correct"] == 0


def test_a_replay_gets_the_same_ack_and_stores_nothing_twice(db):
    batch = {"events": [answer("evt-00010"), answer("evt-00011", seq=2)]}
    first = reconcile_batch(db, db.device, batch, ITEMS)
    second = reconcile_batch(db, db.device, batch, ITEMS)
    assert first["acked"] == second["acked"] == ["evt-00010", "evt-00011"]
    assert second["stored"] == 0 and db["events"].count == 2


def test_the_same_event_twice_in_one_batch_is_stored_once(db):
    result = reconcile_batch(db, db.device, {"events": [answer("evt-00020"), answer("evt-00020")]}, ITEMS)
    assert result["acked"] == ["evt-00020"] and db["events"].count == 1


@pytest.mark.parametrize("event,reason", [
    (dict(answer("evt-bad-01"), item="no-such-item"), "unknown item"),
    (dict(answer("evt-bad-02"), type="guess"), "unknown type"),
    (dict(answer("evt-bad-03"), seq="one"), "'seq' must be a whole number"),
    (dict(answer("evt-bad-04"), r="1" * 41), "longer than 40"),
    (dict(answer("evt-bad-05"), t=int((time.time() + 3 * 86400) * 1000)), "in the future"),
    (dict(answer("evt-bad-06"), colour="red"), "unknown field 'colour'"),
    ({"id": "evt-bad-07", "seq": 1, "type": "answer", "item": "frac-1", "t": 1}, "'r' is required"),
    ("not an object", "must be a JSON object"),
])
def test_bad_events_are_refused_with_a_reason_and_the_rest_kept(db, event, reason):
    good = answer("evt-good-1", seq=9)
    result = reconcile_batch(db, db.device, {"events": [event, good]}, ITEMS)
    assert result["acked"] == ["evt-good-1"]
    assert len(result["rejected"]) == 1 and reason in result["rejected"][0]["reason"]
    assert [r["id"] for r in db["events"].rows] == ["evt-good-1"]


def test_a_wrong_phone_clock_is_corrected_by_the_batch_offset(db):
    year_ahead_ms = int((time.time() + 365 * 86400) * 1000)
    batch = {"events": [answer("evt-clock-1", t=year_ahead_ms - 60000)], "device_time": year_ahead_ms}
    result = reconcile_batch(db, db.device, batch, ITEMS)
    assert result["acked"] == ["evt-clock-1"]
    stored = db["events"].get("evt-clock-1")
    assert abs(stored["server_ts"] - (time.time() - 60)) < 5


def test_an_id_used_by_another_profile_is_refused(db):
    reconcile_batch(db, db.other_device, {"events": [answer("evt-shared1")]}, ITEMS)
    result = reconcile_batch(db, db.device, {"events": [answer("evt-shared1")]}, ITEMS)
    assert result["acked"] == [] and "another profile" in result["rejected"][0]["reason"]


def test_two_devices_for_one_student_merge(db):
    db["devices"].insert({"student_id": db.device["student_id"], "token_hash": "c", "created_at": 0})
    second = {"device_id": 3, "student_id": db.device["student_id"]}
    reconcile_batch(db, db.device, {"events": [answer("evt-dev-a1", seq=1)]}, ITEMS)
    reconcile_batch(db, second, {"events": [answer("evt-dev-b1", seq=1)]}, ITEMS)
    rows = list(db["events"].rows_where("student_id = ?", [db.device["student_id"]]))
    assert {r["device_id"] for r in rows} == {1, 3} and len(rows) == 2


@pytest.mark.parametrize("payload,status", [
    ([], 400), ({"events": "x"}, 400), ({"events": [answer(f"evt-many-{i:03d}") for i in range(51)]}, 413)])
def test_unreadable_batches_are_refused_whole(db, payload, status):
    with pytest.raises(BatchError) as caught:
        reconcile_batch(db, db.device, payload, ITEMS)
    assert caught.value.status == status and db["events"].count == 0

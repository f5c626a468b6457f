"""Syncs lock per student on PostgreSQL: different students side by side, one student one at a time, global writes alone."""
from __future__ import annotations

import threading
import time
import uuid

import pytest

from app.db import connect, write
from app.store import Busy
from app.sync.reconcile import reconcile_batch
from tests.teacher_fixtures import Phone, answer, catalog_of, db, world  # noqa: F401 - db and world are fixtures

server_only = pytest.mark.postgresql_only("two writers at once: SQLite lets one in at a time whoever they write for")


def _in_thread(work) -> tuple[threading.Thread, dict]:
    """Run `work` in a thread; the dict gets its result (or error) and when it finished."""
    out: dict = {}

    def run():
        try:
            out["result"] = work()
        except Exception as exc:  # noqa: BLE001 - the failure is the result
            out["error"] = exc
        out["done_at"] = time.monotonic()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def _events(student_id: int, db) -> list:
    return [row[0] for row in db.execute("SELECT id FROM events WHERE student_id = ? ORDER BY id", [student_id])]


def _answers_tallied(db, student_id: int) -> int:
    return db.execute("SELECT coalesce(sum(answers), 0) FROM answer_days WHERE student_id = ?", [student_id]).fetchone()[0]


@server_only
def test_a_students_sync_goes_on_while_another_students_write_is_open(app, world):
    """Kiran's write held open in one connection: Latha's whole sync (store, mastery, sets) finishes meanwhile,
    Kiran's own second sync waits for it, and so does a global write."""
    kiran, latha = (s["id"] for s in world["students"][:2])
    holder = connect(app.config["DATABASE"])
    latha_phone = Phone(connect(app.config["DATABASE"]), latha)
    kiran_phone = Phone(connect(app.config["DATABASE"]), kiran)
    before = len(_events(latha, holder))
    with write(holder, student=kiran):
        started = time.monotonic()
        latha_sync, latha_out = _in_thread(lambda: latha_phone.send(world["catalog"], [answer("sample-eq-1", "2/4")]))
        kiran_sync, kiran_out = _in_thread(lambda: kiran_phone.send(world["catalog"], [answer("sample-eq-1", "2/4")]))
        latha_sync.join(15)
        assert latha_out.get("result", {}).get("stored") == 1, latha_out
        assert latha_out["done_at"] - started < 5
        global_db = connect(app.config["DATABASE"])
        global_write, global_out = _in_thread(lambda: _try_write(global_db, wait=15))
        time.sleep(0.3)
        assert "done_at" not in kiran_out and "done_at" not in global_out  # both wait for Kiran's open write
        released = time.monotonic()
    kiran_sync.join(15)
    global_write.join(15)
    assert kiran_out.get("result", {}).get("stored") == 1 and kiran_out["done_at"] >= released
    assert global_out.get("result") is None and "error" not in global_out and global_out["done_at"] >= released
    assert len(_events(latha, holder)) == before + 1


def _try_write(db, wait: float, student: int | None = None):
    with write(db, wait=wait, student=student):
        return None


@server_only
def test_a_global_write_waits_for_students_writes_in_flight_and_holds_off_new_ones(app, world):
    kiran, latha, manu = (s["id"] for s in world["students"][:3])
    first, waiting, late = (connect(app.config["DATABASE"]) for _ in range(3))
    with write(first, student=kiran):
        global_write, global_out = _in_thread(lambda: _try_write(waiting, wait=10))
        time.sleep(0.3)
        assert "done_at" not in global_out
        # A student's write asked for after the global one queues behind it: global writes are not starved.
        with pytest.raises(Busy):
            _try_write(late, wait=0.5, student=latha)
        released = time.monotonic()
    global_write.join(10)
    assert "error" not in global_out and global_out["done_at"] >= released
    _try_write(late, wait=2, student=manu)


@server_only
def test_the_same_students_writes_wait_for_each_other_and_other_students_do_not(app, world):
    kiran, latha = (s["id"] for s in world["students"][:2])
    first, second = connect(app.config["DATABASE"]), connect(app.config["DATABASE"])
    with write(first, student=kiran):
        _try_write(second, wait=2, student=latha)
        with pytest.raises(Busy):
            _try_write(second, wait=0.5, student=kiran)
        with pytest.raises(Busy):
            _try_write(second, wait=0.5)


def test_one_student_on_two_phones_at_once_stores_each_event_once(app, world):
    """Two phones of one student, each resending the other's overlap, from threads on their own connections."""
    kiran = world["students"][0]["id"]
    catalog = catalog_of(app)
    phones = [Phone(connect(app.config["DATABASE"]), kiran) for _ in range(2)]
    before = connect(app.config["DATABASE"])
    stored_before, tallied_before = len(_events(kiran, before)), _answers_tallied(before, kiran)
    now = time.time()
    shared = [dict(answer("sample-eq-1", "2/4"), id=f"both-event-{i:04d}", seq=100 + i, t=int((now - 50) * 1000)) for i in range(10)]

    def sync(phone, own: str):
        results = []
        for round_ in range(4):
            events = shared + [dict(answer("sample-add-1", "3/4"), id=f"own-{own}-{round_}-{i:04d}", seq=200 + 10 * round_ + i,
                                    t=int((now - 40) * 1000)) for i in range(5)]
            results.append(reconcile_batch(phone.db, phone.device, {"events": events}, catalog["items"], now))
        return results

    threads = [_in_thread(lambda phone=phone, own=own: sync(phone, own)) for phone, own in zip(phones, ("a", "b"))]
    for thread, _ in threads:
        thread.join(60)
    for _, out in threads:
        assert "error" not in out, out
        assert all(not r["rejected"] for r in out["result"])
    stored = _events(kiran, before)
    assert len(stored) == len(set(stored)) == stored_before + 10 + 2 * 4 * 5
    assert sum(r["stored"] for _, out in threads for r in out["result"]) == 10 + 2 * 4 * 5
    assert _answers_tallied(before, kiran) == tallied_before + 10 + 2 * 4 * 5


@server_only
def test_an_id_two_students_send_at_once_belongs_to_the_first_and_only_it_tallies_it(app, world):
    """Kiran's write has stored an id but not committed; Latha's batch with the same id waits at the insert,
    then is refused it, and her tallies do not count it."""
    kiran, latha = (s["id"] for s in world["students"][:2])
    catalog = catalog_of(app)
    holder = connect(app.config["DATABASE"])
    latha_phone = Phone(connect(app.config["DATABASE"]), latha)
    tallied = _answers_tallied(holder, latha)
    event_id = uuid.uuid4().hex[:20]
    now = time.time()
    event = dict(answer("sample-eq-1", "2/4"), id=event_id, seq=900, t=int((now - 30) * 1000))
    kiran_device = holder.execute("SELECT id FROM devices WHERE student_id = ?", [kiran]).fetchone()[0]
    with write(holder, student=kiran):
        holder.execute("INSERT INTO events (id, student_id, device_id, seq, type, item_id, server_ts, received_at) "
                       "VALUES (?, ?, ?, 900, 'answer', 'sample-eq-1', ?, ?)", [event_id, kiran, kiran_device, now, now])
        sync, out = _in_thread(lambda: reconcile_batch(latha_phone.db, latha_phone.device, {"events": [event]},
                                                       catalog["items"], now))
        time.sleep(0.5)
        assert "done_at" not in out  # its insert waits on Kiran's row
    sync.join(15)
    assert out["result"]["acked"] == [] and "another profile" in out["result"]["rejected"][0]["reason"]
    assert holder.execute("SELECT student_id FROM events WHERE id = ?", [event_id]).fetchall() == [(kiran,)]
    assert _answers_tallied(holder, latha) == tallied

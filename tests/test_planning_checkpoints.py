"""Stored checkpoints never change what mastery is: after every batch, however the events arrive, the folded
state equals a replay of the whole log, skill by skill; a fit or a deleted student leaves no stale checkpoint."""
from __future__ import annotations

import time
from dataclasses import asdict

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from app.db import connect, write
from app.planning.checkpoints import KEEP_DAYS
from app.planning.replay import state_for, state_from_log
from app.privacy.records import delete_student
from app.sync.reconcile import reconcile_batch
from app.teacher.class_records import add_student, create_class

DAY = 86400
SKILLS = {"add": {"prerequisites": []}, "sub": {"prerequisites": ["add"]}, "mul": {"prerequisites": ["add"]}}
ITEMS = {f"{skill}{n}": {"kind": "numeric", "answer": "5", "form": "any", "accept": [], "skill": skill,
                         "difficulty": 1 + n, "wrong": [{"answer": "6", "misconception": f"{skill}-off-by-one"}]}
         for skill in SKILLS for n in range(2)}
CATALOG = {"skills": SKILLS, "items": ITEMS, "misconceptions": {}, "reflections": [], "diagnostic": [], "packs": {}}


@pytest.fixture(scope="module")
def db(module_database):
    database = connect(module_database)
    database["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    database.class_id = create_class(database, 1, "7A")["id"]
    return database


def new_student(db, diagnostic: bool) -> tuple:
    """A student with two phones (and a diagnostic set when asked); returns (student id, [device, device])."""
    sid = add_student(db, db.class_id, "Asha")["id"]
    devices = []
    for label in ("phone", "tablet"):
        device_id = db["devices"].insert({"student_id": sid, "token_hash": f"h{sid}{label}", "created_at": 0}).last_pk
        devices.append({"device_id": device_id, "student_id": sid})
    if diagnostic:
        with write(db):
            db["sets"].insert({"id": f"diag{sid}", "student_id": sid, "status": "released", "tier": "",
                               "payload": '{"kind": "diagnostic", "items": []}', "created_at": 0})
    return sid, devices


an_event = st.fixed_dictionaries({
    "type": st.sampled_from(["shown", "answer", "answer", "answer", "hint", "skip"]),
    "item": st.sampled_from(sorted(ITEMS)),
    "response": st.sampled_from(["5", "6", "7"]),
    "attempt": st.sampled_from([1, 1, 1, 2]),
    "day": st.integers(0, KEEP_DAYS + 3),
    "second": st.integers(0, 3600),
    "device": st.integers(0, 1),
    "diagnostic": st.booleans(),
})


def to_wire(event: dict, number: int, sid: int, base: float) -> dict:
    """The event as a phone sends it."""
    wire = {"id": f"ev{sid}x{number:05d}", "seq": number, "type": event["type"], "item": event["item"],
            "t": int((base + event["day"] * DAY + event["second"]) * 1000)}
    if event["diagnostic"]:
        wire["set"] = f"diag{sid}"
    if event["type"] == "answer":
        wire.update(r=event["response"], attempt=event["attempt"])
    elif event["type"] == "hint":
        wire["hint"] = 1
    return wire


def assert_same_state(folded, replayed) -> None:
    """Equal skill by skill (every field, floats exactly), then everything else the state holds."""
    assert folded.skills.keys() == replayed.skills.keys()
    for skill in replayed.skills:
        assert asdict(folded.skills[skill]) == asdict(replayed.skills[skill]), skill
    assert asdict(folded) == asdict(replayed)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(events=st.lists(an_event, min_size=1, max_size=60), cuts=st.lists(st.integers(1, 60), max_size=8),
       order=st.randoms(use_true_random=False), diagnostic=st.booleans(), fit_after=st.integers(0, 10))
def test_folded_state_equals_a_replay_of_the_log_after_every_batch(db, events, cuts, order, diagnostic, fit_after):
    sid, devices = new_student(db, diagnostic)
    base = time.time() - (KEEP_DAYS + 5) * DAY
    wire = [to_wire(e, n, sid, base) for n, e in enumerate(events)]
    # Each phone sends its own events in batches; the batches of the two phones arrive in any order.
    batches = []
    for device in (0, 1):
        mine = [w for w, e in zip(wire, events) if e["device"] == device]
        bounds = sorted({c % (len(mine) + 1) for c in cuts} | {0, len(mine)})
        batches += [(device, mine[a:b]) for a, b in zip(bounds, bounds[1:]) if mine[a:b]]
    order.shuffle(batches)
    for number, (device, batch) in enumerate(batches):
        if number == fit_after:
            with write(db):  # `abhyas fit` storing new parameters: every checkpoint's basis is outdated
                db["skill_params"].upsert({"skill_id": "sub", "prior": 0.3, "learn": 0.2, "guess": 0.25, "slip": 0.1,
                                           "forget": 0.01, "responses": 99, "fitted_at": 0}, pk="skill_id")
        result = reconcile_batch(db, devices[device], {"events": batch}, ITEMS)
        assert result["stored"] == len(batch)
        assert_same_state(state_for(db, sid, CATALOG), state_from_log(db, sid, CATALOG))
    with write(db):
        db.execute("DELETE FROM skill_params")


def test_a_late_answer_rewinds_to_the_day_before_it_not_to_the_start(db):
    sid, (phone, tablet) = new_student(db, diagnostic=False)
    base = time.time() - 6 * DAY
    for day in range(6):
        batch = [{"id": f"late{sid}d{day}n{n}", "seq": day * 10 + n, "type": "answer", "item": "add0", "r": "5",
                  "t": int((base + day * DAY + n * 60) * 1000)} for n in range(3)]
        reconcile_batch(db, phone, {"events": batch}, ITEMS)
        state_for(db, sid, CATALOG)
    days = [row[0] for row in db.execute("SELECT day FROM checkpoints WHERE student_id = ? ORDER BY day", [sid])]
    assert len(days) == 6, "one checkpoint per day practised"
    # The tablet delivers an answer from day 3 only now.
    reconcile_batch(db, tablet, {"events": [{"id": f"late{sid}tab", "seq": 1, "type": "answer", "item": "add0",
                                             "r": "6", "t": int((base + 3 * DAY + 30) * 1000)}]}, ITEMS)
    assert_same_state(state_for(db, sid, CATALOG), state_from_log(db, sid, CATALOG))
    after = [row[0] for row in db.execute("SELECT day FROM checkpoints WHERE student_id = ? ORDER BY day", [sid])]
    assert after == days, "the days after the late answer were folded again and stored again"
    assert db.execute("SELECT events FROM checkpoints WHERE student_id = ? ORDER BY day DESC LIMIT 1",
                      [sid]).fetchone()[0] == 6 * 3 + 1


def test_deleting_a_student_removes_their_checkpoints(db):
    sid, (phone, _tablet) = new_student(db, diagnostic=False)
    reconcile_batch(db, phone, {"events": [{"id": f"gone-event-{sid}", "seq": 1, "type": "answer", "item": "add0", "r": "5",
                                            "t": int(time.time() * 1000) - 1000}]}, ITEMS)
    state_for(db, sid, CATALOG)
    assert db.execute("SELECT count(*) FROM checkpoints WHERE student_id = ?", [sid]).fetchone()[0] == 1
    assert delete_student(db, sid)["checkpoints"] == 1
    assert db.execute("SELECT count(*) FROM checkpoints WHERE student_id = ?", [sid]).fetchone()[0] == 0

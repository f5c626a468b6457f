"""Away from homework: no new set while a student is excused or the class paused, one set again after, each logged once."""
from __future__ import annotations

import json
import time

import pytest

from app.db import write
from app.planning.away import away
from app.planning.decisions import record_override
from app.planning.refresh import refresh_student
from app.teacher.class_records import add_student, create_class
from tests.teacher_fixtures import Phone, answer, catalog_of, db, make_user  # noqa: F401 - db is a fixture

DAY = 86400


def _open_sets(db, student_id):
    return [(status, json.loads(payload)) for payload, status in db.execute(
        "SELECT payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
        "ORDER BY created_at, id", [student_id])]


def _planning_log(db, student_id):
    return [(json.loads(new), reason) for new, reason in db.execute(
        "SELECT new_value, reason FROM overrides WHERE target = 'planning' AND student_id = ? ORDER BY id",
        [student_id])]


def _finish(phone, catalog, sets, now):
    """Answer every open set's items (the diagnostic by its wrong branch), as a student catching up would."""
    events = []
    for _status, doc in sets:
        if doc.get("kind") == "diagnostic":
            node = doc["tree"]
            while node is not None:
                events.append(answer(node["item"], "999", ts=now - 100 + len(events), set=doc["id"]))
                node = node["wrong"]
        else:
            events += [answer(e["item"], "999", ts=now - 100 + len(events), set=doc["id"]) for e in doc["items"]]
    phone.send(catalog, events, now)


@pytest.fixture
def setup(app, db):
    """Teacher Tara's class (approval first, no practice while waiting) and Ravi with his diagnostic out."""
    catalog = catalog_of(app)
    teacher = make_user(db, "tara")
    klass = create_class(db, teacher, "6A", release_mode="approve")
    with write(db):
        db.execute("UPDATE classes SET settings = ? WHERE id = ?", [json.dumps({"while_waiting": "nothing"}), klass["id"]])
    student = add_student(db, klass["id"], "Ravi", "hi")
    refresh_student(db, student["id"], catalog, time.time())
    return {"catalog": catalog, "teacher": teacher, "klass": klass, "student": student, "phone": Phone(db, student["id"])}


def test_an_excused_student_gets_no_new_set_and_one_again_after(db, setup):
    """Excused ill: finishing the diagnostic plans nothing, logged once; after the excuse one set, logged."""
    catalog, sid, phone, now = setup["catalog"], setup["student"]["id"], setup["phone"], time.time()
    record_override(db, setup["teacher"], sid, setup["klass"]["id"], "excused", None, None,
                    {"until": now + 5 * DAY, "kind": "ill"}, "Dengue", now)
    assert away(db, sid, now)["kind"] == "ill"
    _finish(phone, catalog, _open_sets(db, sid), now + 60)
    assert _open_sets(db, sid) == [], "nothing new while excused"
    for k in range(3):  # syncs during the excuse: still nothing, and the hold is logged only once
        phone.send(catalog, [{"type": "shown", "item": "sample-add-1", "t": int((now + 600 + k) * 1000)}],
                   now + (k + 1) * DAY)
    assert _open_sets(db, sid) == []
    [(held, reason)] = _planning_log(db, sid)
    assert held == {"held": True, "until": now + 5 * DAY, "kind": "ill"} and reason == "Dengue"

    # The excuse runs out: the next sync plans one set, the same as for anyone with nothing to do.
    later = now + 6 * DAY
    assert away(db, sid, later) is None
    phone.send(catalog, [], later)
    sets = _open_sets(db, sid)
    assert [status for status, _doc in sets] == ["proposed"], "one set, not a pile of missed ones"
    log = _planning_log(db, sid)
    assert len(log) == 2 and log[1][0] == {"held": False, "kind": "ill"} and log[1][1] == "Dengue"
    phone.send(catalog, [], later + 60)
    assert len(_open_sets(db, sid)) == 1 and len(_planning_log(db, sid)) == 2


def test_an_excuse_ended_early_lets_planning_resume_at_once(db, setup):
    """The teacher ends the excuse ("Back in class"): the next sync plans again."""
    catalog, sid, phone, now = setup["catalog"], setup["student"]["id"], setup["phone"], time.time()
    record_override(db, setup["teacher"], sid, setup["klass"]["id"], "excused", None, None,
                    {"until": now + 9 * DAY, "kind": "exams"}, "exams", now)
    _finish(phone, catalog, _open_sets(db, sid), now + 60)
    assert _open_sets(db, sid) == []
    record_override(db, setup["teacher"], sid, setup["klass"]["id"], "excused", None,
                    {"until": now + 9 * DAY, "kind": "exams"}, None, "Back in class", now + 120)
    phone.send(catalog, [], now + 180)
    assert [status for status, _doc in _open_sets(db, sid)] == ["proposed"]


def test_a_class_pause_holds_planning_for_everyone_until_it_ends(db, setup):
    """Holidays: nothing planned for a student of the paused class, logged with the pause's reason; after, one set."""
    catalog, sid, phone, now = setup["catalog"], setup["student"]["id"], setup["phone"], time.time()
    klass = setup["klass"]
    with write(db):
        db.execute("UPDATE classes SET settings = ? WHERE id = ?",
                   [json.dumps({"while_waiting": "nothing", "pause": {"until": now + 3 * DAY, "reason": "Diwali"}}),
                    klass["id"]])
        record_override(db, setup["teacher"], None, klass["id"], "class_pause", None, None, {"until": now + 3 * DAY},
                        "Diwali", now)
    assert away(db, sid, now) == {"until": now + 3 * DAY, "kind": "pause", "reason": "Diwali", "by": setup["teacher"]}
    _finish(phone, catalog, _open_sets(db, sid), now + 60)
    assert _open_sets(db, sid) == []
    assert _planning_log(db, sid) == [({"held": True, "until": now + 3 * DAY, "kind": "pause"}, "Diwali")]
    phone.send(catalog, [], now + 4 * DAY)
    assert [status for status, _doc in _open_sets(db, sid)] == ["proposed"]
    assert _planning_log(db, sid)[-1] == ({"held": False, "kind": "pause"}, "Diwali")


def test_a_student_not_away_is_planned_for_and_nothing_is_logged(db, setup):
    """No excuse, no pause: the diagnostic's end brings the proposal, and the planning log stays empty."""
    catalog, sid, phone, now = setup["catalog"], setup["student"]["id"], setup["phone"], time.time()
    assert away(db, sid, now) is None
    _finish(phone, catalog, _open_sets(db, sid), now + 60)
    assert [status for status, _doc in _open_sets(db, sid)] == ["proposed"]
    assert _planning_log(db, sid) == []


def test_absences_as_time_spans_end_at_their_date_an_early_end_or_now(db, setup):
    """An excuse ended early, a later one replaced by a new date, a class pause running now (to its date): each a span."""
    from app.planning.away import away_spans
    sid, klass, teacher, now = setup["student"]["id"], setup["klass"], setup["teacher"], time.time()
    t0 = now - 40 * DAY

    def excuse(value, at):
        record_override(db, teacher, sid, klass["id"], "excused", None, None, value, "Fever", at)
    excuse({"until": t0 + 10 * DAY, "kind": "ill"}, t0)
    excuse(None, t0 + 4 * DAY)                                     # back in class early
    excuse({"until": t0 + 20 * DAY, "kind": "exams"}, t0 + 15 * DAY)
    excuse({"until": t0 + 25 * DAY, "kind": "exams"}, t0 + 18 * DAY)  # the date moved on
    record_override(db, teacher, None, klass["id"], "class_pause", None, None, {"until": now + 5 * DAY}, "Diwali",
                    now - 2 * DAY)
    assert away_spans(db, [sid], now) == {sid: [
        (t0, t0 + 4 * DAY, "excused"), (t0 + 15 * DAY, t0 + 18 * DAY, "excused"),
        (t0 + 18 * DAY, t0 + 25 * DAY, "excused"), (now - 2 * DAY, now + 5 * DAY, "pause")]}
    other = add_student(db, create_class(db, teacher, "6B")["id"], "Asha", "en")
    assert away_spans(db, [other["id"]], now) == {other["id"]: []}, "another class's pause is not theirs"

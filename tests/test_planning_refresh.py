"""The set life cycle after each sync: a diagnostic at once, pre-approved practice while a set waits, no shown answers re-served."""
from __future__ import annotations

import json
import time

import pytest

from app.db import write
from app.planning.refresh import refresh_student
from app.teacher.class_records import add_student, create_class
from tests.teacher_fixtures import Phone, answer, catalog_of, db, make_user  # noqa: F401 - db is a fixture


def _sets(db, student_id):
    return [dict(json.loads(payload), status=status) for payload, status in db.execute(
        "SELECT payload, status FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "
        "ORDER BY created_at, id", [student_id])]


def _walk_diagnostic(phone, catalog, diagnostic, now):
    """Answer every node of the diagnostic's walk wrongly (a new student who knows little)."""
    node, events = diagnostic["tree"], []
    while node is not None:
        events.append(answer(node["item"], "999", ts=now - 100 + len(events), set=diagnostic["id"]))
        node = node["wrong"]
    phone.send(catalog, events, now)


@pytest.fixture
def klass(app, db):
    teacher = make_user(db, "tara")
    return create_class(db, teacher, "6A", release_mode="approve")


def _student(db, klass, catalog, settings=None):
    if settings is not None:
        with write(db):
            db.execute("UPDATE classes SET settings = ? WHERE id = ?", [json.dumps(settings), klass["id"]])
    student = add_student(db, klass["id"], "Ravi", "hi")
    refresh_student(db, student["id"], catalog, time.time())
    return student


def test_a_new_student_in_an_approve_class_gets_the_diagnostic_at_once(app, db, klass):
    catalog = catalog_of(app)
    student = _student(db, klass, catalog)
    sets = _sets(db, student["id"])
    assert [(s["kind"], s["status"]) for s in sets] == [("diagnostic", "released")]


def test_while_a_set_waits_for_approval_pre_approved_practice_is_released(app, db, klass):
    catalog = catalog_of(app)
    student = _student(db, klass, catalog)
    phone, now = Phone(db, student["id"]), time.time()
    diagnostic = _sets(db, student["id"])[0]
    _walk_diagnostic(phone, catalog, diagnostic, now)
    sets = _sets(db, student["id"])
    waiting = [s for s in sets if s["status"] == "proposed"]
    holding = [s for s in sets if s.get("pre_approved")]
    assert len(waiting) == 1 and not waiting[0].get("pre_approved")
    assert len(holding) == 1 and holding[0]["status"] == "released"
    assert holding[0]["pre_approved"] in ("spaced_review", "same_skills")
    # More of what was released (the diagnostic's skills), never the waiting set's own choice of new skills.
    released_skills = {e["skill"] for e in diagnostic["items"]}
    assert holding[0]["items"] and {e["skill"] for e in holding[0]["items"]} <= released_skills
    assert holding[0]["tier_why"]
    # Finishing the practice while the teacher still has not looked brings another; never two at once.
    phone.send(catalog, [answer(e["item"], "999", ts=now + i, set=holding[0]["id"])
                         for i, e in enumerate(holding[0]["items"])], now + 60)
    after = _sets(db, student["id"])
    assert [s["status"] for s in after if not s.get("pre_approved")] == ["proposed"]
    fresh = [s for s in after if s.get("pre_approved")]
    assert len(fresh) == 1 and fresh[0]["id"] != holding[0]["id"]


def test_nothing_until_i_approve_holds_back_practice(app, db, klass):
    catalog = catalog_of(app)
    student = _student(db, klass, catalog, settings={"while_waiting": "nothing"})
    phone = Phone(db, student["id"])
    _walk_diagnostic(phone, catalog, _sets(db, student["id"])[0], time.time())
    sets = _sets(db, student["id"])
    assert [s["status"] for s in sets] == ["proposed"]


def test_an_auto_class_gets_no_holding_set(app, db):
    catalog = catalog_of(app)
    klass = create_class(db, make_user(db, "uma"), "6C", release_mode="auto")
    student = _student(db, klass, catalog)
    _walk_diagnostic(Phone(db, student["id"]), catalog, _sets(db, student["id"])[0], time.time())
    assert not [s for s in _sets(db, student["id"]) if s.get("pre_approved")]


def test_an_item_whose_answer_was_shown_is_not_served_again_soon(app, db):
    catalog = catalog_of(app)
    klass = create_class(db, make_user(db, "uma"), "6C", release_mode="auto")
    student = _student(db, klass, catalog)
    phone, now = Phone(db, student["id"]), time.time()
    _walk_diagnostic(phone, catalog, _sets(db, student["id"])[0], now)
    first = [s for s in _sets(db, student["id"]) if s["kind"] == "practice"][0]
    item = first["items"][0]["item"]
    # Wrong twice: the phone then shows the worked solution.
    phone.send(catalog, [answer(item, "999", ts=now + 1, set=first["id"]),
                         answer(item, "998", ts=now + 3, set=first["id"], attempt=2)]
               + [answer(e["item"], "999", ts=now + 4 + i, set=first["id"]) for i, e in enumerate(first["items"][1:])],
               now + 60)
    later = [s for s in _sets(db, student["id"]) if s["kind"] == "practice" and s["id"] != first["id"]]
    assert later
    assert all(item not in {e["item"] for e in s["items"] + s.get("reserve", [])} for s in later)



def test_the_diagnostic_asks_about_the_assigned_unit_and_what_it_builds_on(app):
    """With part of the catalog assigned, no diagnostic item comes from outside the unit and its prerequisites."""
    from app.adaptive.graph import ancestors
    from app.adaptive.selection import next_set_for
    from app.adaptive.state import replay
    catalog = catalog_of(app)
    for skill in sorted(catalog["skills"]):
        scope = {skill} | ancestors(catalog, skill)
        if scope == set(catalog["skills"]):
            continue
        proposal = next_set_for(replay([], catalog), catalog, time.time(), {"diagnostic_first": True, "skills": [skill]})
        assert proposal["kind"] == "diagnostic"
        assert {e["skill"] for e in proposal["items"]} <= scope, skill
        return
    pytest.fail("the sample catalog has no skill short of the whole graph")


def test_nothing_is_planned_ahead_of_an_open_diagnostic(app, db, klass):
    """A sync during the diagnostic (its first answers) plans no second diagnostic beside it."""
    catalog = catalog_of(app)
    student = _student(db, klass, catalog)
    [diagnostic] = _sets(db, student["id"])
    phone, now = Phone(db, student["id"]), time.time()
    phone.send(catalog, [{"type": "shown", "item": diagnostic["tree"]["item"], "set": diagnostic["id"],
                          "t": int((now - 5) * 1000)}], now)
    assert [s["id"] for s in _sets(db, student["id"])] == [diagnostic["id"]]


def test_the_reflection_prompt_comes_from_the_sets_own_pack(app):
    """A prompt of another pack (first in the catalog, never used) is not asked after this pack's set."""
    from app.adaptive.selection import next_set_for
    from app.adaptive.state import replay
    catalog = dict(catalog_of(app))
    own = next(iter(catalog["packs"]))
    catalog["packs"] = dict(catalog["packs"], **{"algebra-7": {"skills": [], "reflections": ["substitute_x"]}})
    catalog["reflections"] = ["substitute_x", *catalog["reflections"]]
    proposal = next_set_for(replay([], catalog), catalog, time.time(), {"diagnostic_first": False})
    assert proposal["items"] and proposal["reflection_pack"] == own
    assert proposal["reflection"] in catalog["packs"][own]["reflections"]


def test_joining_while_a_set_waits_brings_practice_at_once(app, db, klass):
    """A student whose set already waits (no practice out yet) joins a new phone: the join itself releases practice."""
    catalog = catalog_of(app)
    student = _student(db, klass, catalog)
    _walk_diagnostic(Phone(db, student["id"]), catalog, _sets(db, student["id"])[0], time.time())
    with write(db):  # as before pre-approved practice existed: only the proposal is out
        db.execute(f"DELETE FROM sets WHERE student_id = ? AND {db.json_text('payload', 'pre_approved')} IS NOT NULL",
                   [student["id"]])
    assert [s["status"] for s in _sets(db, student["id"])] == ["proposed"]
    refresh_student(db, student["id"], catalog, time.time(), changed=False)  # what a join (no new events) runs
    assert [(s["status"], bool(s.get("pre_approved"))) for s in _sets(db, student["id"])] == [
        ("proposed", False), ("released", True)]

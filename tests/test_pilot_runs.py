"""Starting a pilot: the design chosen and said, the refusals with their reasons, the within design's two halves."""
from __future__ import annotations

import time

import pytest

from app.pilot.held_out import PilotRefused, choose_held_out, post_items_per_skill
from app.pilot.runs import close_pilot, end_pilot, latest_pilot, start_pilot, withdraw_student
from app.teacher.class_records import add_student, create_class
from tests.pilot_fixtures import UNIT, do_set, open_sets, pilot_app, pilot_class, signed_in  # noqa: F401


def _refusal(client, token, class_id, **form):
    response = client.post(f"/teacher/classes/{class_id}/pilot/start", data={"csrf_token": token, **form})
    return response.status_code, response.get_data(as_text=True)


def test_refusals_come_with_a_reason(pilot_app, pilot_class):
    world = pilot_class(4)
    db, klass = world["db"], world["class"]
    client, token = signed_in(pilot_app)
    status, page = _refusal(client, token, klass["id"], pack="sample-6", weeks="4")
    assert status == 422 and "too few unseen items" in page          # the tiny sample unit cannot spare a post-test
    status, page = _refusal(client, token, klass["id"], pack=UNIT, weeks="40")
    assert status == 422 and "between 1 and 12 weeks" in page
    status, page = _refusal(client, token, klass["id"], pack="no-such-unit", weeks="4")
    assert status == 422 and "one of the class&#39;s units" in page
    assert latest_pilot(db, klass["id"]) is None
    assert _refusal(client, token, klass["id"], pack=UNIT, weeks="4")[0] == 302
    status, page = _refusal(client, token, klass["id"], pack=UNIT, weeks="4")
    assert status == 422 and "already running" in page               # two pilots on one skill
    lonely = create_class(db, world["asha"], "Alone", release_mode="auto")
    db["assignments"].insert({"class_id": lonely["id"], "pack_id": UNIT, "assigned_at": time.time()})
    add_student(db, lonely["id"], "Only One")
    status, page = _refusal(client, token, lonely["id"], pack=UNIT, weeks="4")
    assert status == 422 and "An arm would have no students" in page


def test_withdrawing_the_last_student_of_an_arm_is_refused(pilot_app, pilot_class):
    world = pilot_class(2)
    db, klass, catalog = world["db"], world["class"], world["catalog"]
    pilot = start_pilot(db, klass["id"], UNIT, 2, world["asha"], catalog, seed=1)
    assert pilot["design"] == "within"
    withdraw_student(db, pilot["id"], world["students"][0]["id"], "ill", world["asha"], catalog)
    with pytest.raises(PilotRefused) as refused:
        withdraw_student(db, pilot["id"], world["students"][1]["id"], "ill", world["asha"], catalog)
    assert refused.value.code == "arm_empty"


def test_the_within_design_alternates_halves_and_keeps_each_arm_on_its_skills(pilot_app, pilot_class):
    world = pilot_class(5)
    db, klass, catalog = world["db"], world["class"], world["catalog"]
    pilot = start_pilot(db, klass["id"], UNIT, 3, world["asha"], catalog, seed=7)
    halves = pilot["skill_arms"]
    assert pilot["design"] == "within" and sorted(halves) == sorted(pilot["skills"])
    assert set(halves.values()) == {"adaptive", "static"}
    student = world["students"][0]
    modes = []
    for _ in range(4):
        doc = next(s for s in open_sets(db, student["id"]) if s.get("pilot"))
        modes.append(doc["arm"])
        assert {halves[e["skill"]] for e in doc["items"]} <= {doc["arm"]}
        assert not {e["item"] for e in doc["items"]} & set(pilot["held_out"])
        do_set(world["phones"][student["id"]], catalog, doc, lambda item: True, time.time())
    assert modes == ["adaptive", "static", "adaptive", "static"]
    end_pilot(db, pilot["id"], world["asha"], catalog)
    post = open_sets(db, student["id"])
    assert [s["kind"] for s in post] == ["post_test"] and [e["item"] for e in post[0]["items"]] == pilot["held_out"]
    close_pilot(db, pilot["id"], world["asha"])
    assert latest_pilot(db, klass["id"])["status"] == "closed"


def test_held_out_items_avoid_the_diagnostic_remediation_and_what_the_class_has_seen(pilot_app):
    from tests.teacher_fixtures import catalog_of
    catalog = catalog_of(pilot_app)
    skills = catalog["packs"][UNIT]["skills"]
    seen = {i for i, item in catalog["items"].items() if item["skill"] == skills[0]}
    with pytest.raises(PilotRefused) as refused:
        choose_held_out(catalog, skills, seen, seed=1)
    assert refused.value.code == "too_few_held_out" and refused.value.args_["skill"] == skills[0]
    held = choose_held_out(catalog, skills, set(), seed=1)
    assert len(held) == post_items_per_skill(skills) * len(skills)
    remediation = {i for mc in catalog["misconceptions"].values() for i in mc["remediation"]}
    assert not set(held) & (set(catalog["diagnostic"]) | remediation)
    assert choose_held_out(catalog, skills, set(), seed=1) == held


def test_the_window_ending_releases_the_post_test_at_the_next_sync(pilot_app, pilot_class):
    world = pilot_class(3)
    db, catalog = world["db"], world["catalog"]
    pilot = start_pilot(db, world["class"]["id"], UNIT, 1, world["asha"], catalog, seed=5)
    first, *others = world["students"]
    doc = next(s for s in open_sets(db, first["id"]) if s.get("pilot"))
    do_set(world["phones"][first["id"]], catalog, doc, lambda item: True, pilot["ends_at"] + 60)
    assert latest_pilot(db, world["class"]["id"])["status"] == "post_test"
    for student in world["students"]:     # everyone's, not only the one who synced
        assert [s["kind"] for s in open_sets(db, student["id"])] == ["post_test"]


@pytest.mark.postgresql_only("a student's write beside another's: SQLite has one writer")
def test_the_post_tests_a_sync_releases_wait_for_other_members_writes_in_flight(pilot_app, pilot_class):
    """Releasing the post-test withdraws and adds sets of every member, so it is a global write: a member's own
    write open elsewhere holds it back, and nothing that member's write planned escapes the withdrawal."""
    import threading

    from app.db import connect, write
    world = pilot_class(3)
    db, catalog = world["db"], world["catalog"]
    pilot = start_pilot(db, world["class"]["id"], UNIT, 1, world["asha"], catalog, seed=5)
    first, second, _third = world["students"]
    doc = next(s for s in open_sets(db, first["id"]) if s.get("pilot"))
    holder = connect(pilot_app.config["DATABASE"])
    done = threading.Event()
    with write(holder, student=second["id"]):
        worker = threading.Thread(target=lambda: (do_set(world["phones"][first["id"]], catalog, doc, lambda item: True,
                                                         pilot["ends_at"] + 60), done.set()))
        worker.start()
        assert not done.wait(1.0)  # the release waits for the second member's write
    worker.join(30)
    assert done.is_set() and latest_pilot(db, world["class"]["id"])["status"] == "post_test"
    for student in world["students"]:
        assert [s["kind"] for s in open_sets(db, student["id"])] == ["post_test"]

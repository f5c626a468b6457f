"""The class overview and the numbers behind it: mastery, misconception groups, outreach, risky items, sync."""
from __future__ import annotations

import re
import time

import pytest

from app.db import write
from app.teacher import insights
from app.teacher.snapshot import Snapshot
from tests.teacher_fixtures import asha, db, world  # noqa: F401

DAY = 86400


def test_overview_shows_mastery_as_numbers_with_symbols(asha, world, db):
    """Every student has a row; cells carry a number and a symbol class (readable without colour)."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}").get_data(as_text=True)
    for student in world["students"]:
        assert f">{student['display_name']}</a></th>" in html
    assert world["other_student"]["display_name"] not in html
    p = db.execute("SELECT p_known FROM mastery WHERE student_id = ? AND skill_id = 'sample.add'",
                   [world["students"][2]["id"]]).fetchone()[0]
    assert re.search(rf'<td class="m[123]">{round(p * 100)}</td>', html)
    assert "mastered (≥ 95)" in html and "✓" in open("app/static/teacher.css").read()


def test_overview_groups_students_by_misconception_with_typical_answers(asha, world):
    """Kiran and Latha keep adding across: one group of two, with 2/6 as the typical wrong answer."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}").get_data(as_text=True)
    section = html.split('id="groups"')[1].split("</section>")[0]
    assert "Adds tops and bottoms" in section and "2 students" in section and "“2/6”" not in section
    assert "<q>2/6</q> (6 times)" in section and "×" not in section


def test_misconception_group_page_lists_who_and_where(asha, world):
    """The group page names the students, how often they showed it, and the item it came from."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}/misconceptions/sample.add_across").get_data(as_text=True)
    assert "Kiran" in html and "Latha" in html and "seen 3 times" in html
    assert "Meena ate 1/4 of a roti" in html
    assert client.get(f"/teacher/classes/{world['class']['id']}/misconceptions/nope").status_code == 404


def test_outreach_flag_carries_its_signals_and_sync_freshness_shows(asha, world, db):
    """A student whose phone last synced 9 days ago is flagged with that signal; the table says "9 days ago"."""
    client, _ = asha
    manu = world["students"][2]["id"]
    old = time.time() - 9 * DAY
    db.execute("UPDATE devices SET last_seen_at = ? WHERE student_id = ?", [old, manu])
    db.execute("UPDATE events SET received_at = ? WHERE student_id = ?", [old, manu])
    html = client.get(f"/teacher/classes/{world['class']['id']}").get_data(as_text=True)
    outreach = html.split('id="outreach"')[1].split("</section>")[0]
    assert "Manu" in outreach and "Not syncing" in outreach and "last synced 9 days ago" in outreach
    assert "9 days ago</td>" in html and "just now</td>" in html


def _snap(events_by_student: dict, now: float = 10 * DAY) -> Snapshot:
    students = [{"id": sid, "name": f"S{sid}", "locale": "en", "groups": []} for sid in events_by_student]
    return Snapshot(class_id=1, now=now, students=students, events=events_by_student)


def _ans(item, correct, ts, response="x", mc=None, secs=30.0):
    return {"type": "answer", "item": item, "correct": correct, "ts": ts, "response": response,
            "misconception": mc, "seconds": secs, "hints": 0}


CATALOG = {"items": {"i1": {"skill": "k", "seconds": 30}, "i2": {"skill": "k", "seconds": 30},
                     "i3": {"skill": "k", "seconds": 30}, "bad": {"skill": "k", "seconds": 30}},
           "skills": {"k": {}}, "misconceptions": {"mc": {"skill": "k"}}}


def test_point_biserial_matches_the_textbook_formula():
    """r_pb = (M1 - M0) / s * sqrt(p q) on a small worked example; None when nothing varies."""
    scores, outcomes = [0.9, 0.8, 0.7, 0.3, 0.2], [1, 1, 1, 0, 0]
    m1, m0 = 0.8, 0.25
    mean = sum(scores) / 5
    s = (sum((x - mean) ** 2 for x in scores) / 5) ** 0.5
    assert insights._point_biserial(scores, outcomes) == pytest.approx((m1 - m0) / s * (0.6 * 0.4) ** 0.5)
    assert insights._point_biserial([0.5, 0.5, 0.5], [1, 0, 1]) is None
    assert insights._point_biserial([0.1, 0.9, 0.5], [1, 1, 1]) is None


def test_risky_items_flag_an_item_strong_students_miss_and_a_shared_unmapped_answer():
    """'bad': strong students get it wrong with the same unexplained answer, weak ones guess it: flagged."""
    events = {}
    for sid in range(1, 9):
        strong = sid <= 4
        ts = DAY
        wrong = f"w{sid}"  # plain slips differ from student to student
        events[sid] = [_ans("i1", strong, ts, wrong), _ans("i2", strong, ts + 1, wrong),
                       _ans("i3", strong or sid == 5, ts + 2, wrong),
                       _ans("bad", not strong, ts + 3, response="" if not strong else "42", secs=120)]
    stats = insights.item_statistics(_snap(events), CATALOG)
    risky = insights.risky_items(stats)
    bad = next(r for r in risky if r["item"] == "bad")
    assert bad["discrimination"] < 0
    assert {"low_discrimination", "unmapped_wrong_answer", "slow"} <= set(bad["reasons"])
    assert bad["common_wrong"]["response"] == "42" and bad["common_wrong"]["count"] == 4
    assert bad["median_seconds"] == 120 and bad["facility"] == 0.5
    assert all(r["item"] != "i1" for r in risky)


def test_misconception_group_needs_two_sightings_and_resolves_after_three_right():
    """Once is a slip; twice is a group; three right on the skill since moves the student to 'resolved'."""
    now = 10 * DAY
    events = {
        1: [_ans("i1", False, now - 5 * DAY, "7", "mc"), _ans("i2", False, now - 4 * DAY, "7", "mc")],
        2: [_ans("i1", False, now - 5 * DAY, "7", "mc")],
        3: [_ans("i1", False, now - 5 * DAY, "9", "mc"), _ans("i2", False, now - 4 * DAY, "7", "mc"),
            _ans("i1", True, now - 3 * DAY), _ans("i2", True, now - 2 * DAY), _ans("i3", True, now - DAY)],
        4: [_ans("i1", False, now - 30 * DAY, "7", "mc"), _ans("i2", False, now - 29 * DAY, "7", "mc")],
    }
    groups = insights.misconception_groups(_snap(events, now), CATALOG)
    assert len(groups) == 1
    g = groups[0]
    assert [e["id"] for e in g["students"]] == [1] and [e["id"] for e in g["resolved"]] == [3]
    assert g["wrong_answers"][0] == (("i1", "7"), 2) or g["wrong_answers"][0][1] >= 2
    assert g["sightings"] == 5  # student 2's single slip counts as a sighting, student 4's are too old


def test_overview_budget_holds_for_the_test_class(asha, world):
    """A smoke check of the page's size (the real budget is measured by bench/teacher_overview.py)."""
    client, _ = asha
    response = client.get(f"/teacher/classes/{world['class']['id']}")
    assert response.status_code == 200 and len(response.data) < 60_000


def test_overview_sees_new_and_deleted_events_at_once(asha, world, db):
    """Results reused between views never hide a change: a new sync shows, and so does a deletion."""
    from tests.teacher_fixtures import answer
    client, _ = asha
    url = f"/teacher/classes/{world['class']['id']}"
    section = lambda: client.get(url).get_data(as_text=True).split('id="groups"')[1].split("</section>")[0]  # noqa: E731
    assert "2 students" in section()
    manu = world["students"][2]["id"]
    world["phones"][manu].send(world["catalog"], [answer("sample-add-1", "2/6"), answer("sample-add-1", "2/6")])
    assert "3 students" in section()
    db.execute("DELETE FROM events WHERE student_id = ? AND misconception IS NOT NULL", [manu])
    assert "2 students" in section()


def test_items_report_lists_the_class_units_and_another_unit_one_tap_away(asha, world, db):
    """Items of units the class no longer has are left out by default and shown with ?unit=PACK; an unknown unit 404s."""
    client, _ = asha
    class_id = world["class"]["id"]
    page = client.get(f"/teacher/classes/{class_id}/items").get_data(as_text=True)
    assert page.count('<tr><th scope="row">') >= 2 and 'aria-current="page">Items of the class' in page
    with write(db):
        db.execute("DELETE FROM assignments WHERE class_id = ?", [class_id])
        db.execute("INSERT INTO assignments (class_id, pack_id, assigned_at) VALUES (?, 'a-later-unit', 0)", [class_id])
    page = client.get(f"/teacher/classes/{class_id}/items").get_data(as_text=True)
    assert page.count('<tr><th scope="row">') == 0 and "unit=sample-6" in page
    unit = client.get(f"/teacher/classes/{class_id}/items?unit=sample-6").get_data(as_text=True)
    assert unit.count('<tr><th scope="row">') >= 2 and 'unit=sample-6" aria-current="page"' in unit
    assert client.get(f"/teacher/classes/{class_id}/items?unit=no-such-unit").status_code == 404

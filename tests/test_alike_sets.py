"""Alike waiting sets grouped on one card: the rule, its order, and approving or editing a group at once."""
from __future__ import annotations

import json
import re

from app.teacher import alike_sets
from tests.teacher_fixtures import asha, db, world  # noqa: F401


def _entry(item, skill, reason, misconception=None):
    entry = {"item": item, "skill": skill, "reason": reason, "why_args": {}, "p_success": 0.7}
    if misconception:
        entry["misconception"] = misconception
    return entry


def _waiting(name, *items, kind="practice"):
    return {"id": f"s-{name}", "student_name": name, "tier": 2, "payload": {"kind": kind, "items": list(items)}}


def test_alike_means_the_same_skills_each_for_the_same_reason_whatever_the_items():
    """Different items of the same skills and reasons group; another reason, mistake or kind does not."""
    a = _waiting("Asha", _entry("c1", "cmp", "productive_practice"), _entry("e1", "eq", "prerequisite_gap"))
    b = _waiting("Bala", _entry("e2", "eq", "prerequisite_gap"), _entry("c2", "cmp", "productive_practice"),
                 _entry("c3", "cmp", "productive_practice"))
    other_reason = _waiting("Chitra", _entry("c1", "cmp", "spaced_review"), _entry("e1", "eq", "prerequisite_gap"))
    mistake_x = _waiting("Dev", _entry("c1", "cmp", "misconception_remediation", "bigger-denominator"))
    mistake_y = _waiting("Esha", _entry("c1", "cmp", "misconception_remediation", "adds-across"))
    diagnostic = _waiting("Farid", _entry("c1", "cmp", "productive_practice"), _entry("e1", "eq", "prerequisite_gap"),
                          kind="diagnostic")
    groups = alike_sets.group_sets([a, other_reason, b, mistake_x, mistake_y, diagnostic])
    assert [g["students"] for g in groups] == [["Asha", "Bala"], ["Chitra"], ["Dev"], ["Esha"], ["Farid"]]
    pair = groups[0]
    assert [(p["reason"], p["skill"]) for p in pair["parts"]] == [("productive_practice", "cmp"),
                                                                  ("prerequisite_gap", "eq")]
    assert [it["item"] for it in pair["parts"][0]["items"]] == ["c1", "c2", "c3"]
    assert pair["parts"][0]["items"][0]["students"] == ["Asha"]
    assert [e["item"] for e in pair["items"]] == ["c1", "e1", "e2", "c2", "c3"]


def test_grouping_is_the_same_every_time_and_the_key_names_the_likeness():
    """The same sets give the same groups, keys and order; a key finds its group, a stale key finds none."""
    sets = [_waiting(n, _entry(f"i{n}", "eq", "prerequisite_gap")) for n in ("Asha", "Bala", "Chitra")]
    sets.append(_waiting("Dev", _entry("x", "cmp", "spaced_review")))
    first, again = alike_sets.group_sets(sets), alike_sets.group_sets(list(sets))
    assert [(g["key"], g["students"]) for g in first] == [(g["key"], g["students"]) for g in again]
    assert re.fullmatch(r"[0-9a-f]{12}", first[0]["key"]) and first[0]["key"] != first[1]["key"]
    assert alike_sets.find_group(sets, first[0]["key"])["students"] == ["Asha", "Bala", "Chitra"]
    assert alike_sets.find_group(sets, "0" * 12) is None


def test_the_shared_list_starts_with_the_items_most_students_have():
    """Ticked at first: the most common items, as many as the longest set holds."""
    sets = [_waiting("Asha", _entry("a", "eq", "r"), _entry("b", "eq", "r")),
            _waiting("Bala", _entry("c", "eq", "r"), _entry("b", "eq", "r"))]
    assert alike_sets.shared_default(alike_sets.group_sets(sets)[0]) == ["b", "a"]


def _group_card(client, world):
    html = client.get(f"/teacher/classes/{world['class']['id']}/approvals").get_data(as_text=True)
    found = re.search(r'<li id="group-(\w+)" class="set-card set-group">(.*?)</li>\n(?=<li id=|</ul>)', html, re.S)
    assert found, "Kiran and Latha, who made the same mistake, share a card"
    return found.group(1), found.group(2), html


def test_kiran_and_latha_share_one_card_that_says_why_they_are_alike(asha, world):
    """The two students who add across get one card: both named, the rule said, one approve and one edit."""
    client, _ = asha
    key, card, html = _group_card(client, world)
    assert re.search(r"2 students: (Kiran, Latha|Latha, Kiran)<", card) and "Approve these 2" in card
    assert "Alike sets share a card: the same skills, each for the same reason." in html
    assert f'href="/teacher/classes/{world["class"]["id"]}/approvals/groups/{key}"' in card
    assert re.search(r'<details class="questions"><summary><strong>[^<]+</strong>: .*\(\d+ questions?\)', card)
    assert "Approve all 4 sets" in html


def _set(db, set_id):
    row = db["sets"].get(set_id)
    return dict(row, payload=json.loads(row["payload"]))


def test_approve_these_releases_the_group_and_only_its_sets(asha, world, db):
    """Approving a group releases the sets shown on its card, each recorded; with htmx the card says so."""
    client, token = asha
    key, card, _ = _group_card(client, world)
    ids = re.findall(r'name="set" value="(\w+)"', card)
    omar = world["sets"][world["other_student"]["id"]]
    response = client.post(f"/teacher/classes/{world['class']['id']}/approvals/groups/{key}/approve",
                           data={"set": ids + [omar]}, headers={"HX-Request": "true", "X-CSRF-Token": token})
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith(f'<li id="group-{key}"')
    assert "2 sets released" in fragment and "<html" not in fragment
    assert {_set(db, i)["status"] for i in ids} == {"released"} and _set(db, omar)["status"] == "proposed"
    reasons = [r[0] for r in db.execute("SELECT reason FROM overrides WHERE target = 'release'")]
    assert reasons == ["Approved with its group of alike sets"] * 2
    others = [world["sets"][s["id"]] for s in world["students"][2:]]
    assert {_set(db, i)["status"] for i in others} == {"proposed"}


def test_one_list_for_the_group_changes_each_set_and_logs_each_with_the_reason(asha, world, db):
    """The group page links each student's set; its shared list goes to every set, one logged edit per set."""
    client, token = asha
    key, card, _ = _group_card(client, world)
    ids = re.findall(r'name="set" value="(\w+)"', card)
    page = client.get(f"/teacher/classes/{world['class']['id']}/approvals/groups/{key}").get_data(as_text=True)
    assert all(f'href="/teacher/sets/{i}"' in page for i in ids)
    offered = re.findall(r'name="item" value="([^"]+)"', page)
    assert offered and len(offered) == len(set(offered))
    chosen = offered[:2] if len(offered) > 1 else offered
    before = {i: {e["item"]: e["reason"] for e in _set(db, i)["payload"]["items"]} for i in ids}
    response = client.post(f"/teacher/classes/{world['class']['id']}/approvals/groups/{key}/items",
                           data={"csrf_token": token, "set": ids, "item": chosen, "reason": "Same as in class"})
    assert response.status_code == 302
    for set_id in ids:
        items = _set(db, set_id)["payload"]["items"]
        assert [e["item"] for e in items] == chosen
        # The engine's reason stays where it chose the item for this student; the rest are the teacher's choice.
        assert [e["reason"] for e in items] == [before[set_id].get(e["item"], "teacher") for e in items]
        logged = db.execute("SELECT new_value, reason FROM overrides WHERE target = 'set' AND target_id = ?",
                            [set_id]).fetchall()
        assert len(logged) == 1 and logged[0][1] == "Same as in class"
        assert json.loads(logged[0][0]) == {"action": "shared", "items": chosen}
    student = world["students"][0]["id"]
    log = client.get(f"/teacher/students/{student}").get_data(as_text=True)
    assert "Gave the set the list shared by its group of alike sets" in log


def test_bad_group_requests_are_refused_plainly(asha, world, db):
    """An unknown group is a 404; an empty list changes nothing and says why; an item not open is refused."""
    client, token = asha
    base = f"/teacher/classes/{world['class']['id']}/approvals/groups"
    assert client.get(f"{base}/{'0' * 12}").status_code == 404
    key, card, _ = _group_card(client, world)
    ids = re.findall(r'name="set" value="(\w+)"', card)
    before = {i: _set(db, i)["payload"] for i in ids}
    response = client.post(f"{base}/{key}/items", data={"csrf_token": token, "set": ids}, follow_redirects=True)
    assert "at least one item" in response.get_data(as_text=True)
    response = client.post(f"{base}/{key}/items", data={"csrf_token": token, "set": ids, "item": "no-such-item"},
                           follow_redirects=True)
    refused = response.get_data(as_text=True).split("Not changed: ")[1].split("</p>")[0]
    assert response.status_code == 200 and "Kiran (an item of the list is not open to this student)" in refused
    assert "Latha (" in refused
    assert {i: _set(db, i)["payload"] for i in ids} == before
    assert db.execute("SELECT count(*) FROM overrides WHERE target = 'set'").fetchone()[0] == 0


def test_approving_without_htmx_says_so_calmly_and_a_refusal_stays_an_alert(asha, world):
    """After a plain form post the released count is a status line, not the red alert a refusal gets."""
    client, token = asha
    key, card, _ = _group_card(client, world)
    ids = re.findall(r'name="set" value="(\w+)"', card)
    url = f"/teacher/classes/{world['class']['id']}/approvals/groups/{key}/approve"
    page = client.post(url, data={"set": ids, "csrf_token": token}, follow_redirects=True).get_data(as_text=True)
    assert '<p class="done" role="status">2 sets released</p>' in page
    assert 'class="error" role="alert">2 sets released' not in page

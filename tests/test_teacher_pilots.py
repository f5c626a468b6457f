"""A whole pilot through the real app and store: start, arms, the static worksheet, post-test, report, CSV, CLI."""
from __future__ import annotations

import json
import re
import time

from app.cli import main
from app.pilot import scores
from app.pilot.runs import latest_pilot, participants
from app.planning.decisions import history
from app.planning.replay import event_log
from app.sync.devices import issue_token
from tests.pilot_fixtures import UNIT, do_set, open_sets, pilot_app, pilot_class, signed_in  # noqa: F401
from tests.teacher_fixtures import make_user  # noqa: F401


def _pilot_sets(db, student_id):
    return [s for s in open_sets(db, student_id) if s.get("pilot")]


def test_a_teacher_runs_a_pilot_from_start_to_report(pilot_app, pilot_class, capsys, monkeypatch):
    names = [f"Student {k}" for k in range(23)] + ["=HYPERLINK(\"x\")"]
    world = pilot_class(24, names)
    db, catalog, klass = world["db"], world["catalog"], world["class"]
    client, token = signed_in(pilot_app)

    page = client.get(f"/teacher/classes/{klass['id']}/pilot").get_data(as_text=True)
    assert "Start the pilot" in page and "24 students: enough to split the class" in page
    response = client.post(f"/teacher/classes/{klass['id']}/pilot/start",
                           data={"csrf_token": token, "pack": UNIT, "weeks": "4"})
    assert response.status_code == 302
    pilot = latest_pilot(db, klass["id"])
    assert pilot["design"] == "between" and pilot["status"] == "running"
    assert abs(pilot["ends_at"] - pilot["started_at"] - 28 * 86400) < 1
    people = participants(db, pilot["id"])
    arms = [p["arm"] for p in people]
    assert arms.count("adaptive") == arms.count("static") == 12
    assert any(d["target"] == "pilot" and d["new"]["design"] == "between" for d in history(db, class_id=klass["id"]))

    # Each arm's homework: the static worksheet walks the unit in pack file order; nobody sees a held-out item.
    unit_order = [i for i, item in catalog["items"].items() if item["pack"] == UNIT and not item.get("extension")
                  and i not in pilot["held_out"]]
    now = time.time()
    for person in people:
        phone = world["phones"][person["id"]]
        for _round in range(2):
            doc = _pilot_sets(db, person["id"])[0]
            assert doc["arm"] == person["arm"] and not set(pilot["held_out"]) & {e["item"] for e in doc["items"]}
            if person["arm"] == "static":
                positions = [unit_order.index(e["item"]) for e in doc["items"]]
                assert positions == sorted(positions) and doc["reserve"] == [] and doc["tier_code"] == "worksheet"
                assert {e["reason"] for e in doc["items"]} == {"worksheet"}
            do_set(phone, catalog, doc, lambda item: True, now, secs=60 if person["arm"] == "adaptive" else 30)
    first_static = next(p for p in people if p["arm"] == "static")
    answered = {r[0] for r in db.execute("SELECT DISTINCT item_id FROM events WHERE student_id = ? AND set_id LIKE 's%' "
                                         "AND type = 'answer'", [first_static["id"]])}
    assert answered & set(unit_order[:5])  # the worksheet began at the start of the unit (less diagnostic repeats)

    # The phone sees the student's arm in the sync reply.
    device_token = issue_token(db, people[0]["id"], "phone")
    reply = pilot_app.test_client().post("/api/v1/sync", json={"events": []},
                                         headers={"Authorization": f"Bearer {device_token}"}).get_json()
    assert reply["pilot"]["arm"] == people[0]["arm"] and {"acked", "sets", "mastery", "packs"} <= set(reply)
    assert reply["pilot"]["held_out"] == pilot["held_out"]

    # The teacher ends the window: both arms get the same post-test, made of the held-out items.
    assert client.post(f"/teacher/classes/{klass['id']}/pilot/end", data={"csrf_token": token}).status_code == 302
    for k, person in enumerate(people):
        sets = open_sets(db, person["id"])
        assert [s["kind"] for s in sets] == ["post_test"]
        assert [e["item"] for e in sets[0]["items"]] == pilot["held_out"]
        ahead = person["arm"] == "adaptive"
        do_set(world["phones"][person["id"]], catalog, sets[0],
               lambda item, k=k, ahead=ahead: (len(item["id"]) + k) % (4 if ahead else 2) != 0, now)

    html = client.get(f"/teacher/classes/{klass['id']}/pilot").get_data(as_text=True)
    assert "Post-test released" in html and "<svg" in html and 'role="img"' in html

    assert main(["pilot", "report", "--class", klass["code"], "--json", "--db", pilot_app.config["DATABASE"]]) == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= {"design", "arms", "effect_points", "effect_size", "ci95", "verdict", "subgroups"}
    assert [(a["name"], a["n"]) for a in report["arms"]] == [("adaptive", 12), ("static", 12)]
    adaptive, static = report["arms"]
    assert adaptive["minutes"] > static["minutes"] > 0
    # The page says the same numbers as the command.
    interval = re.search(r'id="pilot-interval">([^<]+)<', html).group(1)
    low, high = (f"{v:.1f}".replace("-", "−") for v in report["ci95_points"])
    assert f"{report['effect_points']:.1f}".replace("-", "−") in interval and low in interval and high in interval
    for arm in report["arms"]:
        assert f"<td>{arm['n']}</td><td>{arm['pre_mean']}</td><td>{arm['post_mean']}</td><td>{arm['minutes']}</td>" in html

    csv_response = client.get(f"/teacher/classes/{klass['id']}/pilot.csv")
    text = csv_response.get_data().decode("utf-8")
    assert text.startswith("\ufeffname,arm,pre,post,minutes")
    assert len(text.strip().splitlines()) == 25
    assert "'=HYPERLINK" in text

    # The outcomes read only the pilot's sets (a year of other practice stays unread): the whole log says the same.
    pilot = latest_pilot(db, klass["id"])
    measured = {p["id"]: scores.student_outcomes(db, pilot, p["id"], catalog) for p in people}
    monkeypatch.setattr(scores, "sets_log", lambda db, student_id, _sets: event_log(db, student_id))
    assert measured == {p["id"]: scores.student_outcomes(db, pilot, p["id"], catalog) for p in people}


def test_a_withdrawn_student_leaves_with_the_reason_logged(pilot_app, pilot_class):
    world = pilot_class(6)
    db, klass = world["db"], world["class"]
    client, token = signed_in(pilot_app)
    client.post(f"/teacher/classes/{klass['id']}/pilot/start", data={"csrf_token": token, "pack": UNIT, "weeks": "2"})
    pilot = latest_pilot(db, klass["id"])
    assert pilot["design"] == "within"
    student = world["students"][0]
    url = f"/teacher/classes/{klass['id']}/pilot/withdraw"
    refused = client.post(url, data={"csrf_token": token, "student_id": student["id"], "reason": " "})
    assert refused.status_code == 422 and "Say why" in refused.get_data(as_text=True)
    assert client.post(url, data={"csrf_token": token, "student_id": student["id"],
                                  "reason": "moved school"}).status_code == 302
    me = next(p for p in participants(db, pilot["id"]) if p["id"] == student["id"])
    assert me["withdrawn_reason"] == "moved school" and me["withdrawn_at"]
    logged = history(db, student_id=student["id"], target="pilot")
    assert logged[0]["reason"] == "moved school" and logged[0]["new"] == "withdrawn"
    assert "withdrawn: moved school" in client.get(f"/teacher/classes/{klass['id']}/pilot").get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token, "student_id": student["id"], "reason": "twice"})
    assert again.status_code == 422

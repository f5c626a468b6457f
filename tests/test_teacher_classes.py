"""Classes: create one, add students by display name, PINs, join cards with QR codes, settings."""
from __future__ import annotations

import base64
import re
import urllib.parse

from tests.teacher_fixtures import asha, db, world  # noqa: F401


def test_create_a_class_and_add_students_by_name_only(asha, db):
    """A class gets a code; students are added one per line with a language and get unique 4-digit PINs."""
    client, token = asha
    response = client.post("/teacher/classes", data={"name": "8A", "release_mode": "auto", "csrf_token": token})
    class_id = int(re.search(r"/teacher/classes/(\d+)/students", response.headers["Location"]).group(1))
    klass = db["classes"].get(class_id)
    assert klass["name"] == "8A" and klass["release_mode"] == "auto" and re.fullmatch(r"[2-9A-Z]{6}", klass["code"])
    client.post(f"/teacher/classes/{class_id}/students",
                data={"names": "Asha\n  Bilal \n\nChitra", "locale": "ta", "csrf_token": token})
    rows = db.execute("SELECT display_name, pin, locale FROM students WHERE class_id = ? ORDER BY id", [class_id]).fetchall()
    assert [r[0] for r in rows] == ["Asha", "Bilal", "Chitra"]
    assert all(re.fullmatch(r"\d{4}", r[1]) for r in rows) and len({r[1] for r in rows}) == 3
    assert {r[2] for r in rows} == {"ta"}
    page = client.get(f"/teacher/classes/{class_id}/students").get_data(as_text=True)
    assert all(r[1] in page for r in rows)


def test_class_list_shows_code_size_and_waiting_sets(asha, world):
    """The list names each class with its code, size and sets waiting for approval."""
    client, _ = asha
    html = client.get("/teacher/classes").get_data(as_text=True)
    assert world["class"]["code"] in html and "4 students" in html
    assert world["other_class"]["code"] not in html


def test_new_pin_replaces_the_old_one_and_is_recorded(asha, world, db):
    """A new PIN for one student; the change is recorded without writing the PIN into the record."""
    client, token = asha
    student = world["students"][0]
    client.post(f"/teacher/students/{student['id']}/pin", data={"csrf_token": token, "reason": "sibling knew it"})
    new = db["students"].get(student["id"])["pin"]
    assert new != student["pin"] and re.fullmatch(r"\d{4}", new)
    record = db.execute("SELECT old_value, new_value, reason FROM overrides WHERE target = 'pin'").fetchone()
    assert record == ('"****"', '"****"', "sibling knew it")


def test_join_cards_have_code_pin_address_and_a_qr_code(asha, world):
    """One card per student: class code, PIN, the site's address and a QR code (SVG data URI) to join."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}/cards").get_data(as_text=True)
    assert html.count('class="join-card"') == 4
    assert world["class"]["code"] in html and "http://localhost/" in html
    for student in world["students"]:
        assert student["pin"] in html and student["display_name"] in html
    uris = re.findall(r'<img src="(data:image/svg\+xml[^"]+)" alt="QR code to join', html)
    assert len(uris) == 4
    svg = urllib.parse.unquote(uris[0].split(",", 1)[1]) if ";base64" not in uris[0] else \
        base64.b64decode(uris[0].split(",", 1)[1]).decode()
    assert svg.lstrip().startswith("<svg") or "<svg" in svg


def test_qr_code_holds_the_join_link():
    """The QR code encodes the site with the class code and PIN in the fragment (never sent to a server)."""
    from app.teacher.classes import join_link
    assert join_link("https://abhyas.example/", "ABC234", "1234") == "https://abhyas.example/#join=ABC234-1234"


def test_settings_release_mode_threshold_units_and_tiers_are_saved_and_recorded(asha, world, db):
    """Release mode, mastery threshold (typed as a percentage), units and tier thresholds: saved, each change recorded."""
    client, token = asha
    class_id = world["class"]["id"]
    packs = [row[0] for row in db.execute("SELECT DISTINCT pack_id FROM packs")]
    response = client.post(f"/teacher/classes/{class_id}/settings", data={
        "csrf_token": token, "name": "6B maths", "release_mode": "auto", "mastery_threshold": "90",
        "units": packs, "tier2_below": "55", "tier3_below": "25", "tier3_misconceptions": "3",
        "reason": "Trying automatic release"})
    assert response.status_code == 302
    klass = db["classes"].get(class_id)
    assert (klass["name"], klass["release_mode"], klass["mastery_threshold"]) == ("6B maths", "auto", 0.9)
    import json
    assert json.loads(klass["settings"]) == {"tier2_below": 0.55, "tier3_below": 0.25, "tier3_misconceptions": 3,
                                             "while_waiting": "practice", "reminders": False}
    targets = {row[0]: row[1] for row in db.execute("SELECT target, reason FROM overrides WHERE class_id = ?",
                                                    [class_id])}
    assert {"release_mode", "mastery_threshold", "tier_thresholds"} <= set(targets)
    assert targets["release_mode"] == "Trying automatic release"
    from app.planning.replay import class_settings
    settings = class_settings(db, world["students"][0]["id"])
    assert settings["tier2_below"] == 0.55 and settings["release_mode"] == "auto"


def test_lifting_the_pin_lockout_clears_failed_joins(asha, world, db, client):
    """Wrong PINs lock a class; the teacher lifts the lock-out and the class can join again."""
    _, token = asha
    code = world["class"]["code"]
    for _ in range(12):
        client.post("/api/v1/join", json={"class_code": code, "pin": "0000"})
    assert client.post("/api/v1/join", json={"class_code": code, "pin": world["students"][1]["pin"]}).status_code == 429
    page = client.get(f"/teacher/classes/{world['class']['id']}/settings").get_data(as_text=True)
    assert "wrong PINs in the last 15 minutes" in page
    client.post(f"/teacher/classes/{world['class']['id']}/unlock", data={"csrf_token": token})
    assert client.post("/api/v1/join", json={"class_code": code, "pin": world["students"][1]["pin"]}).status_code == 200


def test_nothing_until_i_approve_is_a_class_setting_and_recorded(asha, world, db):
    """The teacher can hold back pre-approved practice; the page shows the choice and the change is recorded."""
    import json
    client, token = asha
    class_id = world["class"]["id"]
    page = client.get(f"/teacher/classes/{class_id}/settings").get_data(as_text=True)
    assert 'name="while_waiting" value="practice" checked' in page
    response = client.post(f"/teacher/classes/{class_id}/settings", data={
        "csrf_token": token, "release_mode": "approve", "while_waiting": "nothing", "reason": "Exams next week"})
    assert response.status_code == 302
    assert json.loads(db["classes"].get(class_id)["settings"])["while_waiting"] == "nothing"
    assert db.execute("SELECT reason FROM overrides WHERE class_id = ? AND target = 'while_waiting'",
                      [class_id]).fetchone()[0] == "Exams next week"
    page = client.get(f"/teacher/classes/{class_id}/settings").get_data(as_text=True)
    assert 'name="while_waiting" value="nothing" checked' in page

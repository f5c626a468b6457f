"""Ownership: a teacher never sees or changes another teacher's class, student or set (404, no hint)."""
from __future__ import annotations

from datetime import datetime, timedelta

from tests.db_rows import every_row
from tests.teacher_fixtures import asha, db, world  # noqa: F401

PUBLIC = {"teacher.home", "teacher.sign_in", "teacher.sign_out", "teacher.service_worker", "teacher.classes",
          "teacher.create_class", "teacher.static", "teacher.choose_language"}  # the last: the teacher's own setting


def _group_key(db, set_id: str) -> str:
    """The approvals card a waiting set is on (its group of alike sets)."""
    import json

    from app.teacher.alike_sets import group_key, likeness
    return group_key(likeness(json.loads(db["sets"].get(set_id)["payload"])))


def _foreign_urls(app, world, db):
    other_set = db.execute("SELECT id FROM sets WHERE student_id = ?", [world["other_student"]["id"]]).fetchone()
    device = db.execute("SELECT id FROM devices WHERE student_id = ?", [world["other_student"]["id"]]).fetchone()
    values = {"class_id": world["other_class"]["id"], "student_id": world["other_student"]["id"],
              "set_id": other_set[0], "mc": "sample.add_across", "table": "events", "device_id": device[0],
              "sheet": "progress", "key": _group_key(db, other_set[0])}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("teacher.") and rule.endpoint not in PUBLIC:
            url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, url


def test_every_route_denies_someone_elses_objects(app, asha, world, db):
    """Every teacher route × Bina's class, student, set and phone, as Asha: 404, and nothing changed."""
    client, token = asha
    def snapshot():
        return [every_row(db, tables=("sets", "overrides", "students", "devices", "assignments")),
                db.execute("SELECT status, payload FROM sets WHERE student_id = ? ORDER BY id", [world["other_student"]["id"]]).fetchall(),
                db.execute("SELECT pin, audio, groups FROM students WHERE id = ?", [world["other_student"]["id"]]).fetchall(),
                db.execute("SELECT revoked_at FROM devices ORDER BY id").fetchall()]
    before = snapshot()
    checked = 0
    for method, url in _foreign_urls(app, world, db):
        data = {"csrf_token": token, "reason": "r", "skill": "sample.add", "value": "90", "tier": "2",
                "action": "drop", "index": "0", "names": "Intruder", "name": "X", "audio": "1", "groups": "g",
                "until": (datetime.now() + timedelta(days=3)).strftime("%Y-%m-%d"), "kind": "ill", "locale": "ta",
                "set": db.execute("SELECT id FROM sets WHERE student_id = ?", [world["other_student"]["id"]]).fetchone()[0],
                "item": "sample-add-1"}
        response = client.open(url, method=method, data=data)
        assert response.status_code == 404, (method, url, response.status_code)
        checked += 1
    assert checked >= 26
    assert snapshot() == before


def test_own_objects_are_reachable(asha, world):
    """The same routes with Asha's own objects answer (so the 404s above are about ownership)."""
    client, _token = asha
    klass, student = world["class"]["id"], world["students"][0]["id"]
    for url in (f"/teacher/classes/{klass}", f"/teacher/classes/{klass}/students", f"/teacher/students/{student}",
                f"/teacher/classes/{klass}/approvals", f"/teacher/classes/{klass}/reports/pilot",
                f"/teacher/classes/{klass}/misconceptions/sample.add_across"):
        assert client.get(url).status_code == 200, url

"""The sync API over HTTP: join, sync with compressed bodies, refusals with reasons, never a 500."""
from __future__ import annotations

import gzip
import json
import re
import time

import brotli
import pytest

from app.db import connect, write
from app.teacher.class_records import add_student, create_class


@pytest.fixture
def roster(app):
    db = connect(app.config["DATABASE"])
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    klass = create_class(db, 1, "7A", release_mode="auto")
    students = [add_student(db, klass["id"], name) for name in ("Asha", "Bala")]
    return {"code": klass["code"], "pins": [s["pin"] for s in students], "db": db}


def join(client, code, pin):
    return client.post("/api/v1/join", json={"class_code": code, "pin": pin})


def token_for(client, roster, index=0):
    response = join(client, roster["code"], roster["pins"][index])
    assert response.status_code == 200, response.json
    return response.json["token"]


def answer(event_id, response="3/4", item="sample-add-1", seq=1):
    return {"id": event_id, "seq": seq, "type": "answer", "item": item, "r": response, "t": int(time.time() * 1000)}


def sync(client, token, body, encoding=None):
    data = json.dumps(body).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    if encoding == "gzip":
        data = gzip.compress(data)
    elif encoding == "br":
        data = brotli.compress(data)
    if encoding:
        headers["Content-Encoding"] = encoding
    response = client.post("/api/v1/sync", data=data, headers=headers)
    if response.status_code == 200:  # planning after a stored batch must not have crashed
        assert "progress_error" not in response.json, response.json["progress_error"]
    return response


def test_join_gives_a_token_for_that_student(client, roster):
    response = join(client, roster["code"].lower(), roster["pins"][1])
    assert response.status_code == 200
    assert response.json["student"]["name"] == "Bala" and len(response.json["token"]) > 30


def test_a_join_the_phone_could_not_store_leaves_no_device(client, roster):
    """Storage full after the server said yes: the phone undoes the join, and no device stays registered."""
    db = roster["db"]
    before = db.execute("SELECT count(*) FROM devices").fetchone()[0]
    token = token_for(client, roster, 1)
    assert db.execute("SELECT count(*) FROM devices").fetchone()[0] == before + 1
    response = client.post("/api/v1/join/undo", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.json == {"forgotten": True}
    assert db.execute("SELECT count(*) FROM devices").fetchone()[0] == before
    assert sync(client, token, {"events": []}).status_code == 401
    assert client.post("/api/v1/join/undo", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_undoing_a_join_that_sent_answers_keeps_them(client, roster):
    """A device that already sent events is revoked, never deleted: its answers stay the student's."""
    db = roster["db"]
    token = token_for(client, roster, 1)
    assert sync(client, token, {"events": [answer("undo0000000000000001")]}).status_code == 200
    assert client.post("/api/v1/join/undo", headers={"Authorization": f"Bearer {token}"}).json == {"forgotten": False}
    assert db.execute("SELECT count(*) FROM events WHERE id = 'undo0000000000000001'").fetchone()[0] == 1
    assert sync(client, token, {"events": []}).status_code == 401


def test_join_carries_what_a_first_sync_would_answer(client, roster):
    joined = client.post("/api/v1/join", json={"class_code": roster["code"], "pin": roster["pins"][0],
                                               "packs": {"sample-6": "1.0.0"}}).json
    first_sync = sync(client, joined["token"], {"events": [], "packs": {"sample-6": "1.0.0"}}).json
    assert joined["sets"] and [s["id"] for s in joined["sets"]] == [s["id"] for s in first_sync["sets"]]
    assert [e["item"] for e in joined["sets"][0]["items"]] == [e["item"] for e in first_sync["sets"][0]["items"]]
    assert joined["packs"] == [] and joined["student"]["name"] == "Asha" and "threshold" in joined
    assert joined["student"]["id"] == roster["db"].execute(
        "SELECT id FROM students WHERE display_name = 'Asha'").fetchone()[0], "the phone keys its profile on the id"
    fresh = client.post("/api/v1/join", json={"class_code": roster["code"], "pin": roster["pins"][1],
                                              "packs": {"sample-6": ["not", "a", "version"]}}).json
    assert [p["pack"] for p in fresh["packs"]] == ["sample-6"], "a phone without the pack is told what to fetch"


def test_a_wrong_pin_is_refused_and_guessing_is_slowed(client, roster):
    wrong = "0000" if "0000" not in roster["pins"] else "0001"
    statuses = [join(client, roster["code"], wrong).status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    assert join(client, roster["code"], roster["pins"][0]).status_code == 429


@pytest.mark.parametrize("encoding", [None, "gzip", "br"])
def test_sync_accepts_plain_gzip_and_brotli_bodies(client, roster, encoding):
    token = token_for(client, roster)
    response = sync(client, token, {"events": [answer("evt-enc-001")], "device_time": int(time.time() * 1000)}, encoding)
    assert response.status_code == 200 and response.json["acked"] == ["evt-enc-001"]
    assert "sample.add" in response.json["mastery"]
    assert response.json["sets"], "a new student gets a set to work on"


def test_sync_reply_lists_packs_the_phone_lacks(client, roster):
    token = token_for(client, roster)
    lacking = sync(client, token, {"events": []}).json["packs"]
    assert [p["pack"] for p in lacking] == ["sample-6"]
    assert sync(client, token, {"events": [], "packs": {"sample-6": "1.0.0"}}).json["packs"] == []


def test_sync_needs_a_live_token(client, roster):
    assert sync(client, "nonsense", {"events": []}).status_code == 401
    token = token_for(client, roster)
    roster["db"].execute("UPDATE devices SET revoked_at = 1")
    assert sync(client, token, {"events": []}).status_code == 401


@pytest.mark.parametrize("data,encoding,status", [
    (b"{not json", None, 400), (b"\x00\x01garbage", "br", 400), (b"abc", "gzip", 400),
    (b"{}", "compress", 415), (gzip.compress(b"[" + b"0," * 300000 + b"0]"), "gzip", 413),
])
def test_unreadable_bodies_get_4xx_with_a_reason(client, roster, data, encoding, status):
    token = token_for(client, roster)
    headers = {"Authorization": f"Bearer {token}"}
    if encoding:
        headers["Content-Encoding"] = encoding
    response = client.post("/api/v1/sync", data=data, headers=headers)
    assert response.status_code == status and response.json["error"]


def test_partial_batches_keep_the_good_events(client, roster):
    token = token_for(client, roster)
    body = {"events": [answer("evt-keep-01"), dict(answer("evt-drop-01"), item="nope"), answer("evt-keep-02", seq=2)]}
    reply = sync(client, token, body).json
    assert reply["acked"] == ["evt-keep-01", "evt-keep-02"]
    assert reply["rejected"] == [{"id": "evt-drop-01", "index": 1, "reason": "unknown item 'nope'"}]


def test_openapi_documents_every_json_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not (rule.rule.startswith("/api/") or rule.rule.endswith(".json")):
            continue
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, f"{method} {path} is missing from the OpenAPI document"
    routes = {re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()}
    for path in document["paths"]:
        assert path in routes, f"{path} is documented but not served"


def test_a_phone_that_syncs_too_fast_is_told_to_wait(client, roster):
    token = token_for(client, roster)
    statuses = [sync(client, token, {"events": []}).status_code for _ in range(45)]
    assert statuses[0] == 200 and statuses[-1] == 429
    limited = sync(client, token, {"events": []})
    assert int(limited.headers["Retry-After"]) >= 1 and limited.json["error"]


def test_the_class_daily_reminder_reaches_the_phone_off_by_default(client, roster):
    """The reply tells the phone whether the teacher switched the class's daily reminder on (it starts off)."""
    token = token_for(client, roster)
    assert sync(client, token, {"events": []}).json["student"]["reminder"] is False
    db = roster["db"]
    with write(db):
        db.execute("UPDATE classes SET settings = ? WHERE code = ?", [json.dumps({"reminders": True}), roster["code"]])
    assert sync(client, token, {"events": []}).json["student"]["reminder"] is True

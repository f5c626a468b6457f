"""Admin pages: register and revoke publisher keys, list publishers, make accounts whose password shows once."""
from __future__ import annotations

import base64
import html
import json
import re

import pytest

from app.admin.keys import parse_public_key
from app.auth.accounts import AccountError
from app.auth.passwords import check_password
from tests.security_fixtures import NGO, accounts, ngo, sign_in_as, stranger  # noqa: F401
from tests.teacher_fixtures import db, world  # noqa: F401


def text(response) -> str:
    """A page's text with HTML entities decoded (reasons quote names with ')."""
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def admin(client, accounts):
    """A client signed in as the admin, and its CSRF token."""
    return client, sign_in_as(client, "root")


def test_a_pasted_pub_file_registers_the_key_and_lists_the_publisher(admin, ngo, db):
    """The .pub JSON as `abhyas keys new` wrote it: the key is stored for its publisher and shown on the page."""
    client, token = admin
    response = client.post("/admin/keys", data={"key": ngo.pub_text, "csrf_token": token})
    assert response.status_code == 302
    row = db.execute("SELECT publisher, public, registered_by, revoked_at FROM publisher_keys").fetchone()
    assert row[:2] == (NGO, ngo.public) and row[2] is not None and row[3] is None
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    key_id = json.loads(ngo.pub_text)["key_id"]
    assert f"Key {key_id} registered" in page and f'id="publisher-{NGO}"' in page and "sahayak" in page


def test_a_bare_base64_key_needs_a_publisher_name(admin, ngo, db):
    """Base64 alone says nothing about whose key it is: the admin names the publisher."""
    client, token = admin
    refused = client.post("/admin/keys", data={"key": ngo.public, "csrf_token": token})
    assert refused.status_code == 422 and "say which publisher" in text(refused)
    assert client.post("/admin/keys", data={"key": ngo.public, "publisher": NGO, "csrf_token": token}).status_code == 302
    assert db.execute("SELECT publisher FROM publisher_keys").fetchone()[0] == NGO


@pytest.mark.parametrize("key, publisher, reason", [
    ('{"publisher": "ngo-sahayak", "public": "bm90IGEga2V5"}', "", "32 bytes"),
    ("not base64 at all!", "ngo", "not base64"),
    ('{"publisher": "ngo-sahayak"', "", "not a .pub file"),
])
def test_bad_keys_are_refused_with_a_reason(admin, db, key, publisher, reason):
    """Short keys, junk and broken JSON: 422 with the reason on the page, nothing stored."""
    client, token = admin
    response = client.post("/admin/keys", data={"key": key, "publisher": publisher, "csrf_token": token})
    assert response.status_code == 422 and reason in text(response)
    assert db["publisher_keys"].count == 0


def test_a_changed_key_file_and_a_name_mismatch_are_refused(ngo):
    """A .pub whose key_id does not match its key, or whose publisher differs from the typed one."""
    record = json.loads(ngo.pub_text)
    with pytest.raises(AccountError, match="key_id does not match"):
        parse_public_key(json.dumps(dict(record, key_id="0" * 16)))
    with pytest.raises(AccountError, match="is for 'ngo-sahayak', not 'other'"):
        parse_public_key(ngo.pub_text, "other")


def test_a_key_cannot_move_to_another_publisher(admin, ngo, db):
    """Registering the same key under a second name would let one NGO sign as another: refused."""
    client, token = admin
    client.post("/admin/keys", data={"key": ngo.pub_text, "csrf_token": token})
    response = client.post("/admin/keys", data={"key": ngo.public, "publisher": "other-ngo", "csrf_token": token})
    assert response.status_code == 422 and "registered to 'ngo-sahayak'" in text(response)


def test_revoking_a_key_stops_trust_everywhere(admin, ngo, db, client):
    """After revocation phones' key list drops it and uploads signed with it are refused as revoked."""
    client, token = admin
    client.post("/admin/keys", data={"key": ngo.pub_text, "csrf_token": token})
    key_id = json.loads(ngo.pub_text)["key_id"]
    assert key_id in {k["key_id"] for k in client.get("/packs/keys.json").json["keys"]}
    assert client.post(f"/admin/keys/{key_id}/revoke", data={"csrf_token": token}).status_code == 302
    assert key_id not in {k["key_id"] for k in client.get("/packs/keys.json").json["keys"]}
    assert db.execute("SELECT revoked_by FROM publisher_keys").fetchone()[0] is not None
    assert client.post(f"/admin/keys/{key_id}/revoke", data={"csrf_token": token}).status_code == 404
    refused = client.post("/api/v1/packs", data=ngo.bundle())
    assert refused.status_code == 422 and refused.json["kind"] == "revoked"


def test_the_admin_creates_accounts_and_sees_the_password_once(admin, db):
    """A new teacher or publisher account; the page shows the password, is never cached, and the hash checks."""
    client, token = admin
    response = client.post("/admin/users", data={"username": "Meera", "role": "publisher", "publisher": "ngo-two",
                                                  "csrf_token": token})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="new-password">([^<]+)<', text(response)).group(1)
    row = db.execute("SELECT role, publisher, password_hash FROM users WHERE username = 'meera'").fetchone()
    assert row[:2] == ("publisher", "ngo-two") and check_password(row[2], password)
    assert password not in client.get("/admin/users").get_data(as_text=True)


def test_admins_are_made_only_on_the_command_line(admin, db):
    """The web form makes teachers and publishers; an admin account needs shell access to the server."""
    client, token = admin
    response = client.post("/admin/users", data={"username": "boss", "role": "admin", "csrf_token": token})
    assert response.status_code == 422
    assert db.execute("SELECT count(*) FROM users WHERE username = 'boss'").fetchone()[0] == 0


def test_a_password_reset_shows_a_new_password_and_ends_sessions(admin, db, world, app):
    """Resetting a teacher's password: the old one stops working, the teacher's open session ends."""
    client, token = admin
    teacher = app.test_client()
    sign_in_as(teacher, "asha")
    response = client.post(f"/admin/users/{world['asha']}/password", data={"csrf_token": token})
    password = re.search(r'id="new-password">([^<]+)<', text(response)).group(1)
    assert teacher.get("/teacher/classes").status_code == 302
    sign_in_as(teacher, "asha", password)
    admin_id = db.execute("SELECT id FROM users WHERE username = 'root'").fetchone()[0]
    assert client.post(f"/admin/users/{admin_id}/password", data={"csrf_token": token}).status_code == 404


def test_bad_base64_with_padding_tricks_is_refused(admin, db):
    """Base64 that decodes to the wrong length (or not at all) never reaches the key table."""
    client, token = admin
    for key in (base64.b64encode(b"x" * 31).decode(), base64.b64encode(b"x" * 33).decode(), "===="):
        assert client.post("/admin/keys", data={"key": key, "publisher": "x", "csrf_token": token}).status_code == 422
    assert db["publisher_keys"].count == 0


def test_admin_and_publisher_forms_need_the_csrf_token(admin, accounts, ngo, app, db):
    """A forged cross-site POST (no token, or another session's) changes nothing on the admin or publisher pages."""
    client, token = admin
    assert client.post("/admin/keys", data={"key": ngo.pub_text}).status_code == 400
    assert client.post("/admin/users", data={"username": "x1", "role": "teacher", "csrf_token": "f" * 43}).status_code == 400
    publisher = app.test_client()
    sign_in_as(publisher, "sahayak")
    assert publisher.post("/publish/upload", data={"csrf_token": token}).status_code == 400
    assert db["publisher_keys"].count == 0 and db.execute("SELECT count(*) FROM users WHERE username = 'x1'").fetchone()[0] == 0

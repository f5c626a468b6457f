"""Passwords: Werkzeug's scrypt hashes, and hashes in the older form verified once more, then replaced."""
from __future__ import annotations

import base64
import hashlib
import secrets

from app.auth.passwords import check_password, hash_password, needs_rehash
from tests.teacher_fixtures import PASSWORD, csrf_from, db, sign_in, world  # noqa: F401


def legacy_hash(password: str, n: int = 2 ** 14, r: int = 8, p: int = 1) -> str:
    """A hash exactly as this server wrote them before Werkzeug: scrypt$N$r$p$salt$digest, base64."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024)
    return f"scrypt${n}${r}${p}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def test_new_hashes_are_werkzeug_scrypt_and_verify():
    """A fresh hash is Werkzeug's scrypt form, salted, and checks only the right password."""
    stored = hash_password("a long enough secret")
    assert stored.startswith("scrypt:") and stored != hash_password("a long enough secret")
    assert check_password(stored, "a long enough secret")
    assert not check_password(stored, "a long enough secreT")
    assert not needs_rehash(stored)


def test_older_hashes_still_verify_and_ask_to_be_replaced():
    """A hash from before the change checks the right password, refuses a wrong one, and wants rehashing."""
    stored = legacy_hash("correct horse battery")
    assert check_password(stored, "correct horse battery")
    assert not check_password(stored, "correct horse")
    assert needs_rehash(stored)


def test_damaged_or_empty_hashes_never_verify():
    """Garbage in the column is a refusal, not an exception."""
    for stored in ("", "scrypt$1$2", "scrypt$x$y$z$%%%$%%%", "pbkdf2:sha256:1$salt", "plain text"):
        assert not check_password(stored, "anything")


def test_sign_in_replaces_an_older_hash_and_ends_no_session(app, client, world, db):
    """The next successful sign-in stores Werkzeug's form; the password and other sessions stay as they were."""
    db.execute("UPDATE users SET password_hash = ? WHERE username = 'asha'", [legacy_hash(PASSWORD)])
    changed_at = db.execute("SELECT password_changed_at FROM users WHERE username = 'asha'").fetchone()[0]
    other = app.test_client()
    sign_in(other, "asha")
    stored, changed_after = db.execute("SELECT password_hash, password_changed_at FROM users WHERE username = 'asha'").fetchone()
    assert stored.startswith("scrypt:") and not needs_rehash(stored) and check_password(stored, PASSWORD)
    assert changed_after == changed_at
    sign_in(client, "asha")  # the new hash signs in too
    assert other.get("/teacher/classes").status_code == 200, "rehashing must not end the earlier session"
    assert db.execute("SELECT password_hash FROM users WHERE username = 'asha'").fetchone()[0] == stored


def test_a_wrong_password_leaves_an_older_hash_alone(client, world, db):
    """Only a correct password may trigger the rehash."""
    old = legacy_hash(PASSWORD)
    db.execute("UPDATE users SET password_hash = ? WHERE username = 'asha'", [old])
    response = client.post("/teacher/sign-in", data={"username": "asha", "password": "wrong", "csrf_token": csrf_from(client)})
    assert response.status_code == 401
    assert db.execute("SELECT password_hash FROM users WHERE username = 'asha'").fetchone()[0] == old

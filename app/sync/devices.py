"""Device tokens: random, stored only as a hash, one per student profile per phone, revocable."""
from __future__ import annotations

import hashlib
import secrets
import time

from ..db import write


def token_hash(token: str) -> str:
    """The stored form of a token: a leaked database does not leak working tokens."""
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(db, student_id: int, label: str | None = None) -> str:
    """A new device token for a student profile."""
    token = secrets.token_urlsafe(32)
    with write(db):
        db["devices"].insert({"student_id": student_id, "token_hash": token_hash(token), "label": (label or "")[:60],
                              "created_at": time.time()})
    return token


def device_for_token(db, token: str | None):
    """The live device row (with its student) for a bearer token, or None."""
    if not token or len(token) > 100:
        return None
    row = db.execute(
        "SELECT d.id AS device_id, d.student_id, s.class_id, s.locale FROM devices d JOIN students s ON s.id = d.student_id "
        "WHERE d.token_hash = ? AND d.revoked_at IS NULL", [token_hash(token)]).fetchone()
    if row is None:
        return None
    return {"device_id": row[0], "student_id": row[1], "class_id": row[2], "locale": row[3]}


def revoke_device(db, device_id: int) -> None:
    """Revoke one device token; the phone must join again."""
    with write(db):
        db.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [time.time(), device_id])


def forget_unused_device(db, device_id: int) -> bool:
    """Undo a join the phone could not store: delete the device when it never sent an event (else revoke it).

    Returns True when the device is gone without a trace.
    """
    with write(db):
        used = db.execute("SELECT 1 FROM events WHERE device_id = ? LIMIT 1", [device_id]).fetchone()
        if used:
            db.execute("UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [time.time(), device_id])
            return False
        db.execute("DELETE FROM devices WHERE id = ?", [device_id])
        return True

"""Joining a class with class code and PIN, with guessing slowed per class and per client."""
from __future__ import annotations

import time

from ..db import write
from .devices import issue_token
from .errors import ApiError

WINDOW_SECONDS = 15 * 60
MAX_FAILS_PER_CLIENT = 10      # a child mistyping a PIN gets several tries
MAX_FAILS_PER_CLASS = 50       # a whole class joining at once still fits


class JoinError(ApiError):
    """A join that cannot succeed; `status` is the HTTP status to answer with."""


def _recent_failures(db, column: str, value: str, now: float) -> int:
    return db.execute(f"SELECT count(*) FROM join_attempts WHERE {column} = ? AND ok = 0 AND at > ?",  # noqa: S608
                      [value, now - WINDOW_SECONDS]).fetchone()[0]


def join_class(db, class_code: str, pin: str, client: str, label: str | None = None) -> dict:
    """Exchange a class code and PIN for a device token; raise JoinError on failure."""
    now = time.time()
    code = (class_code or "").strip().upper()
    if _recent_failures(db, "client", client, now) >= MAX_FAILS_PER_CLIENT or \
            _recent_failures(db, "class_code", code, now) >= MAX_FAILS_PER_CLASS:
        raise JoinError(429, "too many wrong PINs; wait 15 minutes or ask your teacher")
    row = db.execute(
        "SELECT s.id, s.display_name, s.locale, s.simplified, s.audio, c.id, c.name FROM students s "
        "JOIN classes c ON c.id = s.class_id WHERE c.code = ? AND s.pin = ?", [code, (pin or "").strip()]).fetchone()
    with write(db):
        db["join_attempts"].insert({"class_code": code, "client": client, "at": now, "ok": int(row is not None)})
    if row is None:
        raise JoinError(401, "class code or PIN not recognised")
    token = issue_token(db, row[0], label)
    return {"token": token, "student": {"id": row[0], "name": row[1], "locale": row[2], "simplified": bool(row[3]),
                                        "audio": bool(row[4])},
            "class": {"id": row[5], "name": row[6], "code": code}}

"""The session-signing secret: one per deployment, shared by every server on its database, never in the repository.

Sessions (and the CSRF token inside each) are signed cookies, so a teacher signed in through
one server is signed in on all of them exactly when they share this secret.
"""
from __future__ import annotations

import os
import secrets

from ..db import write
from ..paths import instance_dir

SETTING = "session_secret"


def load_secret_key(db) -> str:
    """$ABHYAS_SECRET_KEY, else the secret stored once in the database's settings (made on first use).

    An instance from before servers shared a database kept its secret in instance/secret_key:
    that secret is the one stored, so its teachers stay signed in across the upgrade.
    """
    if os.environ.get("ABHYAS_SECRET_KEY"):
        return os.environ["ABHYAS_SECRET_KEY"]
    row = db.execute("SELECT value FROM settings WHERE key = ?", [SETTING]).fetchone()
    if row:
        return row[0]
    legacy = instance_dir() / "secret_key"
    candidate = legacy.read_text().strip() if legacy.is_file() else secrets.token_hex(32)
    with write(db):
        # Two servers starting together both offer one; the first stored wins and both read it back.
        db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING", [SETTING, candidate])
    return db.execute("SELECT value FROM settings WHERE key = ?", [SETTING]).fetchone()[0]

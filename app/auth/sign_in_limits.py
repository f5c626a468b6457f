"""Sign-in guessing limits, kept in the database so they hold across workers and restarts."""
from __future__ import annotations

import time

from ..db import write

WINDOW_SECONDS = 15 * 60
MAX_FAILURES = 10              # one address guessing one account's password
MAX_FAILURES_PER_CLIENT = 30   # one address trying many accounts


def blocked(db, client: str, username: str, now: float | None = None) -> bool:
    """True when this address has failed too often lately, for this account or for all of them."""
    since = (now or time.time()) - WINDOW_SECONDS
    per_account, per_client = db.execute(
        "SELECT count(CASE WHEN username = ? THEN 1 END), count(*) FROM sign_in_failures WHERE client = ? AND at > ?",
        [username, client, since]).fetchone()
    return per_account >= MAX_FAILURES or per_client >= MAX_FAILURES_PER_CLIENT


def record_failure(db, client: str, username: str, now: float | None = None) -> None:
    """Count one failed sign-in (and forget failures older than the window)."""
    now = now or time.time()
    with write(db):
        db.execute("DELETE FROM sign_in_failures WHERE at <= ?", [now - WINDOW_SECONDS])
        db["sign_in_failures"].insert({"client": client[:64], "username": username[:80], "at": now})


def clear(db, client: str, username: str) -> None:
    """Forget this address's failures for an account once it signed in correctly."""
    with write(db):
        db.execute("DELETE FROM sign_in_failures WHERE client = ? AND username = ?", [client[:64], username[:80]])

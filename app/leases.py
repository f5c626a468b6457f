"""Exactly one runner per background job, however many servers share the database.

A job (the retention redaction, the fitting) is claimed by writing a lease into its row of
`job_leases`: the claim succeeds only while nobody else's lease is current and, for a
periodic job, only when its last finished run is old enough. The claim is one conditional
UPDATE inside the write transaction, so of two servers claiming at the same moment one
updates the row and the other finds it taken (SQLite serialises the writers; PostgreSQL's
row lock makes the second UPDATE re-check its WHERE against the first one's result).

A row rather than a PostgreSQL advisory lock: a session advisory lock belongs to one
server connection, and a connection pooler in transaction mode (pgbouncer) hands that
connection to another client between transactions, so the lock would neither hold nor be
released where it was taken. A lease is data, visible to every connection, and a runner
that dies keeps it only until `lease_until`.
"""
from __future__ import annotations

import os
import socket
import time
import uuid
from contextlib import contextmanager

from .db import write


def holder_name() -> str:
    """Who is claiming: host, process and a random tag (two threads of one process claim as two holders)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim(db, job: str, holder: str, lease_seconds: float, every: float = 0.0, now: float | None = None) -> bool:
    """Take `job` for `lease_seconds` when nobody holds it and its last run finished at least `every` seconds ago."""
    now = time.time() if now is None else now
    with write(db):
        db.execute("INSERT INTO job_leases (job, holder, lease_until, done_at) VALUES (?, '', 0, 0) "
                   "ON CONFLICT (job) DO NOTHING", [job])
        taken = db.execute("UPDATE job_leases SET holder = ?, lease_until = ? "
                           "WHERE job = ? AND lease_until < ? AND done_at <= ? RETURNING job",
                           [holder, now + lease_seconds, job, now, now - every]).fetchone()
    return taken is not None


def release(db, job: str, holder: str, done: bool = True, now: float | None = None) -> None:
    """Give the job back; `done` records the run as finished (a failed run leaves the last good time)."""
    now = time.time() if now is None else now
    with write(db):
        if done:
            db.execute("UPDATE job_leases SET lease_until = 0, done_at = ? WHERE job = ? AND holder = ?",
                       [now, job, holder])
        else:
            db.execute("UPDATE job_leases SET lease_until = 0 WHERE job = ? AND holder = ?", [job, holder])


def current(db, job: str) -> dict | None:
    """The job's row: who holds it until when, and when it last finished (None if it never ran)."""
    row = db.execute("SELECT holder, lease_until, done_at FROM job_leases WHERE job = ?", [job]).fetchone()
    return None if row is None else {"holder": row[0], "lease_until": row[1], "done_at": row[2]}


@contextmanager
def exclusive(db, job: str, lease_seconds: float, every: float = 0.0):
    """Run the body only if this process won the job: yields True (run it) or False (another runner has it)."""
    holder = holder_name()
    won = claim(db, job, holder, lease_seconds, every)
    if not won:
        yield False
        return
    finished = False
    try:
        yield True
        finished = True
    finally:
        release(db, job, holder, done=finished)

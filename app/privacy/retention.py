"""The retention job: blank typed answers older than each class's retention, at server start and then daily.

`abhyas serve` runs it in a thread of the gunicorn master (one per server, not one per
worker); `abhyas privacy redact` runs it once, for a cron job on servers started otherwise.
Several servers on one database take turns through a lease (app/leases.py): each checks
hourly, and the one that claims the job once its last run is a day old runs it; the others skip.

The master forks workers (at start, and whenever one is replaced) while this thread may be
inside SQLite. fork() copies only the forking thread, so every lock the job held would be
copied into the worker held for ever: the worker's writes hang on app.db's writer lock, or
its SQLite inherits the job's open connection, takes no real file locks of its own, and
keeps committing to the WAL file that the job's close then checkpoints and deletes:
acknowledged events nobody else can read, gone when the worker dies. So a fork waits until
a run has closed its connection (`_run_lock`, taken around each run and by os.fork).
"""
from __future__ import annotations

import logging
import os
import threading

from ..db import connect
from ..leases import exclusive
from .records import redact_old_raw_answers

DAY_SECONDS = 24 * 3600
CHECK_SECONDS = 3600   # how often each server asks whether the deployment's daily run is due
LEASE_SECONDS = 3600   # a runner that dies mid-run holds the job at most this long
JOB = "retention"
log = logging.getLogger("abhyas.retention")
_run_lock = threading.Lock()  # held from a run's connect to its close, and across every os.fork()
_forks_guarded = False


def _guard_forks() -> None:
    """Make os.fork() in this process wait for a run in progress (once per process)."""
    global _forks_guarded
    if not _forks_guarded and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_run_lock.acquire, after_in_parent=_run_lock.release,
                            after_in_child=_run_lock.release)
        _forks_guarded = True


def run_once(db_path=None, every: float = 0.0) -> int | None:
    """Redact what is past retention now; return how many events were blanked (None: another server is running it,
    or ran it less than `every` seconds ago)."""
    db = connect(db_path)
    try:
        with exclusive(db, JOB, LEASE_SECONDS, every) as won:
            return redact_old_raw_answers(db) if won else None
    finally:
        db.close()


class RetentionJob(threading.Thread):
    """A daemon thread that checks at once and then hourly, redacting whenever the deployment's run is due."""

    def __init__(self, db_path=None, interval: float = DAY_SECONDS):
        super().__init__(name="abhyas-retention", daemon=True)
        self.db_path, self.interval = db_path, interval
        self.check = min(interval, CHECK_SECONDS)
        self.stopped = threading.Event()
        self.runs = 0

    def run(self) -> None:
        """Redact when due, wait, repeat; a failure is logged and retried at the next check, never fatal to the server."""
        while not self.stopped.is_set():
            try:
                with _run_lock:
                    # Due when the deployment's last run finished an interval ago (less one check, so hourly
                    # checks keep the runs a day apart rather than drifting to a day and an hour).
                    count = run_once(self.db_path, every=max(0.0, self.interval - self.check))
                if count:
                    log.warning("retention: blanked typed answers of %d events", count)
            except Exception:  # noqa: BLE001 - the server must keep serving; the next run tries again
                log.exception("retention run failed")
            self.runs += 1
            self.stopped.wait(self.check)

    def stop(self) -> None:
        """Ask the thread to finish after its current run."""
        self.stopped.set()


def start(db_path=None, interval: float = DAY_SECONDS) -> RetentionJob:
    """Start the daily job in this process; return it."""
    _guard_forks()
    job = RetentionJob(db_path, interval)
    job.start()
    return job

"""The retention job: blank typed answers older than each class's retention, at server start and then daily.

`abhyas serve` runs it in a thread of the gunicorn master (one per server, not one per
worker); `abhyas privacy redact` runs it once, for a cron job on servers started otherwise.

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
from .records import redact_old_raw_answers

DAY_SECONDS = 24 * 3600
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


def run_once(db_path=None) -> int:
    """Redact what is past retention now; return how many events were blanked."""
    db = connect(db_path)
    try:
        return redact_old_raw_answers(db)
    finally:
        db.close()


class RetentionJob(threading.Thread):
    """A daemon thread that runs the redaction at once and then every `interval` seconds until stopped."""

    def __init__(self, db_path=None, interval: float = DAY_SECONDS):
        super().__init__(name="abhyas-retention", daemon=True)
        self.db_path, self.interval = db_path, interval
        self.stopped = threading.Event()
        self.runs = 0

    def run(self) -> None:
        """Redact, wait, repeat; a failure is logged and retried at the next run, never fatal to the server."""
        while not self.stopped.is_set():
            try:
                with _run_lock:
                    count = run_once(self.db_path)
                if count:
                    log.warning("retention: blanked typed answers of %d events", count)
            except Exception:  # noqa: BLE001 - the server must keep serving; the next run tries again
                log.exception("retention run failed")
            self.runs += 1
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        """Ask the thread to finish after its current run."""
        self.stopped.set()


def start(db_path=None, interval: float = DAY_SECONDS) -> RetentionJob:
    """Start the daily job in this process; return it."""
    _guard_forks()
    job = RetentionJob(db_path, interval)
    job.start()
    return job

"""The retention job: blank typed answers older than each class's retention, at server start and then daily.

`abhyas serve` runs it in a thread of the gunicorn master (one per server, not one per
worker); `abhyas privacy redact` runs it once, for a cron job on servers started otherwise.
"""
from __future__ import annotations

import logging
import threading

from .db import connect
from .privacy import redact_old_raw_answers

DAY_SECONDS = 24 * 3600
log = logging.getLogger("abhyas.retention")


def run_once(db_path=None) -> int:
    """Redact what is past retention now; return how many events were blanked."""
    db = connect(db_path)
    try:
        return redact_old_raw_answers(db)
    finally:
        db.conn.close()


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
    job = RetentionJob(db_path, interval)
    job.start()
    return job

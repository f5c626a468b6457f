"""The retention job lives in gunicorn's master, which forks workers: a fork must never copy a run's locks.

fork() copies only the forking thread. Taken while the job's thread was inside a run, it
gave the worker app.db's writer lock (and SQLite's own state) held for ever: the worker's
writes hung, or it committed acknowledged events to a WAL file the job's close deleted.
"""
from __future__ import annotations

import os
import signal
import threading
import time

import pytest

from app import db as dbmod
from app.privacy import retention

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def _child_can_write(path) -> int:
    """In a forked child: take the writer lock and commit a row; exit 0, or die by SIGALRM if it hangs."""
    signal.alarm(5)
    try:
        if not dbmod._writer_lock.acquire(timeout=3):
            return 3
        dbmod._writer_lock.release()
        db = dbmod.connect(path)
        with dbmod.write(db):
            db.execute("INSERT INTO probe (at) VALUES (?)", [time.time()])
        db.close()
        return 0
    except BaseException:  # noqa: BLE001 - any failure is the child's exit status
        return 4


def test_a_fork_waits_for_a_run_in_progress(new_database, monkeypatch):
    """A worker forked while the job redacts gets free locks and a working database."""
    path = new_database()
    setup = dbmod.connect(path)
    setup.execute("CREATE TABLE probe (at REAL)")
    setup.close()
    inside, finished = threading.Event(), threading.Event()

    def slow_run(db_path=None, every=0.0):
        db = dbmod.connect(db_path)
        try:
            with dbmod.write(db):
                db.execute("INSERT INTO probe (at) VALUES (?)", [time.time()])
                inside.set()
                time.sleep(0.5)  # a long redaction: the fork below lands in the middle of it
            time.sleep(0.3)      # committed, connection still open
            return 0
        finally:
            db.close()
            finished.set()

    monkeypatch.setattr(retention, "run_once", slow_run)
    job = retention.start(str(path), interval=3600)
    try:
        assert inside.wait(10)
        pid = os.fork()
        if pid == 0:  # the worker
            os._exit(_child_can_write(path))
        assert finished.is_set(), "the fork waited until the run had closed its connection"
        _, status = os.waitpid(pid, 0)
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, f"child status {status}"
    finally:
        job.stop()
        job.join(5)
    check = dbmod.connect(path)
    assert check.execute("SELECT count(*) FROM probe").fetchone()[0] == 2
    check.close()

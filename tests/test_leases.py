"""One runner per background job: the lease a server claims in the database before running it."""
from __future__ import annotations

import json
import multiprocessing
import threading
import time

from app import cli, leases
from app.db import connect
from app.privacy import retention


def _claim_in_process(path: str, start_at: float, out) -> None:
    """A second server: claim the job at an agreed moment; report whether it won."""
    db = connect(path)
    time.sleep(max(0.0, start_at - time.time()))
    out.put(leases.claim(db, "retention", leases.holder_name(), 60))


def test_of_two_processes_claiming_at_once_exactly_one_wins(new_database):
    path = new_database()
    connect(path).close()
    context = multiprocessing.get_context("spawn")  # fresh interpreters, as two servers are
    for round_number in range(3):
        db = connect(path)
        db.execute("DELETE FROM job_leases")
        out = context.Queue()
        start_at = time.time() + 2.0  # both are imported and connected by then
        workers = [context.Process(target=_claim_in_process, args=(path, start_at, out)) for _ in range(2)]
        for worker in workers:
            worker.start()
        results = [out.get(timeout=30) for _ in workers]
        for worker in workers:
            worker.join(10)
        assert sorted(results) == [False, True], f"round {round_number}: {results}"


def test_of_many_threads_claiming_at_once_exactly_one_wins(new_database):
    path = new_database()
    connect(path).close()
    barrier, won = threading.Barrier(6), []

    def server():
        db = connect(path)
        barrier.wait()
        won.append(leases.claim(db, "fit", leases.holder_name(), 60))

    threads = [threading.Thread(target=server) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert won.count(True) == 1 and len(won) == 6


def test_a_dead_runners_lease_ends_and_a_finished_run_waits_its_interval(new_database):
    db = connect(new_database())
    assert leases.claim(db, "retention", "a", lease_seconds=60, now=1000)
    assert not leases.claim(db, "retention", "b", lease_seconds=60, now=1059), "a holds it until 1060"
    assert leases.claim(db, "retention", "b", lease_seconds=60, now=1061), "a died: its lease ran out"
    leases.release(db, "retention", "a", now=1062)  # a stale holder cannot release b's lease
    assert leases.current(db, "retention")["holder"] == "b"
    leases.release(db, "retention", "b", now=1070)
    assert not leases.claim(db, "retention", "c", lease_seconds=60, every=100, now=1100), "ran 30 s ago"
    assert leases.claim(db, "retention", "c", lease_seconds=60, every=100, now=1171)


def test_a_failed_run_is_not_recorded_as_done(new_database):
    db = connect(new_database())
    try:
        with leases.exclusive(db, "fit", 60) as won:
            assert won
            raise RuntimeError("the fit failed")
    except RuntimeError:
        pass
    row = leases.current(db, "fit")
    assert row["done_at"] == 0 and row["lease_until"] == 0, "free again, and never finished"


def test_two_servers_retention_jobs_redact_once_a_day(new_database):
    """Two servers' jobs start together on one database: one runs the redaction, the other skips it."""
    path = new_database()
    connect(path).close()
    jobs = [retention.RetentionJob(path, interval=3600) for _ in range(2)]
    for job in jobs:
        job.start()
    deadline = time.time() + 10
    while any(job.runs == 0 for job in jobs) and time.time() < deadline:
        time.sleep(0.05)
    for job in jobs:
        job.stop()
        job.join(5)
    row = leases.current(connect(path), "retention")
    assert row["done_at"] > 0 and row["lease_until"] == 0
    assert retention.run_once(path, every=3000) is None, "the deployment's run is not due again yet"
    assert retention.run_once(path) == 0, "an operator's own run (cron, the CLI) is not held back by the interval"


def test_abhyas_fit_skips_while_another_server_fits(new_database, capsys):
    path = new_database()
    db = connect(path)
    assert leases.claim(db, "fit", "the other server", 3600)
    assert cli.main(["fit", "--db", path]) == 0
    assert json.loads(capsys.readouterr().out) == {"skipped": "another server is fitting right now"}
    assert cli.main(["privacy", "redact", "--db", path]) == 0, "a different job is not held"
    assert json.loads(capsys.readouterr().out) == {"redacted": 0}

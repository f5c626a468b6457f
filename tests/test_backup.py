"""`abhyas backup` during a sync storm, `abhyas restore` into an empty instance: nothing acknowledged is lost."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time

import pytest

from app.cli import main
from app.ops.backup import BackupError, backup_instance, restore_instance
from bench.sync_ingest import free_port, make_batch, prepare_instance, start_server, stop_server
from tests.teacher_fixtures import db, world  # noqa: F401

# `abhyas backup` copies the SQLite file; on PostgreSQL it refuses (tests/test_store.py) for pg_dump and PITR.
pytestmark = pytest.mark.sqlite_only("backs up and restores the SQLite file itself")


def events_in(db_path) -> set:
    conn = sqlite3.connect(str(db_path))
    try:
        return {row[0] for row in conn.execute("SELECT id FROM events")}
    finally:
        conn.close()


@pytest.fixture
def elsewhere(tmp_path, monkeypatch):
    """Point the instance at a new, empty folder (as on the machine a backup is restored to)."""
    def move(name: str):
        folder = tmp_path / name
        folder.mkdir()
        monkeypatch.setenv("ABHYAS_INSTANCE", str(folder))
        return folder
    return move


def test_a_backup_restores_into_an_empty_instance_with_its_data_keys_and_packs(app, world, instance, tmp_path,
                                                                              elsewhere):
    """Every event, the signing key and the built packs come back; the restored instance serves as before."""
    out = tmp_path / "copies" / "abhyas-backup.tar.gz"
    summary = backup_instance(out)
    assert summary["events"] == len(events_in(instance / "abhyas.db")) > 0 and oct(out.stat().st_mode)[-3:] == "600"
    original = events_in(instance / "abhyas.db")
    keys = sorted(p.name for p in (instance / "keys").iterdir())

    target = elsewhere("restored")
    restored = restore_instance(out)
    assert restored["events"] == len(original) and events_in(target / "abhyas.db") == original
    assert sorted(p.name for p in (target / "keys").iterdir()) == keys
    # The session secret lives in the database's settings, so signed-in teachers stay signed in after a restore.
    secret = "SELECT value FROM settings WHERE key = 'session_secret'"
    assert sqlite3.connect(str(target / "abhyas.db")).execute(secret).fetchone()[0] == app.config["SECRET_KEY"]
    check = sqlite3.connect(str(target / "abhyas.db")).execute("PRAGMA integrity_check").fetchone()[0]
    assert check == "ok"
    from app import create_app
    served = create_app({"TESTING": True}).test_client()
    assert served.get("/healthz").status_code == 200
    assert served.get("/api/v1/packs").json["packs"][0]["pack"] == "sample-6"


def test_restore_refuses_an_instance_that_holds_data_and_changes_nothing(app, world, instance, tmp_path):
    out = tmp_path / "b.tar.gz"
    backup_instance(out)
    before = (instance / "abhyas.db").stat().st_mtime_ns, events_in(instance / "abhyas.db")
    with pytest.raises(BackupError, match="already holds data .*restore only into an empty instance"):
        restore_instance(out)
    assert ((instance / "abhyas.db").stat().st_mtime_ns, events_in(instance / "abhyas.db")) == before


@pytest.mark.parametrize("damage", ["flip", "cut", "junk", "empty"])
def test_a_damaged_backup_is_refused_in_one_line_before_anything_moves(app, world, tmp_path, elsewhere, capsys, damage):
    out = tmp_path / "b.tar.gz"
    backup_instance(out)
    data = bytearray(out.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x20
    broken = {"flip": bytes(data), "cut": bytes(data[: len(data) // 2]), "junk": b"PK\x03\x04 not a backup",
              "empty": b""}[damage]
    out.write_bytes(broken)
    target = elsewhere("restored")
    assert main(["restore", str(out)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("abhyas: ") and "Traceback" not in err
    assert "damaged" in err or "not an Abhyas backup" in err
    assert list(target.iterdir()) == [] or not (target / "abhyas.db").exists()


def test_backup_during_a_sync_storm_holds_every_event_acknowledged_before_it(tmp_path):
    """Phones sync against the production server while `abhyas backup` runs; the restored copy is whole."""
    instance = tmp_path / "live"
    tokens, items = prepare_instance(instance, 6)
    port = free_port()
    server = start_server(instance, port)
    acked, stop, errors = [], threading.Event(), []
    lock = threading.Lock()

    def phone(number: int, token: str) -> None:
        import random

        from bench.sync_ingest import _send
        rng, seq, conn = random.Random(number), 0, None
        while not stop.is_set():
            batch = make_batch(rng, items, seq, 25)
            seq += 25
            try:
                status, reply, _ms, conn = _send(port, token, json.dumps({"events": batch}).encode(), conn)
            except OSError as exc:
                errors.append(exc)
                return
            if status == 200:
                with lock:
                    acked.extend(reply["acked"])
            elif status == 429:
                stop.wait(1.0)  # as a phone does: wait, then send the same outbox again
                seq -= 25

    threads = [threading.Thread(target=phone, args=(n, t)) for n, t in enumerate(tokens)]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1.5)
        with lock:
            before = set(acked)
        env = dict(os.environ, ABHYAS_INSTANCE=str(instance))
        out = tmp_path / "storm.tar.gz"
        done = subprocess.run([sys.executable, "-m", "app", "backup", "--out", str(out), "--json",
                               "--db", str(instance / "abhyas.db")], env=env, capture_output=True, text=True)
        time.sleep(0.5)  # the storm goes on after the copy
    finally:
        stop.set()
        for thread in threads:
            thread.join()
        stop_server(server, signal.SIGTERM)
    assert done.returncode == 0, done.stderr
    assert not errors and len(before) > 100
    restored_at = tmp_path / "restored"
    restored_at.mkdir()
    env = dict(os.environ, ABHYAS_INSTANCE=str(restored_at))
    again = subprocess.run([sys.executable, "-m", "app", "restore", str(out), "--json"], env=env,
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    copy = restored_at / "abhyas.db"
    assert sqlite3.connect(str(copy)).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    in_copy = events_in(copy)
    assert before <= in_copy, f"{len(before - in_copy)} acknowledged events missing from the backup"
    assert in_copy <= events_in(instance / "abhyas.db") and json.loads(done.stdout)["events"] == len(in_copy)

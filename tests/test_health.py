"""GET /healthz: 200 with the schema and room to write when the server can serve; 503 with the reason when not."""
from __future__ import annotations

import pytest

from app.db import MIGRATIONS, connect, write

from .conftest import ENGINE


def test_a_healthy_server_reports_its_schema_and_headroom(client):
    reply = client.get("/healthz")
    assert reply.status_code == 200
    assert reply.json["database"] == "ok" and reply.json["schema"] == MIGRATIONS[-1][0]
    assert isinstance(reply.json["events"], dict)
    if ENGINE == "sqlite":
        assert reply.json["headroom_bytes"] > 64 * 1024 * 1024
    else:  # PostgreSQL's disk is its server's, watched by its operator
        assert reply.json["headroom_bytes"] is None


def test_a_database_behind_the_code_is_not_ready(app, client):
    """An older schema (a restore from an old backup not yet migrated): the balancer must not send traffic."""
    assert client.get("/healthz").status_code == 200
    db = connect(app.config["DATABASE"])
    with write(db):
        db.set_version(1)
    reply = client.get("/healthz")
    assert reply.status_code == 503 and "schema 1, expected" in reply.json["database"]


@pytest.mark.sqlite_only("overwrites the SQLite file")
def test_a_database_that_cannot_be_read_is_503_with_the_reason(app, client):
    client.get("/healthz")
    with open(app.config["DATABASE"], "r+b") as damaged:
        damaged.write(b"this is not a database any more" * 200)
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.json["database"].startswith("unreachable: ")


@pytest.mark.sqlite_only("caps the SQLite file's pages; PostgreSQL's disk is its server's")
def test_no_room_to_write_is_503_before_a_sync_fails(app, client):
    with app.app_context():
        app.extensions["abhyas_db"]().execute("PRAGMA max_page_count = 1")
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.json["database"] == "almost no room left to write"
    assert reply.json["headroom_bytes"] == 0


@pytest.mark.sqlite_only("deletes the SQLite file; the PostgreSQL case drops the database")
def test_a_database_file_that_vanished_is_503(app, client):
    """The volume holding the database was unmounted (or the file deleted): not ready, and not silently re-created."""
    from pathlib import Path
    client.get("/healthz")
    for suffix in ("", "-wal", "-shm"):
        Path(app.config["DATABASE"] + suffix).unlink(missing_ok=True)
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.json["database"].startswith("unreachable: ")
    assert not Path(app.config["DATABASE"]).exists()


@pytest.mark.postgresql_only("drops the database on its server; the SQLite case deletes the file")
def test_a_database_dropped_from_its_server_is_503(app, client, pg_server):
    """The database went away under a running server (dropped, or the server lost it): not ready, and said why."""
    import psycopg
    assert client.get("/healthz").status_code == 200
    name = app.config["DATABASE"].rsplit("/", 1)[1]
    with psycopg.connect(pg_server.url(), autocommit=True) as admin:
        admin.execute(f"DROP DATABASE {name} WITH (FORCE)")
    reply = client.get("/healthz")
    assert reply.status_code == 503 and reply.json["database"].startswith("unreachable: ")
    assert f'database "{name}" does not exist' in reply.json["database"]

"""Faults a real phone meets: the server killed mid-batch, replies lost, duplicates, garbage."""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import threading

import pytest

from app.db import connect
from app.store import is_url
from bench.sync_ingest import (
    free_port,
    make_batch,
    prepare_instance,
    start_server,
    stop_server,
)


def post(port, token, body: bytes, timeout=10):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    conn.request("POST", "/api/v1/sync", body=body, headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json"})
    response = conn.getresponse()
    return response.status, response.read()


def _serve(folder, database: str):
    """Seed and start a server on `database` (the instance's SQLite file, or a PostgreSQL URL it is handed)."""
    saved = os.environ.get("ABHYAS_DATABASE_URL")
    if is_url(database):
        os.environ["ABHYAS_DATABASE_URL"] = database  # the seeding and serving processes inherit it
    try:
        tokens, items = prepare_instance(folder, 8)
        port = free_port()
        return folder, tokens, items, {"server": start_server(folder, port), "port": port, "database": database}
    finally:
        if saved is None:
            os.environ.pop("ABHYAS_DATABASE_URL", None)
        else:
            os.environ["ABHYAS_DATABASE_URL"] = saved


@pytest.fixture
def served(tmp_path, new_database, monkeypatch):
    """A production server of our own, which a test may kill (and start again on the same database)."""
    database = new_database("abhyas.db")
    if is_url(database):
        monkeypatch.setenv("ABHYAS_DATABASE_URL", database)
    setup = _serve(tmp_path, database)
    yield setup
    stop_server(setup[3]["server"], signal.SIGKILL)


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory, module_database):
    """One production server for tests that only send requests."""
    folder = tmp_path_factory.mktemp("shared")
    setup = _serve(folder, module_database if is_url(module_database) else str(folder / "abhyas.db"))
    yield setup
    stop_server(setup[3]["server"], signal.SIGKILL)


def test_sigkill_mid_sync_loses_nothing_and_doubles_nothing(served):
    instance, tokens, items, box = served
    rng = random.Random(7)
    outboxes = {t: [] for t in tokens}
    for token in tokens:
        for number in range(6):
            outboxes[token].extend(make_batch(rng, items, number * 50))
    sent = {e["id"] for events in outboxes.values() for e in events}

    def flush(token):
        """A phone's outbox loop: send up to 50, delete only what the server acknowledged."""
        while outboxes[token]:
            batch = outboxes[token][:50]
            try:
                status, data = post(box["port"], token, json.dumps({"events": batch}).encode())
            except (OSError, http.client.HTTPException):
                return  # offline: try again later
            if status != 200:
                return
            acked = set(json.loads(data)["acked"])
            outboxes[token] = [e for e in outboxes[token] if e["id"] not in acked]

    threads = [threading.Thread(target=flush, args=(t,)) for t in tokens]
    for thread in threads:
        thread.start()
    # Kill the whole server while batches are in flight.
    threading.Event().wait(0.4)
    stop_server(box["server"], signal.SIGKILL)
    for thread in threads:
        thread.join()
    box["server"] = start_server(instance, box["port"])
    for token in tokens:
        flush(token)
    assert all(not events for events in outboxes.values())
    db = connect(box["database"])
    total, distinct = db.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone()
    stored = {row[0] for row in db.execute("SELECT id FROM events")}
    assert stored == sent and total == distinct == len(sent)


def test_a_lost_reply_then_a_resend_counts_once(served):
    instance, tokens, items, box = served
    events = make_batch(random.Random(1), items, 0, 20)
    body = json.dumps({"events": events}).encode()
    first = json.loads(post(box["port"], tokens[0], body)[1])
    second = json.loads(post(box["port"], tokens[0], body)[1])
    assert first["acked"] == second["acked"] and second["duplicates"] == 20
    db = connect(box["database"])
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 20


@pytest.mark.parametrize("body", [b"", b"null", b"[]", b"{\"events\": null}", b"\xff\xfe", b"{\"events\": [1, \"x\", null]}",
                                  b"{\"events\": [{\"id\": \"" + b"a" * 5000 + b"\"}]}", b"{" * 10000])
def test_garbage_gets_4xx_never_500(shared_server, body):
    _instance, tokens, _items, box = shared_server
    status, data = post(box["port"], tokens[0], body)
    assert status < 500, data
    if status != 200:
        assert json.loads(data)["error"]

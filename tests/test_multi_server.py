"""Two real `abhyas serve` processes (gunicorn, two workers each) on one database, as a deployment runs them.

Each server has an instance folder of its own; only the database is shared. Phones join through
one and sync through the other, one student's two phones sync through both at once, and a server
killed mid-batch loses nothing and doubles nothing: the phone sends its unacknowledged batch again
to the server still standing, and the event log holds each event once.
"""
from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import urllib.request
import uuid

import pytest

from app.db import connect
from app.teacher.class_records import add_student, create_class
from e2e.server import BIN, ROOT, AbhyasServer
from tests.teacher_fixtures import make_user

SAMPLE_PACK = ROOT / "tests" / "fixtures" / "packs" / "sample-6"


def _request(server: AbhyasServer, path: str, body: dict, token: str | None = None, timeout: float = 30) -> dict:
    """POST JSON to one server; return the reply (raising on a refused or broken request)."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - loopback only
        return json.loads(response.read())


def _batch(items: list, seq_start: int, size: int) -> list:
    """A phone's batch: answers with fresh ids and consecutive sequence numbers."""
    now_ms = int(time.time() * 1000)
    return [{"id": uuid.uuid4().hex[:22], "seq": seq_start + i, "type": "answer", "item": items[i % len(items)],
             "r": "1/2", "secs": 12.0, "attempt": 1, "t": now_ms - (size - i) * 1000} for i in range(size)]


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, module_database):
    """Servers A and B on one database (A published the sample pack; B's packs folder starts empty), and a class.

    The database is a SQLite file both servers open, or (ABHYAS_TEST_ENGINE=postgresql) a PostgreSQL database.
    """
    folder = tmp_path_factory.mktemp("deployment")
    shared = module_database
    a, b = AbhyasServer(folder / "a"), AbhyasServer(folder / "b")
    for server in (a, b):
        server.instance.mkdir()
        server.env.pop("ABHYAS_DATABASE_URL", None)
        server.env["ABHYAS_DATABASE_URL" if shared.startswith("postgresql://") else "ABHYAS_DB"] = shared
    subprocess.run([str(BIN / "abhyas"), "pack", "build", str(SAMPLE_PACK), "--out", str(a.instance / "packs")],
                   env=a.env, cwd=ROOT, check=True, capture_output=True, timeout=300)
    a.start()
    b.start()
    db = connect(shared)
    teacher = make_user(db, "asha")
    klass = create_class(db, teacher, "7A", release_mode="auto")
    students = [add_student(db, klass["id"], f"Student {n}") for n in range(8)]
    items = []
    for path in (a.instance / "packs" / "files").glob("*.json"):
        document = json.loads(path.read_text())
        if isinstance(document.get("items"), list):
            items += [item["id"] for item in document["items"] if item["kind"] != "choice"]
    yield {"a": a, "b": b, "db": db, "code": klass["code"], "students": students, "items": items}
    a.stop()
    b.stop()


def _join(server: AbhyasServer, deployment: dict, student: dict, label: str) -> str:
    return _request(server, "/api/v1/join", {"class_code": deployment["code"], "pin": student["pin"],
                                             "label": label})["token"]


def _stored(db, ids) -> list:
    """How many times each of these event ids is in the log (a count per id)."""
    ids = list(ids)
    counts = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        for event_id, count in db.execute(f"SELECT id, count(*) FROM events WHERE id IN ({','.join('?' * len(chunk))}) "  # noqa: S608
                                          "GROUP BY id", chunk):
            counts[event_id] = count
    return [counts.get(i, 0) for i in ids]


def test_a_phone_joined_through_a_syncs_through_b(deployment):
    a, b = deployment["a"], deployment["b"]
    token = _join(a, deployment, deployment["students"][0], "phone joined on A")
    events = _batch(deployment["items"], 1, 20)
    reply = _request(b, "/api/v1/sync", {"events": events}, token)
    assert sorted(reply["acked"]) == sorted(e["id"] for e in events) and reply["rejected"] == []
    assert _stored(deployment["db"], [e["id"] for e in events]) == [1] * 20
    # B had no pack file on its disk; the phone's fetch of the pack's files fills B's cache from the database.
    fetched = [name for pack in _request(b, "/api/v1/sync", {"events": []}, token)["packs"]
               for name in pack["files_to_fetch"]]
    assert fetched
    for sha in fetched:
        name = next(p.name for p in (a.instance / "packs" / "files").glob(f"{sha}.*") if p.suffix in (".json", ".opus"))
        with urllib.request.urlopen(f"{b.url}/packs/files/{name}", timeout=30) as response:  # noqa: S310
            assert response.read() == (a.instance / "packs" / "files" / name).read_bytes()


def test_one_students_two_phones_sync_through_a_and_b_at_once(deployment):
    a, b = deployment["a"], deployment["b"]
    student = deployment["students"][1]
    phones = [(a, _join(a, deployment, student, "phone 1")), (b, _join(b, deployment, student, "phone 2"))]
    sent, errors = {0: [], 1: []}, []
    barrier = threading.Barrier(2)

    def phone(number: int) -> None:
        server, token = phones[number]
        barrier.wait()
        for batch_number in range(6):
            events = _batch(deployment["items"], 1 + batch_number * 25, 25)
            try:
                reply = _request(server, "/api/v1/sync", {"events": events}, token)
            except (OSError, http.client.HTTPException) as exc:
                errors.append(repr(exc))
                continue
            sent[number].extend(e["id"] for e in events)
            if sorted(reply["acked"]) != sorted(e["id"] for e in events):
                errors.append(f"phone {number}: not every event acknowledged")

    threads = [threading.Thread(target=phone, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    every = sent[0] + sent[1]
    assert len(every) == 300 and _stored(deployment["db"], every) == [1] * 300
    total = deployment["db"].execute("SELECT count(*) FROM events WHERE student_id = ?", [student["id"]]).fetchone()[0]
    assert total == 300, "nothing but what the two phones sent"
    # Both phones' answers count for the one student, whichever server stored them.
    mastery = deployment["db"].execute("SELECT sum(attempts) FROM mastery WHERE student_id = ?", [student["id"]]).fetchone()
    assert mastery[0] and mastery[0] > 0


def test_a_server_killed_mid_batch_loses_nothing_and_doubles_nothing(deployment):
    """Phones sync through A until A is SIGKILLed; each re-sends what A did not acknowledge to B, as a phone would."""
    a, b = deployment["a"], deployment["b"]
    students = deployment["students"][2:8]
    tokens = [_join(b, deployment, student, "phone") for student in students]
    sent, acked, resent, errors, lock = [], set(), [], [], threading.Lock()
    started, half = threading.Event(), threading.Event()

    def phone(number: int) -> None:
        token, target = tokens[number], a
        started.wait()
        for batch_number in range(10):
            events = _batch(deployment["items"], 1 + batch_number * 40, 40)
            ids = [e["id"] for e in events]
            with lock:
                sent.extend(ids)
            for _attempt in range(5):
                try:
                    reply = _request(target, "/api/v1/sync", {"events": events}, token, timeout=20)
                    break
                except (OSError, http.client.HTTPException) as exc:
                    # A's connection died (reset, refused, the reply cut off after A stored the batch) or it
                    # answered 5xx: the phone keeps the batch and sends it again to the server still standing.
                    with lock:
                        resent.append(repr(exc))
                    target = b
                    time.sleep(0.2)
            else:
                with lock:
                    errors.append(f"phone {number}: a batch was never acknowledged")
                continue
            with lock:
                acked.update(reply["acked"])
                if batch_number == 3:
                    half.set()

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(len(tokens))]
    for thread in threads:
        thread.start()
    started.set()
    assert half.wait(120), "the phones got under way"
    a.kill()  # SIGKILL to A's whole process group while phones are mid-batch
    for thread in threads:
        thread.join(180)
    a.start()  # the next test module may expect A; a restart also proves A comes back on the shared database
    assert errors == [] and resent, "a phone's batch was cut off by the kill and sent again"
    assert set(sent) == acked, "every event acknowledged in the end"
    assert _stored(deployment["db"], sent) == [1] * len(sent), "0 lost, 0 doubled"
    per_student = deployment["db"].execute(
        f"SELECT count(*) FROM events WHERE student_id IN ({','.join('?' * len(students))})",  # noqa: S608
        [s["id"] for s in students]).fetchone()[0]
    assert per_student == len(sent) == len(set(sent)) == 6 * 10 * 40

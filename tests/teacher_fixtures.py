"""Fixtures for the teacher tests: two teachers, their classes, students with real synced events."""
from __future__ import annotations

import json
import re
import time
import uuid
from pathlib import Path

import pytest

from app.auth.passwords import hash_password
from app.db import connect, write
from app.teacher.class_records import add_student, create_class

PASSWORD = "correct horse battery"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def make_user(db, username: str, role: str = "teacher") -> int:
    """A user with the shared test password."""
    with write(db):
        return db["users"].insert({"username": username, "password_hash": hash_password(PASSWORD), "role": role,
                                   "display_name": username.title(), "created_at": time.time()}).last_pk


def csrf_from(client, path: str = "/teacher") -> str:
    """The CSRF token a page of the teacher app carries."""
    html = client.get(path).get_data(as_text=True)
    return TOKEN.search(html).group(1)


def sign_in(client, username: str, password: str = PASSWORD) -> str:
    """Sign in through the form; return the session's (new) CSRF token."""
    token = csrf_from(client)
    response = client.post("/teacher/sign-in", data={"username": username, "password": password,
                                                     "csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return csrf_from(client, "/teacher/classes")


def catalog_of(app) -> dict:
    """The adaptive catalog the app serves (the sample pack)."""
    from app.packs.registry import load_catalog
    return load_catalog(connect(app.config["DATABASE"]), Path(app.config["PACKS_DIR"]) / "files")


class Phone:
    """A test phone for one student: sends events through the real reconcile path."""

    def __init__(self, db, student_id: int):
        from app.sync.devices import device_for_token, issue_token
        self.db, self.student_id = db, student_id
        self.device = device_for_token(db, issue_token(db, student_id, "test phone"))
        self.seq = 0

    def send(self, catalog: dict, events: list, now: float | None = None) -> dict:
        """Reconcile a batch of events and refresh the student, as /api/v1/sync does."""
        from app.planning.refresh import refresh_student
        from app.sync.reconcile import reconcile_batch
        now = now or time.time()
        out = []
        for event in events:
            self.seq += 1
            out.append(dict({"id": uuid.uuid4().hex[:20], "seq": self.seq, "t": int((now - 60) * 1000)}, **event))
        result = reconcile_batch(self.db, self.device, {"events": out}, catalog["items"], now)
        refresh_student(self.db, self.student_id, catalog, now)
        return result


def answer(item: str, response: str, secs: float = 20.0, ts: float | None = None, **extra) -> dict:
    """An answer event as the phone writes it."""
    event = {"type": "answer", "item": item, "r": response, "secs": secs, "attempt": 1}
    if ts is not None:
        event["t"] = int(ts * 1000)
    event.update(extra)
    return event


@pytest.fixture
def db(app):
    """A connection to the test app's database."""
    return connect(app.config["DATABASE"])


@pytest.fixture
def world(app, db):
    """Teacher Asha with a class of four students (with answers), teacher Bina with her own class."""
    catalog = catalog_of(app)
    asha, bina = make_user(db, "asha"), make_user(db, "bina")
    publisher = make_user(db, "pub", role="publisher")
    mine = create_class(db, asha, "6B", release_mode="approve")
    theirs = create_class(db, bina, "7C", release_mode="approve")
    students = [add_student(db, mine["id"], name, locale) for name, locale in
                (("Kiran", "hi"), ("Latha", "ta"), ("Manu", "en"), ("Nisha", "hi"))]
    other = add_student(db, theirs["id"], "Omar", "hi")
    now = time.time()
    phones = {s["id"]: Phone(db, s["id"]) for s in students + [other]}
    # Kiran and Latha keep adding across (1/4 + 1/2 = 2/6); Manu gets things right; Nisha asks for hints.
    for s in students[:2]:
        phones[s["id"]].send(catalog, [answer("sample-add-1", "2/6", ts=now - 3600 * k) for k in (5, 4, 3)], now)
    phones[students[2]["id"]].send(catalog, [answer("sample-eq-1", "2/4", ts=now - 3000),
                                             answer("sample-add-1", "3/4", ts=now - 2000)], now)
    phones[students[3]["id"]].send(catalog, [
        {"type": "hint", "item": "sample-eq-1", "hint": 1, "t": int((now - 900) * 1000)},
        answer("sample-eq-1", "1/4", ts=now - 800),
        {"type": "reflection", "prompt": catalog["reflections"][0], "value": "1", "t": int((now - 700) * 1000)}], now)
    phones[other["id"]].send(catalog, [answer("sample-add-1", "2/6", ts=now - 500)], now)
    with write(db):
        for pack in db.execute("SELECT DISTINCT pack_id FROM packs").fetchall():
            for klass in (mine, theirs):
                db["assignments"].insert({"class_id": klass["id"], "pack_id": pack[0], "assigned_at": now},
                                         replace=True)
    sets = {row[0]: row[1] for row in db.execute("SELECT student_id, id FROM sets WHERE status = 'proposed'")}
    return {"asha": asha, "bina": bina, "publisher": publisher, "class": mine, "other_class": theirs,
            "students": students, "other_student": other, "catalog": catalog, "sets": sets, "phones": phones,
            "now": now}


@pytest.fixture
def asha(client, world):
    """A client signed in as Asha, and her CSRF token."""
    return client, sign_in(client, "asha")


def group_key_in(db, class_id: int) -> str:
    """The key of a group of alike waiting sets in this class, as its approvals page links it ("none" if none wait)."""
    from app.teacher.alike_sets import group_key, likeness
    row = db.execute("SELECT s.payload FROM sets s JOIN students t ON t.id = s.student_id "
                     "WHERE t.class_id = ? AND s.status = 'proposed' ORDER BY s.created_at LIMIT 1", [class_id]).fetchone()
    return group_key(likeness(json.loads(row[0]))) if row else "none"

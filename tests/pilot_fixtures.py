"""Fixtures for the pilot tests: an app serving a real unit (fractions-6) and a class whose phones answer for real."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app.db import connect, write
from app.teacher.class_records import add_student, create_class
from tests.teacher_fixtures import Phone, catalog_of, make_user, sign_in

ROOT = Path(__file__).resolve().parent.parent
UNIT = "fractions-6"


@pytest.fixture
def pilot_app(instance):
    """An app with the fractions-6 unit and the small sample pack built and published."""
    from app import create_app
    from app.packs.build import build_pack
    build_pack(ROOT / "content_packs" / UNIT, instance / "packs")
    build_pack(ROOT / "tests" / "fixtures" / "packs" / "sample-6", instance / "packs")
    return create_app({"TESTING": True})


def right_answer(item: dict) -> str:
    """What a student who knows it types."""
    return str(item["answer"])


def wrong_answer(item: dict) -> str:
    """A wrong answer of the right form."""
    if item["kind"] == "choice":
        return "b" if str(item["answer"]).lower() != "b" else "a"
    return "999"


def open_sets(db, student_id: int) -> list:
    """The student's released sets as the phone gets them, oldest first."""
    return [json.loads(p) for (p,) in db.execute("SELECT payload FROM sets WHERE student_id = ? AND status = 'released' "
                                                 "ORDER BY created_at, id", [student_id])]


def take_diagnostic(phone: Phone, catalog: dict, knows, now: float) -> None:
    """Walk the released diagnostic's tree, answering each item right when `knows(item)`."""
    found = [s for s in open_sets(phone.db, phone.student_id) if s["kind"] == "diagnostic"]
    assert found, "the diagnostic comes first"
    node, events = found[0]["tree"], []
    while node is not None:
        item = catalog["items"][node["item"]]
        right = knows(item)
        events.append({"type": "answer", "item": node["item"], "set": found[0]["id"], "attempt": 1, "secs": 30,
                       "r": right_answer(item) if right else wrong_answer(item)})
        node = node["right"] if right else node["wrong"]
    phone.send(catalog, events, now)


def do_set(phone: Phone, catalog: dict, doc: dict, knows, now: float, secs: int = 40) -> None:
    """Answer every item of a set (first try right when `knows(item)`), with the time on each item."""
    events = []
    for entry in doc["items"]:
        item = catalog["items"][entry["item"]]
        right = knows(item)
        events.append({"type": "answer", "item": entry["item"], "set": doc["id"], "attempt": 1, "secs": secs,
                       "r": right_answer(item) if right else wrong_answer(item)})
        events.append({"type": "time", "item": entry["item"], "set": doc["id"], "secs": secs})
    phone.send(catalog, events, now)


@pytest.fixture
def pilot_class(pilot_app):
    """Teacher Asha's class of `n` students with the unit assigned, each through the diagnostic; a factory."""
    db = connect(pilot_app.config["DATABASE"])
    catalog = catalog_of(pilot_app)
    asha = make_user(db, "asha")

    def make(n: int, names=None) -> dict:
        klass = create_class(db, asha, f"P{n}", release_mode="auto")
        with write(db):
            for pack in (UNIT, "sample-6"):
                db["assignments"].insert({"class_id": klass["id"], "pack_id": pack, "assigned_at": time.time()})
        names = names or [f"Student {k}" for k in range(n)]
        students = [add_student(db, klass["id"], name, ("hi", "ta", "en")[k % 3]) for k, name in enumerate(names)]
        now = time.time() - 3600
        phones = {}
        for k, s in enumerate(students):
            phone = phones[s["id"]] = Phone(db, s["id"])
            phone.send(catalog, [], now)
            take_diagnostic(phone, catalog, lambda item, k=k: (k + len(item["id"])) % 3 != 0, now)
        return {"db": db, "catalog": catalog, "class": klass, "students": students, "phones": phones, "asha": asha}

    return make


def signed_in(app):
    """A test client signed in as Asha, and its CSRF token."""
    client = app.test_client()
    return client, sign_in(client, "asha")

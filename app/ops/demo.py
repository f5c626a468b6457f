"""`abhyas demo`: a teacher and a class with two weeks of real history, seeded once.

The history is simulated students doing the sets the engine gave them: each day a student
works through their released set, and on the days their phone is online it syncs through
`reconcile_batch` (so every answer is re-graded by the server) and `refresh_student`
(so mastery, history and the next set are the engine's own). Students learn at different
speeds, some keep a misconception for days, and some are rarely online — so every teacher
view has something true to show.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import secrets
import time

from ..auth.passwords import hash_password
from ..db import connect, write
from ..teacher.class_records import add_student, create_class

DAY = 86400
DEMO_DAYS = 14
DEMO_SEED = 7
ITEMS_PER_DAY = 6
BATCH = 50
NAMES = [("Aarav", "hi"), ("Meena", "ta"), ("Ravi", "en"), ("Fatima", "hi"), ("Kavya", "ta"), ("Arjun", "en"),
         ("Priya", "hi"), ("Selvi", "ta"), ("Imran", "hi"), ("Lakshmi", "ta"), ("Rohan", "en"), ("Sana", "hi"),
         ("Karthik", "ta"), ("Neha", "hi"), ("Vikram", "en"), ("Anjali", "hi"), ("Murugan", "ta"), ("Pooja", "hi"),
         ("Dev", "en"), ("Divya", "ta"), ("Farhan", "hi"), ("Ishita", "en"), ("Gopal", "hi"), ("Revathi", "ta"),
         ("Sameer", "hi"), ("Tara", "en"), ("Yusuf", "hi"), ("Nila", "ta"), ("Harsh", "hi"), ("Asha", "en"),
         ("Bala", "ta"), ("Zoya", "hi"), ("Manoj", "hi"), ("Geetha", "ta"), ("Kabir", "en"), ("Ruchi", "hi")]
DEMO_CLASS_SIZE = 32
# How often a phone gets online: most every day they work, some every few days, a few not lately.
CONNECTIVITY = (("daily", 0.7), ("rarely", 0.2), ("gone_quiet", 0.1))


def demo_url() -> str:
    """Where `make run` serves the app."""
    return f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"


def student_names(n: int) -> list:
    """`n` display names with a language each (numbered after the list runs out)."""
    return [(name if i < len(NAMES) else f"{name} {i // len(NAMES) + 1}", locale)
            for i, (name, locale) in ((i, NAMES[i % len(NAMES)]) for i in range(n))]


def publish_packs(db) -> dict:
    """Publish the built packs found in the instance (as the app does at start) and return the catalog."""
    from ..packs.registry import load_catalog, publish_built_folder, trusted_keys_for
    from ..paths import keys_dir, packs_dir
    if packs_dir().exists():
        publish_built_folder(db, packs_dir(), trusted_keys_for(db, keys_dir()))
    return load_catalog(db, packs_dir() / "files")


class _Phone:
    """One simulated student's phone: a device token, an outbox, and the sets it has downloaded."""

    def __init__(self, db, student_id: int, profile: str, tag: str):
        from ..sync.devices import device_for_token, issue_token
        self.student_id, self.profile, self.tag = student_id, profile, tag
        self.device = device_for_token(db, issue_token(db, student_id, "demo phone"))
        self.outbox: list = []
        self.seq = 0
        self.item_set: dict = {}

    def event(self, kind: str, ts: float, **fields) -> dict:
        """Queue one event as the student app would write it."""
        self.seq += 1
        event_id = hashlib.sha256(f"{self.tag}:{self.seq}".encode()).hexdigest()[:22]
        event = {"id": event_id, "seq": self.seq, "type": kind, "t": int(ts * 1000)}
        event.update({k: v for k, v in fields.items() if v is not None})
        self.outbox.append(event)
        return event

    def sync(self, db, catalog: dict, now: float) -> None:
        """Send the outbox in batches, then let the server refresh mastery and sets, as a real sync does."""
        from ..planning.refresh import refresh_student
        from ..sync.reconcile import reconcile_batch
        stored = 0
        for start in range(0, len(self.outbox), BATCH):
            result = reconcile_batch(db, self.device, {"events": self.outbox[start:start + BATCH]},
                                     catalog["items"], now)
            stored += result["stored"]
        self.outbox = []
        with write(db):  # the phone was online even when it had nothing to send
            db.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", [now, self.device["device_id"]])
        refresh_student(db, self.student_id, catalog, now, changed=True)

    def todays_items(self, db, catalog: dict, limit: int) -> list:
        """Items of the released sets the phone holds, not yet done, oldest set first."""
        done = set(db.execute(
            "SELECT set_id, item_id FROM events WHERE student_id = ? AND type IN ('answer', 'skip') AND set_id IS NOT NULL",
            [self.student_id]).fetchall()) | {(e.get("set"), e.get("item")) for e in self.outbox
                                              if e["type"] in ("answer", "skip")}
        chosen = []
        for set_id, payload in db.execute("SELECT id, payload FROM sets WHERE student_id = ? AND status = 'released' "
                                          "ORDER BY created_at", [self.student_id]):
            body = json.loads(payload)
            for entry in body.get("items", []):
                skill = catalog["items"].get(entry["item"], {}).get("skill")
                if skill not in catalog["skills"]:  # a pack this item needs is not published here: skip it
                    continue
                if (set_id, entry["item"]) not in done and entry["item"] not in chosen and len(chosen) < limit:
                    chosen.append(entry["item"])
                    self.item_set[entry["item"]] = (set_id, body.get("reflection"))
        return chosen


def _syncs_today(profile: str, day: int, rng: random.Random, days: int) -> bool:
    if profile == "daily":
        return True
    if profile == "rarely":
        return day % 4 == 0 or rng.random() < 0.1
    return day < days // 2 and day % 3 == 0  # gone quiet: synced early on, not in the last week


def seed_history(db, student_ids: list, catalog: dict, days: int = DEMO_DAYS, seed: int = DEMO_SEED,
                 now: float | None = None, tag: str = "demo", approve_class_id: int | None = None) -> dict:
    """Simulate `days` of homework for the students, synced through the real sync path; return counts."""
    from ..adaptive.simulate import answer_events, make_students
    from ..planning.refresh import refresh_student
    now = now or time.time()
    start = (now // DAY) * DAY - days * DAY
    rng = random.Random(f"connectivity-{seed}")  # the same class every time: profiles, syncs, reflections
    truths = make_students(catalog, len(student_ids), seed)
    profiles = {}
    phones = {}
    for sid, truth in zip(student_ids, truths):
        roll, acc = rng.random(), 0.0
        for name, share in CONNECTIVITY:
            acc += share
            if roll < acc:
                profiles[truth.id] = name
                break
        phone = phones[truth.id] = _Phone(db, sid, profiles[truth.id], f"{tag}:{sid}")
        refresh_student(db, sid, catalog, start + 8 * 3600)  # the first sync after joining brings the first set

    def chooser(student, day, _sim_rng, history):
        phone = phones[student.id]
        if _syncs_today(phone.profile, day, rng, days):
            phone.sync(db, catalog, start + day * DAY + 15 * 3600)
        return phone.todays_items(db, catalog, ITEMS_PER_DAY)

    last_set_done: dict = {}
    for sim in answer_events(catalog, truths, days=days, seed=seed, items_per_day=ITEMS_PER_DAY,
                             start_ts=int(start), chooser=chooser):
        phone = phones[sim["student"]]
        set_id, reflection = phone.item_set.get(sim["item"], (None, None))
        ts = float(sim["ts"])
        phone.event("shown", ts - 2, item=sim["item"], set=set_id)
        for level in range(1, int(sim["hints"] or 0) + 1):
            phone.event("hint", ts - 1, item=sim["item"], set=set_id, hint=min(3, level))
        if sim["type"] == "skip":
            phone.event("skip", ts + sim["seconds"], item=sim["item"], set=set_id, secs=sim["seconds"])
        else:
            phone.event("answer", ts + sim["seconds"], item=sim["item"], set=set_id, r=sim["response"],
                        secs=sim["seconds"], attempt=1, hint=min(3, sim["hints"]) if sim["hints"] else None)
        if set_id and reflection and last_set_done.get(phone.student_id) != set_id and \
                _set_finished(db, phone, set_id):
            last_set_done[phone.student_id] = set_id
            prompt = next((r for r in catalog.get("reflections", []) if r == reflection), reflection)
            phone.event("reflection", ts + sim["seconds"] + 20, set=set_id, prompt=prompt,
                        value=str(rng.randrange(3)))
    if approve_class_id is not None:  # from today the teacher approves: today's syncs leave proposals waiting
        _set_release_mode(db, approve_class_id, "approve")
    for truth in truths:
        phone = phones[truth.id]
        if phone.profile == "daily" and rng.random() < 0.5:
            phone.sync(db, catalog, now - rng.randrange(600, 6 * 3600))
    return {"events": db.execute(f"SELECT count(*) FROM events WHERE student_id IN ({','.join('?' * len(student_ids))})",  # noqa: S608
                                 student_ids).fetchone()[0], "profiles": profiles}


def _set_finished(db, phone: _Phone, set_id: str) -> bool:
    row = db.execute("SELECT payload FROM sets WHERE id = ?", [set_id]).fetchone()
    items = {e["item"] for e in json.loads(row[0]).get("items", [])} if row else set()
    done = {e.get("item") for e in phone.outbox if e.get("set") == set_id and e["type"] in ("answer", "skip")}
    done |= {r[0] for r in db.execute("SELECT item_id FROM events WHERE set_id = ? AND type IN ('answer', 'skip')",
                                      [set_id])}
    return bool(items) and items <= done


def _set_release_mode(db, class_id: int, mode: str) -> None:
    with write(db):
        db.execute("UPDATE classes SET release_mode = ? WHERE id = ?", [mode, class_id])


# A class works through a few units in a term, not the whole curriculum at once: the demo's term.
DEMO_UNITS = ("integers-6", "fractions-6", "equations-7")


def demo_units(catalog: dict) -> list:
    """The units the demo class is assigned: this term's, where published; every published unit otherwise."""
    published = sorted(catalog.get("packs", {}))
    term = [p for p in DEMO_UNITS if p in published]
    return term or published


def seed_class(db, teacher_id: int, name: str, size: int, catalog: dict, days: int = DEMO_DAYS,
               seed: int = DEMO_SEED, now: float | None = None) -> tuple:
    """A class of `size` students (languages and the teacher's groups set) with `days` of history."""
    klass = create_class(db, teacher_id, name, release_mode="auto")
    students = [add_student(db, klass["id"], n, loc) for n, loc in student_names(size)]
    with write(db):
        for pack_id in demo_units(catalog):
            db["assignments"].insert({"class_id": klass["id"], "pack_id": pack_id, "assigned_at": time.time()},
                                     replace=True)
    if catalog.get("items"):
        history = seed_history(db, [s["id"] for s in students], catalog, days, seed, now, tag=klass["code"],
                               approve_class_id=klass["id"])
        _teacher_groups(db, students, history["profiles"])
    else:
        _set_release_mode(db, klass["id"], "approve")
    return klass, students


def _teacher_groups(db, students: list, profiles: dict) -> None:
    """Sections A and B, and "Shared phone" for the students whose phone is rarely online (as a teacher knows)."""
    with write(db):
        for index, (student, profile) in enumerate(zip(students, profiles.values())):
            groups = ["Section A" if index % 2 == 0 else "Section B"]
            if profile != "daily":
                groups.append("Shared phone")
            db.execute("UPDATE students SET groups = ? WHERE id = ?", [json.dumps(groups), student["id"]])


def _example_decisions(db, teacher_id: int, students: list) -> None:
    """A few decisions a teacher would have made in two weeks, so the pages show how they look."""
    from ..planning.decisions import record_override
    if len(students) < 3:
        return
    first, second, third = students[0], students[1], students[2]
    skill = db.execute("SELECT skill_id, p_known FROM mastery WHERE student_id = ? AND attempts > 0 "
                       "ORDER BY p_known LIMIT 1", [first["id"]]).fetchone()
    if skill:
        record_override(db, teacher_id, first["id"], first["class_id"], "mastery", skill[0], skill[1], 0.9,
                        "Explained it back to me on the board in class")
    with write(db):
        db.execute("UPDATE students SET audio = 1 WHERE id = ?", [second["id"]])
        record_override(db, teacher_id, second["id"], second["class_id"], "audio", None, False, True,
                        "Reads slowly; listening helps")
        record_override(db, teacher_id, third["id"], third["class_id"], "items_per_set", None, None, 3,
                        "Long sets on a shared phone are hard to finish")


def seed_demo(db_path=None) -> dict:
    """Seed the demo if the database has none; either way return how to use it."""
    db = connect(db_path)
    try:
        stored = db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
        if stored:
            return dict(json.loads(stored[0]), url=demo_url())
        catalog = publish_packs(db)
        password = secrets.token_urlsafe(9)
        with write(db):
            teacher_id = db["users"].insert({"username": "teacher", "password_hash": hash_password(password), "role": "teacher",
                                "display_name": "Demo teacher", "created_at": time.time()}).last_pk
        klass, students = seed_class(db, teacher_id, "Class 7A (demo)", DEMO_CLASS_SIZE, catalog)
        _example_decisions(db, teacher_id, students)
        result = {"teacher": {"username": "teacher", "password": password}, "class_code": klass["code"],
                  "students": [{"name": s["display_name"], "pin": s["pin"]} for s in students]}
        with write(db):
            db["settings"].insert({"key": "demo", "value": json.dumps(result)}, replace=True)
        return dict(result, url=demo_url())
    finally:
        db.close()

"""`abhyas demo`: a teacher, a class and students to try Abhyas with, seeded once."""
from __future__ import annotations

import json
import os
import secrets
import time

from .classes import add_student, create_class
from .db import connect, write
from .passwords import hash_password

DEMO_STUDENTS = [("Aarav", "hi"), ("Meena", "ta"), ("Ravi", "en"), ("Fatima", "hi"), ("Kavya", "ta"),
                 ("Arjun", "en"), ("Priya", "hi"), ("Selvi", "ta")]


def demo_url() -> str:
    """Where `make run` serves the app."""
    return f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/"


def seed_demo(db_path=None) -> dict:
    """Seed the demo if the database has none; either way return how to use it."""
    db = connect(db_path)
    try:
        stored = db.execute("SELECT value FROM settings WHERE key = 'demo'").fetchone()
        if stored:
            return dict(json.loads(stored[0]), url=demo_url())
        password = secrets.token_urlsafe(9)
        with write(db):
            db["users"].insert({"username": "teacher", "password_hash": hash_password(password), "role": "teacher",
                                "display_name": "Demo teacher", "created_at": time.time()})
            teacher_id = db.execute("SELECT last_insert_rowid()").fetchone()[0]
        klass = create_class(db, teacher_id, "Class 7A (demo)", release_mode="auto")
        students = [add_student(db, klass["id"], name, locale) for name, locale in DEMO_STUDENTS]
        with write(db):
            for pack in db.execute("SELECT DISTINCT pack_id FROM packs").fetchall():
                db["assignments"].insert({"class_id": klass["id"], "pack_id": pack[0], "assigned_at": time.time()},
                                         replace=True)
        result = {"teacher": {"username": "teacher", "password": password}, "class_code": klass["code"],
                  "students": [{"name": s["display_name"], "pin": s["pin"]} for s in students]}
        with write(db):
            db["settings"].insert({"key": "demo", "value": json.dumps(result)}, replace=True)
        return dict(result, url=demo_url())
    finally:
        db.conn.close()

"""Classes and students: codes, PINs and the records a teacher creates."""
from __future__ import annotations

import json
import secrets
import time

from ..db import write

# No 0/O, 1/I/L: codes are read aloud in class and typed on small keyboards.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_class_code(db) -> str:
    """A fresh six-character class code nobody else uses."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
        if not db.execute("SELECT 1 FROM classes WHERE code = ?", [code]).fetchone():
            return code


def new_pin(db, class_id: int) -> str:
    """A fresh four-digit PIN, unique within the class (the pair names one student)."""
    taken = {row[0] for row in db.execute("SELECT pin FROM students WHERE class_id = ?", [class_id])}
    if len(taken) >= 9000:
        raise ValueError("this class has no free PINs left")
    while True:
        pin = f"{secrets.randbelow(9000) + 1000}"
        if pin not in taken:
            return pin


def create_class(db, teacher_id: int, name: str, release_mode: str = "approve", settings: dict | None = None) -> dict:
    """Create a class for a teacher; return its row."""
    with write(db):
        code = new_class_code(db)
        class_id = db["classes"].insert({"code": code, "name": name, "teacher_id": teacher_id, "release_mode": release_mode,
                              "settings": json.dumps(settings or {}), "created_at": time.time()}).last_pk
    return db["classes"].get(class_id)


def add_student(db, class_id: int, display_name: str, locale: str = "en", pin: str | None = None,
                simplified: bool = False, audio: bool = False) -> dict:
    """Add a student by display name (no other personal data) with the phone's starting language, simplified text
    and audio; return the row with its PIN."""
    with write(db):
        pin = pin or new_pin(db, class_id)
        student_id = db["students"].insert({"class_id": class_id, "display_name": display_name.strip()[:60], "pin": pin,
                               "locale": locale, "simplified": int(bool(simplified)), "audio": int(bool(audio)),
                               "created_at": time.time()}).last_pk
    return db["students"].get(student_id)

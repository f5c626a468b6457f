"""A teacher's class for the teacher benchmarks: built packs, a signed-in teacher, 60 students with the demo's two
weeks, and on request a school year of older events each, all stored through the real sync path."""
from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_P95_MS = 50.0
BUDGET_BR_BYTES = 30 * 1024
TEACHER, PASSWORD = "bench", "bench-pass"


def build_packs(instance: Path) -> list:
    """Build every bundled pack that builds (a pack mid-edit is skipped with a note); the sample pack if none does."""
    from app.packs.build import build_pack
    built = []
    for source in sorted((ROOT / "content_packs").iterdir()):
        if (source / "pack.yaml").exists():
            try:
                build_pack(source, instance / "packs")
                built.append(source.name)
            except Exception as exc:  # noqa: BLE001 - a broken draft pack should not stop the benchmark
                print(f"note: skipped {source.name}: {str(exc)[:120]}", file=sys.stderr)
    if not built:
        build_pack(ROOT / "tests" / "fixtures" / "packs" / "sample-6", instance / "packs")
        built.append("sample-6")
    return built


def p95(times: list) -> float:
    """The 95th percentile of a list of times, as the budgets read it."""
    ordered = sorted(times)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)], 2)


def seed_year(db, catalog: dict, class_id: int, per_student: int) -> float:
    """Give every student `per_student` older events (a school year before the demo's weeks), stored as syncs store
    them, and fold each student's log once as their next sync would; return the seconds it took."""
    from app.planning.refresh import refresh_student
    from app.sync.devices import device_for_token, issue_token
    from app.sync.history import seed_history
    started = time.perf_counter()
    rng = random.Random(14)
    ends = time.time() - 15 * 86400  # the demo's own history covers the last two weeks
    for (sid,) in db.execute("SELECT id FROM students WHERE class_id = ?", [class_id]).fetchall():
        seed_history(db, device_for_token(db, issue_token(db, sid, "last year's phone")), catalog["items"],
                     per_student, ends, rng)
        refresh_student(db, sid, catalog)
    return time.perf_counter() - started


def seed_instance(instance: Path, students: int, history: int) -> tuple:
    """(app, db, catalog, class, packs built, seconds seeding took) for a fresh instance folder."""
    from app import create_app
    from app.auth.passwords import hash_password
    from app.db import connect, write
    from app.ops.demo import publish_packs, seed_class
    packs = build_packs(instance)
    app = create_app({"TESTING": True})
    db = connect(app.config["DATABASE"])
    catalog = publish_packs(db)
    with write(db):
        db["users"].insert({"username": TEACHER, "password_hash": hash_password(PASSWORD), "role": "teacher",
                            "created_at": time.time()})
        teacher_id = db.execute("SELECT id FROM users WHERE username = ?", [TEACHER]).fetchone()[0]
    started = time.perf_counter()
    klass, _ = seed_class(db, teacher_id, "Bench class", students, catalog)
    if history:
        seed_year(db, catalog, klass["id"], history)
    return app, db, catalog, klass, packs, time.perf_counter() - started


def signed_in(app):
    """A test client of the app signed in as the bench teacher through the sign-in form."""
    import re
    client = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/teacher").get_data(as_text=True)).group(1)
    client.post("/teacher/sign-in", data={"username": TEACHER, "password": PASSWORD, "csrf_token": token})
    return client

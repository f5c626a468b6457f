"""`abhyas demo`: a class of 30+ with two weeks of real, server-graded history; seeded once, fast."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from app.auth.passwords import check_password
from app.db import connect
from app.ops.demo import DEMO_CLASS_SIZE, seed_demo

DAY = 86400
TABLES = ("users", "classes", "students", "devices", "events", "sets", "mastery", "mastery_history", "overrides")


def _counts(db):
    return {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}  # noqa: S608


def test_demo_seeds_a_realistic_class_once(app, instance):
    """30+ students, real synced events, daily mastery history, proposals waiting, quiet phones; second call a no-op."""
    from app.packs.build import build_pack
    from app.paths import PROJECT_ROOT
    build_pack(PROJECT_ROOT / "content_packs" / "fractions-6", instance / "packs")  # real curriculum, beside the sample pack
    started = time.perf_counter()
    result = seed_demo()
    elapsed = time.perf_counter() - started
    assert elapsed < 20, f"seeding took {elapsed:.1f} s"
    assert set(result) == {"url", "teacher", "class_code", "students"}
    assert set(result["teacher"]) == {"username", "password"}
    assert len(result["students"]) == DEMO_CLASS_SIZE >= 30
    assert all(set(s) == {"name", "pin"} and len(s["pin"]) == 4 for s in result["students"])
    db = connect(app.config["DATABASE"])
    user = db.execute("SELECT password_hash, role FROM users WHERE username = ?",
                      [result["teacher"]["username"]]).fetchone()
    assert user[1] == "teacher" and check_password(user[0], result["teacher"]["password"])
    now = time.time()
    answers = db.execute("SELECT count(*), count(correct), count(misconception), count(DISTINCT student_id), "
                         "min(server_ts) FROM events WHERE type = 'answer'").fetchone()
    assert answers[0] > 500 and answers[1] == answers[0]  # every answer was graded by the server
    assert answers[2] > 10 and answers[3] >= 25 and answers[4] < now - 10 * DAY
    assert db.execute("SELECT count(*) FROM events e LEFT JOIN devices d ON d.id = e.device_id "
                      "WHERE d.student_id IS DISTINCT FROM e.student_id").fetchone()[0] == 0
    assert db.execute("SELECT count(DISTINCT day) FROM mastery_history").fetchone()[0] >= 10
    statuses = dict(db.execute("SELECT status, count(*) FROM sets GROUP BY status").fetchall())
    assert statuses.get("completed", 0) > 50 and 0 < statuses.get("proposed", 0) < DEMO_CLASS_SIZE
    last_sync = [row[0] for row in db.execute("SELECT max(d.last_seen_at) FROM students s "
                                              "JOIN devices d ON d.student_id = s.id GROUP BY s.id")]
    assert sum(1 for t in last_sync if t < now - 4 * DAY) >= 2, "some students are rarely online"
    assert sum(1 for t in last_sync if t > now - DAY) >= 10
    groups = [json.loads(row[0]) for row in db.execute("SELECT groups FROM students")]
    assert sum("Shared phone" in g for g in groups) >= 2
    assert db.execute("SELECT count(*) FROM overrides WHERE target = 'mastery'").fetchone()[0] == 1
    before = _counts(db)
    assert seed_demo() == result
    assert _counts(db) == before


def test_demo_command_prints_the_contract_json(app, instance):
    """`python -m app demo --json --db PATH` prints the contract keys and, called again, the same JSON."""
    path = instance / "other.db"
    env = dict(os.environ, ABHYAS_INSTANCE=str(instance))
    run = lambda: subprocess.run([sys.executable, "-m", "app", "demo", "--json", "--db", str(path)],  # noqa: E731
                                 env=env, capture_output=True, text=True, timeout=120)
    first = run()
    assert first.returncode == 0, first.stderr
    data = json.loads(first.stdout)
    assert set(data) == {"url", "teacher", "class_code", "students"} and len(data["students"]) >= 30
    assert run().stdout == first.stdout

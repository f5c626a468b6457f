"""`abhyas fit` on a bounded sample: each skill's latest answers only, and no stored replay outlives the fit."""
from __future__ import annotations

import random
import time
from pathlib import Path

from app.db import connect
from app.ops.fitting_job import fit_and_store, recent_cutoffs, recent_logs
from app.packs.registry import load_catalog
from app.planning.replay import state_for
from app.sync.history import seed_history
from app.teacher.class_records import add_student, create_class


def test_each_skill_is_fitted_on_its_latest_answers_only(app):
    db = connect(app.config["DATABASE"])
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    files = Path(app.config["PACKS_DIR"]) / "files"
    catalog = load_catalog(db, files)
    klass = create_class(db, 1, "7A")
    students = []
    for name in ("Asha", "Bala"):
        sid = add_student(db, klass["id"], name)["id"]
        device_id = db["devices"].insert({"student_id": sid, "token_hash": f"h{sid}", "created_at": 0}).last_pk
        device = {"device_id": device_id, "student_id": sid}
        seed_history(db, device, catalog["items"], 400, time.time() - 86400, random.Random(sid))
        students.append(sid)
    state_for(db, students[0], catalog)
    assert db.execute("SELECT count(*) FROM checkpoints").fetchone()[0] > 0

    cutoffs = recent_cutoffs(db, catalog, limit=20)
    sampled = [e for log in recent_logs(db, catalog, cutoffs) for e in log]
    for skill, cutoff in cutoffs.items():
        answers = [e for e in sampled if e["type"] == "answer" and catalog["items"][e["item"]]["skill"] == skill]
        everything = db.execute("SELECT count(*) FROM events WHERE type = 'answer' AND item_id IN "
                                f"({','.join('?' * len(catalog['items']))})", list(catalog["items"])).fetchone()[0]
        assert len(answers) <= 20 + 1, "ties at the cutoff second may add one"
        if cutoff is not None:
            assert all(e["ts"] >= cutoff for e in answers) and len(answers) >= 20
        assert everything > 20

    fits = fit_and_store(app.config["DATABASE"], files, limit=20)
    assert fits and all(fit["n_responses"] <= 21 for fit in fits.values())
    assert db.execute("SELECT count(*) FROM checkpoints").fetchone()[0] == 0, "the fit outdated every stored replay"

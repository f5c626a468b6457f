"""`abhyas fit`: fit BKT parameters per skill from the whole event log and store them."""
from __future__ import annotations

import time
from pathlib import Path

from .adaptive.fit import fit_skills
from .db import connect, write
from .packs.registry import load_catalog
from .paths import packs_dir


def fit_and_store(db_path=None, files_dir: Path | None = None) -> dict:
    """Fit every skill that has answers (defaults where data is thin); return a summary per skill."""
    db = connect(db_path)
    try:
        catalog = load_catalog(db, Path(files_dir or packs_dir() / "files"))
        skill_of = {item_id: item["skill"] for item_id, item in catalog["items"].items()}
        rows = [(student, skill_of[item], bool(correct)) for student, item, correct in db.execute(
            "SELECT student_id, item_id, correct FROM events WHERE type = 'answer' AND correct IS NOT NULL "
            "ORDER BY student_id, server_ts, device_id, seq") if item in skill_of]
        fits = fit_skills(rows)
        now = time.time()
        with write(db):
            for skill, fit in fits.items():
                db["skill_params"].upsert({"skill_id": skill, **fit.params.as_dict(), "responses": fit.n_responses,
                                           "fitted_at": now}, pk="skill_id")
        return {skill: fit.as_dict() for skill, fit in sorted(fits.items())}
    finally:
        db.conn.close()

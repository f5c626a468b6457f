"""`abhyas fit`: fit BKT parameters per skill from the whole event log and store them."""
from __future__ import annotations

import time
from pathlib import Path

from ..adaptive.fit import fit_from_events
from ..db import connect, write
from ..packs.registry import load_catalog
from ..paths import packs_dir
from ..planning.replay import event_log


def fit_and_store(db_path=None, files_dir: Path | None = None) -> dict:
    """Fit every skill that has answers (defaults where data is thin); return a summary per skill."""
    db = connect(db_path)
    try:
        catalog = load_catalog(db, Path(files_dir or packs_dir() / "files"))
        # The same log and the same crediting rule as replay, so fitted parameters mean what replay assumes.
        students = [row[0] for row in db.execute("SELECT DISTINCT student_id FROM events")]
        fits = fit_from_events((event_log(db, student) for student in students), catalog)
        now = time.time()
        with write(db):
            for skill, fit in fits.items():
                db["skill_params"].upsert({"skill_id": skill, **fit.params.as_dict(), "responses": fit.n_responses,
                                           "fitted_at": now}, pk="skill_id")
        return {skill: fit.as_dict() for skill, fit in sorted(fits.items())}
    finally:
        db.conn.close()

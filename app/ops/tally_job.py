"""`abhyas tally`: tally every student's log now (after an upgrade or a pack update) rather than on the first report."""
from __future__ import annotations

import time
from pathlib import Path

from ..db import connect
from ..packs.registry import load_catalog
from ..paths import packs_dir
from ..sync.tallies import ensure_tallies


def tally_all(db_path=None, files_dir: Path | None = None) -> dict:
    """Bring every student's running tallies up to date with the log and the catalog; say how many were redone."""
    db = connect(db_path)
    try:
        catalog = load_catalog(db, Path(files_dir or packs_dir() / "files"))
        students = [row[0] for row in db.execute("SELECT id FROM students ORDER BY id")]
        started = time.perf_counter()
        redone = ensure_tallies(db, students, catalog["items"])
        return {"students": len(students), "tallied": redone, "seconds": round(time.perf_counter() - started, 2)}
    finally:
        db.close()

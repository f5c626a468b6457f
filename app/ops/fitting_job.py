"""`abhyas fit`: fit BKT parameters per skill from a bounded, recent sample of the event log and store them.

A district's school year is millions of answers; fitting on all of them would take ever longer
and weigh last year's cohort as much as this term's. Each skill is fitted on its most recent
`RECENT_ANSWERS_PER_SKILL` answers (with the shown and hint events around them, which decide
what counts as a first, unhinted attempt); a skill with fewer is fitted on all of its own.

Cron may start it on every app server of a deployment: a lease (app/leases.py) lets one
fit while the others skip, so no two fits write parameters and clear checkpoints at once.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from ..adaptive.fit import fit_from_events
from ..db import connect, write
from ..leases import exclusive
from ..packs.registry import load_catalog
from ..paths import packs_dir
from ..planning.log import read_log

RECENT_ANSWERS_PER_SKILL = 50_000
JOB = "fit"
LEASE_SECONDS = 6 * 3600  # a fit that dies holds the job at most this long; a district's fit takes minutes


def recent_cutoffs(db, catalog: dict, limit: int = RECENT_ANSWERS_PER_SKILL) -> dict:
    """Per skill, the trusted time from which its latest `limit` answers run (None: it has no more than that)."""
    items_by_skill: dict = {}
    for item_id, item in catalog["items"].items():
        items_by_skill.setdefault(item["skill"], []).append(item_id)
    cutoffs = {}
    for skill, items in sorted(items_by_skill.items()):
        row = db.execute(f"SELECT server_ts FROM events WHERE type = 'answer' AND item_id IN ({','.join('?' * len(items))}) "  # noqa: S608
                         "ORDER BY server_ts DESC LIMIT 1 OFFSET ?", [*items, limit - 1]).fetchone()
        cutoffs[skill] = row[0] if row else None
    return cutoffs


def recent_logs(db, catalog: dict, cutoffs: dict):
    """Each student's log, in canonical order, holding only each skill's events from that skill's cutoff on."""
    bounded = [c for c in cutoffs.values() if c is not None]
    since = min(bounded) if bounded and len(bounded) == len(cutoffs) else None
    students = [row[0] for row in db.execute(
        "SELECT DISTINCT student_id FROM events" + (" WHERE server_ts >= ?" if since is not None else ""),
        [since] if since is not None else [])]
    items = catalog["items"]
    for student in students:
        log = read_log(db, student, since=since)
        yield [e for e in log if e["item"] in items
               and (cutoffs.get(items[e["item"]]["skill"]) is None or e["ts"] >= cutoffs[items[e["item"]]["skill"]])]


def fit_and_store(db_path=None, files_dir: Path | None = None, limit: int = RECENT_ANSWERS_PER_SKILL) -> dict | None:
    """Fit every skill that has answers (defaults where data is thin); return a summary per skill (None: another
    server is fitting right now)."""
    db = connect(db_path)
    try:
        with exclusive(db, JOB, LEASE_SECONDS) as won:
            return _fit(db, files_dir, limit) if won else None
    finally:
        db.close()


def _fit(db, files_dir: Path | None, limit: int) -> dict:
    """The fit itself, on an open database this process holds the job's lease on."""
    catalog = load_catalog(db, Path(files_dir or packs_dir() / "files"))
    # The same log and the same crediting rule as replay, so fitted parameters mean what replay assumes.
    fits = fit_from_events(recent_logs(db, catalog, recent_cutoffs(db, catalog, limit)), catalog)
    now = time.time()
    with write(db):
        for skill, fit in fits.items():
            params = fit.params.as_dict()
            params["item_offsets"] = json.dumps(params["item_offsets"], sort_keys=True, separators=(",", ":"))
            db["skill_params"].upsert({"skill_id": skill, **params, "responses": fit.n_responses,
                                       "fitted_at": now}, pk="skill_id")
        # Stored replays were folded with the old parameters: each student's next sync replays their log afresh.
        db.execute("DELETE FROM checkpoints")
    return {skill: fit.as_dict() for skill, fit in sorted(fits.items())}

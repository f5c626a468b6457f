"""Running tallies of each student's log, kept as events are stored, for the teacher's whole-history reports.

A school year is ~10,000 events a student; the items report and the before-and-after reports
would otherwise read every one of them on each view. Three small tables hold what those pages
need, each a sum or a first over the log, so the order in which events arrive (a second phone,
a late clock, a resend) changes nothing:
- item_tallies: per student and item, the first answer in log order (right?, seconds) and the skips;
- wrong_tallies: per student, item, response and misconception, how many wrong answers and the first's position;
- answer_days: per student, UTC day, skill and misconception, how many answers.
A student's tallies are kept from their first stored batch; a student who had events before the
tallies existed is tallied once from the whole log when a report first asks (`ensure_tallies`),
and so is every student after a pack update changes which items belong to which skills (the
catalog's basis: items added count too), as the stored checkpoints are replayed after one. Deleting a student deletes
them; blanking old responses (retention) re-tallies the wrong answers without the text.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections import defaultdict

from ..db import write

DAY = 86400
TALLY_TABLES = ("item_tallies", "wrong_tallies", "answer_days", "tally_basis")
# A key column cannot be NULL in PostgreSQL: no misconception is '', and a response is '=' + its text, '' when blanked.
NO_MC = ""

# The first event in log order (time, then phone, then the phone's sequence) wins.
_EARLIER = ("(excluded.first_ts < {t}.first_ts OR (excluded.first_ts = {t}.first_ts AND "
            "(excluded.first_device < {t}.first_device OR (excluded.first_device = {t}.first_device "
            "AND excluded.first_seq < {t}.first_seq))))")
UPSERT_FIRST = (
    "INSERT INTO item_tallies (student_id, item_id, skips, first_ts, first_device, first_seq, first_correct, first_secs) "
    "VALUES (?, ?, 0, ?, ?, ?, ?, ?) ON CONFLICT (student_id, item_id) DO UPDATE SET first_ts = excluded.first_ts, "
    "first_device = excluded.first_device, first_seq = excluded.first_seq, first_correct = excluded.first_correct, "
    "first_secs = excluded.first_secs WHERE item_tallies.first_ts IS NULL OR " + _EARLIER.format(t="item_tallies"))
UPSERT_SKIPS = ("INSERT INTO item_tallies (student_id, item_id, skips) VALUES (?, ?, ?) ON CONFLICT (student_id, item_id) "
                "DO UPDATE SET skips = item_tallies.skips + excluded.skips")
_WRONG_FIRST = "CASE WHEN " + _EARLIER.format(t="wrong_tallies") + " THEN excluded.{c} ELSE wrong_tallies.{c} END"
UPSERT_WRONG = (
    "INSERT INTO wrong_tallies (student_id, item_id, response_key, mc_key, answers, first_ts, first_device, first_seq) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (student_id, item_id, response_key, mc_key) DO UPDATE SET "
    "answers = wrong_tallies.answers + excluded.answers, "
    + ", ".join(f"{c} = {_WRONG_FIRST.format(c=c)}" for c in ("first_ts", "first_device", "first_seq")))
UPSERT_DAY = ("INSERT INTO answer_days (student_id, day, skill_id, mc_key, answers) VALUES (?, ?, ?, ?, ?) "
              "ON CONFLICT (student_id, day, skill_id, mc_key) DO UPDATE SET answers = answer_days.answers + excluded.answers")

_basis_memo: list = [None, None]


def catalog_basis(items: dict) -> str:
    """A fingerprint of which skill each item belongs to (answer_days counts by skill)."""
    if _basis_memo[0] is not items:
        pairs = sorted((item_id, item.get("skill") or "") for item_id, item in items.items())
        _basis_memo[:] = [items, hashlib.sha256(json.dumps(pairs).encode()).hexdigest()[:16]]
    return _basis_memo[1]


def response_key(response) -> str:
    """A response as the wrong_tallies key holds it ('' for a blanked one)."""
    return "" if response is None else "=" + response


def response_of(key: str):
    """The response a wrong_tallies key stands for (None when it was blanked)."""
    return key[1:] if key else None


def _tally(rows: list, items: dict) -> tuple:
    """Per-key increments of a list of event rows (dicts with the events table's columns)."""
    firsts: dict = {}
    skips: dict = defaultdict(int)
    wrong: dict = {}
    days: dict = defaultdict(int)
    for r in rows:
        if r["type"] == "skip" and r["item_id"] is not None:
            skips[(r["student_id"], r["item_id"])] += 1
        if r["type"] != "answer":
            continue
        order = (r["server_ts"], r["device_id"], r["seq"])
        key = (r["student_id"], r["item_id"])
        if key not in firsts or order < firsts[key][0]:
            firsts[key] = (order, r["correct"], r["secs"])
        mc = r["misconception"] or NO_MC
        if not r["correct"]:
            wkey = key + (response_key(r["response"]), mc)
            count, first = wrong.get(wkey, (0, order))
            wrong[wkey] = (count + 1, min(first, order))
        skill = (items.get(r["item_id"]) or {}).get("skill") or ""
        days[(r["student_id"], int(r["server_ts"] // DAY), skill, mc)] += 1
    return firsts, skips, wrong, days


def _apply(db, rows: list, items: dict) -> None:
    firsts, skips, wrong, days = _tally(rows, items)
    db.executemany(UPSERT_FIRST, [k + order + (correct, secs) for k, (order, correct, secs) in firsts.items()])
    db.executemany(UPSERT_SKIPS, [k + (n,) for k, n in skips.items()])
    db.executemany(UPSERT_WRONG, [k + (n,) + first for k, (n, first) in wrong.items()])
    db.executemany(UPSERT_DAY, [k + (n,) for k, n in days.items()])


def record_stored(db, student_id: int, rows: list, items: dict) -> None:
    """Add a batch's newly stored events to the student's tallies (inside the batch's write transaction).

    A student whose tallies are not kept yet starts with this batch only when it is their first;
    otherwise the whole log is tallied later, when a report asks."""
    basis = catalog_basis(items)
    kept = db.execute("SELECT basis FROM tally_basis WHERE student_id = ?", [student_id]).fetchone()
    if kept is None:
        if db.execute("SELECT count(*) FROM events WHERE student_id = ?", [student_id]).fetchone()[0] > len(rows):
            return
        db.execute("INSERT INTO tally_basis (student_id, basis, built_at) VALUES (?, ?, ?)", [student_id, basis, time.time()])
    elif kept[0] != basis:
        return
    _apply(db, rows, items)


LOG_COLUMNS = ("student_id", "type", "item_id", "correct", "misconception", "response", "secs", "server_ts",
               "device_id", "seq")


def _log_rows(db, student_id: int, types: tuple, extra: str = "") -> list:
    marks = ", ".join("?" * len(types))
    cursor = db.execute(f"SELECT {', '.join(LOG_COLUMNS)} FROM events WHERE student_id = ? "  # noqa: S608
                        f"AND type IN ({marks}){extra}", [student_id, *types])
    return [dict(zip(LOG_COLUMNS, row)) for row in cursor]


def rebuild_tallies(db, student_id: int, items: dict) -> None:
    """Tally a student's whole log afresh (the first report after an upgrade, or after items changed skill)."""
    with write(db, student=student_id):
        for table in TALLY_TABLES:
            db.execute(f"DELETE FROM {table} WHERE student_id = ?", [student_id])  # noqa: S608
        _apply(db, _log_rows(db, student_id, ("answer", "skip")), items)
        db.execute("INSERT INTO tally_basis (student_id, basis, built_at) VALUES (?, ?, ?)",
                   [student_id, catalog_basis(items), time.time()])


def ensure_tallies(db, student_ids: list, items: dict) -> int:
    """Make sure every one of these students' tallies covers their whole log under the current catalog;
    return how many had to be tallied from their log."""
    if not student_ids:
        return 0
    marks = ",".join("?" * len(student_ids))
    kept = dict(db.execute(f"SELECT student_id, basis FROM tally_basis WHERE student_id IN ({marks})",  # noqa: S608
                           student_ids).fetchall())
    basis = catalog_basis(items)
    stale = [student_id for student_id in student_ids if kept.get(student_id) != basis]
    for student_id in stale:
        rebuild_tallies(db, student_id, items)
    return len(stale)


def retally_wrong(db, student_ids: list) -> None:
    """Count the wrong answers of these students again from the log (after their old responses were blanked)."""
    for student_id in student_ids:
        with write(db, student=student_id):
            db.execute("DELETE FROM wrong_tallies WHERE student_id = ?", [student_id])
            _, _, wrong, _ = _tally(_log_rows(db, student_id, ("answer",), " AND (correct IS NULL OR correct = 0)"), {})
            db.executemany(UPSERT_WRONG, [k + (n,) + first for k, (n, first) in wrong.items()])

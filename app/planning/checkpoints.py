"""Stored folds of each student's log: a sync folds in only its new events, a late event rewinds a few days.

A checkpoint row is a `Fold` after the events up to a position, and how many events that
was. It is still good exactly when the log holds that many events at or before its
position (events are only ever added), so no caller has to say which events are new: the
latest good checkpoint is found by counting. One row is kept per UTC day of its position,
for the latest `KEEP_DAYS` days: a second phone or a late clock delivering answers from
earlier in the week rewinds to the day before them, not to the start of the year. A
checkpoint whose basis (fitted parameters, threshold, catalog, diagnostic sets, model code)
differs from today's is dropped and the state replayed from the log.
"""
from __future__ import annotations

import time

from ..adaptive.checkpoint import Fold, fold_basis, priors_for
from ..db import write
from .log import count_through, read_log

KEEP_DAYS = 8
CHECKPOINT_COLUMNS = ("student_id", "day", "pos_ts", "pos_device", "pos_seq", "pos_id", "events", "basis", "state",
                      "saved_at")
# ON CONFLICT ... DO UPDATE is standard on SQLite (3.24+) and PostgreSQL alike.
UPSERT = (f"INSERT INTO checkpoints ({', '.join(CHECKPOINT_COLUMNS)}) VALUES ({', '.join('?' * len(CHECKPOINT_COLUMNS))}) "
          "ON CONFLICT (student_id, day) DO UPDATE SET "
          + ", ".join(f"{c} = excluded.{c}" for c in CHECKPOINT_COLUMNS[2:]))


def _from_scratch(db, student_id: int, catalog: dict, params: dict, threshold: float, diagnostic_sets) -> tuple:
    """(a fold before the first event, the whole log): the diagnostic's priors come from the whole log first."""
    log = read_log(db, student_id)
    answers = [[e["item"], bool(e["correct"])] for e in log
               if e["set"] in diagnostic_sets and e["type"] == "answer" and e["attempt"] == 1]
    return Fold.start(catalog, params, threshold, priors_for(answers, catalog, params), diagnostic_sets), log


def current_fold(db, student_id: int, catalog: dict, params: dict, threshold: float, diagnostic_sets,
                 total_events: int, now: float | None = None) -> Fold:
    """The student's fold over their whole log, from the latest good checkpoint; the checkpoints are kept up to date.

    `total_events` is how many events the student has stored (the caller counts them anyway).
    """
    diagnostic_sets = frozenset(diagnostic_sets)
    basis = fold_basis(catalog, params, threshold, diagnostic_sets)
    rows = db.execute("SELECT day, pos_ts, pos_device, pos_seq, pos_id, events, basis FROM checkpoints "
                      "WHERE student_id = ? ORDER BY day DESC", [student_id]).fetchall()
    start, tail, stale = None, None, [row[0] for row in rows]
    if rows and all(row[6] == basis for row in rows):
        for index, (day, ts, device, seq, event_id, events, _basis) in enumerate(rows):
            position = (ts, device, seq, event_id)
            if index == 0:
                tail = read_log(db, student_id, after=position)
                good = events + len(tail) == total_events
            else:
                good = count_through(db, student_id, position) == events
                tail = read_log(db, student_id, after=position) if good else None
            if good:
                start, stale = day, [row[0] for row in rows[:index]]
                break
    if start is None:
        fold, tail = _from_scratch(db, student_id, catalog, params, threshold, diagnostic_sets)
    else:
        blob = db.execute("SELECT state FROM checkpoints WHERE student_id = ? AND day = ?", [student_id, start]).fetchone()[0]
        fold = Fold.from_blob(blob, params)
    fold, snapshots = _advance(fold, tail, catalog)
    if priors_for(fold.diagnostic_answers, catalog, params) != fold.priors:
        # New diagnostic answers seed different priors: every answer since the start reads differently.
        fold, tail = _from_scratch(db, student_id, catalog, params, threshold, diagnostic_sets)
        fold, snapshots = _advance(fold, tail, catalog)
        stale = [row[0] for row in rows]
    if tail or stale:
        _save(db, student_id, fold, snapshots, stale, basis, now or time.time())
    return fold


def _advance(fold: Fold, tail: list, catalog: dict) -> tuple:
    """Fold `tail` in; return the fold and {day: (fold blob, position, events)} for the last days it crossed."""
    snapshots: dict = {}
    keep_from = (tail[-1]["ts"] // 86400 - KEEP_DAYS) if tail else None

    def keep_day(at: Fold) -> None:
        if at.day >= keep_from:
            snapshots[at.day] = (at.to_blob(), at.position, at.state.events)

    fold.advance(tail, catalog, on_day_end=keep_day)
    return fold, snapshots


def _save(db, student_id: int, fold: Fold, snapshots: dict, stale: list, basis: str, now: float) -> None:
    """Store the day snapshots and the head; drop what the log outdated and days beyond the kept few."""
    if fold.position is None:
        with write(db, student=student_id):
            db.execute("DELETE FROM checkpoints WHERE student_id = ?", [student_id])
        return
    snapshots[fold.day] = (fold.to_blob(), fold.position, fold.state.events)
    days = sorted(snapshots)
    with write(db, student=student_id):
        if stale:
            db.execute(f"DELETE FROM checkpoints WHERE student_id = ? AND day IN ({','.join('?' * len(stale))})",  # noqa: S608
                       [student_id, *stale])
        db.executemany(UPSERT, [(student_id, day, *snapshots[day][1], snapshots[day][2], basis, snapshots[day][0], now)
                                     for day in days])
        kept = [row[0] for row in db.execute("SELECT day FROM checkpoints WHERE student_id = ? ORDER BY day DESC",
                                             [student_id]).fetchall()]
        if len(kept) > KEEP_DAYS:
            db.execute("DELETE FROM checkpoints WHERE student_id = ? AND day < ?", [student_id, kept[KEEP_DAYS - 1]])


def drop_checkpoints(db, student_id: int | None = None) -> int:
    """Forget stored folds (one student's, or everyone's after a fit); they are rebuilt from the log when needed."""
    with write(db, student=student_id):  # everyone's (student None) is a global write
        if student_id is None:
            return db.execute("DELETE FROM checkpoints").rowcount
        return db.execute("DELETE FROM checkpoints WHERE student_id = ?", [student_id]).rowcount

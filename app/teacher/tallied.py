"""Whole-history figures for the items report and the before-and-after reports, read from the running tallies.

A year of a class is ~600,000 events; these reads touch only the tallies kept as events are
stored (app/sync/tallies.py) and a few grouped rows of mastery history, so a report costs the
same in June as in July. Each returns what the in-Python walk over every event used to build,
in the same order, so the figures (ties included) are the same.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from ..sync.tallies import DAY, ensure_tallies, response_of
from .outcomes import DEFAULT_PRIOR

IN_CLASS = "student_id IN (SELECT id FROM students WHERE class_id = ?)"


def first_event_ts(db, class_id: int) -> float | None:
    """When the class's first stored event happened (any kind)."""
    return db.execute(f"SELECT min(server_ts) FROM events WHERE {IN_CLASS}", [class_id]).fetchone()[0]  # noqa: S608


def _only(column: str, only: list | None) -> tuple:
    """A filter to some items (all when `only` is None), and its parameters."""
    if only is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(only))})" if only else " AND 1 = 0", list(only)


def item_evidence(db, class_id: int, students: list, items: dict, only: list | None = None) -> tuple:
    """(first, seconds, wrong, skips) as `insights.item_evidence` finds them in a snapshot of the whole history,
    for the items in `only` (every item when None).

    `students` in the class's order: a student's first answer to an item, and a wrong answer's first
    sighting, are ranked as the walk over students in that order met them."""
    ids = [s["id"] for s in students]
    ensure_tallies(db, ids, items)
    rank = {sid: i for i, sid in enumerate(ids)}
    first: dict = defaultdict(dict)
    seconds: dict = defaultdict(list)
    skips: Counter = Counter()
    where, args = _only("item_id", only)
    rows = db.execute("SELECT student_id, item_id, skips, first_ts, first_correct, first_secs FROM item_tallies "
                      f"WHERE {IN_CLASS}{where}", [class_id, *args]).fetchall()  # noqa: S608
    for sid, item, skipped, first_ts, correct, secs in sorted(rows, key=lambda r: rank.get(r[0], len(rank))):
        if sid not in rank:
            continue
        skips[item] += skipped
        if first_ts is None:
            continue
        first[item][sid] = bool(correct)
        if secs:
            seconds[item].append(float(secs))
    seen: dict = defaultdict(dict)  # item -> (response, misconception) -> [count, first sighting]
    for sid, item, response, mc, n, ts, device, seq in db.execute(
            "SELECT student_id, item_id, response_key, mc_key, answers, first_ts, first_device, first_seq "
            f"FROM wrong_tallies WHERE {IN_CLASS}{where}", [class_id, *args]):  # noqa: S608
        if sid not in rank:
            continue
        key = (response_of(response), mc or None)
        entry = seen[item].setdefault(key, [0, None])
        entry[0] += n
        position = (rank[sid], ts, device, seq)
        entry[1] = position if entry[1] is None else min(entry[1], position)
    wrong: dict = defaultdict(Counter)
    for item, by_key in seen.items():
        for key, (n, _) in sorted(by_key.items(), key=lambda kv: kv[1][1]):
            wrong[item][key] = n
    return first, seconds, wrong, skips


def first_try_totals(db, class_id: int, student_ids: list) -> dict:
    """{student: [first answers right, items answered]} over every item (the rest score of a few items needs all)."""
    wanted = set(student_ids)
    rows = db.execute("SELECT student_id, sum(CASE WHEN first_correct <> 0 THEN 1 ELSE 0 END), count(*) "
                      f"FROM item_tallies WHERE {IN_CLASS} AND first_ts IS NOT NULL GROUP BY student_id",  # noqa: S608
                      [class_id])
    return {sid: [int(right), int(tried)] for sid, right, tried in rows if sid in wanted}


def answer_tally(db, class_id: int, student_ids: list, items: dict, split: float) -> dict:
    """{(student, skill, misconception or None, after the split?): answers} over the whole history.

    The split is a UTC midnight (a report's day), so a day's answers fall wholly before or after it."""
    ensure_tallies(db, student_ids, items)
    wanted = set(student_ids)
    out: dict = {}
    # One query per side of the split, each read in the order of an index that holds every column it needs.
    for after, side in ((False, "<"), (True, ">=")):
        for sid, skill, mc, n in db.execute(
                "SELECT student_id, skill_id, mc_key, sum(answers) FROM answer_days "  # noqa: S608
                f"WHERE {IN_CLASS} AND day {side} ? GROUP BY student_id, skill_id, mc_key", [class_id, int(split // DAY)]):
            if sid in wanted:
                out[(sid, skill or None, mc or None, after)] = int(n)
    return out


def mastery_points(db, student_ids: list, split_day: str) -> dict:
    """{student: {skill: (estimate on the split day, latest estimate)}} for every skill with history."""
    out: dict = defaultdict(dict)
    if not student_ids:
        return out
    marks = ",".join("?" * len(student_ids))
    query = ("SELECT h.student_id, h.skill_id, h.p_known FROM mastery_history h JOIN (SELECT student_id, skill_id, "
             f"max(day) AS day FROM mastery_history WHERE student_id IN ({marks}){{up_to}} "
             "GROUP BY student_id, skill_id) m ON h.student_id = m.student_id AND h.skill_id = m.skill_id "
             "AND h.day = m.day")
    latest = {(sid, skill): p for sid, skill, p in db.execute(query.format(up_to=""), student_ids)}  # noqa: S608
    before = {(sid, skill): p for sid, skill, p in db.execute(query.format(up_to=" AND day <= ?"),  # noqa: S608
                                                                   [*student_ids, split_day])}
    for (sid, skill), p in latest.items():
        out[sid][skill] = (before.get((sid, skill), DEFAULT_PRIOR), p)
    return out

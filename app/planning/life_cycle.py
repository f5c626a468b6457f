"""The set life cycle: proposed, released, completed when every item is answered (or the diagnostic walk ends)."""
from __future__ import annotations

import json

OPEN_STATUSES = ("proposed", "released")
SETS_AHEAD = 1  # one set beyond the current one, so a week offline does not run dry
SET_CLOCK_MARGIN = 2 * 86400  # how far before a set was made a phone's corrected clock may still stamp its answers


def open_sets(db, student_id: int) -> list:
    """The student's proposed and released sets: (id, payload, status, created_at) rows."""
    return db.execute("SELECT id, payload, status, created_at FROM sets WHERE student_id = ? "
                      "AND status IN ('proposed', 'released')", [student_id]).fetchall()


# What a student does while the next set waits for the teacher, per class (settings "while_waiting"):
# "practice" (pre-approved review or more of the last released skills) or "nothing" (wait for the teacher).
WHILE_WAITING = ("practice", "nothing")


def holding_missing(sets: list) -> bool:
    """True when, among open set rows, a proposal waits and no pre-approved practice is out beside it."""
    statuses = [(row[2], json.loads(row[1]).get("pre_approved")) for row in sets]
    return any(s == "proposed" for s, _ in statuses) and not any(policy for _s, policy in statuses)


def needs_holding_set(db, student_id: int, settings: dict) -> bool:
    """True when a proposal waits, the class allows pre-approved practice, and none is open already."""
    if settings.get("while_waiting", "practice") != "practice":
        return False
    return holding_missing(open_sets(db, student_id))


def diagnostic_finished(tree: dict | None, first_answers: dict) -> bool:
    """Walk the diagnostic tree with the first answer to each item; finished when the walk ends."""
    node = tree
    while node is not None:
        if node["item"] not in first_answers:
            return False
        node = node["right"] if first_answers[node["item"]] else node["wrong"]
    return True


def answered_items_by_set(db, student_id: int, sets: list) -> dict:
    """Per open set (rows of `open_sets`): item -> whether its first answer was right (a skip counts as answered, wrong).

    Only events since the oldest open set was made are read (less a margin for phones' clocks):
    a set's answers cannot come before the phone had the set, and a year of older events
    would otherwise be read on every sync.
    """
    if not sets:
        return {}
    ids = [row[0] for row in sets]
    since = min(row[3] for row in sets) - SET_CLOCK_MARGIN
    done: dict = {}
    for set_id, item, correct in db.execute(
            "SELECT set_id, item_id, correct FROM events WHERE student_id = ? AND server_ts >= ? "  # noqa: S608
            f"AND set_id IN ({','.join('?' * len(ids))}) AND type IN ('answer', 'skip') "
            "ORDER BY server_ts, device_id, seq", [student_id, since, *ids]):
        done.setdefault(set_id, {}).setdefault(item, bool(correct))
    return done


def close_finished_sets(db, sets: list, answered_by_set: dict) -> list:
    """Mark released sets whose items are all answered completed (inside the caller's write); return the others' statuses."""
    still_open = []
    for set_id, payload, status, _created_at in sets:
        doc = json.loads(payload)
        answered = answered_by_set.get(set_id, {})
        if doc.get("kind") == "diagnostic":
            finished = diagnostic_finished(doc.get("tree"), answered)
        else:
            finished = bool(doc["items"]) and {e["item"] for e in doc["items"]} <= set(answered)
        if status == "released" and finished:
            db.execute("UPDATE sets SET status = 'completed' WHERE id = ?", [set_id])
        else:
            still_open.append(status)
    return still_open


def needs_next_set(still_open: list) -> bool:
    """True when nothing waits for the teacher and fewer than SETS_AHEAD + 1 sets are out on the phone."""
    return "proposed" not in still_open and still_open.count("released") <= SETS_AHEAD


def diagnostic_open(db, student_id: int) -> bool:
    """True while a diagnostic is out: the set after it depends on its answers, so none is planned ahead of it."""
    return db.execute("SELECT 1 FROM sets WHERE student_id = ? AND status IN ('proposed', 'released') "  # noqa: S608
                      f"AND {db.json_text('payload', 'kind')} = 'diagnostic' LIMIT 1", [student_id]).fetchone() is not None

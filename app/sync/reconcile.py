"""Storing a batch of events: validate each, re-grade answers, insert idempotently, acknowledge."""
from __future__ import annotations

import json
import math
import time

from ..db import write
from ..grading import grade_response
from .errors import ApiError
from .schema import MAX_EVENTS_PER_BATCH, EventError, check_event, event_id_of
from .tallies import record_stored

EVENT_COLUMNS = ("id", "student_id", "device_id", "seq", "type", "item_id", "set_id", "client_ts", "server_ts",
                 "received_at", "correct", "misconception", "response", "hint", "secs", "attempt", "prompt", "value",
                 "phone_ok", "phone_mc")
INSERT_EVENT = (f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) "
                f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))}) ON CONFLICT DO NOTHING")


class BatchError(ApiError):
    """A whole request that cannot be read; `status` is the HTTP status to answer with."""


def clock_offset_for(payload: dict, now: float) -> float:
    """Seconds to add to the phone's clock: server now minus the phone's now when it sent the batch."""
    device_ms = payload.get("device_time")
    if isinstance(device_ms, bool) or not isinstance(device_ms, (int, float)) or not 0 < device_ms < 10 ** 14:
        return 0.0
    return now - device_ms / 1000.0


def reconcile_batch(db, device: dict, payload, items: dict, now: float | None = None) -> dict:
    """Store the valid events of one batch exactly once; return acked ids and rejected ids with reasons."""
    now = now or time.time()
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        raise BatchError(400, "the body must be a JSON object with an 'events' list")
    events = payload["events"]
    if len(events) > MAX_EVENTS_PER_BATCH:
        raise BatchError(413, f"at most {MAX_EVENTS_PER_BATCH} events per request; send the rest in the next batch")
    offset = clock_offset_for(payload, now)
    accepted, rejected, seen = [], [], set()
    for index, event in enumerate(events):
        event_id = event_id_of(event)
        try:
            size = len(json.dumps(event, separators=(",", ":"), ensure_ascii=False).encode())
            checked = check_event(event, items, size, offset, now)
        except EventError as exc:
            rejected.append({"id": event_id, "index": index, "reason": str(exc)})
            continue
        if checked["id"] in seen:
            continue  # the same event twice in one batch: store it once, ack it once
        seen.add(checked["id"])
        accepted.append(checked)
    acked, duplicates, stored = [], [], 0
    if accepted:
        existing = _existing_owners(db, [e["id"] for e in accepted])
        rows = []
        for event in accepted:
            owner = existing.get(event["id"])
            if owner is None:
                rows.append(_row_for(event, device, items, now))
            elif owner == device["student_id"]:
                duplicates.append(event["id"])
            else:
                rejected.append({"id": event["id"], "reason": "this event id belongs to another profile; make a new id"})
        if rows:
            with write(db, student=device["student_id"]):
                # A concurrent request with the same ids (a retry racing itself) may have stored some since the
                # look above; inside the transaction the look is final for this student (their writes queue one at a
                # time), so the tallies count each event once. ON CONFLICT DO NOTHING stays as the last guard.
                stored_now = _existing_owners(db, [r["id"] for r in rows])
                # In id order: two students' batches sharing ids wait for each other in one order, never a deadlock.
                new_rows = sorted((r for r in rows if r["id"] not in stored_now), key=lambda r: r["id"])
                db.executemany(INSERT_EVENT, [tuple(row[c] for c in EVENT_COLUMNS) for row in new_rows])
                # Another student's write runs beside this one: an id it stored first (its insert made ours wait,
                # then do nothing) is that student's, so it is refused here and left out of this student's tallies.
                owners = _existing_owners(db, [r["id"] for r in new_rows]) if new_rows else {}
                taken = [r for r in new_rows if owners.get(r["id"]) != device["student_id"]]
                if taken:
                    rejected.extend({"id": r["id"], "reason": "this event id belongs to another profile; make a new id"}
                                    for r in taken)
                    new_rows = [r for r in new_rows if owners.get(r["id"]) == device["student_id"]]
                db.execute("UPDATE devices SET last_seen_at = ? WHERE id = ?", [now, device["device_id"]])
                record_stored(db, device["student_id"], new_rows, items)
                stored = len(new_rows)  # what this request stored: a racing twin's rows are its own
        acked = [e["id"] for e in accepted if e["id"] not in {r["id"] for r in rejected}]
    return {"acked": acked, "duplicates": duplicates, "rejected": rejected, "stored": stored}


def _existing_owners(db, ids: list) -> dict:
    placeholders = ",".join("?" * len(ids))
    return dict(db.execute(f"SELECT id, student_id FROM events WHERE id IN ({placeholders})", ids).fetchall())  # noqa: S608


def _row_for(event: dict, device: dict, items: dict, now: float) -> dict:
    """The stored row: every field the phone sent in a column of its own, the server's own grade beside its grade."""
    correct = misconception = None
    if event["type"] == "answer":
        # The phone's grade is only provisional: the server re-grades from the raw response.
        grade = grade_response(items[event["item"]], event["r"])
        correct, misconception = int(grade.correct), grade.misconception
    phone_ok, phone_mc = event.get("ok"), event.get("mc")
    return {
        "id": event["id"], "student_id": device["student_id"], "device_id": device["device_id"],
        "seq": event["seq"], "type": event["type"], "item_id": event.get("item"), "set_id": event.get("set"),
        # Whole seconds: SQLite then stores each time in 4 bytes, not 8, and nothing reads a finer time.
        "client_ts": round(event["t"] / 1000.0), "server_ts": round(event["ts"]), "received_at": math.ceil(now),
        "correct": correct, "misconception": misconception, "response": event.get("r"),
        "hint": event.get("hint"), "secs": event.get("secs"), "attempt": event.get("attempt"),
        "prompt": event.get("prompt"), "value": event.get("value"),
        # The phone's own grade, kept to audit it against the server's; anything but a plain grade is not one.
        "phone_ok": int(phone_ok) if phone_ok in (0, 1) else None,
        "phone_mc": phone_mc if isinstance(phone_mc, str) and len(phone_mc) <= 80 else None,
    }

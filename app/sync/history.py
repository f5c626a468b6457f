"""A school year of realistic history for one student, stored through the same code a sync uses.

The year-scale benchmarks need students who already hold thousands of events: each day the
phone shows items of one set, the student sometimes asks for a hint, answers (right about
two times in three), and the events reach the server in 50-event batches, as a phone sends
them. Nothing is written around `reconcile_batch`, so what is stored is what a sync stores.
"""
from __future__ import annotations

import base64
import random

from .reconcile import reconcile_batch

DAY = 86400
EVENTS_PER_DAY = 50
BATCH = 50


def phone_event_id(rng: random.Random) -> str:
    """An event id as a phone makes one: 16 URL-safe characters from 96 random bits."""
    return base64.urlsafe_b64encode(rng.getrandbits(96).to_bytes(12, "big")).decode()


def history_events(rng: random.Random, items: list, count: int, end_ts: float, seq_start: int = 0) -> list:
    """`count` events of a phone's day-by-day practice ending before `end_ts` (epoch seconds), oldest first.

    `items` are (item id, right answer) pairs; each day practises one set of items.
    """
    days = max(1, -(-count // EVENTS_PER_DAY))
    events, seq = [], seq_start
    for day in range(days):
        day_start = end_ts - (days - day) * DAY + 15 * 3600  # an afternoon's homework
        set_id = "s" + rng.getrandbits(60).to_bytes(8, "big").hex()[1:]  # as the server names a set
        clock = day_start
        while len(events) < count and len(events) < (day + 1) * EVENTS_PER_DAY:
            item, answer = rng.choice(items)
            steps = [("shown", {})]
            if rng.random() < 0.15:
                steps.append(("hint", {"hint": 1}))
            right = rng.random() < 0.65
            # As the phone records an answer: whole seconds on the item, its own provisional grade.
            steps.append(("answer", {"r": answer if right else "7/9", "secs": rng.randint(5, 90), "attempt": 1,
                                     "ok": int(right)}))
            for kind, extra in steps:
                if len(events) >= count or len(events) >= (day + 1) * EVENTS_PER_DAY:
                    break
                clock += rng.uniform(5, 40)
                events.append({"id": phone_event_id(rng), "seq": seq, "type": kind,
                               "item": item, "set": set_id, "t": int(clock * 1000), **extra})
                seq += 1
    return events


def seed_history(db, device: dict, catalog_items: dict, count: int, end_ts: float, rng: random.Random) -> int:
    """Store `count` history events for the device's student through `reconcile_batch`; return how many were stored."""
    choices = [(item_id, str(item["answer"])) for item_id, item in sorted(catalog_items.items())
               if item.get("kind") != "choice" and "answer" in item]
    events = history_events(rng, choices, count, end_ts)
    stored = 0
    for start in range(0, len(events), BATCH):
        stored += reconcile_batch(db, device, {"events": events[start:start + BATCH]}, catalog_items, end_ts)["stored"]
    return stored


def seed_students(db, tokens: list, catalog: dict, count: int, end_ts: float, seed: int = 14) -> int:
    """Give each device token's student `count` history events, then sync them once as their phone would.

    The one sync after the history folds the whole log into a checkpoint and plans the next
    set, as a year of syncs would have left them. Returns how many events were stored.
    """
    from ..planning.refresh import refresh_student
    from .devices import device_for_token
    stored = 0
    for index, token in enumerate(tokens):
        device = device_for_token(db, token)
        stored += seed_history(db, device, catalog["items"], count, end_ts, random.Random(seed + index))
        refresh_student(db, device["student_id"], catalog, end_ts)
    return stored

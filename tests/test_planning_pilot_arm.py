"""The static worksheet and the held-out items in planning, on their own."""
from __future__ import annotations

import time

from app.adaptive.state import replay
from app.pilot.runs import start_pilot
from app.planning.pilot_arm import served_catalog, static_set, without_items
from app.teacher import set_edits
from tests.pilot_fixtures import UNIT, pilot_app, pilot_class  # noqa: F401
from tests.teacher_fixtures import catalog_of


def test_the_worksheet_goes_in_pack_order_and_answered_items_come_back_last(pilot_app):
    catalog = catalog_of(pilot_app)
    skill = catalog["packs"][UNIT]["skills"][0]
    order = [i for i, item in catalog["items"].items() if item["skill"] == skill and not item.get("extension")]
    now = time.time()
    log = [{"id": f"e{k}", "type": "answer", "item": item, "set": "x", "ts": now - 100 + k, "correct": True,
            "misconception": None, "hints": 0, "seconds": 10.0, "attempt": 1, "prompt": None, "value": None,
            "device": 1, "seq": k} for k, item in enumerate(order[:2])]
    state = replay(log, catalog, {})
    first = static_set(state, catalog, [skill], now, 3, pending={order[2]}, done_sets=0)
    assert [e["item"] for e in first["items"]] == order[3:6]          # unanswered, skipping what is already out
    everything = static_set(state, catalog, [skill], now, len(order), pending=set(), done_sets=1)
    assert [e["item"] for e in everything["items"]][-2:] == order[:2]  # answered ones last, oldest first
    assert first["reserve"] == [] and first["extension"] is None and first["tier_code"] == "worksheet"


def test_held_out_items_are_kept_from_a_teachers_swap_while_the_pilot_runs(pilot_app, pilot_class):
    world = pilot_class(3)
    db, catalog, student = world["db"], world["catalog"], world["students"][0]
    pilot = start_pilot(db, world["class"]["id"], UNIT, 2, world["asha"], catalog, seed=3)
    served = served_catalog(db, student["id"], catalog)
    assert not set(pilot["held_out"]) & set(served["items"]) and len(served["items"]) == len(catalog["items"]) - len(pilot["held_out"])
    skill = catalog["items"][pilot["held_out"][0]]["skill"]
    offered = {c["item"] for c in set_edits.candidates(db, catalog, student["id"], skill, set(), limit=500)}
    assert offered and not offered & set(pilot["held_out"])
    assert without_items(catalog, []) is catalog


def test_an_adaptive_half_blocked_by_a_prerequisite_on_the_static_half_gets_the_worksheet_meanwhile(pilot_app, pilot_class):
    import json

    from app.db import write
    from app.planning.refresh import refresh_student
    from tests.pilot_fixtures import open_sets
    world = pilot_class(2, ["Guna", "Hema"])
    db, catalog, student = world["db"], world["catalog"], world["students"][0]
    pilot = start_pilot(db, world["class"]["id"], UNIT, 2, world["asha"], catalog, seed=1)
    # Everything the unit builds on is on the worksheet; what builds on it is the engine's.
    halves = {s: ("static" if s == "frac.equivalent" else "adaptive") for s in pilot["skills"]}
    with write(db):
        db.execute("UPDATE pilots SET skill_arms = ? WHERE id = ?", [json.dumps(halves), pilot["id"]])
        db.execute("UPDATE sets SET status = 'withdrawn' WHERE student_id = ? AND status = 'released'", [student["id"]])
    refresh_student(db, student["id"], catalog)
    doc = next(s for s in open_sets(db, student["id"]) if s.get("pilot"))
    assert doc["arm"] == "static" and {e["skill"] for e in doc["items"]} == {"frac.equivalent"}

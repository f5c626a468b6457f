"""After sync: a diagnostic first, then five-by-one sets with reasons; mastery is a pure function of the log."""
from __future__ import annotations

import json
import random
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from app.adaptive.state import replay
from app.db import connect
from app.packs.registry import load_catalog
from app.planning.refresh import refresh_student
from app.planning.replay import event_log, state_for
from app.sync.progress import student_view
from app.sync.reconcile import reconcile_batch
from app.teacher.class_records import add_student, create_class

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def world(app):
    db = connect(app.config["DATABASE"])
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    catalog = load_catalog(db, Path(app.config["PACKS_DIR"]) / "files")

    def student(mode="approve", name="Asha"):
        klass = create_class(db, 1, "7A", release_mode=mode)
        row = add_student(db, klass["id"], name)
        device_id = db["devices"].insert({"student_id": row["id"], "token_hash": f"h{row['id']}", "created_at": 0}).last_pk
        return {"device_id": device_id, "student_id": row["id"]}
    return db, catalog, student


def answer_event(number, item, response, set_id, ts_ms):
    return {"id": f"evt-{number:06d}", "seq": number, "type": "answer", "item": item, "r": response,
            "set": set_id, "t": ts_ms, "attempt": 1}


def right_answer(catalog, item_id):
    return catalog["items"][item_id]["answer"]


def sync(db, catalog, device, events, now):
    result = reconcile_batch(db, device, {"events": events}, catalog["items"], now)
    refresh_student(db, device["student_id"], catalog, now)
    return result, student_view(db, device["student_id"], catalog)


def test_a_new_student_starts_with_the_diagnostic_then_gets_five_by_one(world):
    db, catalog, make = world
    device = make(mode="approve")
    now = time.time()
    _, view = sync(db, catalog, device, [], now)
    [diagnostic] = view["sets"]
    assert diagnostic["kind"] == "diagnostic" and diagnostic["status"] == "released", "the diagnostic never waits"
    node, events, number = diagnostic["tree"], [], 0
    while node is not None:
        number += 1
        events.append(answer_event(number, node["item"], right_answer(catalog, node["item"]), diagnostic["id"],
                                   int((now + number) * 1000)))
        node = node["right"]
    _, view = sync(db, catalog, device, events, now + 60)
    statuses = {s["id"]: s["status"] for s in view["sets"]}
    assert diagnostic["id"] not in statuses, "a walked diagnostic is complete"
    [proposed] = [s for s in view["sets"] if s["kind"] == "practice" and not s.get("pre_approved")]
    assert proposed["status"] == "proposed", "approve mode waits for the teacher"
    [holding] = [s for s in view["sets"] if s.get("pre_approved")]
    assert holding["status"] == "released", "meanwhile, practice the teacher approved by policy"
    assert len(proposed["items"]) <= 5 and proposed["items"]
    for entry in proposed["items"]:
        assert entry["reason"] in {"misconception_remediation", "productive_practice", "prerequisite_gap",
                                   "spaced_review", "extension"}
        assert entry["why"]


def test_auto_release_mode_releases_at_once(world):
    db, catalog, make = world
    device = make(mode="auto")
    _, view = sync(db, catalog, device, [], time.time())
    assert all(s["status"] == "released" for s in view["sets"])


def test_mastery_is_a_pure_function_of_the_event_log(world, app, new_database):
    db, catalog, make = world
    device = make(mode="auto")
    rng = random.Random(3)
    items = sorted(i for i, item in catalog["items"].items() if item["kind"] != "choice")
    start = time.time() - 3 * 86400
    log = []
    for number in range(1, 121):
        item = rng.choice(items)
        response = right_answer(catalog, item) if rng.random() < 0.65 else "97/98"
        log.append(answer_event(number, item, response, None, int((start + number * 600) * 1000)))
    for chunk in range(0, len(log), 20):  # incremental syncs, as a phone does
        sync(db, catalog, device, log[chunk:chunk + 20], start + 86400 * 2)
    incremental = {r["skill_id"]: r["p_known"] for r in db["mastery"].rows_where("student_id = ?", [device["student_id"]])}

    other = connect(new_database("replay.db"))
    other["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    klass = create_class(other, 1, "B", release_mode="auto")
    twin = add_student(other, klass["id"], "Twin")
    other["devices"].insert({"student_id": twin["id"], "token_hash": "z", "created_at": 0})
    shuffled = log[:]
    rng.shuffle(shuffled)  # arrival order must not matter: the server orders by time and sequence
    for chunk in range(0, len(shuffled), 50):
        reconcile_batch(other, {"device_id": 1, "student_id": twin["id"]}, {"events": shuffled[chunk:chunk + 50]},
                        catalog["items"], start + 86400 * 2)
    once = state_for(other, twin["id"], catalog)
    again = state_for(other, twin["id"], catalog)
    assert once == again
    assert {s: round(st.mastery, 4) for s, st in once.skills.items()} == incremental


def _diagnostic_all_right(catalog, view, now) -> tuple:
    """The student's one diagnostic, and the phone's events for it answered right all the way down its tree."""
    [diagnostic] = view["sets"]
    node, events, number = diagnostic["tree"], [], 0
    while node is not None:
        number += 1
        events.append(answer_event(number, node["item"], right_answer(catalog, node["item"]), diagnostic["id"],
                                   int((now + number) * 1000)))
        node = node["right"]
    return diagnostic, events


def test_a_flush_closes_and_plans_sets_on_its_last_batch_but_mastery_moves_every_batch(world):
    db, catalog, make = world
    device = make(mode="auto")
    now = time.time()
    _, view = sync(db, catalog, device, [], now)
    diagnostic, events = _diagnostic_all_right(catalog, view, now)
    reconcile_batch(db, device, {"events": events}, catalog["items"], now + 60)
    refresh_student(db, device["student_id"], catalog, now + 60, more=True)
    view = student_view(db, device["student_id"], catalog)
    assert [s["id"] for s in view["sets"]] == [diagnostic["id"]], "mid-flush: the walked diagnostic waits for the last batch"
    assert sum(m["attempts"] for m in view["mastery"].values()) == len(events), "mastery is current in every reply"
    refresh_student(db, device["student_id"], catalog, now + 61, more=False)
    view = student_view(db, device["student_id"], catalog)
    assert diagnostic["id"] not in {s["id"] for s in view["sets"]} and view["sets"], "the last batch closes and plans"


def test_the_phone_gets_item_offsets_only_for_items_it_can_answer_before_the_next_sync():
    from app.adaptive.bkt import BKTParams
    from app.sync.progress import answerable_items, params_for_phone
    sets = [{"items": [{"item": "a1"}, {"item": "a2"}], "reserve": [{"item": "r1"}], "extension": {"item": "x1"}},
            {"items": [{"item": "b1"}], "reserve": [], "extension": None}]
    assert answerable_items(sets) == {"a1", "a2", "r1", "x1", "b1"}
    fitted = BKTParams(item_offsets=(("a1", 0.4), ("old", -1.2), ("r1", -0.3), ("x1", 0.9)))
    sent = params_for_phone(fitted, answerable_items(sets))
    assert sent["item_offsets"] == {"a1": 0.4, "r1": -0.3, "x1": 0.9}
    assert {k: v for k, v in sent.items() if k != "item_offsets"} == {k: v for k, v in fitted.as_dict().items() if k != "item_offsets"}
    assert params_for_phone(fitted, set())["item_offsets"] == {}


# Fitted parameters for the sample pack's second skill, far from the defaults, with an offset per item.
FITTED_EQUIVALENT = {"skill_id": "sample.equivalent", "prior": 0.35, "learn": 0.22, "guess": 0.12, "slip": 0.07,
                     "forget": 0.0, "difficulty_step": 0.7, "responses": 500, "fitted_at": 0,
                     "item_offsets": json.dumps({"sample-eq-1": 0.8, "sample-pick-1": -0.5, "sample-eq-gone": 2.0})}


def release_set(db, student_id, items, now):
    """A released practice set of these items, as the teacher (or the standing policy) would release one."""
    set_id = f"set-{student_id}-{len(items)}"
    db["sets"].insert({"id": set_id, "student_id": student_id, "status": "released", "tier": "",
                       "payload": json.dumps({"id": set_id, "kind": "practice", "items": [{"item": i} for i in items],
                                              "reserve": [], "extension": None}),
                       "created_at": now, "released_at": now, "based_on_events": 0})
    return set_id


def test_the_reply_carries_fitted_parameters_for_an_open_skill_the_student_has_no_mastery_for(world):
    db, catalog, make = world
    device = make(mode="auto")
    db["skill_params"].insert(FITTED_EQUIVALENT)
    release_set(db, device["student_id"], ["sample-eq-1", "sample-pick-1", "sample-add-1"], time.time())
    assert not db.execute("SELECT 1 FROM mastery WHERE student_id = ?", [device["student_id"]]).fetchall()
    view = student_view(db, device["student_id"], catalog)
    sent = view["skill_params"]
    assert sent["sample.equivalent"] == {"prior": 0.35, "learn": 0.22, "guess": 0.12, "slip": 0.07, "forget": 0.0,
                                         "difficulty_step": 0.7,
                                         "item_offsets": {"sample-eq-1": 0.8, "sample-pick-1": -0.5}}
    assert "sample.add" not in sent, "an unfitted skill is what the phone's defaults already say"


def test_a_skill_with_mastery_or_no_open_items_adds_nothing_to_the_reply(world):
    db, catalog, make = world
    device = make(mode="auto")
    db["skill_params"].insert(FITTED_EQUIVALENT)
    assert "skill_params" not in student_view(db, device["student_id"], catalog), "no open set asks about it"
    release_set(db, device["student_id"], ["sample-eq-1"], time.time())
    refresh_student(db, device["student_id"], catalog, time.time(), changed=True)
    view = student_view(db, device["student_id"], catalog)
    assert "sample.equivalent" in view["mastery"] and "skill_params" not in view, "the mastery entry carries them"


def test_the_prior_sent_is_where_replay_starts_the_student_after_a_diagnostic(world):
    db, catalog, make = world
    device = make(mode="approve")
    db["skill_params"].insert(FITTED_EQUIVALENT)
    now = time.time()
    _, view = sync(db, catalog, device, [], now)
    diagnostic, events = _diagnostic_all_right(catalog, view, now)
    sync(db, catalog, device, events, now + 60)
    start = state_for(db, device["student_id"], catalog)
    # As if the skill came with a pack published since: no mastery row yet, an open set asks about it.
    db.execute("DELETE FROM mastery WHERE student_id = ? AND skill_id = 'sample.equivalent'", [device["student_id"]])
    release_set(db, device["student_id"], ["sample-eq-1"], now + 70)
    sent = student_view(db, device["student_id"], catalog)["skill_params"]["sample.equivalent"]
    seeded = start.skills["sample.equivalent"]
    assert seeded.credited == 0 and seeded.p_known != FITTED_EQUIVALENT["prior"], "the diagnostic moved where it starts"
    assert sent["prior"] == seeded.p_known


PHONE_MASTERY = """
import { readFileSync } from "node:fs";
import { provisionalMastery } from "%s";
const input = JSON.parse(readFileSync(0, "utf8"));
// What applyReply (sync.js) keeps of a reply, and the phone's unsynced events as the outbox holds them.
const state = { mastery: input.reply.mastery, skillParams: input.reply.skill_params || {}, sets: input.reply.sets };
const content = { item: (id) => input.items[id] || null };
process.stdout.write(JSON.stringify(provisionalMastery(state, content, input.pending.map((event) => ({ event })))));
"""


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_phones_first_answers_on_a_skill_without_mastery_agree_with_the_servers_replay(world):
    db, catalog, make = world
    device = make(mode="auto")
    db["skill_params"].insert(FITTED_EQUIVALENT)
    now = time.time()
    set_id = release_set(db, device["student_id"], ["sample-eq-1", "sample-pick-1"], now - 3600)
    reply = student_view(db, device["student_id"], catalog)
    assert "sample.equivalent" not in reply["mastery"]
    start = now - 1800
    pending = []
    for number, (item, right, minutes) in enumerate([("sample-eq-1", True, 0), ("sample-pick-1", False, 3)], 1):
        pending.append({"id": f"evt-{2 * number - 1:06d}", "seq": 2 * number - 1, "type": "shown", "item": item, "set": set_id,
                        "t": int((start + minutes * 60) * 1000)})
        event = answer_event(2 * number, item, right_answer(catalog, item) if right else "zz", set_id,
                             int((start + minutes * 60 + 20) * 1000))
        pending.append(dict(event, ok=int(right)))
    phone = json.loads(subprocess.run(
        ["node", "--input-type=module", "-e", PHONE_MASTERY % (ROOT / "app" / "service_worker" / "provisional.js").as_uri()],
        input=json.dumps({"reply": reply, "items": catalog["items"], "pending": pending}),
        capture_output=True, text=True, check=True).stdout)["sample.equivalent"]
    result, _ = sync(db, catalog, device, pending, now)
    assert len(result["acked"]) == len(pending)
    server = state_for(db, device["student_id"], catalog).skills["sample.equivalent"]
    assert server.attempts == phone["attempts"] == 2
    assert abs(phone["p"] - server.mastery) < 1e-6 and abs(phone["p_next"] - server.p_known) < 1e-6
    # Without the fitted parameters the phone's bar would have been visibly elsewhere.
    with_defaults = replay(event_log(db, device["student_id"]), catalog, {}).skills["sample.equivalent"]
    assert abs(server.mastery - with_defaults.mastery) > 0.01

"""The whole-history reports read from tallies agree with the walk over every event they replaced, ties included."""
from __future__ import annotations

import copy
import random
import time
import uuid
from collections import defaultdict

from app.db import write
from app.sync.reconcile import reconcile_batch
from app.sync.tallies import ensure_tallies
from app.teacher import insights, outcomes as oc, tallied
from app.teacher.snapshot import DAY, load_snapshot, student_events
from tests.teacher_fixtures import Phone, db, world  # noqa: F401

WRONG = ("1/4", "2/6", "b", "9", "7/9")


def _history(db, world, seed: int) -> None:
    """Forty days of shown/hint/answer/skip events from two phones per student, delivered in shuffled batches
    (late clocks and a second phone: old events arrive after newer ones), some in the same second."""
    rng = random.Random(seed)
    items = world["catalog"]["items"]
    now = time.time()
    for student in world["students"]:
        phones = [world["phones"][student["id"]], Phone(db, student["id"])]
        events = {id(p): [] for p in phones}
        for _ in range(rng.randint(30, 90)):
            phone = rng.choice(phones)
            item = rng.choice(sorted(items))
            ts = now - rng.randint(0, 40) * DAY - rng.choice((0, 0, 1, 3600))
            phone.seq += 1
            kind = rng.choice(("answer", "answer", "answer", "shown", "hint", "skip"))
            event = {"id": uuid.uuid4().hex[:20], "seq": phone.seq, "type": kind, "item": item, "t": int(ts * 1000)}
            if kind == "answer":
                event.update(r=rng.choice((str(items[item]["answer"]),) + WRONG), secs=rng.choice((0, 5, 30)),
                             attempt=1)
            elif kind == "hint":
                event["hint"] = 1
            events[id(phone)].append(event)
        for phone in phones:
            batch = events[id(phone)]
            rng.shuffle(batch)
            for start in range(0, len(batch), 7):
                reconcile_batch(db, phone.device, {"events": batch[start:start + 7]}, items, now)
        with write(db):
            for day in range(0, 40, rng.randint(3, 9)):
                for skill in world["catalog"]["skills"]:
                    if rng.random() < 0.6:
                        db.execute("INSERT INTO mastery_history (student_id, skill_id, day, p_known) VALUES (?, ?, ?, ?) "
                                   "ON CONFLICT (student_id, skill_id, day) DO UPDATE SET p_known = excluded.p_known",
                                   [student["id"], skill, oc.day_of(now - day * DAY), rng.random()])


def _walked_outcomes(snap, catalog, history, ids, split, skills, mc=None) -> dict:
    """The before-and-after figures as the report computed them from every event (the definition kept here)."""
    split_day = oc.day_of(split - 1)
    on = [catalog["misconceptions"][mc]["skill"]] if mc and mc in catalog.get("misconceptions", {}) else skills
    gains, now_values = [], []
    for sid in ids:
        for skill in on:
            series = history.get(sid, {}).get(skill, [])
            if not series:
                continue
            before = next((p for d, p in reversed(series) if d <= split_day), oc.DEFAULT_PRIOR)
            gains.append(series[-1][1] - before)
            now_values.append(series[-1][1])

    def recurrence(after):
        skill = catalog.get("misconceptions", {}).get(mc, {}).get("skill") if mc else None
        answers = hits = 0
        for sid in ids:
            for e in snap.events.get(sid, []):
                if e["type"] != "answer" or (e["ts"] >= split) != after:
                    continue
                if skill and catalog["items"].get(e["item"], {}).get("skill") != skill:
                    continue
                answers += 1
                hits += bool(e["misconception"]) if mc is None else e["misconception"] == mc
        return hits / answers if answers else None

    def mean(values):
        return sum(values) / len(values) if values else None
    return {"students": len(ids), "recurrence_before": recurrence(False), "recurrence_after": recurrence(True),
            "mastery_now": mean(now_values), "mastery_gain": mean(gains),
            "completion_before": oc._completion(snap, ids, split, False),
            "completion_after": oc._completion(snap, ids, split, True)}


def _walked_groups(snap, split) -> dict:
    counts: dict = defaultdict(lambda: defaultdict(int))
    for sid, events in snap.events.items():
        for e in events:
            if e["type"] == "answer" and e["misconception"] and e["ts"] < split:
                counts[e["misconception"]][sid] += 1
    return {mc: sorted(s for s, n in by.items() if n >= 2) for mc, by in counts.items() if any(n >= 2 for n in by.values())}


def _compare(db, world) -> None:
    catalog, class_id = world["catalog"], world["class"]["id"]
    snap = load_snapshot(db, class_id)
    snap.events = {s["id"]: student_events(db, s["id"]) for s in snap.students}  # the whole history, as the walk read it
    first, seconds, wrong, skips = insights.item_evidence(snap)
    t_first, t_seconds, t_wrong, t_skips = tallied.item_evidence(db, class_id, snap.students, catalog["items"])
    assert {i: list(by.items()) for i, by in first.items()} == {i: list(by.items()) for i, by in t_first.items()}
    assert {i: sorted(v) for i, v in seconds.items() if v} == {i: sorted(v) for i, v in t_seconds.items()}
    # The order a wrong answer was first met settles ties for the most common one: compare it too.
    assert {i: list(c.items()) for i, c in wrong.items() if i in first} == \
           {i: list(c.items()) for i, c in t_wrong.items()}
    assert {i: skips[i] for i in first} == {i: t_skips[i] for i in first}

    def by_item(stats):
        return sorted(stats, key=lambda s: s["item"])  # the report sorts them itself
    assert by_item(insights.item_statistics(snap, catalog)) == by_item(insights.statistics_from(
        (t_first, t_seconds, t_wrong, t_skips), catalog))
    # A few items (the class's units) with the first-try totals over every item: their figures do not change.
    only = sorted(first)[::2]
    totals = tallied.first_try_totals(db, class_id, [s["id"] for s in snap.students])
    assert by_item(insights.statistics_from(tallied.item_evidence(db, class_id, snap.students, catalog["items"], only),
                                            catalog, totals)) == \
           by_item([s for s in insights.item_statistics(snap, catalog) if s["item"] in only])
    ids = [s["id"] for s in snap.students]
    history: dict = defaultdict(lambda: defaultdict(list))
    for sid, skill, day, p in db.execute("SELECT student_id, skill_id, day, p_known FROM mastery_history ORDER BY day"):
        history[sid][skill].append((day, p))
    first_ts = min(e["ts"] for events in snap.events.values() for e in events)
    assert tallied.first_event_ts(db, class_id) == first_ts
    skills = sorted(catalog["skills"])
    for split in (oc.default_split(first_ts, snap.now), snap.now - 20 * DAY - snap.now % DAY, snap.now + DAY):
        tally = tallied.answer_tally(db, class_id, ids, catalog["items"], split)
        points = tallied.mastery_points(db, ids, oc.day_of(split - 1))
        groups = oc.mistake_groups(tally)
        assert groups == _walked_groups(snap, split)
        for mc, members in list(groups.items()) + [(mc, ids) for mc in catalog["misconceptions"]] + [(None, ids)]:
            assert oc.outcomes(snap, catalog, points, tally, members, split, skills, mc) == \
                   _walked_outcomes(snap, catalog, history, members, split, skills, mc)


def test_tallies_agree_with_the_walk_over_every_event(db, world):
    """Random histories from two phones, delivered out of order: every figure the reports show is the same."""
    for seed in (1, 2):
        _history(db, world, seed)
        _compare(db, world)


def test_a_student_tallied_from_the_log_gets_the_same_tallies(db, world):
    """Tallies dropped (an upgrade, or items moved skill) are rebuilt from the log on the next report: same figures."""
    _history(db, world, 3)
    ids = [s["id"] for s in world["students"] + [world["other_student"]]]
    before = [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4", ).fetchall()  # noqa: S608
              for t in ("item_tallies", "wrong_tallies", "answer_days")]
    with write(db):
        db.execute("DELETE FROM tally_basis")
        db.execute("DELETE FROM answer_days")
    ensure_tallies(db, ids, world["catalog"]["items"])
    after = [db.execute(f"SELECT * FROM {t} ORDER BY 1, 2, 3, 4").fetchall()  # noqa: S608
             for t in ("item_tallies", "wrong_tallies", "answer_days")]
    for b, a in zip(before, after):
        assert set(b) == set(a), (set(b) - set(a), set(a) - set(b))
    _compare(db, world)


def test_a_resent_batch_is_tallied_once(db, world):
    """The same events sent again (a retry) change no tally."""
    phone, items = world["phones"][world["students"][0]["id"]], world["catalog"]["items"]
    batch = [{"id": uuid.uuid4().hex[:20], "seq": 900 + k, "type": "answer", "item": "sample-add-1", "r": "2/6",
              "secs": 4, "attempt": 1, "t": int((time.time() - 100) * 1000)} for k in range(3)]
    reconcile_batch(db, phone.device, {"events": batch}, items)
    counted = db.execute("SELECT sum(answers) FROM answer_days").fetchone()[0]
    reconcile_batch(db, phone.device, {"events": batch}, items)
    assert db.execute("SELECT sum(answers) FROM answer_days").fetchone()[0] == counted
    _compare(db, world)


def test_blanked_responses_leave_no_text_in_the_tallies_and_deleting_a_student_deletes_theirs(db, world):
    """Retention blanks old responses: the wrong-answer tallies lose the text too and still agree; deletion empties them."""
    from app.privacy.records import delete_student, redact_old_raw_answers
    _history(db, world, 4)
    assert redact_old_raw_answers(db, now=time.time() + 400 * DAY) > 0
    assert db.execute("SELECT count(*) FROM wrong_tallies WHERE response_key <> ''").fetchone()[0] == 0
    _compare(db, world)
    gone = world["students"][0]["id"]
    delete_student(db, gone)
    for table in ("item_tallies", "wrong_tallies", "answer_days", "tally_basis"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE student_id = ?", [gone]).fetchone()[0] == 0  # noqa: S608


def test_items_moved_to_another_skill_are_tallied_again(db, world):
    """A pack update moves an item to another skill: the next report tallies the logs again and agrees with the walk."""
    _history(db, world, 5)
    moved = copy.deepcopy(world["catalog"])
    moved["items"]["sample-add-1"]["skill"] = "sample.equivalent"
    _compare(db, dict(world, catalog=moved))
    assert db.execute("SELECT count(*) FROM answer_days WHERE skill_id = 'sample.equivalent'").fetchone()[0] > 0

"""A student simulator for benchmarks, tests and the demo seeder.

Simulated students learn skills at different speeds (slower while a prerequisite is
missing), some hold persistent misconceptions that produce the matching wrong answer until
remediation items wear them down, and known skills are forgotten over days unless
practised. `answer_events` yields what each student did, day by day; `write_kt_csvs`
turns that into the kt-eval CSVs.
"""
from __future__ import annotations

import csv
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction

from .. import grading
from .graph import topological_order

DAY = 86400
DEFAULT_START_TS = 1_767_225_600  # 2026-01-01 00:00 UTC: fixed so simulations are reproducible


@dataclass
class SimulatedStudent:
    """Hidden truth about one simulated student (what the tutor never sees)."""
    id: str
    speed: float                      # multiplies every learn probability
    carelessness: float               # multiplies slip
    hint_habit: float                 # chance of asking for hints when stuck
    rapid_guesser: bool               # answers fast and skips when stuck
    attendance: float                 # chance of doing homework on a given day
    misconceptions: set = field(default_factory=set)
    known: dict = field(default_factory=dict)
    stability: dict = field(default_factory=dict)    # days; grows with spaced practice
    last_practised: dict = field(default_factory=dict)


def make_students(catalog: dict, n: int, seed: int = 0) -> list[SimulatedStudent]:
    """Draw `n` students with varied speed, care, habits and misconceptions."""
    rng = random.Random(f"students-{seed}")
    students = []
    for i in range(n):
        held = {mc for mc in sorted(catalog.get("misconceptions", {})) if rng.random() < 0.15}
        students.append(SimulatedStudent(
            id=f"s{i + 1:04d}",
            speed=math.exp(rng.gauss(0.0, 0.6)),
            carelessness=math.exp(rng.gauss(0.0, 0.4)),
            hint_habit=rng.choice((0.1, 0.3, 0.7)),
            rapid_guesser=rng.random() < 0.1,
            attendance=rng.choice((0.6, 0.85, 0.95)),
            misconceptions=held,
            # A few students arrive already knowing the first skills.
            known={s: rng.random() < 0.15 for s in sorted(catalog["skills"])},
        ))
    return students


def _wrong_response(item: dict, rng: random.Random) -> str:
    """A wrong answer that matches no misconception rule (a plain slip or guess)."""
    rules = {str(r["answer"]).lower() for r in item.get("wrong", [])}
    if item["kind"] == "choice":
        options = [c for c in item.get("choices", []) if str(c).lower() != str(item["answer"]).lower()
                   and str(c).lower() not in rules]
        return rng.choice(options) if options else "zz"
    value = grading.parse_number(item["answer"]) or Fraction(0)
    for step in (1, 2, 3, -1, 5, 10, 7):
        response = grading.format_value(value + step)
        if not grading.grade_response(item, response).correct and response.lower() not in rules:
            return response
    return grading.format_value(value + 101)


def _misconception_rule(item: dict, held: set) -> dict | None:
    for rule in item.get("wrong", []):
        if rule.get("misconception") in held:
            return rule
    return None


def _default_chooser(catalog: dict, items_per_day: int) -> Callable:
    """Practise skills in prerequisite order until a streak of correct answers, plus reviews."""
    order = topological_order(catalog)
    items_by_skill = {s: sorted(i for i, it in catalog["items"].items()
                                if it["skill"] == s and not it.get("extension")) for s in order}
    progress: dict = {}

    def choose(student: SimulatedStudent, day: int, rng: random.Random, history: list) -> list[str]:
        done = progress.setdefault(student.id, {"skill": 0, "streak": 0, "count": 0})
        chosen = []
        for _ in range(items_per_day):
            while done["skill"] < len(order) and (done["streak"] >= 4 or done["count"] >= 15):
                done.update(skill=done["skill"] + 1, streak=0, count=0)
            if done["skill"] >= len(order):
                break
            pool = items_by_skill[order[done["skill"]]]
            if pool:
                chosen.append(pool[(done["count"] + len(chosen)) % len(pool)])
        if done["skill"] > 0 and rng.random() < 0.7:
            earlier = order[rng.randrange(min(done["skill"], len(order)))]
            if items_by_skill[earlier]:
                chosen.append(rng.choice(items_by_skill[earlier]))
        return chosen

    def observe(student: SimulatedStudent, item: dict, correct: bool) -> None:
        done = progress[student.id]
        if done["skill"] < len(order) and item["skill"] == order[done["skill"]]:
            done["count"] += 1
            done["streak"] = done["streak"] + 1 if correct else 0

    choose.observe = observe
    return choose


def answer_events(catalog: dict, students: list[SimulatedStudent] | int = 30, days: int = 14,
                  seed: int = 0, items_per_day: int = 6, start_ts: int = DEFAULT_START_TS,
                  chooser: Callable | None = None) -> Iterator[dict]:
    """Yield each student's events day by day: item, correct, response, seconds, hints, misconception.

    Events come student by student, in time order within a student. `type` is "answer" or
    "skip"; `response` is what the student typed, so a server re-grade agrees with `correct`.
    `chooser(student, day, rng, history) -> [item ids]` picks each day's items (the default
    walks skills in prerequisite order until a streak of four, plus a review item); a
    chooser may carry `observe(student, item, correct)` to hear the outcomes.
    """
    if isinstance(students, int):
        students = make_students(catalog, students, seed)
    chooser = chooser or _default_chooser(catalog, items_per_day)
    remediates = {}
    for mc, info in catalog.get("misconceptions", {}).items():
        for item_id in info.get("remediation", []):
            remediates.setdefault(item_id, set()).add(mc)
    for student in students:
        rng = random.Random(f"events-{seed}-{student.id}")
        history: list = []
        for day in range(days):
            if rng.random() > student.attendance:
                continue
            _forget_overnight(student, day, rng)
            ts = start_ts + day * DAY + 16 * 3600 + rng.randrange(4 * 3600)
            for item_id in chooser(student, day, rng, history):
                event = _attempt(student, catalog, item_id, day, ts, rng, remediates)
                history.append(event)
                if hasattr(chooser, "observe") and event["type"] == "answer":
                    chooser.observe(student, catalog["items"][item_id], event["correct"])
                ts += int(event["seconds"]) + 5
                yield event


def _forget_overnight(student: SimulatedStudent, day: int, rng: random.Random) -> None:
    for skill, known in student.known.items():
        if known and skill in student.last_practised:
            gap = day - student.last_practised[skill]
            stability = student.stability.get(skill, 4.0)
            # Half of the decayed memory is truly lost; the rest comes back on its own.
            if gap > 0 and rng.random() < 0.5 * (1.0 - math.exp(-gap / stability)):
                student.known[skill] = False


def _attempt(student, catalog, item_id, day, ts, rng, remediates) -> dict:
    item = catalog["items"][item_id]
    skill = item["skill"]
    skill_info = catalog["skills"][skill]
    difficulty = item.get("difficulty", 3)
    known = student.known.get(skill, False)
    held = {mc for mc in student.misconceptions if catalog["misconceptions"].get(mc, {}).get("skill") == skill}
    expected = float(item.get("seconds", 60))
    hints, misconception = 0, None
    slip = min(0.5, 0.06 * student.carelessness * (1 + 0.25 * (difficulty - 3)))
    guess = max(0.02, 0.18 - 0.04 * (difficulty - 3))
    rule = _misconception_rule(item, held)
    if known and not rule:
        correct = rng.random() >= slip
    elif rule and rng.random() < 0.8:
        correct, misconception = False, rule["misconception"]
    else:
        if rng.random() < student.hint_habit:
            hints = rng.choice((1, 1, 2, 3))
        correct = rng.random() < guess + 0.12 * hints
    if not correct and not misconception and student.rapid_guesser and rng.random() < 0.4:
        seconds = round(expected * rng.uniform(0.2, 0.6), 1)
        return {"student": student.id, "type": "skip", "day": day, "ts": ts, "item": item_id,
                "skill": skill, "correct": False, "response": None, "seconds": seconds,
                "hints": hints, "misconception": None}
    pace = 0.25 if student.rapid_guesser else (1.0 if known else 1.4)
    seconds = round(expected * pace * math.exp(rng.gauss(0.0, 0.35)), 1)
    # Learning: slower with a missing prerequisite or a misconception in the way.
    if not known:
        rate = 0.12 * student.speed * (1.5 if hints else 1.0)
        if any(not student.known.get(p, False) for p in skill_info.get("prerequisites", [])):
            rate *= 0.3
        if held:
            rate *= 0.3
        if rng.random() < min(0.9, rate):
            student.known[skill] = True
    elif skill in student.last_practised and day > student.last_practised[skill] and correct:
        student.stability[skill] = student.stability.get(skill, 4.0) * 2.0
    for mc in sorted(remediates.get(item_id, set()) & student.misconceptions):
        if rng.random() < 0.35:
            student.misconceptions.discard(mc)
    if held and rng.random() < 0.03:
        student.misconceptions.discard(rng.choice(sorted(held)))
    student.last_practised[skill] = day
    if correct:
        response = str(item["answer"])
    elif misconception:
        response = str(rule["answer"])
    else:
        response = _wrong_response(item, rng)
    return {"student": student.id, "type": "answer", "day": day, "ts": ts, "item": item_id,
            "skill": skill, "correct": correct, "response": response, "seconds": seconds,
            "hints": hints, "misconception": misconception}


def synthetic_catalog(n_skills: int = 12, items_per_skill: int = 8, seed: int = 0) -> dict:
    """A catalog of numeric items over a prerequisite graph, for simulations and tests."""
    rng = random.Random(f"catalog-{seed}")
    catalog = {"skills": {}, "misconceptions": {}, "items": {}, "reflections": ["r1", "r2"],
               "diagnostic": []}
    for k in range(n_skills):
        skill = f"k{k + 1:02d}"
        # Each skill builds on one or two earlier ones: a layered graph, not a plain chain.
        prereqs = sorted({f"k{rng.randrange(max(0, k - 3), k) + 1:02d}" for _ in range(rng.choice((1, 2)))}) if k else []
        mcs = [f"{skill}_mc{m + 1}" for m in range(rng.choice((1, 2)))]
        catalog["skills"][skill] = {"prerequisites": prereqs, "misconceptions": mcs, "pack": "sim"}
        items = [f"{skill}_i{j + 1:02d}" for j in range(items_per_skill)]
        for mc in mcs:
            catalog["misconceptions"][mc] = {"skill": skill, "remediation": items[-2:]}
        for j, item_id in enumerate(items):
            answer = rng.randrange(2, 60)
            mc = mcs[j % len(mcs)]
            catalog["items"][item_id] = {
                "skill": skill, "kind": "numeric", "difficulty": 1 + j * 5 // items_per_skill,
                "seconds": 45 + 15 * (j % 3), "extension": j == items_per_skill - 1 and k % 3 == 2,
                "answer": str(answer), "form": "any", "accept": [],
                "wrong": [{"answer": str(-answer), "misconception": mc}], "choices": []}
        catalog["diagnostic"].append(items[len(items) // 2])
    return catalog


def write_kt_csvs(train_path, test_path, n_students: int = 1000, days: int = 30, seed: int = 0,
                  test_share: float = 0.2, catalog: dict | None = None) -> dict:
    """Simulate students and write kt-eval train/test CSVs, split by student; returns counts.

    Besides the four required columns, each row carries its item's difficulty, choices and
    id and the answer's time, which the running model uses (`kt-eval --model abhyas`).
    """
    catalog = catalog or synthetic_catalog(seed=seed)
    split_rng = random.Random(f"split-{seed}")
    test_ids = {f"s{i + 1:04d}" for i in range(n_students) if split_rng.random() < test_share}
    counts = {"train": 0, "test": 0}
    with open(train_path, "w", newline="") as train_f, open(test_path, "w", newline="") as test_f:
        writers = {"train": csv.writer(train_f), "test": csv.writer(test_f)}
        for w in writers.values():
            w.writerow(["order_id", "user_id", "skill_name", "correct", "difficulty", "choices", "timestamp", "item_id"])
        order_id = 0
        for event in answer_events(catalog, n_students, days=days, seed=seed):
            if event["type"] != "answer":
                continue
            order_id += 1
            part = "test" if event["student"] in test_ids else "train"
            item = catalog["items"][event["item"]]
            choices = len(item.get("choices") or ()) if item.get("kind") == "choice" else 0
            writers[part].writerow([order_id, event["student"], event["skill"], int(event["correct"]),
                                    item.get("difficulty", 3), choices, f"{event['ts']:.0f}", event["item"]])
            counts[part] += 1
    return counts

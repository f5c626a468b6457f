"""Answers drawn from the learning model itself, with known parameters.

For parameter-recovery tests and kt-eval comparisons: items of every difficulty, some of
them choice items, each item with its own offset if the parameters give one, practised in
sessions days apart, so difficulty, guessing by choice, items' own difficulty and
forgetting over time all show in the data as the model says they would.
"""
from __future__ import annotations

import csv
import random

from .bkt import BKTParams, item_guess_slip
from .review import DAY, ReviewMemory, recall_probability, update_review

START_TS = 1_767_225_600  # 2026-01-01 00:00 UTC, fixed so draws are reproducible


def make_items(n: int, rng: random.Random, choice_share: float = 0.3) -> list[tuple[int, int]]:
    """(difficulty, choices) for `n` items: difficulties 1..5, a share of them 2-4 option choice items."""
    return [(rng.randint(1, 5), rng.choice((2, 3, 4)) if rng.random() < choice_share else 0) for _ in range(n)]


def item_id(skill: str, n: int) -> str:
    """The id of a skill's n-th drawn item (what `BKTParams.item_offsets` names)."""
    return f"{skill}-{n:02d}"


def draw_responses(params_by_skill: dict, students: int, sessions: int = 4, per_session: int = 5,
                   seed: int = 0, items_per_skill: int = 20, item_weights: list | None = None) -> list[tuple]:
    """Rows (student, skill, correct, difficulty, choices, ts, item) in time order, drawn from the model.

    Each student practises each skill in `sessions` sessions of `per_session` answers a
    minute apart, with 1 to 12 days between sessions. Item n of a skill is `item_id(skill, n)`,
    and answered as hard as its difficulty level and its offset in the skill's
    `item_offsets` make it; `item_weights` makes some items more often drawn than others.
    """
    rng = random.Random(seed)
    items = {skill: [(d, c, item_id(skill, n)) for n, (d, c) in enumerate(make_items(items_per_skill, rng))]
             for skill in sorted(params_by_skill)}
    rows = []
    for n in range(students):
        student = f"u{n:05d}"
        for skill in sorted(params_by_skill):
            p: BKTParams = params_by_skill[skill]
            known = rng.random() < p.prior
            memory = ReviewMemory()
            ts = START_TS + rng.uniform(0, 30) * DAY
            for _ in range(sessions):
                for _ in range(per_session):
                    difficulty, choices, item = (rng.choices(items[skill], item_weights)[0] if item_weights
                                                 else rng.choice(items[skill]))
                    if known and rng.random() >= recall_probability(memory, ts):
                        known = False
                    guess, slip = item_guess_slip(p, difficulty, choices, p.item_offset(item))
                    correct = rng.random() < ((1.0 - slip) if known else guess)
                    rows.append((student, skill, int(correct), difficulty, choices, ts, item))
                    memory = update_review(memory, correct, ts)
                    if known:
                        known = rng.random() >= p.forget
                    else:
                        known = rng.random() < p.learn
                    ts += 60.0
                ts += rng.uniform(1, 12) * DAY
    rows.sort(key=lambda r: r[5])
    return rows


def split_by_student(rows: list[tuple], test_share: float = 0.2, seed: int = 0) -> tuple[list, list]:
    """Train and test rows with every student's answers on one side only."""
    students = sorted({r[0] for r in rows})
    rng = random.Random(f"split-{seed}")
    test = {s for s in students if rng.random() < test_share}
    return [r for r in rows if r[0] not in test], [r for r in rows if r[0] in test]


def write_csv(rows: list[tuple], path) -> None:
    """Write rows as a kt-eval CSV with the optional difficulty, choices and timestamp columns."""
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["order_id", "user_id", "skill_name", "correct", "difficulty", "choices", "timestamp", "item_id"])
        for order, (student, skill, correct, difficulty, choices, ts, *item) in enumerate(rows, start=1):
            out.writerow([order, student, skill, correct, difficulty, choices, f"{ts:.0f}", item[0] if item else ""])

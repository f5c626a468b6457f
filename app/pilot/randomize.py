"""Assigning a class's students to the pilot's arms, stratified so the arms start alike."""
from __future__ import annotations

import random
from collections import defaultdict

from .analysis import ARMS

MIN_FOR_BETWEEN = 24   # below this many students, split skills within each student instead


def choose_design(students: int) -> str:
    """'between' (students split into arms) for a class big enough, else 'within' (skills split)."""
    return "between" if students >= MIN_FOR_BETWEEN else "within"


def assign_arms(strata: dict, seed: int) -> dict:
    """{student: arm}: within each stratum (e.g. the diagnostic's tier) half go to each arm.

    `strata` maps student -> stratum. Students are shuffled within a stratum and dealt
    alternately, and each stratum's odd one out goes to the arm that is behind overall.
    """
    rng = random.Random(seed)
    groups: dict = defaultdict(list)
    for student, stratum in strata.items():
        groups[str(stratum)].append(student)
    arms: dict = {}
    totals = dict.fromkeys(ARMS, 0)
    for stratum in sorted(groups):
        members = sorted(groups[stratum], key=str)
        rng.shuffle(members)
        first = min(ARMS, key=lambda a: (totals[a], rng.random()))
        order = [first, next(a for a in ARMS if a != first)]
        for i, student in enumerate(members):
            arms[student] = order[i % 2]
            totals[order[i % 2]] += 1
    return arms


def split_skills(skills: list[str], seed: int) -> dict:
    """{skill: arm} for the within-student design: the unit's skills split at random, half each."""
    rng = random.Random(seed)
    shuffled = sorted(skills)
    rng.shuffle(shuffled)
    return {skill: ARMS[i % 2] for i, skill in enumerate(shuffled)}

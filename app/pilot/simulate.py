"""A simulated pilot with a known true effect, run through the real randomization and analysis.

It checks the statistics (does the interval cover the truth as often as it claims?); it is
never evidence that adaptive homework works.
"""
from __future__ import annotations

import math
import random

from .analysis import analyse_pilot
from .randomize import assign_arms, choose_design, split_skills

POST_SD = 15.0       # post-test points, within an arm
RELIABILITY = 0.8    # correlation of a test with the student's underlying ability
LANGUAGES = ("hi", "ta", "bn", "mr", "en")


def _tier(pre: float) -> str:
    return "1" if pre >= 60 else "2" if pre >= 40 else "3"


def _score(rng: random.Random, ability: float, base: float) -> float:
    """A test score: ability seen through a test of the chosen reliability."""
    noise = rng.gauss(0, 1)
    return base + POST_SD * (RELIABILITY * ability + math.sqrt(1 - RELIABILITY ** 2) * noise)


def simulate_records(students: int, effect: float, seed: int, design: str | None = None) -> tuple[str, list[dict]]:
    """(design, records) for a simulated class whose true effect is `effect` SD of the post-test."""
    rng = random.Random(seed)
    design = design or choose_design(students)
    people = []
    for i in range(students):
        ability = rng.gauss(0, 1)
        people.append({"student": f"s{i}", "ability": ability, "language": rng.choice(LANGUAGES),
                       "pre": _score(rng, ability, 45.0)})
    records = []
    if design == "between":
        arms = assign_arms({p["student"]: _tier(p["pre"]) for p in people}, seed)
        for p in people:
            arm = arms[p["student"]]
            post = _score(rng, p["ability"], 55.0) + (effect * POST_SD if arm == "adaptive" else 0.0)
            records.append(_record(rng, p, arm, p["pre"], post))
    else:
        halves = split_skills(["half-a", "half-b"], seed)
        for p in people:
            for half, arm in halves.items():
                pre = _score(rng, p["ability"], 45.0 if half == "half-a" else 48.0)
                post = _score(rng, p["ability"], 55.0) + (effect * POST_SD if arm == "adaptive" else 0.0)
                records.append(_record(rng, p, arm, pre, post))
    return design, records


def _record(rng: random.Random, person: dict, arm: str, pre: float, post: float) -> dict:
    return {"student": person["student"], "arm": arm, "pre": pre, "post": post,
            "minutes": max(10.0, rng.gauss(95 if arm == "adaptive" else 90, 20)),
            "groups": {"language": person["language"], "starting_tier": _tier(person["pre"])}}


def simulate_pilot(students: int, effect: float, seed: int, design: str | None = None) -> dict:
    """The pilot report for a simulated pilot, with the truth beside it."""
    design, records = simulate_records(students, effect, seed, design)
    report = analyse_pilot(records, design)
    report["simulated"] = {"students": students, "true_effect": effect, "seed": seed,
                           "note": "simulated data: checks the statistics, not the programme"}
    return report

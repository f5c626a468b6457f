"""Randomization: arms balanced within each stratum, repeatable, and the design fits the class."""
from collections import Counter

from app.pilot.randomize import MIN_FOR_BETWEEN, assign_arms, choose_design, split_skills


def test_each_stratum_is_split_evenly_and_the_totals_too():
    strata = {f"s{i}": ("1" if i < 9 else "2" if i < 20 else "3") for i in range(31)}
    arms = assign_arms(strata, seed=7)
    assert set(arms) == set(strata)
    for stratum in "123":
        counts = Counter(arms[s] for s in strata if strata[s] == stratum)
        assert abs(counts["adaptive"] - counts["static"]) <= 1
    totals = Counter(arms.values())
    assert abs(totals["adaptive"] - totals["static"]) <= 1


def test_the_same_seed_gives_the_same_arms_and_another_seed_differs():
    strata = {f"s{i}": str(i % 3) for i in range(40)}
    assert assign_arms(strata, 1) == assign_arms(strata, 1)
    assert assign_arms(strata, 1) != assign_arms(strata, 2)


def test_small_classes_split_skills_within_each_student():
    assert choose_design(MIN_FOR_BETWEEN - 1) == "within"
    assert choose_design(MIN_FOR_BETWEEN) == "between"
    halves = split_skills(["a", "b", "c", "d", "e"], seed=3)
    counts = Counter(halves.values())
    assert counts["adaptive"] in (2, 3) and counts["static"] in (2, 3)

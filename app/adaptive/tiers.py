"""Support tiers (1, 2, 3, enrichment, maintenance) from mastery and misconception persistence.

Teachers set the thresholds; `DEFAULT_TIER_SETTINGS` holds ours. Tiers describe the work a
set should do next, not the student.
"""
from __future__ import annotations

DEFAULT_TIER_SETTINGS = {
    "tier_min_attempts": 5,       # a skill counts once mastered or after this many credited answers
    "tier2_below": 0.6,           # mean mastery of counted skills below this: tier 2
    "tier3_below": 0.3,           # ... below this: tier 3
    "tier3_misconceptions": 2,    # this many persistent misconceptions: tier 3 (one: tier 2)
    "enrichment_share": 0.8,      # share of the unit mastered, no persistent misconception
}


def tier_for(state, unit: list, persistent: list, settings: dict) -> tuple:
    """(tier, why) for a student on a unit; `persistent` lists active misconception ids."""
    cfg = {**DEFAULT_TIER_SETTINGS, **settings}
    skills = [state.skills[s] for s in unit if s in state.skills]
    if not skills:
        return 1, "no skills assigned yet"
    mastered = sum(1 for sk in skills if sk.mastered)
    if mastered == len(skills):
        return "maintenance", f"all {len(skills)} skills mastered: review keeps them fresh"
    n_persistent = len(persistent)
    if n_persistent >= cfg["tier3_misconceptions"]:
        return 3, f"{n_persistent} misconceptions keep coming back"
    if n_persistent == 0 and mastered / len(skills) >= cfg["enrichment_share"]:
        return "enrichment", f"{mastered} of {len(skills)} skills mastered"
    # Mastered skills count too: a student who mastered eight skills and just started a
    # ninth is not struggling because the ninth is still low.
    counted = [sk for sk in skills if sk.credited >= cfg["tier_min_attempts"] or sk.mastered]
    if not counted:
        if n_persistent:
            return 2, "a misconception keeps coming back"
        return 1, "not enough answers yet to see a difficulty"
    mean = sum(sk.mastery for sk in counted) / len(counted)
    if mean < cfg["tier3_below"]:
        return 3, f"mean mastery {mean:.2f} on the skills practised so far"
    if n_persistent:
        return 2, "a misconception keeps coming back"
    if mean < cfg["tier2_below"]:
        return 2, f"mean mastery {mean:.2f} on the skills practised so far"
    return 1, f"mastery {mean:.2f}: on track"

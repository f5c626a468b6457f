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


# The English line for each tier reason code; app/teacher/explain.py says the same in the
# teacher's language from the code and its parameters (tier_code, tier_args in a set).
TIER_WHY = {
    "no_skills": "no skills assigned yet",
    "all_mastered": "all {skills} skills mastered: review keeps them fresh",
    "misconceptions_persist": "{count} misconceptions keep coming back",
    "mostly_mastered": "{mastered} of {skills} skills mastered",
    "misconception_persists": "a misconception keeps coming back",
    "too_few_answers": "not enough answers yet to see a difficulty",
    "low_mastery": "mean mastery {mean:.2f} on the skills practised so far",
    "on_track": "mastery {mean:.2f}: on track",
}


def tier_why(code: str, args: dict) -> str:
    """The English line for a tier reason code and its parameters."""
    return TIER_WHY[code].format(**args)


def tier_reason(state, unit: list, persistent: list, settings: dict) -> tuple:
    """(tier, reason code, parameters) for a student on a unit; codes are the keys of TIER_WHY."""
    cfg = {**DEFAULT_TIER_SETTINGS, **settings}
    skills = [state.skills[s] for s in unit if s in state.skills]
    if not skills:
        return 1, "no_skills", {}
    mastered = sum(1 for sk in skills if sk.mastered)
    if mastered == len(skills):
        return "maintenance", "all_mastered", {"skills": len(skills)}
    n_persistent = len(persistent)
    if n_persistent >= cfg["tier3_misconceptions"]:
        return 3, "misconceptions_persist", {"count": n_persistent}
    if n_persistent == 0 and mastered / len(skills) >= cfg["enrichment_share"]:
        return "enrichment", "mostly_mastered", {"mastered": mastered, "skills": len(skills)}
    # Mastered skills count too: a student who mastered eight skills and just started a
    # ninth is not struggling because the ninth is still low.
    counted = [sk for sk in skills if sk.credited >= cfg["tier_min_attempts"] or sk.mastered]
    if not counted:
        if n_persistent:
            return 2, "misconception_persists", {}
        return 1, "too_few_answers", {}
    mean = sum(sk.mastery for sk in counted) / len(counted)
    if mean < cfg["tier3_below"]:
        return 3, "low_mastery", {"mean": round(mean, 4)}
    if n_persistent:
        return 2, "misconception_persists", {}
    if mean < cfg["tier2_below"]:
        return 2, "low_mastery", {"mean": round(mean, 4)}
    return 1, "on_track", {"mean": round(mean, 4)}

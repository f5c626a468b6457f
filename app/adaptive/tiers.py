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

# Why a tier, as a code and its numbers; app/i18n/explain.py puts it in words.
TIER_CODES = ("no_skills", "all_mastered", "misconceptions_persist", "mostly_mastered", "misconception_persists",
              "too_few_answers", "low_mastery", "on_track")


def tier_reason(state, unit: list, persistent: list, settings: dict) -> tuple:
    """(tier, reason code, parameters) for a student on a unit; codes are TIER_CODES."""
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

"""Practice a teacher has approved by policy: what a student does while the next set waits for approval.

Two kinds of work need no teacher's look, because the teacher already chose them: spaced
review of skills the student has mastered, and more of the skills the teacher last released,
at the same tier. The set says which policy chose it (`pre_approved`), so the phone can mark
it and the teacher's pages can show it. No words here, as in `selection`.
"""
from __future__ import annotations

from .review import recall_probability
from .selection import _Builder, _reflection, home_pack

POLICIES = ("spaced_review", "same_skills")
HOLDING_SIZE = 3  # short: the approved set should not wait behind a long one


def holding_set_for(state, catalog: dict, now: float, settings: dict | None = None,
                    last_released: dict | None = None) -> dict | None:
    """A short pre-approved practice set (review first, then the last released set's skills), or None.

    With nothing released yet, "the last skills" are the ones the student practised last.
    """
    b = _Builder(state, catalog, now, settings)
    size = min(HOLDING_SIZE, b.cfg["set_size"])
    items: list = []
    mastered = sorted((s for s in state.skills if state.skills[s].mastered),
                      key=lambda s: (recall_probability(state.skills[s].review, b.now), s))
    for skill in mastered:
        if len(items) >= size:
            break
        found = b.best_item(b.items_by_skill.get(skill, []))
        if found:
            items.append(b.entry(found[0], found[1], "spaced_review", {"days": None}))
    policy = "spaced_review" if items else "same_skills"
    last_skills = []
    for entry in (last_released or {}).get("items", []):
        if entry.get("skill") in state.skills and entry["skill"] not in last_skills:
            last_skills.append(entry["skill"])
    if not last_skills:  # nothing released yet: more of what the student already practised, newest first
        unit = b.cfg["skills"] or sorted(state.skills)
        last_skills = sorted((s for s in unit if s in state.skills and state.skills[s].attempts),
                             key=lambda s: (-(state.skills[s].last_practised or 0), s))[:2]
    while len(items) < size and last_skills:
        progressed = False
        for skill in last_skills:  # interleaved, as the selector does
            if len(items) >= size:
                break
            found = b.best_item(b.items_by_skill.get(skill, []))
            if found:
                items.append(b.entry(found[0], found[1], "productive_practice", {"zone": "within"}))
                progressed = True
        if not progressed:
            break
    if not items:
        return None
    tier = (last_released or {}).get("tier", 2) if (last_released or {}).get("kind") != "diagnostic" else 2
    return {
        "kind": "practice",
        "pre_approved": policy,
        "tier": tier,
        "tier_code": "pre_approved",
        "tier_args": {"policy": policy},
        "items": items,
        "reflection": _reflection(state, catalog, items),
        "reflection_pack": home_pack(catalog, items),
        "extension": None,
        "reserve": [],
        "minutes": round(sum(catalog["items"][e["item"]].get("seconds", 60) for e in items) / 60),
        "generated_at": b.now,
    }

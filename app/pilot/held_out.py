"""The post-test's items: held out of the unit before the pilot starts, never served to either arm until its end."""
from __future__ import annotations

import math
import random

from ..adaptive.diagnostic import diagnostic_pool

MIN_POST_ITEMS = 6          # a post-test shorter than this says too little about a student
MIN_PER_SKILL = 2           # every skill of the unit is tested
MIN_PRACTICE_LEFT = 4       # and keeps at least this many items for homework


class PilotRefused(ValueError):
    """A pilot that cannot start (or a change to it that cannot be made): a code and the numbers behind it."""

    def __init__(self, code: str, **args):
        super().__init__(f"{code}: {args}" if args else code)
        self.code, self.args_ = code, args


def post_items_per_skill(skills: list) -> int:
    """How many held-out items each skill gives the post-test."""
    return max(MIN_PER_SKILL, math.ceil(MIN_POST_ITEMS / max(1, len(skills))))


def choose_held_out(catalog: dict, skills: list, served: set, seed: int) -> list:
    """The post-test: a few items per skill that no one in the class has seen, interleaved by skill.

    Never a diagnostic item (the pre-test), a remediation item (the engine may swap one in) or an
    extension. Raises PilotRefused('too_few_held_out') naming the first skill that cannot spare enough.
    """
    rng = random.Random(seed)
    kept_back = set(diagnostic_pool(catalog)) | set(served)
    for info in catalog.get("misconceptions", {}).values():
        kept_back |= set(info.get("remediation") or [])
    per_skill = post_items_per_skill(skills)
    chosen: dict = {}
    for skill in skills:
        items = [i for i, item in catalog["items"].items() if item["skill"] == skill and not item.get("extension")]
        candidates = sorted(i for i in items if i not in kept_back)
        if len(candidates) < per_skill or len(items) - per_skill < MIN_PRACTICE_LEFT:
            raise PilotRefused("too_few_held_out", skill=skill, have=len(candidates), need=per_skill,
                               practice=max(0, len(items) - per_skill), practice_need=MIN_PRACTICE_LEFT)
        chosen[skill] = rng.sample(candidates, per_skill)
    return [chosen[s][k] for k in range(per_skill) for s in skills]

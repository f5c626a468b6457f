"""Building the next "five by one" set: five targeted items, a reflection, an extension.

Every entry carries its reason code and the predicted chance of success. The same state,
catalog, time and settings always give the same set. `why_args` holds what a sentence would
say beyond the entry's skill and misconception (how often the mistake came up, the practice
zone, the skill that waits, days since mastery), and `tier_code`/`tier_args` the tier's
reason. No words here: app/i18n/explain.py says them per audience and language.
"""
from __future__ import annotations

from .bkt import DEFAULT_PARAMS, item_choices, predict_correct
from .diagnostic import diagnostic_pool, diagnostic_set
from .graph import ancestors, prerequisites_of, topological_order
from .review import DAY, is_due, recall_probability
from .state import known_now
from .tiers import DEFAULT_TIER_SETTINGS, tier_reason

REASONS = ("misconception_remediation", "productive_practice", "prerequisite_gap",
           "spaced_review", "extension", "micro_check")

DEFAULT_SETTINGS = {
    "set_size": 5,
    "success_low": 0.6,           # the productive zone of predicted success
    "success_high": 0.85,
    "max_per_skill": 3,           # interleave: no more than this many items from one skill
    "recent_days": 14,            # misconception sightings older than this are not "recent"
    "misconception_repeat": 2,    # sightings within recent_days that call for remediation
    "max_remediation": 2,         # of the five, at most this many remediation items
    "max_review": 2,              # ... and at most this many spaced-review items
    "review_target": 0.85,        # review before predicted recall falls below this
    "micro_check_below": 0.7,     # a mastered skill whose predicted recall fell below this opens the set ...
    "micro_check_size": 2,        # ... with this many quick items on it (a micro-check)
    "no_repeat_days": 7,          # an item answered correctly this recently is not repeated
    "no_repeat_helped_days": 7,   # nor one whose answer was shown (a hint, a retry): it would be remembered, not known
    "reserve_size": 3,
    "skills": None,               # the assigned unit's skills; None means the whole catalog
    "diagnostic_first": False,    # a student with no answers yet starts with the diagnostic
    **DEFAULT_TIER_SETTINGS,
}


def _practice_zone(b, p: float) -> dict:
    """why_args for productive practice: below, above or within the zone."""
    if p < b.cfg["success_low"]:
        return {"zone": "below"}
    if p > b.cfg["success_high"]:
        return {"zone": "above"}
    return {"zone": "within"}


class _Builder:
    """Holds what one call of `next_set_for` needs; a fresh one per call keeps it pure."""

    def __init__(self, state, catalog: dict, now: float, settings: dict):
        self.state, self.catalog, self.now = state, catalog, float(now)
        self.cfg = {**DEFAULT_SETTINGS, **(settings or {})}
        self.used: set = set()
        self.order = {s: i for i, s in enumerate(topological_order(catalog))}
        self.ancestors = {s: ancestors(catalog, s) for s in catalog["skills"]}
        self.items_by_skill: dict = {}
        for item_id in sorted(catalog["items"]):
            item = catalog["items"][item_id]
            self.items_by_skill.setdefault(item["skill"], []).append(item_id)

    def params(self, skill):
        """The skill's BKT parameters as replay used them."""
        return self.state.params.get(skill, DEFAULT_PARAMS)

    def p_known(self, skill) -> float:
        """P(known) now: the replayed P(known), faded along the review curve since the skill was last practised."""
        return known_now(self.state.skills[skill], self.now)

    def available(self, item_id: str, allow_extension: bool = False) -> bool:
        """True for an item not yet chosen, of the right kind, not answered right recently."""
        item = self.catalog["items"].get(item_id)
        if item is None or item_id in self.used or item["skill"] not in self.state.skills:
            return False
        if bool(item.get("extension")) != allow_extension:
            return False
        history = self.state.items.get(item_id)
        if history is None:
            return True
        recent = self.now - self.cfg["no_repeat_days"] * DAY
        helped = self.now - self.cfg["no_repeat_helped_days"] * DAY
        return not ((history.last_correct is not None and history.last_correct >= recent)
                    or (history.last_helped is not None and history.last_helped >= helped))

    def best_item(self, candidates, extension: bool = False):
        """The candidate whose predicted success sits best in the productive zone."""
        low, high = self.cfg["success_low"], self.cfg["success_high"]
        mid = (low + high) / 2
        scored = []
        for item_id in candidates:
            if not self.available(item_id, extension):
                continue
            item = self.catalog["items"][item_id]
            params = self.params(item["skill"])
            p = predict_correct(self.p_known(item["skill"]), params, item.get("difficulty", 3), item_choices(item),
                                params.item_offset(item_id))
            outside = low - p if p < low else p - high if p > high else 0.0
            history = self.state.items.get(item_id)
            attempts = history.attempts if history else 0
            scored.append(((round(outside, 12), round(abs(p - mid), 12), attempts, item_id), item_id, p))
        if not scored:
            return None
        _, item_id, p = min(scored)
        return item_id, p

    def entry(self, item_id, p, reason, why_args=None, **extra) -> dict:
        """A set entry for the item, marking it used."""
        self.used.add(item_id)
        out = {"item": item_id, "skill": self.catalog["items"][item_id]["skill"], "reason": reason,
               "why_args": dict(why_args or {}), "p_success": round(p, 4)}
        out.update(extra)
        return out

    def active_misconceptions(self) -> list:
        """(mc, recent sightings) seen repeatedly and not since worked off, most frequent first."""
        since = self.now - self.cfg["recent_days"] * DAY
        out = []
        for mc, seen in sorted(self.state.misconceptions.items()):
            info = self.catalog.get("misconceptions", {}).get(mc)
            if info is None:
                continue
            recent = sum(1 for t in seen.seen_at if t >= since)
            if recent < self.cfg["misconception_repeat"]:
                continue
            # Two remediation items right since the last sighting: worked off.
            fixed = sum(1 for i in info.get("remediation", [])
                        if (h := self.state.items.get(i)) and h.last_correct is not None
                        and h.last_correct > seen.last_seen)
            if fixed < 2:
                out.append((mc, recent))
        out.sort(key=lambda x: (-x[1], -self.state.misconceptions[x[0]].last_seen, x[0]))
        return out


def next_set_for(state, catalog: dict, now: float, settings: dict | None = None) -> dict:
    """The next set for a student: five targeted items, reflection, extension, reserve and tier."""
    b = _Builder(state, catalog, now, settings)
    cfg = b.cfg
    unit = [s for s in (cfg["skills"] or sorted(catalog["skills"])) if s in state.skills]
    if cfg["diagnostic_first"]:
        # The diagnostic asks about the assigned unit and what it builds on, nothing else: answers
        # elsewhere would leave the unit untried and bring the diagnostic back after it ends.
        scope = set(unit).union(*(b.ancestors[s] for s in unit))
        scoped = dict(catalog, items={i: it for i, it in catalog["items"].items() if it["skill"] in scope},
                      diagnostic=[i for i in catalog.get("diagnostic", []) if catalog["items"].get(i, {}).get("skill") in scope])
        if diagnostic_pool(scoped) and not any(state.skills[s].attempts for s in scope if s in state.skills):
            return diagnostic_set(scoped, now)
    active = b.active_misconceptions()
    tier, tier_code, tier_args = tier_reason(state, unit, [mc for mc, _ in active], cfg)
    size = cfg["set_size"]
    items: list = []

    # A micro-check first: the mastered skill whose predicted recall fell furthest below the threshold.
    _micro_check(b, items, state)

    # Round-robin over active misconceptions, so one alone may bring two of its items.
    pending = list(active)
    cap = len(items) + cfg["max_remediation"]
    while pending and len(items) < min(size, cap):
        for mc, recent in list(pending):
            if len(items) >= min(size, cap):
                break
            found = b.best_item(catalog["misconceptions"][mc].get("remediation", []))
            if not found:
                pending.remove((mc, recent))
                continue
            items.append(b.entry(found[0], found[1], "misconception_remediation", {"seen": recent}, misconception=mc))

    mastered = sorted(s for s in state.skills if state.skills[s].mastered)
    due = sorted((s for s in mastered if is_due(state.skills[s].review, b.now, cfg["review_target"])),
                 key=lambda s: (recall_probability(state.skills[s].review, b.now), s))
    for skill in due:
        if len(items) >= size or sum(e["reason"] in ("spaced_review", "micro_check") for e in items) >= cfg["max_review"]:
            break
        _add_review(b, items, skill)

    for skill, reason, why_args in _frontier(b, unit):
        taken = 0
        while len(items) < size and taken < cfg["max_per_skill"]:
            found = b.best_item(b.items_by_skill.get(skill, []))
            if not found:
                break
            items.append(b.entry(found[0], found[1], reason, why_args or _practice_zone(b, found[1])))
            taken += 1

    # Nothing new left to learn (or no items left): keep mastered skills fresh.
    rest = sorted(mastered, key=lambda s: (recall_probability(state.skills[s].review, b.now), s))
    for skill in rest:
        if len(items) >= size:
            break
        _add_review(b, items, skill)

    extension = _extension(b, unit, tier)
    return {
        "kind": "practice",
        "tier": tier,
        "tier_code": tier_code,
        "tier_args": tier_args,
        "items": items,
        "reflection": _reflection(state, catalog, items),
        "reflection_pack": home_pack(catalog, items),
        "extension": extension,
        "reserve": _reserve(b, items, active),
        "minutes": round(sum(catalog["items"][e["item"]].get("seconds", 60) for e in items) / 60),
        "generated_at": b.now,
    }


def _micro_check(b: _Builder, items: list, state) -> None:
    """Open the set with a few items on the mastered skill most likely forgotten, when its recall fell below the threshold."""
    fading = sorted((recall_probability(state.skills[s].review, b.now), s) for s in state.skills
                    if state.skills[s].mastered and recall_probability(state.skills[s].review, b.now) < b.cfg["micro_check_below"])
    if not fading:
        return
    recall, skill = fading[0]
    for _ in range(min(b.cfg["micro_check_size"], b.cfg["max_review"])):  # a micro-check is review: within its cap
        found = b.best_item(b.items_by_skill.get(skill, []))
        if not found:
            break
        items.append(b.entry(found[0], found[1], "micro_check", {"recall": round(recall, 2)}))


def _add_review(b: _Builder, items: list, skill: str) -> None:
    found = b.best_item(b.items_by_skill.get(skill, []))
    if not found:
        return
    sk = b.state.skills[skill]
    days = int((b.now - sk.mastered_at) // DAY) if sk.mastered_at is not None else None
    items.append(b.entry(found[0], found[1], "spaced_review", {"days": days}))


def _frontier(b: _Builder, unit: list) -> list:
    """(skill, reason, why_args) for skills ready to learn, lowest mastery first (productive practice: None)."""
    state, catalog = b.state, b.catalog
    mastered = state.mastered_skills()
    wanted = set(unit)
    for s in unit:
        wanted |= {a for a in b.ancestors[s] if a not in mastered}
    out = []
    for s in sorted(wanted):
        if s in mastered or any(p not in mastered for p in prerequisites_of(catalog, s)):
            continue
        # A gap: outside the unit, or needed by a unit skill the student already tried.
        blocked = sorted((d for d in unit if d != s and s in b.ancestors[d]
                          and (s not in unit or state.skills[d].attempts > 0)),
                         key=lambda d: (-state.skills[d].attempts, b.order.get(d, 0), d))
        if blocked:
            out.append((state.skills[s].p_known, b.order.get(s, 0), s, "prerequisite_gap", {"before": blocked[0]}))
        else:
            out.append((state.skills[s].p_known, b.order.get(s, 0), s, "productive_practice", None))
    out.sort(key=lambda x: x[:3])  # skill ids are unique: the rest never decides
    return [(s, reason, args) for _, _, s, reason, args in out]


def _extension(b: _Builder, unit: list, tier) -> dict | None:
    """One optional challenge for a student who is ahead, from a mastered skill."""
    mastered = [s for s in unit if b.state.skills[s].mastered]
    if tier not in (1, "enrichment", "maintenance") or not mastered:
        return None
    for skill in sorted(mastered, key=lambda s: (-b.state.skills[s].mastery, b.order.get(s, 0), s)):
        found = b.best_item(b.items_by_skill.get(skill, []), extension=True)
        if found:
            return b.entry(found[0], found[1], "extension", {}, optional=True)
    return None


def home_pack(catalog: dict, items: list | None) -> str | None:
    """The pack most of a set's items come from (its reflection prompt's pack)."""
    packs = [catalog["items"][e["item"]].get("pack") for e in items or [] if e["item"] in catalog["items"]]
    return max(sorted(set(packs) - {None}), key=packs.count, default=None)


def _reflection(state, catalog: dict, items: list | None = None) -> str | None:
    """The reflection prompt used least recently (never-used ones first, in catalog order).

    Prompts come from the pack most of the set's items come from: a fractions set does not
    ask about substituting x (packs reuse prompt ids with their own words).
    """
    home = home_pack(catalog, items)
    prompts = list(catalog.get("packs", {}).get(home, {}).get("reflections") or catalog.get("reflections", []))
    if not prompts:
        return None
    last_used = {rid: i for i, (rid, _) in enumerate(state.reflections)}
    return min(prompts, key=lambda r: (last_used.get(r, -1), prompts.index(r)))


def _reserve(b: _Builder, items: list, active: list) -> list:
    """Up to reserve_size remediation items the phone may swap in when it sees a misconception."""
    catalog = b.catalog
    seen_counts = {mc: st.count for mc, st in b.state.misconceptions.items()}
    mcs = []
    for e in items:
        for mc in catalog["skills"][e["skill"]].get("misconceptions", []):
            if mc in catalog.get("misconceptions", {}) and mc not in mcs:
                mcs.append(mc)
    # Likeliest first: active ones, then ones seen before, then the rest in catalog order.
    active_ids = [mc for mc, _ in active]
    position = {mc: i for i, mc in enumerate(mcs)}
    mcs.sort(key=lambda mc: (mc not in active_ids, -seen_counts.get(mc, 0), position[mc]))
    reserve = []
    for mc in mcs:
        if len(reserve) >= b.cfg["reserve_size"]:
            break
        found = b.best_item(catalog["misconceptions"][mc].get("remediation", []))
        if found:
            reserve.append(b.entry(found[0], found[1], "misconception_remediation", {"reserve": True}, misconception=mc))
    return reserve

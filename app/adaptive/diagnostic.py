"""A short adaptive diagnostic over the skill graph, and priors seeded from its answers.

Each answer tells about more than its own skill: passing a skill suggests its
prerequisites are known, failing one suggests the skills built on it are not. The next
item goes to the skill whose answer would settle the most of what is still open, like a
binary search on the graph.
"""
from __future__ import annotations

from .bkt import DEFAULT_PARAMS, BKTParams, item_choices, posterior_known
from .graph import ancestors, dependents_map, descendants, topological_order

MIN_ITEMS = 6
MAX_ITEMS = 10


def _pairs(answers) -> list:
    out = []
    for a in answers:
        if isinstance(a, dict):
            out.append((a["item"], bool(a.get("correct"))))
        else:
            out.append((a[0], bool(a[1])))
    return out


def diagnostic_pool(catalog: dict) -> list:
    """The items the diagnostic may use: the catalog's list, or one middling item per skill."""
    pool = [i for i in catalog.get("diagnostic", []) if i in catalog["items"]]
    if pool:
        return pool
    best: dict = {}
    for item_id in sorted(catalog["items"]):
        item = catalog["items"][item_id]
        if item.get("extension"):
            continue
        key = (abs(item.get("difficulty", 3) - 3), item_id)
        if item["skill"] not in best or key < best[item["skill"]][0]:
            best[item["skill"]] = (key, item_id)
    return sorted(v[1] for v in best.values())


def _direct_results(catalog: dict, pairs: list) -> tuple:
    passed, failed, tried = set(), set(), {}
    for item_id, correct in pairs:
        skill = catalog["items"][item_id]["skill"]
        right, wrong = tried.get(skill, (0, 0))
        tried[skill] = (right + correct, wrong + (not correct))
    for skill, (right, wrong) in tried.items():
        if right > wrong:
            passed.add(skill)
        elif wrong > right:
            failed.add(skill)
    return passed, failed, tried


def next_diagnostic_item(catalog: dict, answers, min_items: int = MIN_ITEMS,
                         max_items: int = MAX_ITEMS) -> str | None:
    """The next diagnostic item given the answers so far, or None when the diagnostic is done."""
    pairs = _pairs(answers)
    if len(pairs) >= max_items:
        return None
    pool = diagnostic_pool(catalog)
    used = {i for i, _ in pairs}
    unused: dict = {}
    for item_id in pool:
        if item_id not in used:
            unused.setdefault(catalog["items"][item_id]["skill"], []).append(item_id)
    passed, failed, tried = _direct_results(catalog, pairs)
    deps = dependents_map(catalog)
    known_ok = set(passed).union(*(ancestors(catalog, s) for s in passed)) - failed
    known_bad = set(failed).union(*(descendants(catalog, s, deps) for s in failed)) - passed
    settled = known_ok | known_bad
    order = {s: i for i, s in enumerate(topological_order(catalog))}
    open_skills = [s for s in unused if s not in settled]
    if open_skills:
        def split(s):
            up = len(ancestors(catalog, s) & set(open_skills))
            down = len(descendants(catalog, s, deps) & set(open_skills))
            return (-min(up, down), -(up + down), order.get(s, 0), s)
        skill = min(open_skills, key=split)
    elif len(pairs) < min_items:
        # Everything is inferred: confirm inferences next to a pass/fail boundary first.
        tested = set(tried)
        def confirm(s):
            near = (set(catalog["skills"][s].get("prerequisites", [])) | set(deps.get(s, []))) & tested
            return (s in tested, -len(near), order.get(s, 0), s)
        candidates = [s for s in unused]
        if not candidates:
            return None
        skill = min(candidates, key=confirm)
    else:
        return None
    return min(unused[skill], key=lambda i: (abs(catalog["items"][i].get("difficulty", 3) - 3), i))


def seed_priors(diagnostic_results, catalog: dict, params_by_skill: dict | None = None) -> dict:
    """Per-skill priors from diagnostic answers, spread along prerequisites.

    Tested skills get the posterior of their answers. An untested skill is raised to the
    best result of a skill that needs it (knowing a skill implies its prerequisites) and
    capped by the worst result of its prerequisites (nobody knows what they cannot yet
    build on); the cap wins, so a doubt sends the student back to practise basics.
    """
    params_by_skill = params_by_skill or {}

    def params(s) -> BKTParams:
        p = params_by_skill.get(s, DEFAULT_PARAMS)
        return p if isinstance(p, BKTParams) else BKTParams.from_dict(p)

    direct: dict = {}
    for item_id, correct in _pairs(diagnostic_results):
        item = catalog["items"].get(item_id)
        if item is None:
            continue
        s = item["skill"]
        p = direct.get(s, params(s).prior)
        direct[s] = posterior_known(p, correct, params(s), item.get("difficulty", 3), item_choices(item),
                                    params(s).item_offset(item_id))
    deps = dependents_map(catalog)
    priors = {}
    for s in sorted(catalog["skills"]):
        if s in direct:
            priors[s] = direct[s]
            continue
        value = params(s).prior
        below = [direct[d] for d in descendants(catalog, s, deps) if d in direct]
        above = [direct[a] for a in ancestors(catalog, s) if a in direct]
        if below:
            value = max(value, max(below))
        if above:
            value = min(value, min(above))
        priors[s] = value
    return {s: min(0.99, max(0.01, p)) for s, p in priors.items()}


def diagnostic_tree(catalog: dict, min_items: int = MIN_ITEMS, max_items: int = MAX_ITEMS,
                    answers: tuple = ()) -> dict | None:
    """Every path of the diagnostic as a tree: {"item", "right": subtree, "wrong": subtree}.

    The phone walks it offline (the next node is `right` or `wrong` by the grade; None
    ends the diagnostic), so the diagnostic stays adaptive without a connection.
    """
    item = next_diagnostic_item(catalog, list(answers), min_items, max_items)
    if item is None:
        return None
    return {"item": item,
            "right": diagnostic_tree(catalog, min_items, max_items, answers + ((item, True),)),
            "wrong": diagnostic_tree(catalog, min_items, max_items, answers + ((item, False),))}


def diagnostic_set(catalog: dict, now: float, min_items: int = MIN_ITEMS, max_items: int = MAX_ITEMS) -> dict:
    """A set of kind "diagnostic": its tree, and every item the tree may ask (for caching)."""
    tree = diagnostic_tree(catalog, min_items, max_items)
    items, queue, seen = [], [tree], set()
    while queue:  # breadth first, so the first item is the root
        node = queue.pop(0)
        if node is None:
            continue
        if node["item"] not in seen:
            seen.add(node["item"])
            item = catalog["items"][node["item"]]
            items.append({"item": node["item"], "skill": item["skill"], "reason": "diagnostic",
                          "why_args": {}, "p_success": None})
        queue.extend((node["right"], node["wrong"]))
    return {"kind": "diagnostic", "tier": 1, "tier_code": "diagnostic", "tier_args": {}, "items": items,
            "tree": tree, "reflection": None, "extension": None, "reserve": [],
            "minutes": round(sum(catalog["items"][e["item"]].get("seconds", 60) for e in items[:min_items]) / 60),
            "generated_at": float(now)}

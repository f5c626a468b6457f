"""The prerequisite graph of a catalog: order, ancestors and descendants of skills."""
from __future__ import annotations


def prerequisites_of(catalog: dict, skill: str) -> list[str]:
    """The direct prerequisites of a skill that exist in the catalog."""
    info = catalog["skills"].get(skill, {})
    return [p for p in info.get("prerequisites", []) if p in catalog["skills"]]


def topological_order(catalog: dict) -> list[str]:
    """Skills with every prerequisite before its dependents; ties broken by skill id.

    A cycle (a pack error the validator should catch) does not hang: the skills left in
    it are appended in id order.
    """
    skills = sorted(catalog["skills"])
    pending = {s: set(prerequisites_of(catalog, s)) for s in skills}
    order: list[str] = []
    placed: set = set()
    while len(order) < len(skills):
        ready = [s for s in skills if s not in placed and pending[s] <= placed]
        if not ready:
            ready = [s for s in skills if s not in placed]
        for s in ready:
            order.append(s)
            placed.add(s)
    return order


def dependents_map(catalog: dict) -> dict[str, list[str]]:
    """For each skill, the skills that list it as a direct prerequisite."""
    out: dict = {s: [] for s in catalog["skills"]}
    for s in sorted(catalog["skills"]):
        for p in prerequisites_of(catalog, s):
            out[p].append(s)
    return out


def ancestors(catalog: dict, skill: str) -> set[str]:
    """Every skill reachable by following prerequisites from `skill` (not itself)."""
    seen: set = set()
    stack = list(prerequisites_of(catalog, skill))
    while stack:
        s = stack.pop()
        if s not in seen and s != skill:
            seen.add(s)
            stack.extend(prerequisites_of(catalog, s))
    return seen


def descendants(catalog: dict, skill: str, dependents: dict | None = None) -> set[str]:
    """Every skill that needs `skill`, directly or through other skills (not itself)."""
    dependents = dependents or dependents_map(catalog)
    seen: set = set()
    stack = list(dependents.get(skill, []))
    while stack:
        s = stack.pop()
        if s not in seen and s != skill:
            seen.add(s)
            stack.extend(dependents.get(s, []))
    return seen

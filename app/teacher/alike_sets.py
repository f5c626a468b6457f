"""Sets waiting for approval, grouped when they are alike, so a teacher reads five alike sets once.

Two sets are alike when they are the same kind of set and practise the same skills, each for the
same reason (and, when the reason is a mistake, the same mistake). The items may differ from student
to student: the engine picks each student's items at their level. That rule is the whole of it, so a
page can say it in one sentence, and the grouping is the same every time the page is drawn. No Flask.
"""
from __future__ import annotations

import hashlib
import json


def likeness(payload: dict) -> tuple:
    """What two sets must share to be grouped: kind, pre-approval, and each (skill, reason, mistake) they practise."""
    parts = sorted({(e.get("skill") or "", e.get("reason") or "",
                     (e.get("misconception") or "") if e.get("reason") == "misconception_remediation" else "")
                    for e in payload.get("items", [])})
    return payload.get("kind") or "", payload.get("pre_approved") or "", tuple(parts)


def group_key(like: tuple) -> str:
    """A short, stable name for a likeness, fit for a URL (the same sets give the same key on every page)."""
    return hashlib.sha1(json.dumps(like).encode("utf-8")).hexdigest()[:12]  # noqa: S324 - a name, not a secret


def set_parts(items: list) -> list:
    """What a set practises, for a one-line summary: each reason once, with its skills, in the order items come."""
    seen: dict = {}
    for entry in items:
        skills = seen.setdefault(entry.get("reason"), {"reason": entry.get("reason"), "skills": []})["skills"]
        if entry.get("skill") not in skills:
            skills.append(entry.get("skill"))
    return list(seen.values())


def _parts(sets: list) -> list:
    """The group's (skill, reason, mistake) parts in the order the sets list them, each with its distinct items."""
    parts: dict = {}
    for s in sets:
        for entry in s["payload"].get("items", []):
            mistake = entry.get("misconception") if entry.get("reason") == "misconception_remediation" else None
            part = parts.setdefault((entry.get("skill"), entry.get("reason"), mistake),
                                    {"skill": entry.get("skill"), "reason": entry.get("reason"),
                                     "misconception": mistake, "items": {}})
            part["items"].setdefault(entry["item"], []).append(s["student_name"])
    return [dict(p, items=[{"item": i, "students": names} for i, names in p["items"].items()])
            for p in parts.values()]


def group_sets(sets: list) -> list:
    """The waiting sets in groups of alike ones: the largest group first, then in the order the sets arrived.

    Each group: key, its sets (oldest first), the students' names, and its parts (reason, skill, items)."""
    groups: dict = {}
    for position, s in enumerate(sets):
        like = likeness(s["payload"])
        groups.setdefault(like, {"key": group_key(like), "first": position, "sets": []})["sets"].append(s)
    ordered = sorted(groups.values(), key=lambda g: (-len(g["sets"]), g["first"]))
    return [{"key": g["key"], "sets": g["sets"], "students": [s["student_name"] for s in g["sets"]],
             "parts": _parts(g["sets"]), "items": _distinct_items(g["sets"])} for g in ordered]


def _distinct_items(sets: list) -> list:
    """Every item of the group once, in the order the sets list them."""
    seen: dict = {}
    for s in sets:
        for entry in s["payload"].get("items", []):
            seen.setdefault(entry["item"], entry)
    return list(seen.values())


def find_group(sets: list, key: str) -> dict | None:
    """The group with this key among the waiting sets, or None (approved or changed since the page was drawn)."""
    return next((g for g in group_sets(sets) if g["key"] == key), None)


def shared_default(group: dict) -> list:
    """The items ticked when a teacher opens a group's shared list: those most students have, as many as a set holds."""
    counts: dict = {}
    for s in group["sets"]:
        for entry in s["payload"].get("items", []):
            counts[entry["item"]] = counts.get(entry["item"], 0) + 1
    order = [e["item"] for e in group["items"]]
    size = max(len(s["payload"].get("items", [])) for s in group["sets"])
    return sorted(order, key=lambda i: (-counts[i], order.index(i)))[:size]

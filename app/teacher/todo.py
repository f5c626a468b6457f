"""The overview's first screen: at most five "do this next" cards, the most needed first.

Each card has one line of reason and one action. Need is scored so that a student who is stuck and
whose phone has gone quiet outranks one who only answers fast; sets waiting for approval and a
mistake shared by a group of students compete on the same scale.
"""
from __future__ import annotations

import json

from flask import url_for

from ..i18n.web import gettext as _, ngettext
from .readable import first_line

MAX_CARDS = 5
# How much each outreach flag says a student needs the teacher now (stuck and silent add up to the most).
FLAG_NEED = {"struggling": 5, "inactive": 4, "set_overdue": 3, "low_completion": 2, "skipping": 2,
             "hint_reliance": 2, "rapid_answers": 1}
GROUP_MIN = 3  # a reteach is worth class time from three students up
STUDENT_CARDS, GROUP_CARDS = 3, 1  # room is left for the approvals and the reteach that help many at once


def _student_card(student: dict, flags: list, label, signal_lines) -> dict:
    need = sum(FLAG_NEED.get(f["flag"], 1) for f in flags)
    worst = sorted(flags, key=lambda f: -FLAG_NEED.get(f["flag"], 1))[:2]
    reason = " · ".join(f"{label(f['flag'])}: {signal_lines(f)[0]}" if signal_lines(f) else str(label(f["flag"]))
                        for f in worst)
    quiet = any(f["flag"] in ("inactive", "set_overdue") for f in flags)
    return {"kind": "student", "need": need, "title": student["name"], "reason": reason,
            "action": _("Call %(name)s", name=student["name"]) if quiet else _("Talk to %(name)s", name=student["name"]),
            "url": url_for("teacher.student", student_id=student["id"]), "id": student["id"]}


def _waiting_reason(klass: dict) -> str:
    """What students do while sets wait, as the class is set: pre-approved practice, or nothing at all."""
    try:
        settings = json.loads(klass.get("settings") or "{}") if isinstance(klass.get("settings"), str) \
            else dict(klass.get("settings") or {})
    except ValueError:
        settings = {}
    if settings.get("while_waiting", "practice") == "nothing":
        return _("Students get no new homework until you approve it.")
    return _("Meanwhile students practise what you already approved (review, or more of the last skills you released).")


def next_steps(klass: dict, waiting: int, flagged: list, signals: dict, groups: list, names: dict,
               label, signal_lines) -> list:
    """The to-do cards for a class, most needed first (at most five)."""
    cards = []
    if waiting:
        cards.append({"kind": "approve", "need": 6 + min(waiting, 10) / 10,
                      "title": ngettext("%(num)d set waits for your approval", "%(num)d sets wait for your approval",
                                        waiting),
                      "reason": _waiting_reason(klass),
                      "action": _("Review and approve"),
                      "url": url_for("teacher.approvals", class_id=klass["id"])})
    for g in sorted((g for g in groups if g["count"] >= GROUP_MIN), key=lambda g: -g["count"])[:GROUP_CARDS]:
        mistake = names["misconceptions"].get(g["misconception"], _("a common mistake"))
        cards.append({"kind": "group", "need": 4 + g["count"] / 10, "title": first_line(mistake, 70),
                      "reason": ngettext("%(num)d student keeps making this mistake",
                                         "%(num)d students keep making this mistake", g["count"]),
                      "action": _("Reteach this group"),
                      "url": url_for("teacher.misconception", class_id=klass["id"], mc=g["misconception"])})
    students = sorted((_student_card(s, signals[s["id"]]["flags"], label, signal_lines) for s in flagged),
                      key=lambda c: (-c["need"], c["title"]))
    cards += students[:STUDENT_CARDS]
    cards.sort(key=lambda c: -c["need"])
    return cards[:MAX_CARDS]

"""What the class overview shows, computed from a snapshot: groups, flags, risky items, completion.

No Flask: each function takes a Snapshot (and the catalog) and returns plain data.
Misconception groups group students by the mistake their answers show, never by ability.
"""
from __future__ import annotations

import math
from collections import Counter, defaultdict

from ..adaptive.signals import behaviour_signals, days_counted, elapsed_args
from .snapshot import Snapshot, window_start

RECENT_DAYS = 14
GROUP_MIN_SIGHTINGS = 2     # the same mistake twice in the window: a pattern, not a slip
RESOLVED_STREAK = 3         # three right in a row on the skill since: the mistake looks resolved
RISKY_MIN_STUDENTS = 5


def mastery_matrix(db, student_ids: list, skills: list, overrides: dict) -> dict:
    """{student: {skill: {p, attempts, model, override}}} with the teacher's overrides applied."""
    matrix: dict = {sid: {} for sid in student_ids}
    if not student_ids:
        return matrix
    marks = ",".join("?" * len(student_ids))
    wanted = set(skills)
    for sid, skill, p, attempts in db.execute(
            f"SELECT student_id, skill_id, p_known, attempts FROM mastery WHERE student_id IN ({marks})",  # noqa: S608
            student_ids):
        if skill in wanted:
            matrix[sid][skill] = {"p": p, "model": p, "attempts": attempts, "override": None}
    for sid, by_skill in overrides.items():
        for skill, decision in by_skill.items():
            if sid in matrix and skill in wanted:
                cell = matrix[sid].setdefault(skill, {"p": None, "model": None, "attempts": 0})
                cell.update(p=float(decision["value"]), override=decision)
    return matrix


def skill_summary(matrix: dict, skills: list, threshold: float) -> dict:
    """Per skill: mean mastery of students who tried it, and how many reached the threshold."""
    out = {}
    for skill in skills:
        values = [row[skill]["p"] for row in matrix.values() if skill in row and row[skill]["p"] is not None
                  and (row[skill]["attempts"] or row[skill]["override"])]
        out[skill] = {"mean": sum(values) / len(values) if values else None,
                      "mastered": sum(1 for v in values if v >= threshold), "tried": len(values)}
    return out


def misconception_groups(snap: Snapshot, catalog: dict, days: int = RECENT_DAYS) -> list:
    """Students grouped by a misconception their recent answers keep matching, with typical wrong answers."""
    since = window_start(snap.now, days)
    mc_skill = {mc: info["skill"] for mc, info in catalog.get("misconceptions", {}).items()}
    groups: dict = defaultdict(lambda: {"students": [], "resolved": [], "answers": Counter(), "items": Counter(),
                                        "sightings": 0})
    for sid, events in snap.events.items():
        sightings: Counter = Counter()
        last_seen: dict = {}
        streak_after: dict = defaultdict(int)  # right answers on the mistake's skill since it last showed
        for e in events:
            if e["type"] != "answer" or e["ts"] < since:
                continue
            skill = catalog["items"].get(e["item"], {}).get("skill")
            mc = e["misconception"]
            if mc:
                sightings[mc] += 1
                last_seen[mc] = e["ts"]
                streak_after[mc] = 0
                g = groups[mc]
                g["answers"][(e["item"], e["response"])] += 1
                g["items"][e["item"]] += 1
                g["sightings"] += 1
            for seen_mc in last_seen:
                if mc_skill.get(seen_mc) == skill and seen_mc != mc:
                    streak_after[seen_mc] = streak_after[seen_mc] + 1 if e["correct"] else 0
        for mc, n in sightings.items():
            if n >= GROUP_MIN_SIGHTINGS:
                entry = {"id": sid, "sightings": n, "last_seen": last_seen[mc]}
                target = "resolved" if streak_after[mc] >= RESOLVED_STREAK else "students"
                groups[mc][target].append(entry)
    out = []
    for mc, g in groups.items():
        if not g["students"] and not g["resolved"]:
            continue
        g["students"].sort(key=lambda e: (-e["sightings"], -e["last_seen"]))
        out.append({"misconception": mc, "skill": mc_skill.get(mc), "students": g["students"],
                    "resolved": g["resolved"], "count": len(g["students"]), "sightings": g["sightings"],
                    "wrong_answers": g["answers"].most_common(3), "where": g["items"].most_common(3)})
    out.sort(key=lambda g: (-g["count"], -g["sightings"], g["misconception"]))
    return out


def _point_biserial(scores: list, outcomes: list) -> float | None:
    """Correlation between a 0/1 outcome and a continuous score (None when either does not vary)."""
    n = len(scores)
    if n < 3:
        return None
    right = [s for s, o in zip(scores, outcomes) if o]
    if not right or len(right) == n:
        return None
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / n)
    if sd < 1e-12:
        return None
    p = len(right) / n
    mean_right = sum(right) / len(right)
    mean_wrong = (mean * n - mean_right * len(right)) / (n - len(right))
    return (mean_right - mean_wrong) / sd * math.sqrt(p * (1 - p))


def _median(values: list) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def item_statistics(snap: Snapshot, catalog: dict) -> list:
    """Per item: students, facility, discrimination (point-biserial on the rest score), median time, top wrong answer."""
    return statistics_from(item_evidence(snap), catalog)


def item_evidence(snap: Snapshot) -> tuple:
    """(first, seconds, wrong, skips): per item each student's first answer right or not, the seconds of those first
    answers, the wrong answers (response, misconception) counted in the order first met, and the skips."""
    first: dict = defaultdict(dict)  # item -> student -> first answer correct
    seconds: dict = defaultdict(list)
    wrong: dict = defaultdict(Counter)
    skips: Counter = Counter()
    for sid, events in snap.events.items():
        for e in events:
            if e["type"] == "skip":
                skips[e["item"]] += 1
            if e["type"] != "answer":
                continue
            item = e["item"]
            if sid not in first[item]:
                first[item][sid] = bool(e["correct"])
                if e["seconds"]:
                    seconds[item].append(e["seconds"])
            if not e["correct"]:
                wrong[item][(e["response"], e["misconception"])] += 1
    return first, seconds, wrong, skips


def statistics_from(evidence: tuple, catalog: dict, totals: dict | None = None) -> list:
    """The item statistics of `item_evidence` (or of the same read from the tallies: `tallied.item_evidence`).

    `totals` ({student: [right, tried]} over every item's first answer) when the evidence covers only some items."""
    first, seconds, wrong, skips = evidence
    if totals is None:
        totals = defaultdict(lambda: [0, 0])  # student -> [right, tried] over first tries
        for by_student in first.values():
            for sid, ok in by_student.items():
                totals[sid][0] += ok
                totals[sid][1] += 1
    out = []
    for item, by_student in first.items():
        sids = list(by_student)
        outcomes = [by_student[s] for s in sids]
        # The rest score leaves this item out, so an item does not correlate with itself.
        rest = [(totals[s][0] - by_student[s]) / max(1, totals[s][1] - 1) for s in sids]
        common = wrong[item].most_common(1)
        out.append({
            "item": item, "skill": catalog["items"].get(item, {}).get("skill"), "students": len(sids),
            "facility": sum(outcomes) / len(outcomes), "discrimination": _point_biserial(rest, outcomes),
            "median_seconds": _median(seconds[item]),
            "expected_seconds": catalog["items"].get(item, {}).get("seconds"),
            "common_wrong": {"item": item, "response": common[0][0][0], "misconception": common[0][0][1],
                             "count": common[0][1],
                             "share": common[0][1] / sum(wrong[item].values())} if common else None,
            "skips": skips[item]})
    return out


def risky_items(stats: list, limit: int | None = None) -> list:
    """Items that may be flawed or too hard, each with the reasons that flag it, riskiest first."""
    out = []
    for s in stats:
        if s["students"] < RISKY_MIN_STUDENTS:
            continue
        reasons = []
        if s["facility"] < 0.3:
            reasons.append("hard")
        if s["discrimination"] is not None and s["discrimination"] < 0.1:
            reasons.append("low_discrimination")
        cw = s["common_wrong"]
        if cw and not cw["misconception"] and cw["count"] >= 3 and cw["share"] >= 0.4:
            reasons.append("unmapped_wrong_answer")
        if s["median_seconds"] and s["expected_seconds"] and s["median_seconds"] > 2 * s["expected_seconds"]:
            reasons.append("slow")
        if s["skips"] >= 3 and s["skips"] >= s["students"] / 3:
            reasons.append("skipped")
        if reasons:
            out.append(dict(s, reasons=reasons))
    out.sort(key=lambda s: (-len(s["reasons"]), s["facility"], s["item"]))
    return out[:limit] if limit else out


def completion(snap: Snapshot) -> dict:
    """Per student: sets released (completed ones included), completed, and items done in the open set."""
    out = {}
    for s in snap.students:
        sets = snap.sets.get(s["id"], [])
        released = [x for x in sets if x["status"] in ("released", "completed")]
        done = sum(1 for x in sets if x["status"] == "completed")
        out[s["id"]] = {"released": len(released), "completed": done,
                        "share": done / len(released) if released else None,
                        "proposed": sum(1 for x in sets if x["status"] == "proposed")}
    return out


def behaviour(snap: Snapshot, catalog: dict, settings: dict | None = None, days: int = RECENT_DAYS,
              memo=None) -> dict:
    """Per student: persistence and independence levels and behaviour flags (app/adaptive/signals.py).

    `memo(key, compute)` may reuse a student's result while the key — their events, last sync
    and the day — is unchanged (after one phone syncs, only that student is recounted)."""
    since = window_start(snap.now, days)
    out = {}
    for s in snap.students:
        sid, events, last_sync = s["id"], snap.events.get(s["id"], []), snap.last_sync.get(s["id"])
        away = snap.away.get(sid, [])

        def compute(events=events, last_sync=last_sync, away=away):
            return behaviour_signals([e for e in events if e["ts"] >= since], snap.now, catalog, last_sync, settings,
                                     away)
        if memo is None or settings:
            out[sid] = compute()
        else:
            seen = last_sync or (events[-1]["ts"] if events else None)  # what "days since" counts from
            days_since = days_counted(seen, snap.now, away)[:2] if seen else None
            key = (sid, since, len(events), events[-1]["order"] if events else None, last_sync, days_since,
                   tuple(away))
            out[sid] = memo(key, compute)
    return out


def overdue(snap: Snapshot, days: int = 3) -> dict:
    """Per student: a flag when a released set is still unfinished `days` after its release, else None.

    Days away (excused, class paused) do not count, as the deadline moved past them (app/planning/away.py):
    counted days plus the days left to the moved deadline make the week the set was given."""
    out = {}
    for s in snap.students:
        away = snap.away.get(s["id"], [])
        late = []
        for x in snap.sets.get(s["id"], []):
            if x["status"] != "released":
                continue
            released = x["released_at"] or x["created_at"]
            counted, left_out, kind = days_counted(released, snap.now, away)
            if counted >= days:
                late.append((released, counted, left_out, kind))
        if not late:
            out[s["id"]] = None
            continue
        _released, counted, left_out, kind = min(late)  # the oldest says how long
        said = elapsed_args(counted + left_out, left_out, kind) if left_out else {"days": days}
        out[s["id"]] = {"flag": "set_overdue", "signal_codes": [{"code": "sets_overdue", "n": len(late), **said}]}
    return out


def outreach(snap: Snapshot, catalog: dict, settings: dict | None = None, days: int = RECENT_DAYS,
             levels: dict | None = None) -> dict:
    """Per student: levels and outreach flags with the signals behind each (`levels` from `behaviour`, if known)."""
    levels = levels if levels is not None else behaviour(snap, catalog, settings, days)
    late = overdue(snap)
    out = {}
    for s in snap.students:
        found = levels[s["id"]]
        flags = list(found["flags"])
        # A quiet phone explains an unfinished set: say it once, as "not syncing".
        if late[s["id"]] and not any(f["flag"] == "inactive" for f in flags):
            flags.append(late[s["id"]])
        out[s["id"]] = dict(found, flags=flags)
    return out

"""Before-and-after outcomes for the descriptive report and the equity view (no Flask): never an effect.

For a set of students and a split time: how often a misconception recurred (share of
answers on its skill that matched it), mastery gained (now minus the estimate at the
split), and completion (sets finished of those released), each before and after. With no comparison
group and students chosen for a mistake (regression to the mean), these describe; the pilot (app/pilot) measures.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from .snapshot import DAY, Snapshot

LAG_GAIN = 0.10          # a group gaining 10 points of mastery less than the class lags
LAG_COMPLETION = 0.15    # ... or finishing 15 points fewer of its sets
MIN_GROUP = 3            # smaller groups get figures but no verdict: too few to tell
DEFAULT_PRIOR = 0.2


def day_of(ts: float) -> str:
    """The UTC day (as mastery_history stores it) of a time."""
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")


def default_split(snap: Snapshot) -> float:
    """Halfway between the class's first answer and now, at a day boundary."""
    first = min((e["ts"] for events in snap.events.values() for e in events), default=None)
    if first is None:
        return snap.now
    mid = first + (snap.now - first) / 2
    return mid - mid % DAY


def mastery_history(db, student_ids: list) -> dict:
    """{student: {skill: [(day, p), ...]}} in day order."""
    out: dict = defaultdict(lambda: defaultdict(list))
    if not student_ids:
        return out
    marks = ",".join("?" * len(student_ids))
    for sid, skill, day, p in db.execute(
            f"SELECT student_id, skill_id, day, p_known FROM mastery_history WHERE student_id IN ({marks}) "  # noqa: S608
            "ORDER BY day", student_ids):
        out[sid][skill].append((day, p))
    return out


def mastery_at(series: list, day: str | None, prior: float = DEFAULT_PRIOR) -> float:
    """The estimate on a day (the last one recorded up to it), the prior before any; day None = latest."""
    value = prior
    for d, p in series:
        if day is not None and d > day:
            break
        value = p
    return value


def _mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def _completion(snap: Snapshot, ids, split: float, after: bool):
    released = done = 0
    for sid in ids:
        for s in snap.sets.get(sid, []):
            start = s["released_at"] or s["created_at"]
            if s["status"] not in ("released", "completed") or (start >= split) != after:
                continue
            released += 1
            done += s["status"] == "completed"
    return done / released if released else None


def _recurrence(snap: Snapshot, ids, split: float, after: bool, catalog: dict, mc: str | None):
    """Share of answers matching `mc` (on its skill), or any misconception when mc is None."""
    skill = catalog.get("misconceptions", {}).get(mc, {}).get("skill") if mc else None
    answers = hits = 0
    for sid in ids:
        for e in snap.events.get(sid, []):
            if e["type"] != "answer" or (e["ts"] >= split) != after:
                continue
            if skill and catalog["items"].get(e["item"], {}).get("skill") != skill:
                continue
            answers += 1
            hits += bool(e["misconception"]) if mc is None else e["misconception"] == mc
    return hits / answers if answers else None


def outcomes(snap: Snapshot, catalog: dict, history: dict, ids: list, split: float, skills: list,
             mc: str | None = None) -> dict:
    """Before/after figures for a group of students (on the misconception's skill when `mc` is given)."""
    split_day = day_of(split - 1)
    on = [catalog["misconceptions"][mc]["skill"]] if mc and mc in catalog.get("misconceptions", {}) else skills
    gains, now_values = [], []
    for sid in ids:
        for skill in on:
            series = history.get(sid, {}).get(skill, [])
            if not series:
                continue
            before, latest = mastery_at(series, split_day), mastery_at(series, None)
            gains.append(latest - before)
            now_values.append(latest)
    return {
        "students": len(ids),
        "recurrence_before": _recurrence(snap, ids, split, False, catalog, mc),
        "recurrence_after": _recurrence(snap, ids, split, True, catalog, mc),
        "mastery_now": _mean(now_values), "mastery_gain": _mean(gains),
        "completion_before": _completion(snap, ids, split, False),
        "completion_after": _completion(snap, ids, split, True),
    }


def mistake_groups(snap: Snapshot, catalog: dict, split: float, min_sightings: int = 2) -> dict:
    """{misconception: [students]} who showed it at least `min_sightings` times before the split."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    for sid, events in snap.events.items():
        for e in events:
            if e["type"] == "answer" and e["misconception"] and e["ts"] < split:
                counts[e["misconception"]][sid] += 1
    return {mc: sorted(sid for sid, n in by.items() if n >= min_sightings) for mc, by in counts.items()
            if any(n >= min_sightings for n in by.values())}


def lags(group: dict, overall: dict) -> list:
    """Why a group lags the class (empty when it does not, or is too small to tell)."""
    if group["students"] < MIN_GROUP:
        return []
    out = []
    if group["mastery_gain"] is not None and overall["mastery_gain"] is not None \
            and group["mastery_gain"] < overall["mastery_gain"] - LAG_GAIN:
        out.append("gain")
    ca, oa = group["completion_after"], overall["completion_after"]
    if ca is not None and oa is not None and ca < oa - LAG_COMPLETION:
        out.append("completion")
    return out


def equity_groups(students: list) -> list:
    """(kind, name, ids) for each language and each teacher-defined group."""
    by_locale, by_group = defaultdict(list), defaultdict(list)
    for s in students:
        by_locale[s["locale"]].append(s["id"])
        for g in s["groups"]:
            by_group[g].append(s["id"])
    return [("language", k, v) for k, v in sorted(by_locale.items())] + \
           [("group", k, v) for k, v in sorted(by_group.items())]


def parse_day(text: str | None) -> float | None:
    """A YYYY-MM-DD day as a UTC timestamp, or None."""
    try:
        return datetime.strptime(text or "", "%Y-%m-%d").replace(tzinfo=UTC).timestamp()
    except ValueError:
        return None

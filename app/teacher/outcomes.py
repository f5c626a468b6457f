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


def default_split(first_ts: float | None, now: float) -> float:
    """Halfway between the class's first event and now, at a day boundary (now when nothing happened yet)."""
    if first_ts is None:
        return now
    mid = first_ts + (now - first_ts) / 2
    return mid - mid % DAY


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


def _recurrence(tally: dict, ids, after: bool, catalog: dict, mc: str | None):
    """Share of answers matching `mc` (on its skill), or any misconception when mc is None."""
    skill = catalog.get("misconceptions", {}).get(mc, {}).get("skill") if mc else None
    members = set(ids)
    answers = hits = 0
    for (sid, on_skill, seen_mc, is_after), n in tally.items():
        if sid not in members or is_after != after or (skill and on_skill != skill):
            continue
        answers += n
        hits += n if (bool(seen_mc) if mc is None else seen_mc == mc) else 0
    return hits / answers if answers else None


def outcomes(snap: Snapshot, catalog: dict, points: dict, tally: dict, ids: list, split: float, skills: list,
             mc: str | None = None) -> dict:
    """Before/after figures for a group of students (on the misconception's skill when `mc` is given).

    `points` from `tallied.mastery_points` on the day before the split, `tally` from `tallied.answer_tally`."""
    on = [catalog["misconceptions"][mc]["skill"]] if mc and mc in catalog.get("misconceptions", {}) else skills
    gains, now_values = [], []
    for sid in ids:
        for skill in on:
            if skill not in points.get(sid, {}):
                continue
            before, latest = points[sid][skill]
            gains.append(latest - before)
            now_values.append(latest)
    return {
        "students": len(ids),
        "recurrence_before": _recurrence(tally, ids, False, catalog, mc),
        "recurrence_after": _recurrence(tally, ids, True, catalog, mc),
        "mastery_now": _mean(now_values), "mastery_gain": _mean(gains),
        "completion_before": _completion(snap, ids, split, False),
        "completion_after": _completion(snap, ids, split, True),
    }


def mistake_groups(tally: dict, min_sightings: int = 2) -> dict:
    """{misconception: [students]} who showed it at least `min_sightings` times before the split."""
    counts: dict = defaultdict(lambda: defaultdict(int))
    for (sid, _skill, mc, after), n in tally.items():
        if mc and not after:
            counts[mc][sid] += n
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

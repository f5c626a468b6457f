"""Behaviour signals from a student's events: rubric levels and outreach flags.

Levels (persistence, independence: 1-3) and flags are clues for the teacher, never labels
of the student: every flag carries the plain observations that raised it, so the teacher
can judge (a shared phone or no data pack explains many of them). Each observation comes
as a code and its numbers in `signal_codes`, from which app/i18n/explain.py says it in the
teacher's language.

Time a student spent away (excused, or their class paused: app/planning/away.py) does not count
towards the signals that measure elapsed time: a student back from ten days of illness gets the
same grace as one whose set was just released, and the observation names the days left out.
"""
from __future__ import annotations

from .review import DAY

DEFAULT_SIGNAL_SETTINGS = {
    "min_answers": 5,           # fewer answers than this: no levels, no behaviour flags
    "rapid_seconds": 3.0,       # an answer faster than this (or a fifth of the expected time) is rapid
    "skip_share": 0.3,
    "rapid_share": 0.3,
    "hint_share": 0.6,
    "wrong_streak": 6,
    "wrong_share": 0.5,         # ... with at least this share of items wrong at the first try
    "window_days": 14,          # behaviour older than this is not counted
    "low_completion": 0.5,
    "inactive_days": 7,
}


# What each observation may be; the parameters are its numbers (n of total, days...).
SIGNAL_CODES = ("last_synced", "last_practised", "no_homework", "skipped", "rapid", "hinted", "wrong_streak",
                "wrong_first", "finished")


def away_within(spans, start: float, end: float) -> tuple:
    """(seconds, kind) of the time between start and end that falls in the away spans, overlaps counted once.

    `spans` are (start, end, kind) with kind "excused" or "pause"; the kind returned is the one of every
    span that counts, "away" when both do, None when none does."""
    clipped = sorted((max(a, start), min(b, end), kind) for a, b, kind in spans or () if min(b, end) > max(a, start))
    seconds, reach, kinds = 0.0, start, set()
    for a, b, kind in clipped:
        if b > reach:
            seconds += b - max(a, reach)
            reach = b
        kinds.add(kind)
    return seconds, (None if not kinds else kinds.pop() if len(kinds) == 1 else "away")


def days_counted(since: float, now: float, spans=None) -> tuple:
    """(days counted, days left out, kind of absence) between since and now: away days do not count.

    The days left out are the absence's time in whole days (an excuse runs to the end of its last day,
    so ten days from mid-morning are ten, and an hour is none), never more than the days on the calendar,
    and the two add up to those ("last synced 12 days ago, 10 of them excused": two days counted)."""
    total = int((now - since) // DAY)
    seconds, kind = away_within(spans, since, now)
    left_out = max(0, min(total, round(seconds / DAY)))
    return total - left_out, left_out, kind if left_out else None


def elapsed_args(days: int, left_out: int, kind) -> dict:
    """An observation's days, with the days left out and why when an absence took any off the count."""
    return {"days": days, "away": left_out, "away_kind": kind} if left_out else {"days": days}


def _flag(flag: str, *observations) -> dict:
    """A flag with its observations, each given as (code, parameters)."""
    return {"flag": flag, "signal_codes": [{"code": code, **args} for code, args in observations]}


def behaviour_figures(events, catalog: dict | None = None,
                      rapid_seconds: float = DEFAULT_SIGNAL_SETTINGS["rapid_seconds"],
                      since: float | None = None) -> dict:
    """Counts behind the signals: items shown, answered, skipped, hinted, rapid, retried, streaks.

    Only events at or after `since` count, except for the time of the last event.
    """
    items = (catalog or {}).get("items", {})
    seen_ids: set = set()
    shown, answered_items, skipped_items = set(), set(), set()
    answers = hinted = rapid = wrong_then_retry = wrong_first = 0
    streak = longest_streak = 0
    seconds_spent = 0.0
    last_result: dict = {}
    hint_events: dict = {}
    last_ts = None
    for e in events:
        if e.get("id") is not None:
            if e["id"] in seen_ids:
                continue
            seen_ids.add(e["id"])
        kind, item = e.get("type"), e.get("item")
        ts = e.get("ts")
        if ts is not None:
            last_ts = ts if last_ts is None else max(last_ts, ts)
        if since is not None and (ts is None or ts < since):
            continue
        seconds_spent += float(e.get("seconds") or 0) if kind in ("answer", "time") else 0.0
        if kind == "shown":
            shown.add(item)
            hint_events[item] = 0
        elif kind == "hint":
            hint_events[item] = hint_events.get(item, 0) + 1
        elif kind == "skip":
            skipped_items.add(item)
            shown.add(item)
        elif kind == "answer":
            shown.add(item)
            answers += 1
            correct = bool(e.get("correct"))
            # Phones record hints on the answer, as hint events, or both.
            if int(e.get("hints") or 0) > 0 or hint_events.get(item, 0) > 0:
                hinted += 1
            expected = float(items.get(item, {}).get("seconds", 60))
            if float(e.get("seconds") or 0) < max(rapid_seconds, expected / 5):
                rapid += 1
            if last_result.get(item) is False:
                wrong_then_retry += 1
            if item not in answered_items and not correct:
                wrong_first += 1
            answered_items.add(item)
            last_result[item] = correct
            streak = 0 if correct else streak + 1
            longest_streak = max(longest_streak, streak)
    finished = len(answered_items)
    return {"shown": len(shown), "answered": finished, "answers": answers,
            "skipped": len(skipped_items - answered_items), "hinted": hinted, "rapid": rapid,
            "retries": wrong_then_retry, "wrong_first": wrong_first,
            "longest_wrong_streak": longest_streak, "minutes": round(seconds_spent / 60, 1),
            "last_ts": last_ts}


def _level(good: bool, poor: bool) -> int:
    return 1 if poor else 3 if good else 2


def behaviour_signals(events, now: float, catalog: dict | None = None,
                      last_sync_ts: float | None = None, settings: dict | None = None, away=None) -> dict:
    """Persistence and independence levels (1-3, None without enough answers) and outreach flags.

    `away`: the student's absences as (start, end, kind) spans; their days do not count as silence."""
    cfg = {**DEFAULT_SIGNAL_SETTINGS, **(settings or {})}
    f = behaviour_figures(events, catalog, cfg["rapid_seconds"], now - cfg["window_days"] * DAY)
    flags = []
    last_seen = last_sync_ts if last_sync_ts is not None else f["last_ts"]
    f["days_since_sync"] = int((now - last_sync_ts) // DAY) if last_sync_ts is not None else None
    if last_seen is not None:
        counted, left_out, kind = days_counted(last_seen, now, away)
        if counted >= cfg["inactive_days"]:
            code = "last_synced" if last_sync_ts is not None else "last_practised"
            flags.append(_flag("inactive", (code, elapsed_args(counted + left_out, left_out, kind))))
    elif f["shown"] == 0:
        flags.append(_flag("inactive", ("no_homework", {})))
    persistence = independence = None
    if f["answers"] >= cfg["min_answers"]:
        skip_share = f["skipped"] / max(1, f["shown"])
        rapid_share = f["rapid"] / f["answers"]
        hint_share = f["hinted"] / f["answers"]
        completion = f["answered"] / max(1, f["shown"])
        retry_share = f["retries"] / max(1, f["wrong_first"])
        persistence = _level(good=skip_share <= 0.1 and completion >= 0.8 and retry_share >= 0.5,
                             poor=skip_share >= cfg["skip_share"] or rapid_share >= cfg["rapid_share"]
                             or completion < cfg["low_completion"])
        independence = _level(good=hint_share <= 0.2, poor=hint_share >= cfg["hint_share"])
        if skip_share >= cfg["skip_share"]:
            flags.append(_flag("skipping", ("skipped", {"n": f["skipped"], "total": f["shown"]})))
        if rapid_share >= cfg["rapid_share"]:
            flags.append(_flag("rapid_answers", ("rapid", {"n": f["rapid"], "total": f["answers"]})))
        if hint_share >= cfg["hint_share"]:
            flags.append(_flag("hint_reliance", ("hinted", {"n": f["hinted"], "total": f["answers"]})))
        if (f["longest_wrong_streak"] >= cfg["wrong_streak"]
                and f["wrong_first"] >= cfg["wrong_share"] * f["answered"]):
            flags.append(_flag("struggling", ("wrong_streak", {"n": f["longest_wrong_streak"]}),
                               ("wrong_first", {"n": f["wrong_first"], "total": f["answered"]})))
        if completion < cfg["low_completion"]:
            flags.append(_flag("low_completion", ("finished", {"n": f["answered"], "total": f["shown"]})))
    return {"persistence": persistence, "independence": independence, "flags": flags, "figures": f}

"""Behaviour signals: rubric levels and outreach flags that carry their evidence."""
import json
from pathlib import Path

from app.adaptive.signals import away_within, behaviour_signals, days_counted
from app.i18n.explain import signal_lines

CATALOG = json.loads((Path(__file__).parent / "golden" / "catalog.json").read_text(encoding="utf-8"))
DAY = 86400
NOW = 1_767_225_600 + 10 * DAY


def events(spec, day=9):
    """Events from (type, item, correct, hints, seconds) tuples."""
    out = []
    for n, (kind, item, correct, hints, seconds) in enumerate(spec):
        out.append({"id": f"e{n}", "type": kind, "item": item, "correct": correct, "hints": hints,
                    "seconds": seconds, "misconception": None, "ts": NOW - (10 - day) * DAY + n * 60})
    return out


ITEMS = ["add1", "add2", "add3", "add4", "add5", "add6", "sub1", "sub2", "sub3", "sub4"]


def flags_of(result):
    """Each flag's observations in English words (the engine gives codes; app/i18n/explain.py says them)."""
    assert all(set(f) == {"flag", "signal_codes"} for f in result["flags"])
    return {f["flag"]: signal_lines(f, "en") for f in result["flags"]}


def test_steady_independent_work_gets_high_levels_and_no_flags():
    spec = []
    for i, item in enumerate(ITEMS):
        spec.append(("shown", item, False, 0, 0))
        if i % 4 == 0:
            spec.append(("answer", item, False, 0, 50.0))
        spec.append(("answer", item, True, 0, 45.0))
    result = behaviour_signals(events(spec), NOW, CATALOG)
    assert (result["persistence"], result["independence"]) == (3, 3)
    assert result["flags"] == []


def test_skipping_and_rapid_answers_are_flagged_with_their_evidence():
    spec = [("shown", i, False, 0, 0) for i in ITEMS]
    spec += [("skip", i, False, 0, 2.0) for i in ITEMS[:4]]
    spec += [("answer", i, False, 0, 1.5) for i in ITEMS[4:]]
    result = behaviour_signals(events(spec), NOW, CATALOG)
    flags = flags_of(result)
    assert flags["skipping"] == ["skipped 4 of 10 items"]
    assert flags["rapid_answers"] == ["6 of 6 answers came in a few seconds"]
    assert "struggling" in flags and "6 wrong answers in a row" in flags["struggling"]
    assert result["persistence"] == 1


def test_heavy_hint_use_lowers_independence():
    spec = [("answer", i, True, 2, 60.0) for i in ITEMS[:8]] + [("answer", i, True, 0, 60.0) for i in ITEMS[8:]]
    result = behaviour_signals(events(spec), NOW, CATALOG)
    assert result["independence"] == 1
    assert flags_of(result)["hint_reliance"] == ["used hints on 8 of 10 answers"]


def test_long_silence_is_flagged_as_inactive():
    result = behaviour_signals(events([("answer", "add1", True, 0, 40.0)], day=0), NOW, CATALOG)
    assert flags_of(result)["inactive"] == ["last practised 10 days ago"]
    synced = behaviour_signals([], NOW, CATALOG, last_sync_ts=NOW - 8 * DAY)
    assert flags_of(synced)["inactive"] == ["last synced 8 days ago"]
    assert synced["figures"]["days_since_sync"] == 8


def test_too_little_work_gives_no_levels():
    result = behaviour_signals(events([("answer", "add1", True, 0, 40.0)]), NOW, CATALOG)
    assert result["persistence"] is None and result["independence"] is None
    assert "skipping" not in flags_of(result)


def test_thresholds_come_from_settings():
    spec = [("answer", i, True, 1, 60.0) for i in ITEMS[:5]] + [("answer", i, True, 0, 60.0) for i in ITEMS[5:]]
    assert "hint_reliance" not in flags_of(behaviour_signals(events(spec), NOW, CATALOG))
    assert "hint_reliance" in flags_of(behaviour_signals(events(spec), NOW, CATALOG, settings={"hint_share": 0.5}))


def test_only_recent_behaviour_counts():
    spec = [("shown", i, False, 0, 0) for i in ITEMS] + [("skip", i, False, 0, 2.0) for i in ITEMS[:7]]
    spec += [("answer", i, True, 0, 40.0) for i in ITEMS[7:]]
    old = [dict(e, ts=e["ts"] - 20 * DAY) for e in events(spec)]
    others = ["cmp1", "cmp2", "cmp3", "cmp4", "cmp5", "fm1", "fm2", "fm3", "fm4", "feq1"]
    recent = [dict(e, id="new" + e["id"]) for e in events([("answer", i, True, 0, 40.0) for i in others], day=9)]
    result = behaviour_signals(old + recent, NOW, CATALOG)
    assert "skipping" not in flags_of(result) and result["persistence"] >= 2
    assert "skipping" in flags_of(behaviour_signals(old + recent, NOW, CATALOG, settings={"window_days": 40}))


def test_hint_events_count_as_hinted_answers():
    spec = []
    for item in ITEMS:
        spec += [("shown", item, False, 0, 0), ("hint", item, False, 1, 0), ("answer", item, True, 0, 50.0)]
    assert flags_of(behaviour_signals(events(spec), NOW, CATALOG))["hint_reliance"] == ["used hints on 10 of 10 answers"]


def _back(days_back, away_days=10, kind="excused"):
    """A student who last synced the day before an absence of `away_days`, now `days_back` days after it ended."""
    start = NOW - (days_back + away_days) * DAY
    return behaviour_signals([], NOW, CATALOG, last_sync_ts=start - DAY, away=[(start, start + away_days * DAY, kind)])


def test_days_excused_do_not_count_as_silence():
    """Back one day from ten days of illness: two days counted, no flag, the grace of a set just released."""
    assert flags_of(_back(1)) == {}
    assert flags_of(_back(1, kind="pause")) == {}
    assert _back(1)["figures"]["days_since_sync"] == 12, "the figure stays the calendar's"


def test_the_flag_returns_after_a_week_back_naming_the_days_left_out():
    """Eight days after the return the silence counts again, and the line says which days were left out."""
    assert flags_of(_back(8))["inactive"] == ["last synced 19 days ago, 10 of them excused"]
    assert flags_of(_back(8, kind="pause"))["inactive"] == ["last synced 19 days ago, 10 of them with the class paused"]
    assert flags_of(_back(8, away_days=1))["inactive"] == ["last synced 10 days ago, 1 of them excused"]


def test_overlapping_absences_count_once_and_name_both():
    """An excuse inside a class pause: the days are left out once; the line says both kinds."""
    start = NOW - 18 * DAY
    spans = [(start, start + 10 * DAY, "pause"), (start + 5 * DAY, start + 10 * DAY, "excused")]
    assert away_within(spans, start - DAY, NOW) == (10 * DAY, "away")
    result = behaviour_signals([], NOW, CATALOG, last_sync_ts=start - DAY, away=spans)
    assert flags_of(result)["inactive"] == ["last synced 19 days ago, 10 of them excused or with the class paused"]


def test_an_absence_before_the_silence_or_too_short_leaves_the_line_as_it_was():
    """Away before the last sync, or for less than a day: nothing to leave out, nothing said."""
    before = [(NOW - 30 * DAY, NOW - 20 * DAY, "excused")]
    assert days_counted(NOW - 8 * DAY, NOW, before) == (8, 0, None)
    short = [(NOW - 3 * DAY, NOW - 3 * DAY + 3600, "excused")]
    assert flags_of(behaviour_signals([], NOW, CATALOG, last_sync_ts=NOW - 8 * DAY, away=short))["inactive"] == [
        "last synced 8 days ago"]


def test_days_practised_count_the_same_way_without_a_sync():
    """No sync on record: the last answer's day is what counts from, with the days away left out."""
    result = behaviour_signals(events([("answer", "add1", True, 0, 40.0)], day=0), NOW, CATALOG,
                               away=[(NOW - 8 * DAY, NOW - 4 * DAY, "excused")])
    assert flags_of(result) == {}, "10 days ago, 4 of them excused: 6 counted, under the week"
    result = behaviour_signals(events([("answer", "add1", True, 0, 40.0)], day=0), NOW, CATALOG,
                               away=[(NOW - 8 * DAY, NOW - 5 * DAY, "excused")])
    assert flags_of(result)["inactive"] == ["last practised 10 days ago, 3 of them excused"]


def test_an_absence_in_force_counts_up_to_now_only():
    """Excused three days ago until next week: three days left out so far, not the days still to come."""
    assert days_counted(NOW - 9 * DAY, NOW, [(NOW - 3 * DAY, NOW + 5 * DAY, "excused")]) == (6, 3, "excused")

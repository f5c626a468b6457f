"""Reports: the pilot report (before/after per misconception group), the equity view, CSV export of every table."""
from __future__ import annotations

import csv
import io

import pytest

from app.teacher import outcomes as oc, tallied
from app.teacher.export import EXPORTS, safe_cell
from app.teacher.snapshot import Snapshot
from tests.teacher_fixtures import asha, db, world  # noqa: F401

DAY = 86400
SPLIT = 10 * DAY
CATALOG = {"items": {"i1": {"skill": "k"}, "j1": {"skill": "other"}}, "skills": {"k": {}, "other": {}},
           "misconceptions": {"mc": {"skill": "k"}}}


def _snap():
    sets = {1: [{"status": "completed", "released_at": SPLIT - DAY, "created_at": 0},
                {"status": "released", "released_at": SPLIT - DAY, "created_at": 0},
                {"status": "completed", "released_at": SPLIT + DAY, "created_at": 0}],
            2: [{"status": "completed", "released_at": SPLIT + DAY, "created_at": 0}]}
    students = [{"id": 1, "name": "A", "locale": "hi", "groups": ["Hostel"]},
                {"id": 2, "name": "B", "locale": "en", "groups": []}]
    return Snapshot(class_id=1, now=SPLIT + 5 * DAY, students=students, sets=sets)


# (student, skill, misconception, after the split?) -> answers: student 1 showed 'mc' twice on k before the split and
# once after (with two right answers on k and one on another skill); student 2 answered k once each side.
TALLY = {(1, "k", "mc", False): 2, (1, "k", None, False): 1, (1, "k", "mc", True): 1, (1, "k", None, True): 2,
         (1, "other", None, True): 1, (2, "k", None, False): 1, (2, "k", None, True): 1}
# (estimate on the day before the split, latest) per student and skill
POINTS = {1: {"k": (0.3, 0.8)}, 2: {"k": (0.6, 0.7)}}


def test_pilot_group_before_and_after():
    """Student 1 showed 'mc' twice before the split: recurrence 2/3 → 1/3, mastery 0.3 → 0.8, completion 1/2 → 1/1."""
    snap = _snap()
    groups = oc.mistake_groups(TALLY)
    assert groups == {"mc": [1]}
    row = oc.outcomes(snap, CATALOG, POINTS, TALLY, groups["mc"], SPLIT, ["k", "other"], "mc")
    assert row["recurrence_before"] == pytest.approx(2 / 3) and row["recurrence_after"] == pytest.approx(1 / 3)
    assert row["mastery_gain"] == pytest.approx(0.5) and row["mastery_now"] == pytest.approx(0.8)
    assert (row["completion_before"], row["completion_after"]) == (0.5, 1.0)
    whole = oc.outcomes(snap, CATALOG, POINTS, TALLY, [1, 2], SPLIT, ["k", "other"])
    assert whole["recurrence_before"] == pytest.approx(2 / 4) and whole["recurrence_after"] == pytest.approx(1 / 5)


def test_mastery_points_take_the_last_value_up_to_the_day_and_the_prior_before(db):
    """Before any history the prior; then the last recorded value on or before the day; latest the last of all."""
    for day, p in (("2026-01-02", 0.4), ("2026-01-05", 0.7)):
        db["mastery_history"].insert({"student_id": 7, "skill_id": "k", "day": day, "p_known": p})
    assert tallied.mastery_points(db, [7], "2026-01-01") == {7: {"k": (oc.DEFAULT_PRIOR, 0.7)}}
    assert tallied.mastery_points(db, [7], "2026-01-04") == {7: {"k": (0.4, 0.7)}}
    assert tallied.mastery_points(db, [7], "2026-01-05") == {7: {"k": (0.7, 0.7)}}


def test_equity_groups_and_lag_warning():
    """Groups by language and teacher group; a big-enough group far behind the class is marked, a small one never."""
    snap = _snap()
    kinds = {(k, n): ids for k, n, ids in oc.equity_groups(snap.students)}
    assert kinds == {("language", "en"): [2], ("language", "hi"): [1], ("group", "Hostel"): [1]}
    overall = {"mastery_gain": 0.4, "completion_after": 0.9}
    behind = {"students": 5, "mastery_gain": 0.2, "completion_after": 0.5}
    assert oc.lags(behind, overall) == ["gain", "completion"]
    assert oc.lags(dict(behind, students=2), overall) == []
    assert oc.lags({"students": 5, "mastery_gain": 0.35, "completion_after": 0.85}, overall) == []


def test_pilot_and_equity_pages(asha, world, db):
    """Both report pages render for the class, with the misconception group and the language groups."""
    client, _ = asha
    class_id = world["class"]["id"]
    html = client.get(f"/teacher/classes/{class_id}/reports/pilot?split=2099-01-01").get_data(as_text=True)
    assert "Adds tops and bottoms" in html and "Before and after 2099-01-01" in html
    equity = client.get(f"/teacher/classes/{class_id}/reports/equity").get_data(as_text=True)
    assert "Language: hi" in equity and "Language: ta" in equity and "Whole class" in equity


def test_equity_page_warns_where_a_group_lags(asha, world, db):
    """Three students in a teacher group with no mastery gained while the class gains: a warning names the group."""
    client, token = asha
    for student in world["students"][:3]:
        client.post(f"/teacher/students/{student['id']}/groups", data={"csrf_token": token, "groups": "Far village"})
    nisha = world["students"][3]["id"]
    for day, p in (("2000-01-01", 0.1), ("2099-01-01", 0.9)):
        db["mastery_history"].upsert({"student_id": nisha, "skill_id": "sample.equivalent", "day": day, "p_known": p},
                                     pk=("student_id", "skill_id", "day"))
    html = client.get(f"/teacher/classes/{world['class']['id']}/reports/equity?split=2001-01-01").get_data(as_text=True)
    assert "Some groups lag" in html and "Far village: less mastery gained" in html


def test_csv_export_of_every_table_is_scoped_to_the_class(asha, world, db):
    """Every table downloads as CSV with a header; only this class's rows; no PINs or token hashes."""
    client, _ = asha
    class_id = world["class"]["id"]
    page = client.get(f"/teacher/classes/{class_id}/exports").get_data(as_text=True)
    mine = {s["id"] for s in world["students"]}
    for table in EXPORTS:
        assert f"/export/{table}.csv" in page
        response = client.get(f"/teacher/classes/{class_id}/export/{table}.csv")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert "attachment" in response.headers["Content-Disposition"]
        rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
        assert "pin" not in (rows[0] if rows else {}) and "token_hash" not in (rows[0] if rows else {})
        if "student_id" in (rows[0] if rows else {}) and table != "overrides":
            assert {int(r["student_id"]) for r in rows} <= mine, table
    events = list(csv.DictReader(io.StringIO(client.get(f"/teacher/classes/{class_id}/export/events.csv")
                                             .get_data(as_text=True).lstrip("\ufeff"))))
    expected = db.execute("SELECT count(*) FROM events e JOIN students s ON s.id = e.student_id WHERE s.class_id = ?",
                          [class_id]).fetchone()[0]
    assert len(events) == expected > 0
    assert client.get(f"/teacher/classes/{class_id}/export/users.csv").status_code == 404


def test_csv_cells_cannot_become_spreadsheet_formulas():
    """A name like =HYPERLINK(...) is written as text; negative numbers stay numbers."""
    assert safe_cell("=HYPERLINK(\"x\")") == "'=HYPERLINK(\"x\")"
    assert safe_cell("@cmd") == "'@cmd" and safe_cell("+1+1") == "'+1+1"
    assert safe_cell("-3") == "-3" and safe_cell("-3/4") == "'-3/4" and safe_cell(5) == 5

"""Exceptions: a student excused until a date, a class paused; deadlines wait, outreach pauses, all recorded."""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta

from app.db import write
from app.planning.away import due_after_away
from app.planning.decisions import record_override
from app.teacher import set_edits
from app.teacher.timefmt import ZONE
from tests.teacher_fixtures import answer, asha, db, world  # noqa: F401


def _day(days: int) -> str:
    return (datetime.now(ZONE) + timedelta(days=days)).strftime("%Y-%m-%d")


def _flagged_names(client, class_id):
    html = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    return html.split('id="outreach"')[1].split("</section>")[0]


def test_an_excused_student_leaves_outreach_their_deadline_waits_and_the_log_says_why(asha, world, db):
    """Excused ill for a week: off the outreach list and the to-do list, set due after the excuse, logged."""
    client, token = asha
    kiran = world["students"][0]
    set_id = world["sets"][kiran["id"]]
    client.post(f"/teacher/sets/{set_id}/approve", data={"csrf_token": token})
    due_before = set_edits.due_date(set_edits.load_set(db, set_id))
    with write(db):  # released four days ago, due tomorrow, not done: Kiran is flagged for it
        row = set_edits.load_set(db, set_id)
        db.execute("UPDATE sets SET released_at = ?, payload = ? WHERE id = ?",
                   [time.time() - 4 * 86400, json.dumps(dict(row["payload"], due=time.time() + 86400)), set_id])
    assert "Kiran" in _flagged_names(client, world["class"]["id"])
    response = client.post(f"/teacher/students/{kiran['id']}/excuse",
                           data={"until": _day(7), "kind": "ill", "reason": "Dengue", "csrf_token": token})
    assert response.status_code == 302
    assert "Kiran" not in _flagged_names(client, world["class"]["id"])
    overview = client.get(f"/teacher/classes/{world['class']['id']}").get_data(as_text=True)
    assert "Kiran" not in overview.split('id="todo"')[1].split("</section>")[0]
    due = set_edits.due_date(set_edits.load_set(db, set_id))
    assert due > time.time() + 7 * 86400 and due != due_before
    page = client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True)
    assert "Excused until" in page and "(ill)" in page and "Dengue" in page
    decisions = page.split('id="decisions"')[1]
    assert "Excused until" in decisions and "Deadline moved from" in decisions
    client.post(f"/teacher/students/{kiran['id']}/excuse/end", data={"csrf_token": token})
    assert "Excuse ended" in client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True)
    # Ended the same minute, the excuse took no day off the count: the set is as late as before.
    assert "Kiran" in _flagged_names(client, world["class"]["id"])
    # Had the excuse covered the last three of those four days, back today Kiran would have one day counted and
    # the grace of a set just released: the days away no longer make the flag come back at once.
    with write(db):
        start, end = db.execute("SELECT id FROM overrides WHERE target = 'excused' ORDER BY id").fetchall()
        db.execute("UPDATE overrides SET created_at = ? WHERE id = ?", [time.time() - 3 * 86400, start[0]])
    assert "Kiran" not in _flagged_names(client, world["class"]["id"])


def test_a_bad_excuse_is_refused_in_words(asha, world, db):
    """A date in the past, far ahead or unreadable, or no reason kind: nothing recorded, a one-line message."""
    client, token = asha
    kiran = world["students"][0]
    for until, kind in ((_day(-1), "ill"), (_day(200), "ill"), ("soon", "ill"), (_day(3), "bored")):
        response = client.post(f"/teacher/students/{kiran['id']}/excuse",
                               data={"until": until, "kind": kind, "csrf_token": token}, follow_redirects=True)
        assert response.status_code == 200 and 'role="alert"' in response.get_data(as_text=True)
    assert db.execute("SELECT count(*) FROM overrides WHERE target = 'excused'").fetchone()[0] == 0


def test_a_class_pause_quiets_outreach_for_everyone_until_it_ends(asha, world, db):
    """Holidays: no outreach flags, the overview says the class is paused, the pause and its end are logged."""
    client, token = asha
    class_id = world["class"]["id"]
    client.post(f"/teacher/classes/{class_id}/pause", data={"until": _day(10), "reason": "Diwali", "csrf_token": token})
    overview = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    assert "Class paused until" in overview and "Diwali" in overview
    assert "Nobody is flagged right now." in overview
    settings = client.get(f"/teacher/classes/{class_id}/settings").get_data(as_text=True)
    assert "End the pause" in settings and "Until then no new homework is planned" in settings
    client.post(f"/teacher/classes/{class_id}/pause/end", data={"csrf_token": token})
    rows = db.execute("SELECT old_value, new_value, reason FROM overrides WHERE target = 'class_pause' ORDER BY id").fetchall()
    assert len(rows) == 2 and rows[0][2] == "Diwali" and json.loads(rows[1][1]) is None
    assert "Class paused until" not in client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)


def test_while_excused_a_sync_plans_no_new_set_and_after_it_one_in_words(asha, world, db):
    """Kiran syncs while excused: no new set, the log says so in a sentence (English and Hindi); back, one set again."""
    client, token = asha
    kiran = world["students"][0]
    phone, catalog = world["phones"][kiran["id"]], world["catalog"]
    client.post(f"/teacher/sets/{world['sets'][kiran['id']]}/approve", data={"csrf_token": token})

    def waiting():
        return db.execute("SELECT count(*) FROM sets WHERE student_id = ? AND status = 'proposed'",
                          [kiran["id"]]).fetchone()[0]

    client.post(f"/teacher/students/{kiran['id']}/excuse",
                data={"until": _day(4), "kind": "family", "reason": "Wedding in the village", "csrf_token": token})
    # Kiran finishes what is out on the phone; anyone else would now get the next set.
    out = db.execute("SELECT id, payload FROM sets WHERE student_id = ? AND status = 'released'", [kiran["id"]]).fetchall()
    phone.send(catalog, [answer(e["item"], "999", ts=time.time() - 60, set=set_id)
                         for set_id, payload in out for e in json.loads(payload)["items"]])
    phone.send(catalog, [{"type": "shown", "item": "sample-eq-1", "t": int((time.time() - 30) * 1000)}])
    assert out and waiting() == 0
    assert db.execute("SELECT count(*) FROM sets WHERE student_id = ? AND status IN ('proposed', 'released')",
                      [kiran["id"]]).fetchone()[0] == 0
    decisions = client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True).split('id="decisions"')[1]
    assert decisions.count("No new homework while excused until") == 1 and "(family)" in decisions
    assert "Wedding in the village" in decisions
    hindi = client.get(f"/teacher/students/{kiran['id']}", headers={"Accept-Language": "hi"}).get_data(as_text=True)
    assert "कोई नया गृहकार्य नहीं" in hindi.split('id="decisions"')[1]

    client.post(f"/teacher/students/{kiran['id']}/excuse/end", data={"csrf_token": token})
    phone.send(catalog, [])
    assert waiting() == 1
    decisions = client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True).split('id="decisions"')[1]
    assert "The excuse is over: homework planned again from this sync" in decisions


def test_a_set_released_while_the_student_is_away_is_due_after_they_are_back(asha, world, db):
    """Approved during Kiran's exams: the week a set gets counts from the day the excuse ends, logged with the reason."""
    client, token = asha
    kiran = world["students"][0]
    set_id = world["sets"][kiran["id"]]
    client.post(f"/teacher/students/{kiran['id']}/excuse",
                data={"until": _day(10), "kind": "exams", "reason": "Board exams", "csrf_token": token})
    until = json.loads(db.execute("SELECT new_value FROM overrides WHERE target = 'excused'").fetchone()[0])["until"]
    client.post(f"/teacher/sets/{set_id}/approve", data={"csrf_token": token})
    due = set_edits.due_date(set_edits.load_set(db, set_id))
    assert until + 6 * 86400 < due <= until + 7 * 86400 + 60
    reason = db.execute("SELECT reason FROM overrides WHERE target = 'deadline' AND target_id = ?", [set_id]).fetchone()
    assert reason == ("Board exams",)
    decisions = client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True).split('id="decisions"')[1]
    assert "Released the set to the student" in decisions and "Deadline moved from" in decisions
    # Another student, not away: the usual week from today, no deadline decision.
    latha_set = world["sets"][world["students"][1]["id"]]
    client.post(f"/teacher/sets/{latha_set}/approve", data={"csrf_token": token})
    assert set_edits.due_date(set_edits.load_set(db, latha_set)) < time.time() + 7 * 86400 + 60
    assert db.execute("SELECT count(*) FROM overrides WHERE target = 'deadline' AND target_id = ?",
                      [latha_set]).fetchone()[0] == 0


def test_an_excuse_without_a_note_is_logged_with_its_reason_in_words(asha, world, db):
    """No note: the log's reason is the reason chosen, in the teacher's language ("बीमार"), never the form's code."""
    client, token = asha
    manu = world["students"][2]
    client.post(f"/teacher/students/{manu['id']}/excuse", data={"until": _day(3), "kind": "ill", "csrf_token": token},
                headers={"Accept-Language": "hi"})
    assert db.execute("SELECT reason FROM overrides WHERE target = 'excused'").fetchone() == ("बीमार",)
    page = client.get(f"/teacher/students/{manu['id']}", headers={"Accept-Language": "hi"}).get_data(as_text=True)
    callout = page.split('id="excuse"')[1].split("</p>")[0]
    assert "(बीमार)" in callout and "): बीमार" not in callout, "the reason is said once"


def test_planning_holds_read_as_sentences(app):
    """The four planning entries in words, dates as days, in English; Hindi without English or raw values."""
    from app.teacher.readable import decision_sentence
    until = datetime(2027, 1, 10, 23, 59, tzinfo=ZONE).timestamp()
    entries = [{"target": "planning", "new": {"held": True, "until": until, "kind": "ill"}},
               {"target": "planning", "new": {"held": True, "until": until, "kind": "pause"}},
               {"target": "planning", "new": {"held": False, "kind": "ill"}},
               {"target": "planning", "new": {"held": False, "kind": "pause"}}]
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert [decision_sentence(d, {}) for d in entries] == [
            "No new homework while excused until 10 Jan (ill)",
            "No new homework while the class is paused until 10 Jan",
            "The excuse is over: homework planned again from this sync",
            "The class pause is over: homework planned again from this sync"]
    with app.test_request_context(headers={"Accept-Language": "hi"}):
        lines = [decision_sentence(d, {}) for d in entries]
        assert all("homework" not in line and "True" not in line for line in lines)
        assert "बीमार" in lines[0] and "10" in lines[0]


def _away_then_back(db, world, student, days_back: int, pause: bool = False) -> None:
    """The student last synced the day before ten days away (excused ill, or the class paused), back `days_back` days."""
    now, klass = time.time(), world["class"]
    start, until = now - (days_back + 10) * 86400, now - days_back * 86400
    with write(db):
        db.execute("DELETE FROM overrides WHERE target IN ('excused', 'class_pause')")
        db.execute("UPDATE devices SET last_seen_at = ? WHERE student_id = ?", [start - 86400, student["id"]])
        if pause:
            db.execute("UPDATE classes SET settings = ? WHERE id = ?",
                       [json.dumps({"pause": {"until": until, "reason": "Diwali"}}), klass["id"]])
            record_override(db, world["asha"], None, klass["id"], "class_pause", None, None, {"until": until}, "Diwali",
                            start)
        else:
            record_override(db, world["asha"], student["id"], klass["id"], "excused", None, None,
                            {"until": until, "kind": "ill"}, "Fever", start)


def _todo(client, class_id):
    html = client.get(f"/teacher/classes/{class_id}").get_data(as_text=True)
    return html.split('id="todo"')[1].split("</section>")[0]


def test_back_from_an_excuse_the_days_away_do_not_count_as_silence(asha, world, db):
    """Back one day from ten days ill: not flagged as not syncing (two days counted); eight days back: flagged,
    the line naming the days excused, on the outreach list and the to-do card alike."""
    client, _token = asha
    kiran, class_id = world["students"][0], world["class"]["id"]
    _away_then_back(db, world, kiran, 1)
    assert "Kiran" not in _flagged_names(client, class_id) and "Kiran" not in _todo(client, class_id)
    page = client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True)
    assert "Not syncing" not in page.split('id="decisions"')[0]
    _away_then_back(db, world, kiran, 8)
    line = "last synced 19 days ago, 10 of them excused"
    assert line in _flagged_names(client, class_id) and line in _todo(client, class_id)
    assert "Call Kiran" in _todo(client, class_id)
    assert line in client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True)
    hindi = client.get(f"/teacher/classes/{class_id}", headers={"Accept-Language": "hi"}).get_data(as_text=True)
    assert "जिनमें से 10 दिन छूट पर" in hindi


def test_back_from_a_class_pause_the_days_paused_do_not_count_as_silence(asha, world, db):
    """Back one day from a ten-day holiday: no flag; eight days back: flagged, the line naming the days paused."""
    client, _token = asha
    latha, class_id = world["students"][1], world["class"]["id"]
    _away_then_back(db, world, latha, 1, pause=True)
    assert "Latha" not in _flagged_names(client, class_id)
    _away_then_back(db, world, latha, 8, pause=True)
    assert "last synced 19 days ago, 10 of them with the class paused" in _flagged_names(client, class_id)


def test_back_from_an_excuse_a_late_set_counts_only_the_days_present(asha, world, db):
    """Released the day before a ten-day excuse: the deadline moved by the excuse, and the overdue flag counts
    the same days: one back, two counted, not flagged; three back, four counted, flagged with the excused days."""
    client, token = asha
    kiran, class_id = world["students"][0], world["class"]["id"]
    set_id = world["sets"][kiran["id"]]
    client.post(f"/teacher/sets/{set_id}/approve", data={"csrf_token": token})

    def away_for_ten_days_back(days_back):
        now = time.time()
        start, until = now - (days_back + 10) * 86400, now - days_back * 86400
        with write(db):
            db.execute("DELETE FROM overrides WHERE target = 'excused'")
            row = set_edits.load_set(db, set_id)
            released, due = start - 86400, start - 86400 + 7 * 86400
            moved = due_after_away(due, until, start)
            db.execute("UPDATE sets SET released_at = ?, payload = ? WHERE id = ?",
                       [released, json.dumps(dict(row["payload"], due=moved)), set_id])
            record_override(db, world["asha"], kiran["id"], class_id, "excused", None, None,
                            {"until": until, "kind": "ill"}, "Fever", start)
        return released, moved

    released, moved = away_for_ten_days_back(1)
    assert "Kiran" not in _flagged_names(client, class_id)
    # The week the set was given: days counted since release plus days left to the moved deadline.
    assert round((time.time() - released) / 86400) - 10 + round((moved - time.time()) / 86400) == 7
    away_for_ten_days_back(3)
    assert "1 released set not finished after 14 days, 10 of them excused" in _flagged_names(client, class_id)

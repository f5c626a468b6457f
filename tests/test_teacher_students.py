"""The student page: mastery over time, answers with their misconception, hints, reflections, what comes next and why."""
from __future__ import annotations

from app.teacher.students import sparkline
from tests.teacher_fixtures import asha, db, world  # noqa: F401


def test_student_page_shows_answers_with_misconceptions_hints_and_reflections(asha, world):
    """Nisha's page: her wrong 1/4 with the mistake it matched, the hint she used, her reflection's answer."""
    client, _ = asha
    html = client.get(f"/teacher/students/{world['students'][3]['id']}").get_data(as_text=True)
    answers = html.split('id="answers"')[1].split("</section>")[0]
    assert "<q>1/4</q>" in answers and "Multiplies only the top" in answers and "1 hint" in answers
    assert "✗" in answers
    reflections = html.split('id="reflections"')[1].split("</section>")[0]
    assert "<q>" in reflections and "No reflections yet" not in reflections
    assert "on 1 of 1 answers" in html


def test_student_page_shows_why_each_upcoming_item_was_chosen(asha, world, db):
    """Each item of the waiting set with its reason and the engine's explanation."""
    client, _ = asha
    kiran = world["students"][0]["id"]
    html = client.get(f"/teacher/students/{kiran}").get_data(as_text=True)
    upcoming = html.split('id="next"')[1].split("</section>")[0]
    assert "Waiting for your approval" in upcoming and "Fixing a mistake" in upcoming
    import json
    payload = json.loads(db.execute("SELECT payload FROM sets WHERE student_id = ?", [kiran]).fetchone()[0])
    from markupsafe import escape
    assert str(escape(payload["items"][0]["why"])) in upcoming


def test_mastery_over_time_draws_the_daily_history(asha, world, db):
    """Days of mastery_history become a line, with first and last values in words."""
    client, _ = asha
    kiran = world["students"][0]["id"]
    db["mastery_history"].upsert({"student_id": kiran, "skill_id": "sample.add", "day": "2020-01-01", "p_known": 0.1},
                                 pk=("student_id", "skill_id", "day"))
    html = client.get(f"/teacher/students/{kiran}").get_data(as_text=True)
    assert "<polyline points=" in html and "10 on 2020-01-01" in html
    assert 'aria-label="Mastery over 2 days"' in html


def test_sparkline_scales_to_the_box():
    """0 maps to the bottom, 1 to the top, days spread across the width."""
    assert sparkline([0.0, 1.0]) == "0,27 120,1"
    assert sparkline([0.5]) == "0,14 120,14"
    assert sparkline([]) == ""


def test_a_retry_after_the_shown_answer_is_practice_not_right(asha, world):
    """Right means right at the first try without help: a right retry is marked as practice on the teacher's page."""
    import re
    import time

    from tests.teacher_fixtures import answer
    client, _ = asha
    manu = world["students"][2]
    now = time.time()
    world["phones"][manu["id"]].send(world["catalog"], [
        {"type": "shown", "item": "sample-eq-1", "t": int((now - 300) * 1000)},
        answer("sample-eq-1", "1/4", ts=now - 250),
        answer("sample-eq-1", "1/3", ts=now - 200, attempt=2),
        answer("sample-eq-1", "1/2", ts=now - 150, attempt=3)], now)
    html = client.get(f"/teacher/students/{manu['id']}").get_data(as_text=True)
    marks = re.findall(r'<span class="(ok|bad|practice)">', html.split('id="answers"')[1].split("</section>")[0])
    assert marks[:3] == ["practice", "bad", "bad"]  # newest first
    assert "right after help: practice" in html


def test_pre_approved_practice_is_shown_on_the_student_page(asha, world, db):
    """A set the policy released while another waits is named as such, with its policy."""
    kiran = world["students"][0]
    holding = [r for r in db.execute("SELECT payload FROM sets WHERE student_id = ? AND status = 'released'",
                                     [kiran["id"]]) if '"pre_approved"' in r[0]]
    assert holding
    client, _ = asha
    html = client.get(f"/teacher/students/{kiran['id']}").get_data(as_text=True)
    assert "Practice while a set waits for you (pre-approved:" in html


def test_students_added_with_language_simplified_text_and_audio_start_that_way(asha, world, db):
    """Added in Hindi with simplified text and audio: the rows say so (the phone's join reply carries them);
    the language is editable later, recorded as a sentence."""
    client, token = asha
    class_id = world["class"]["id"]
    client.post(f"/teacher/classes/{class_id}/students",
                data={"names": "Ritu\nSoham", "locale": "hi", "simplified": "1", "audio": "1", "csrf_token": token})
    rows = db.execute("SELECT id, locale, simplified, audio FROM students WHERE display_name IN ('Ritu', 'Soham')").fetchall()
    assert [r[1:] for r in rows] == [("hi", 1, 1), ("hi", 1, 1)]
    client.post(f"/teacher/classes/{class_id}/students", data={"names": "Tanvi", "locale": "ta", "csrf_token": token})
    assert db.execute("SELECT locale, simplified, audio FROM students WHERE display_name = 'Tanvi'").fetchone() == ("ta", 0, 0)
    ritu = rows[0][0]
    client.post(f"/teacher/students/{ritu}/accommodations",
                data={"locale": "mr", "simplified": "1", "audio": "1", "csrf_token": token})
    assert db.execute("SELECT locale FROM students WHERE id = ?", [ritu]).fetchone()[0] == "mr"
    assert "Language changed from हिन्दी to मराठी" in client.get(f"/teacher/students/{ritu}").get_data(as_text=True)


def test_student_page_opens_on_what_to_do_and_mastery_with_the_rest_folded(asha, world, db):
    """First the to-do lines and one line of mastery per practised skill; plans, history and the log folded."""
    import re
    client, _ = asha
    kiran = world["students"][0]["id"]
    html = client.get(f"/teacher/students/{kiran}").get_data(as_text=True)
    main = html.split('<main id="main">')[1]
    summary = main.split('id="summary"')[1].split("</section>")[0]
    assert "A set waits for your approval." in summary
    assert f'href="/teacher/sets/{world["sets"][kiran]}"' in summary and "Review the set" in summary
    assert re.search(r'<li><span>Adding fractions</span> <strong>\d+%</strong></li>', summary)
    assert main.index('id="summary"') < main.index('id="more-next"') < main.index('id="more-decisions"')
    for folded in ("more-next", "more-signals", "more-skills", "more-accommodations", "more-answers",
                   "more-reflections", "more-phones", "more-decisions"):
        assert re.search(rf'<details class="more tucked" id="{folded}"><summary>', main), folded
    assert " open" not in re.findall(r"<details[^>]*>", main)[0]


def test_an_excused_student_page_says_there_is_nothing_to_do(asha, world):
    """While a student is excused, the first line says deadlines and outreach wait, and nothing else."""
    from datetime import date, timedelta
    client, token = asha
    manu = world["students"][2]["id"]
    until = (date.today() + timedelta(days=5)).isoformat()
    assert client.post(f"/teacher/students/{manu}/excuse",
                       data={"csrf_token": token, "until": until, "kind": "ill"}).status_code == 302
    summary = client.get(f"/teacher/students/{manu}").get_data(as_text=True).split('id="summary"')[1]
    lines = summary.split('<ul class="to-do">')[1].split("</ul>")[0]
    assert lines.count("<li>") == 1 and "deadlines and outreach wait" in lines

"""The in-class tally on a flaky connection: taps made while the server is down are shown at once, kept on the
phone across a reload, sent once it is back, and counted once each, even when an answer is lost and a tap resent."""
from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from .teacher_fixtures import page_problems, sixty_student_class, teacher_page, teacher_server  # noqa: F401


def _participation(page) -> str:
    """The participation line of the student's signals ("1/3 (0 contributions ...)"), folded or not."""
    return page.locator("#signals-h + dl dt", has_text="Participation in class").locator("xpath=following-sibling::dd[1]").text_content().strip()


def _server_count(teacher_server, class_id: int, student_id: str) -> int:
    """Today's taps for the student as the server stored them."""
    from app.db import connect
    from app.teacher.participation import _day, day_tally
    db = connect(teacher_server.db_path)
    try:
        return day_tally(db, class_id, _day(time.time()))["counts"].get(student_id, 0)
    finally:
        db.close()


def test_taps_made_offline_arrive_once_and_raise_the_participation_level(teacher_page, teacher_server):
    """Server stopped: three taps show "3 today" and wait; a reload keeps them; restarted, they arrive once.
    A fourth tap whose answer is lost is resent and still counted once; a fifth made after the session ended waits
    for the teacher to sign in again. The level goes from 1/3 to 3/3."""
    page = teacher_page
    class_id = sixty_student_class(teacher_server)
    tally = f"{teacher_server.url}/teacher/classes/{class_id}/participation"
    page.goto(tally)
    row = page.locator(".tally-list > li").nth(1)
    student, name = row.get_attribute("data-student"), row.locator("button span").inner_text()
    page.goto(f"{teacher_server.url}/teacher/students/{student}")
    assert _participation(page).startswith("1/3")
    student_page = page.url
    page.goto(tally)
    page.wait_for_load_state("networkidle")  # this copy is now the service worker's offline copy
    row = page.locator(f"#p{student}")
    note = page.locator("#tally-note")

    teacher_server.stop()
    try:
        for n in range(1, 4):
            row.get_by_role("button").click()
            expect(row.locator("output")).to_have_text(f"{n} today")
        expect(row.locator(".tally-wait")).to_have_text("waiting to send: 3")
        expect(note).to_contain_text("Taps waiting to send: 3")
        page.reload()  # the service worker's copy, and the queue from the phone's storage
        expect(page.locator(f"#p{student} output")).to_have_text("3 today")
        expect(page.locator("#tally-note")).to_contain_text("Taps waiting to send: 3")
    finally:
        teacher_server.start()
    expect(page.locator("#tally-note")).to_have_text("All taps sent.", timeout=20000)
    expect(page.locator(f"#p{student} .tally-wait")).to_be_hidden()
    assert _server_count(teacher_server, class_id, student) == 3

    # The fourth tap reaches the server but its answer is lost on the way back: the phone sends it again.
    lost = []

    def lose_answer(route):
        if not lost:
            lost.append(route.fetch().status)
            route.abort()
        else:
            route.continue_()
    page.route(re.compile(rf"/participation/{student}$"), lose_answer)
    page.locator(f"#p{student}").get_by_role("button").click()
    expect(page.locator(f"#p{student} output")).to_have_text("4 today")
    expect(page.locator("#tally-note")).to_have_text("All taps sent.", timeout=20000)
    assert lost == [200], "the first send reached the server"
    page.unroute(re.compile(rf"/participation/{student}$"))
    assert _server_count(teacher_server, class_id, student) == 4, "a resent tap is counted once"
    page.reload()
    expect(page.locator(f"#p{student} output")).to_have_text("4 today")
    problems = page_problems(page, "tally")

    # The session ends mid-lesson: the tap waits, the note says what to do, and it is sent after signing in again.
    page.context.clear_cookies()
    page.locator(f"#p{student}").get_by_role("button").click()
    expect(page.locator(f"#p{student} output")).to_have_text("5 today")
    expect(page.locator("#tally-note")).to_contain_text("Sign in again and open the tally to send them.")
    page.goto(f"{teacher_server.url}/teacher")
    page.get_by_label("Username").fill(teacher_server.demo["teacher"]["username"])
    page.get_by_label("Password").fill(teacher_server.demo["teacher"]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/teacher/classes")
    page.goto(tally)
    expect(page.locator("#tally-note")).to_have_text("All taps sent.", timeout=20000)
    assert _server_count(teacher_server, class_id, student) == 5

    page.goto(student_page)
    line = _participation(page)
    assert line.startswith("3/3") and "5 contributions in class in the last two weeks" in line, (name, line)
    assert problems == []

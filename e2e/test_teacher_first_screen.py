"""The teacher's first screen on a phone: a 60-student class's overview fits three screens before anything is opened."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .teacher_fixtures import VIEWPORT, page_problems, sixty_student_class, teacher_page, teacher_server  # noqa: F401

SCREENS = 3


def test_a_sixty_student_overview_fits_three_screens_and_starts_with_the_to_do_list(teacher_page, teacher_server):
    """At 360 × 740: the page is at most three screens tall, the to-do list (≤ 5 cards, each with a reason and an
    action) comes first, and the rest opens with one tap."""
    page = teacher_page
    class_id = sixty_student_class(teacher_server)
    page.goto(f"{teacher_server.url}/teacher/classes/{class_id}")
    expect(page.get_by_role("heading", name="Do this next")).to_be_visible()
    height = page.evaluate("() => document.scrollingElement.scrollHeight")
    assert height <= SCREENS * VIEWPORT["height"], f"the overview is {height} px tall"
    cards = page.locator("#todo ol.todo > li")
    assert 1 <= cards.count() <= 5
    for i in range(cards.count()):
        assert cards.nth(i).locator(".todo-why").inner_text().strip()
        assert cards.nth(i).locator("a.button").count() == 1
    top = page.evaluate("() => document.getElementById('todo').getBoundingClientRect().top")
    assert top < VIEWPORT["height"], "the to-do list starts on the first screen"
    page.locator("#more-mastery > summary").click()
    expect(page.locator("#mastery tbody tr")).to_have_count(60)
    assert page_problems(page, "60-student overview") == []
    assert re.search(r"/teacher/classes/\d+$", page.url)


APPROVAL_SCREENS, STUDENT_SCREENS = 3, 4


def _height(page) -> int:
    return page.evaluate("() => document.scrollingElement.scrollHeight")


def test_the_sixty_student_approvals_fit_three_screens_with_the_questions_one_tap_away(teacher_page, teacher_server):
    """Every waiting set of the 60-student class on a card (alike sets on one), all folded: ≤ 3 screens at 360 × 740.
    A tap on a group card's summary shows its questions; Approve these N releases the group in place."""
    page = teacher_page
    class_id = sixty_student_class(teacher_server)
    page.goto(f"{teacher_server.url}/teacher/classes/{class_id}/approvals")
    cards = page.locator("#proposed > li")
    waiting = int(re.search(r"\d+", page.get_by_role("button", name=re.compile(r"^Approve all")).inner_text()).group())
    named = sum(len(cards.nth(i).locator("h2").inner_text().split(",")) for i in range(cards.count()))
    assert waiting >= 5 and named == waiting and cards.count() < waiting, (waiting, named, cards.count())
    height = _height(page)
    assert height <= APPROVAL_SCREENS * VIEWPORT["height"], f"the approvals page is {height} px tall"
    group = page.locator("#proposed > li.set-group").first
    expect(group.locator(".item-text").first).to_be_hidden()
    group.locator("details.questions > summary").click()
    questions = group.locator(".item-text")
    expect(questions.first).to_be_visible()
    assert all(questions.nth(i).inner_text().strip() for i in range(questions.count()))
    problems = page_problems(page, "60-student approvals")
    approvals = page.url
    group.get_by_role("link", name=re.compile(r"^Edit")).click()
    expect(page.locator("#shared input[name=item]").first).to_be_visible()
    assert page.locator("#each-h + * a, #each-h ~ ul a").count() >= 2  # each student's own set, one tap away
    problems += page_problems(page, "group of alike sets")
    page.goto(approvals)
    group = page.locator("#proposed > li.set-group").first
    assert problems == []
    count = int(re.search(r"\d+", group.get_by_role("button", name=re.compile(r"^Approve these")).inner_text()).group())
    group.get_by_role("button", name=re.compile(r"^Approve these")).click()
    expect(page.locator("#proposed > li.set-group").first.locator(".done")).to_contain_text(f"{count} sets released")


def test_a_student_page_fits_four_screens_before_anything_is_opened(teacher_page, teacher_server):
    """The busiest student of the 60 (most answers): what to do and mastery first, the rest folded, ≤ 4 screens."""
    from app.db import connect
    page = teacher_page
    class_id = sixty_student_class(teacher_server)
    db = connect(teacher_server.db_path)
    try:
        busiest = db.execute("SELECT s.id FROM students s JOIN events e ON e.student_id = s.id WHERE s.class_id = ? "
                             "AND e.type = 'answer' GROUP BY s.id ORDER BY count(*) DESC, s.id LIMIT 1",
                             [class_id]).fetchone()[0]
    finally:
        db.conn.close()
    page.goto(f"{teacher_server.url}/teacher/students/{busiest}")
    expect(page.locator("#summary .to-do > li").first).to_be_visible()
    expect(page.locator("#summary .mastery-compact > li").first).to_be_visible()
    height = _height(page)
    assert height <= STUDENT_SCREENS * VIEWPORT["height"], f"the student page is {height} px tall"
    expect(page.locator("#decisions")).to_be_hidden()
    page.locator("#more-answers > summary").click()
    expect(page.locator("#answers .answers > li").first).to_be_visible()
    assert page_problems(page, "student page") == []

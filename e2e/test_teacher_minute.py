"""The teacher's minute on a 360 px phone with a 60-student class: the to-do list, approvals that show their
questions, excusing a student (gone from outreach and the to-do list, the reason in the log) and an in-class tally
that changes the participation level."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .teacher_fixtures import page_problems, sixty_student_class, teacher_page, teacher_server  # noqa: F401


def test_to_do_approvals_excuse_and_tally(teacher_page, teacher_server):
    """Each step as a teacher does it, each page checked for sideways scrolling and axe's serious findings."""
    page = teacher_page
    sixty_student_class(teacher_server)
    page.goto(f"{teacher_server.url}/teacher/classes")
    page.get_by_role("link", name=re.compile(r"Class 8B \(60\)")).click()
    page.wait_for_url(re.compile(r"/teacher/classes/\d+$"))
    overview = page.url
    cards = page.locator("#todo ol.todo > li")
    assert 1 <= cards.count() <= 5
    assert all(cards.nth(i).locator(".todo-why").inner_text().strip() for i in range(cards.count()))
    problems = page_problems(page, "overview")

    page.get_by_role("link", name=re.compile(r"^Approvals")).first.click()
    card = page.locator("#proposed > li").first
    card.locator("details.questions > summary").click()  # the card folds its questions to one line
    questions = card.locator(".item-text")
    expect(questions.first).to_be_visible()
    assert questions.count() >= 1 and all(questions.nth(i).inner_text().strip() for i in range(questions.count()))
    problems += page_problems(page, "approvals")

    page.goto(overview)
    page.locator("#more-outreach > summary").click()
    first = page.locator("#outreach .cards > li").first
    name = first.locator("a").first.inner_text()
    first.locator("a").first.click()
    page.locator("#excuse summary").click()
    page.get_by_label("Excused until").fill((date.today() + timedelta(days=5)).isoformat())
    page.locator("#excuse-kind").select_option("ill")
    page.get_by_label("A note (optional, kept with the decision)").fill("Fever, mother called")
    page.get_by_role("button", name="Excuse", exact=True).click()
    expect(page.locator("#excuse .callout")).to_contain_text("(ill)")
    expect(page.locator("#decisions")).to_contain_text("Excused until")
    expect(page.locator("#decisions")).to_contain_text("Fever, mother called")
    problems += page_problems(page, "excused student")
    page.goto(overview)
    expect(page.locator("#todo")).to_contain_text("1 student is excused and left out of outreach.")
    expect(page.locator("#todo ol.todo")).not_to_contain_text(name)
    page.locator("#more-outreach > summary").click()
    expect(page.locator("#outreach")).not_to_contain_text(name)

    page.get_by_role("link", name="Tally").click()
    tally = page.url
    student_url = f"{teacher_server.url}/teacher/students/{page.locator('.tally-list > li').first.get_attribute('data-student')}"
    page.goto(student_url)
    expect(_participation(page)).to_have_text(re.compile(r"^1/3 \(0 contributions in class"))
    page.goto(tally)
    for n in range(1, 5):
        page.locator(".tally-list > li").first.get_by_role("button").click()
        expect(page.locator(".tally-list > li").first.locator("output")).to_contain_text(f"{n} today")
    expect(page.locator("#tally-note")).to_have_text("All taps sent.")
    problems += page_problems(page, "tally")
    page.goto(student_url)
    expect(_participation(page)).to_have_text(re.compile(r"^3/3 \(4 contributions in class in the last two weeks\)"))
    assert problems == []


def _participation(page):
    """The participation level on a student's page, with its reason."""
    return page.locator("#signals-h + dl dt", has_text="Participation in class").locator("xpath=following-sibling::dd[1]")

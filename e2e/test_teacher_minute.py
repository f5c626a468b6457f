"""The teacher's minute on a 360 px phone: the to-do list, approvals that show their questions, excusing a student
(gone from outreach, the reason in the log) and an in-class tally that changes the participation level."""
from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from .teacher_fixtures import page_problems, teacher_page, teacher_server  # noqa: F401


def test_to_do_approvals_excuse_and_tally(teacher_page, teacher_server):
    """Each step as a teacher does it, each page checked for sideways scrolling and axe's serious findings."""
    page = teacher_page
    page.get_by_role("link", name=re.compile(r"Class 7A")).click()
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
    page.locator("#more-outreach > summary").click()
    expect(page.locator("#outreach")).not_to_contain_text(name)

    student_url = page.url
    page.get_by_role("link", name="Tally").click()
    row = page.locator(".tally-list > li").first
    who = row.locator("button span").inner_text()
    for n in range(1, 5):
        page.locator(".tally-list > li").first.get_by_role("button").click()
        expect(page.locator(".tally-list > li").first.locator("output")).to_contain_text(f"{n} today")
    problems += page_problems(page, "tally")
    page.goto(overview)
    page.locator("#more-mastery > summary").click()
    page.locator("#mastery tbody th a", has_text=re.compile(rf"^{re.escape(who)}$")).first.click()
    expect(page.locator("#signals-h + dl")).to_contain_text("3/3")
    expect(page.locator("#signals-h + dl")).to_contain_text("4 contributions in class")
    assert student_url and problems == []

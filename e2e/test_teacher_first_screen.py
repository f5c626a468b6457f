"""The teacher's first screen on a phone: a 60-student class's overview fits three screens before anything is opened."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .teacher_fixtures import VIEWPORT, page_problems, teacher_page, teacher_server  # noqa: F401

SCREENS = 3


def _sixty(teacher_server) -> int:
    """A second class of 60 with two weeks of history, seeded into the running server's database."""
    from app.db import connect
    from app.ops.demo import seed_class
    from app.packs.registry import load_catalog
    db = connect(teacher_server.db_path)
    try:
        found = db.execute("SELECT id FROM classes WHERE name = 'Class 8B (60)'").fetchone()
        if found:
            return found[0]
        catalog = load_catalog(db, teacher_server.instance / "packs" / "files")
        teacher = db.execute("SELECT id FROM users WHERE username = ?",
                             [teacher_server.demo["teacher"]["username"]]).fetchone()[0]
        klass, _students = seed_class(db, teacher, "Class 8B (60)", 60, catalog)
        return klass["id"]
    finally:
        db.close()


def test_a_sixty_student_overview_fits_three_screens_and_starts_with_the_to_do_list(teacher_page, teacher_server):
    """At 360 × 740: the page is at most three screens tall, the to-do list (≤ 5 cards, each with a reason and an
    action) comes first, and the rest opens with one tap."""
    page = teacher_page
    class_id = _sixty(teacher_server)
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

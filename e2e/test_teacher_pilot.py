"""The teacher's phone at 360 px: start a pilot on a unit, see the design and the arms, end it, read the report."""
from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from .teacher_fixtures import demo_server, page_problems, signed_in_phone


@pytest.fixture(scope="module")
def pilot_server(tmp_path_factory):
    """Its own server (a pilot changes a class's homework): the demo teacher with a fresh class of six on fractions-6."""
    srv = demo_server(tmp_path_factory, "pilot-instance")
    with srv.connect() as db:
        teacher = db.execute("SELECT id FROM users WHERE username = ?", [srv.demo["teacher"]["username"]]).fetchone()[0]
        db.execute("INSERT INTO classes (code, name, teacher_id, release_mode, created_at) VALUES "
                   "('PILOT6', 'Pilot class', ?, 'auto', ?)", [teacher, time.time()])
        class_id = db.execute("SELECT id FROM classes WHERE code = 'PILOT6'").fetchone()[0]
        db.execute("INSERT INTO assignments (class_id, pack_id, assigned_at) VALUES (?, 'fractions-6', ?)",
                   [class_id, time.time()])
        for k, name in enumerate(("Anu", "Babu", "Chitra", "Deepa", "Elango", "Fathima")):
            db.execute("INSERT INTO students (class_id, display_name, pin, locale, created_at) VALUES (?, ?, ?, 'en', ?)",
                       [class_id, name, f"{5000 + k}", time.time()])
    srv.start()
    yield srv
    srv.stop()


def test_a_teacher_starts_a_pilot_ends_it_and_reads_the_report(browser, pilot_server):
    context, page = signed_in_phone(browser, pilot_server)
    page.get_by_role("link", name=re.compile("Pilot class")).click()
    page.get_by_role("link", name="Pilot", exact=True).click()
    expect(page.get_by_text("6 students: too few to split the class")).to_be_visible()
    problems = page_problems(page, "pilot start")
    page.get_by_label("Unit").select_option("fractions-6")
    page.get_by_label("Window").select_option("2")
    page.get_by_role("button", name="Start the pilot").click()
    expect(page.get_by_role("status").filter(has_text="Running until")).to_be_visible()
    expect(page.locator("#people-h + ul li")).to_have_count(6)
    expect(page.locator("#people-h + ul")).to_contain_text("both (skills split)")
    page.get_by_role("button", name="End now and release the post-test").click()
    expect(page.get_by_role("status").filter(has_text="Post-test released")).to_be_visible()
    expect(page.get_by_role("heading", name="Report")).to_be_visible()
    expect(page.get_by_text(re.compile("Too few students to tell"))).to_be_visible()
    expect(page.locator("#pilot-interval")).to_contain_text("Not enough post-tests yet")
    problems += page_problems(page, "pilot report")
    context.close()
    assert problems == []

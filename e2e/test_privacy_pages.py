"""A teacher's privacy tasks in the browser: record consent, shorten retention, export a student, delete one."""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .security_fixtures import recorded, secure_server, sign_in  # noqa: F401
from .teacher_fixtures import page_problems


def test_consent_retention_export_and_delete(recorded, secure_server):
    """Each step through the pages' own forms and links, each page checked with axe at 360 px."""
    server = secure_server
    context, _ = recorded(accept_downloads=True)
    page = context.new_page()
    sign_in(page, server, server.demo["teacher"]["username"], server.demo["teacher"]["password"], "/teacher/classes")
    page.get_by_role("link", name=re.compile(r"Class 7A")).click()
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("How consent was obtained").select_option("signed form")
    page.get_by_label(re.compile(r"^Note")).fill("Parents' meeting, 12 July")
    page.get_by_role("button", name="Record consent").click()
    expect(page.locator("#consents")).to_contain_text("Parents' meeting, 12 July")
    page.get_by_label("Keep typed answers (days)").fill("90")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_label("Keep typed answers (days)")).to_have_value("90")
    problems = page_problems(page, "settings with privacy")

    student = server.students(server.demo["class_code"])[-1]
    page.get_by_role("link", name="Students").click()
    page.get_by_role("link", name=student["name"], exact=True).click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as JSON").click()
    data = json.loads(open(download.value.path(), encoding="utf-8").read())
    assert data["student"]["display_name"] == student["name"] and data["events"]
    with page.expect_download() as download:
        page.get_by_role("link", name="Export as CSV (zip)").click()
    assert download.value.suggested_filename.endswith(".zip")
    # The teacher's offline worker keeps pages, never a child's data export (sent as no-store).
    cached = page.evaluate("""async () => { const c = await caches.open('abhyas-teacher-v1');
                                            return (await c.keys()).map(r => r.url); }""")
    assert any("/teacher/students/" in url for url in cached), cached
    assert not [url for url in cached if "/export." in url]
    page.get_by_role("link", name="Delete for good…").click()
    problems += page_problems(page, "delete step")
    page.get_by_label(re.compile(r"^Type")).fill(student["name"])
    page.get_by_label(re.compile(r"^Why")).fill("Family asked")
    page.get_by_role("button", name="Delete for good").click()
    expect(page.get_by_role("status")).to_contain_text("deleted")
    expect(page.get_by_role("link", name=student["name"], exact=True)).to_have_count(0)
    with server.connect() as db:
        assert db.execute("SELECT count(*) FROM events WHERE student_id = ?", [student["id"]]).fetchone()[0] == 0
        assert db.execute("SELECT reason FROM overrides WHERE target = 'student_deleted'").fetchone()[0] == "Family asked"
    assert problems == []

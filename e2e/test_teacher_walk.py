"""The teacher's phone at 360 px: sign-in, overview, a misconception group, a flagged student, approving and
editing a set, an override and the reports — no page scrolls sideways, axe-core finds nothing serious."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .teacher_fixtures import page_problems, scrolls_sideways, teacher_page, teacher_server  # noqa: F401


def _open_class(page) -> str:
    page.get_by_role("link", name=re.compile(r"Class 7A")).click()
    page.wait_for_url(re.compile(r"/teacher/classes/\d+$"))
    return page.url


def test_sign_in_overview_group_and_flagged_student(teacher_page, teacher_server):
    """From sign-in to the overview, into a misconception group and a flagged student, checking each page."""
    page = teacher_page
    problems = page_problems(page, "classes")
    _open_class(page)
    expect(page.get_by_role("heading", name="Do this next")).to_be_visible()
    todo = page.locator("#todo ol.todo > li")
    assert 1 <= todo.count() <= 5 and all(todo.nth(i).locator("a.button").count() == 1 for i in range(todo.count()))
    for section in ("#more-outreach", "#more-groups", "#more-mastery"):
        page.locator(f"{section} > summary").click()
    expect(page.get_by_role("heading", name="Mastery per skill")).to_be_visible()
    expect(page.locator("#mastery tbody tr")).to_have_count(len(teacher_server.demo["students"]))
    problems += page_problems(page, "overview")
    overview = page.url
    page.locator("#groups .cards a").first.click()
    expect(page.get_by_role("heading", name=re.compile(r"still shows? it"))).to_be_visible()
    expect(page.get_by_role("heading", name="Typical wrong answers")).to_be_visible()
    problems += page_problems(page, "misconception group")
    page.goto(overview)
    page.locator("#more-outreach > summary").click()
    flagged = page.locator("#outreach .cards > li").first
    name = flagged.locator("a").first.inner_text()
    signal = flagged.locator(".flags li").first.inner_text()
    flagged.locator("a").first.click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()
    expect(page.locator("#main")).to_contain_text(signal.split(":")[0])
    expect(page.locator("#summary .to-do > li").first).to_contain_text(re.compile(rf"^(Call|Talk to) {name}"))
    expect(page.locator("#more-next > summary")).to_contain_text("What comes next, and why")
    problems += page_problems(page, "flagged student")
    assert problems == []


def test_approve_one_set_then_edit_and_release_another(teacher_page, teacher_server):
    """Approve a set in place (htmx), then swap, drop and retarget another's items and release it."""
    page = teacher_page
    _open_class(page)
    page.get_by_role("link", name=re.compile(r"^Approvals")).first.click()
    problems = page_problems(page, "approvals")
    cards = page.locator("#proposed > li:not(.set-group)")  # a set with no alike set has a card of its own
    waiting = page.locator("#proposed > li").count()
    assert cards.count() >= 2
    first = cards.first
    student = first.locator("h2").inner_text().split(" · ")[0]
    first.get_by_role("button", name=f"Approve set for {student}").click()
    expect(cards.first).to_contain_text("Released")
    with teacher_server.connect() as db:
        released = db.execute("SELECT count(*) FROM sets WHERE status = 'released' AND released_by IS NOT NULL").fetchone()[0]
    assert released == 1
    second = cards.nth(1)
    student = second.locator("h2").inner_text().split(" · ")[0]
    second.get_by_role("link", name=f"Edit set for {student}").click()
    expect(page.get_by_role("heading", level=1, name=f"Set for {student}")).to_be_visible()
    problems += page_problems(page, "set editor")
    page.get_by_label("Why you change it").fill("Practised this in class today")
    before = page.locator("#set-editor ol.set-items > li").count()
    options = page.locator("#swap-0 option")
    if options.count():
        page.get_by_role("button", name="Swap item 1").click()
        expect(page.locator("#set-editor ol.set-items > li").first).to_contain_text("Chosen by the teacher")
    if before > 1:
        page.get_by_role("button", name=f"Drop item {before}").click()
        expect(page.locator("#set-editor ol.set-items > li")).to_have_count(before - 1)
    page.get_by_label("Target skill").select_option(index=0)
    page.get_by_role("button", name="Change target skill").click()
    expect(page.locator("#set-editor .history")).to_contain_text("Practised this in class today")
    problems += page_problems(page, "set editor after edits")
    page.get_by_role("button", name=f"Release to {student}").click()
    page.wait_for_url(re.compile(r"/approvals$"))
    expect(page.locator("#proposed > li")).to_have_count(waiting - 2)
    with teacher_server.connect() as db:
        edits = db.execute("SELECT count(*), min(reason) FROM overrides WHERE target = 'set'").fetchone()
        releases = db.execute("SELECT count(*) FROM overrides WHERE target = 'release'").fetchone()[0]
    assert edits[0] >= 1 and edits[1] == "Practised this in class today" and releases == 2
    assert problems == []


def test_override_a_mastery_estimate(teacher_page, teacher_server):
    """On a student's page: open the override for a skill, give a value and the why; it shows and is recorded."""
    page = teacher_page
    _open_class(page)
    page.locator("#more-mastery > summary").click()
    page.locator("#mastery tbody th a").nth(5).click()
    page.wait_for_url(re.compile(r"/teacher/students/\d+$"))
    name = page.get_by_role("heading", level=1).inner_text()
    page.locator("#more-skills > summary").click()
    item = page.locator("#mastery-overrides ul.skills > li").first
    skill = item.locator("strong").first.inner_text()
    item.locator("summary").click()
    item.get_by_label("Mastery (0–100)").fill("97")
    item.get_by_label("Why").fill("Did three on the board without help")
    item.get_by_role("button", name=f"Save {skill}").click()
    section = page.locator("#mastery-overrides")
    expect(section).to_contain_text("Did three on the board without help")
    expect(section.locator("ul.skills > li").first).to_contain_text("97")
    assert page_problems(page, "student after override") == []
    with teacher_server.connect() as db:
        row = db.execute("SELECT o.new_value, o.reason, s.display_name FROM overrides o JOIN students s "
                         "ON s.id = o.student_id WHERE o.target = 'mastery' ORDER BY o.id DESC LIMIT 1").fetchone()
    assert row == ("0.97", "Did three on the board without help", name)


def test_pilot_report_equity_and_cards(teacher_page, teacher_server):
    """The pilot report, the equity view and the printable join cards, each readable at 360 px."""
    page = teacher_page
    _open_class(page)
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1, name="Before and after (descriptive, not an effect)")).to_be_visible()
    expect(page.locator("table.report tbody tr").first).to_be_visible()
    problems = page_problems(page, "pilot report")
    page.get_by_role("link", name="Equity").click()
    expect(page.locator("table.report")).to_contain_text("Language: hi")
    problems += page_problems(page, "equity")
    page.get_by_role("link", name="CSV export").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="students.csv", exact=True).click()
    assert "display_name" in open(download.value.path(), encoding="utf-8-sig").readline()
    page.get_by_role("link", name="Students", exact=True).click()
    problems += page_problems(page, "roster")
    page.get_by_role("link", name="Print join cards").click()
    expect(page.locator(".join-card")).to_have_count(len(teacher_server.demo["students"]))
    problems += page_problems(page, "join cards")
    assert problems == []


def test_last_viewed_page_stays_readable_offline(teacher_page, teacher_server):
    """With the network gone, the overview seen before comes back from the teacher's service worker, marked."""
    page = teacher_page
    overview = _open_class(page)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now controlled: this visit is saved
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    fetched = page.locator("footer.fetched time").inner_text()
    page.context.set_offline(True)
    try:
        page.goto(overview)
        note = page.locator("[data-offline]")
        expect(note).to_be_visible()
        expect(note).to_contain_text(f"Offline. This copy was fetched {fetched}")
        expect(page.get_by_role("heading", name="Do this next")).to_be_visible()
        assert page_problems(page, "offline overview") == []
    finally:
        page.context.set_offline(False)


def test_every_teacher_page_of_the_demo_fits_the_phone(teacher_page, teacher_server):
    """Every page of the demo class — each student, set and misconception group too — fits 360 px."""
    page = teacher_page
    _open_class(page)
    class_id = re.search(r"/teacher/classes/(\d+)", page.url).group(1)
    with teacher_server.connect() as db:
        students = [r[0] for r in db.execute("SELECT id FROM students WHERE class_id = ?", [class_id])]
        sets = [r[0] for r in db.execute("SELECT x.id FROM sets x JOIN students s ON s.id = x.student_id WHERE "
                                         "s.class_id = ? AND x.status IN ('proposed', 'released')", [class_id])]
        mistakes = [r[0] for r in db.execute("SELECT DISTINCT misconception FROM events WHERE misconception IS NOT NULL")]
    base = f"{teacher_server.url}/teacher/classes/{class_id}"
    urls = [base + suffix for suffix in ("", "/students", "/cards", "/settings", "/approvals", "/items",
                                         "/reports/pilot", "/reports/equity", "/exports")]
    urls += [f"{teacher_server.url}/teacher/students/{sid}" for sid in students]
    urls += [f"{teacher_server.url}/teacher/sets/{sid}" for sid in sets]
    urls += [f"{base}/misconceptions/{mc}" for mc in mistakes]
    wide = []
    for url in urls:
        assert page.goto(url).status == 200, url
        if scrolls_sideways(page):
            wide.append(url)
    assert len(urls) > 60 and wide == []

"""Fixtures for the teacher's browser tests: their own server and demo (proposals left waiting), a 360 px phone."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from .phone import CHROMIUM
from .server import PACKS, AbhyasServer

VIEWPORT = {"width": 360, "height": 740}
AXE = Axe()


def demo_server(tmp_path_factory, name: str) -> AbhyasServer:
    """A server on its own instance with the bundled packs built and the demo seeded (`srv.demo`), not started yet."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it)")
    srv = AbhyasServer(tmp_path_factory.mktemp(name))
    for source in PACKS:
        srv.abhyas("pack", "build", str(source), "--out", str(srv.instance / "packs"))
    srv.demo = json.loads(srv.abhyas("demo", "--json"))
    return srv


def signed_in_phone(browser, server, **options):
    """(context, page): a 360 px phone signed in as the demo teacher through the sign-in form."""
    # Not is_mobile: Chromium's mobile emulation widens the layout viewport to fit content that overflows,
    # which would hide the very sideways scrolling these tests look for.
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=2, has_touch=True, **options)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(server.url + "/teacher")
    page.get_by_label("Username").fill(server.demo["teacher"]["username"])
    page.get_by_label("Password").fill(server.demo["teacher"]["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/teacher/classes")
    return context, page


@pytest.fixture(scope="session")
def teacher_server(tmp_path_factory):
    """`abhyas serve` on its own instance with the demo as seeded: the class waits for approvals."""
    srv = demo_server(tmp_path_factory, "teacher-instance")
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def teacher_page(browser, teacher_server):
    """A 360 px phone, signed in as the demo teacher through the sign-in form."""
    context, page = signed_in_phone(browser, teacher_server, service_workers="allow")
    yield page
    context.close()


def scrolls_sideways(page) -> bool:
    """True when the page is wider than the 360 px screen."""
    width, scroll = page.evaluate("() => [window.innerWidth, document.scrollingElement.scrollWidth]")
    return scroll > width or width > VIEWPORT["width"]


def page_problems(page, name: str) -> list:
    """Sideways scrolling at this width, and axe-core's serious or critical violations, on the page shown."""
    page.wait_for_load_state("networkidle")
    found = []
    width, scroll = page.evaluate("() => [window.innerWidth, document.scrollingElement.scrollWidth]")
    if scroll > width or width > VIEWPORT["width"]:
        found.append(f"{name}: scrolls sideways ({scroll} px wide at {width} px)")
    for v in AXE.run(page).response["violations"]:
        if v["impact"] in ("serious", "critical"):
            found.append(f"{name}: axe {v['id']} ({v['impact']}): {v['help']} — "
                         f"{[n['html'][:80] for n in v['nodes'][:2]]}")
    return found


def sixty_student_class(teacher_server) -> int:
    """A second class of 60 with two weeks of history, seeded once into the running server's database; its id."""
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

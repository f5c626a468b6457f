"""No page asks another origin for anything, and no page breaks its Content-Security-Policy.

Chromium loads the student app (join, a question, a reload under the service worker), the
teacher's pages, the publisher's and the admin's, against a real `abhyas serve`. Every
request of every page and service worker is recorded; CSP violations are caught from the
document's `securitypolicyviolation` events and from the console.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .phone import context_options, join, screen
from .security_fixtures import recorded, secure_server, sign_in  # noqa: F401


def _visit(page, recorder, url: str) -> None:
    page.goto(url)
    page.wait_for_load_state("networkidle")
    recorder.collect(page)


def test_the_student_app_stays_on_its_own_origin(recorded, secure_server, playwright_instance):
    """Join, see the first screen, reload offline-capable: every request (worker included) goes to this server."""
    context, recorder = recorded(**{k: v for k, v in context_options(playwright_instance).items()
                                    if k not in ("viewport", "service_workers")})
    page = context.new_page()
    student = secure_server.demo["students"][0]
    join(page, secure_server.url, secure_server.demo["class_code"], student["pin"])
    assert screen(page) != "join"
    page.wait_for_load_state("networkidle")
    recorder.collect(page)
    page.reload()
    expect(page.locator("#app [data-screen]").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    recorder.collect(page)
    assert any(url.endswith("/sw.js") for url in recorder.requests)
    assert any("/api/v1/join" in url for url in recorder.requests)
    # The worker's own fetches (pack files, sync) are recorded too, not only the page's.
    assert any("/packs/files/" in url for url in recorder.requests)
    assert any("/api/v1/sync" in url for url in recorder.requests)
    assert recorder.foreign() == []
    assert recorder.violations == []


def test_the_teacher_pages_stay_on_their_own_origin(recorded, secure_server):
    """Classes, overview, roster, a student, approvals, settings, reports, cards, catalogue, check, delete step."""
    context, recorder = recorded()
    page = context.new_page()
    sign_in(page, secure_server, secure_server.demo["teacher"]["username"], secure_server.demo["teacher"]["password"],
            "/teacher/classes")
    recorder.collect(page)
    page.get_by_role("link", name=re.compile(r"Class 7A")).click()
    page.wait_for_url(re.compile(r"/teacher/classes/\d+$"))
    overview = page.url
    page.wait_for_load_state("networkidle")
    recorder.collect(page)
    student = page.locator("#mastery tbody a").first.get_attribute("href")
    for path in ("", "/students", "/approvals", "/settings", "/reports/pilot", "/reports/equity", "/items",
                 "/exports", "/cards"):
        _visit(page, recorder, overview + path)
    for path in (student, student + "/delete", "/publish/catalogue", "/publish/check"):
        _visit(page, recorder, secure_server.url + path)
    assert len(set(recorder.requests)) > 15
    assert recorder.foreign() == []
    assert recorder.violations == []


def test_the_publisher_and_admin_pages_stay_on_their_own_origin(recorded, secure_server):
    """The publisher's upload page, catalogue and check page; the admin's publishers and accounts."""
    context, recorder = recorded()
    page = context.new_page()
    sign_in(page, secure_server, "sahayak", secure_server.publisher["password"], "/publish")
    recorder.collect(page)
    for path in ("/publish/catalogue", "/publish/check"):
        _visit(page, recorder, secure_server.url + path)
    admin_context, admin_recorder = recorded()
    admin = admin_context.new_page()
    sign_in(admin, secure_server, "root", secure_server.admin["password"], "/admin")
    admin_recorder.collect(admin)
    _visit(admin, admin_recorder, secure_server.url + "/admin/users")
    for rec in (recorder, admin_recorder):
        assert rec.foreign() == []
        assert rec.violations == []


def test_the_recorder_would_see_a_foreign_request_and_a_violation(recorded, secure_server):
    """The check itself works: a page that tries an inline script and an outside image is caught twice over."""
    context, recorder = recorded()
    page = context.new_page()
    page.goto(secure_server.url + "/teacher")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';
                             document.body.appendChild(s);
                             const i = document.createElement('img'); i.src = 'https://example.invalid/p.png';
                             document.body.appendChild(i); }""")
    page.wait_for_timeout(300)
    recorder.collect(page)
    assert any("script-src" in v for v in recorder.violations)
    assert any("img-src" in v for v in recorder.violations)

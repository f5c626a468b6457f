"""A first visit on a slow line: the join form works before the scripts arrive, and the join brings the first set."""
from __future__ import annotations

from playwright.sync_api import expect

from .phone import SCREEN_TIMEOUT, context_options, current_item, screen


def _devices(server, student) -> int:
    with server.connect() as db:
        return db.execute("SELECT count(*) FROM devices WHERE student_id = ?", [student["id"]]).fetchone()[0]


def test_join_tapped_before_the_scripts_arrive_is_kept_and_sent(server, students, browser, playwright_instance):
    """The scripts are held back: the form can be filled and Join tapped; the tap waits, then joins."""
    student = students("en")
    context = browser.new_context(**context_options(playwright_instance))
    held, released = [], []
    context.route("**/static/*.js", lambda route: route.continue_() if released else held.append(route))
    try:
        page = context.new_page()
        devices_before = _devices(server, student)
        page.goto(server.url + "/", wait_until="commit")  # DOMContentLoaded waits for deferred scripts
        page.get_by_role("textbox", name="Class code").fill(server.demo["class_code"])
        page.get_by_role("textbox", name="PIN").fill(student["pin"])
        page.get_by_role("button", name="Join").click()
        # The boot script kept the tap: no navigation to the server, the form still filled, the button busy.
        expect(page.locator("#app form[data-held]")).to_have_count(1)
        expect(page.get_by_role("button", name="Join")).to_have_attribute("aria-busy", "true")
        assert page.url.rstrip("/") == server.url and page.evaluate("() => !window.htmx")
        assert page.get_by_role("textbox", name="PIN").input_value() == student["pin"]

        released.append(True)
        for route in held:
            route.continue_()
        expect(page.locator("#app [data-screen]:not([data-screen=join])")).to_be_visible(timeout=SCREEN_TIMEOUT)
        assert screen(page) == "item"
        assert current_item(page) in server.item_index
        assert _devices(server, student) == devices_before + 1, "one tap, one join"
    finally:
        context.close()


def test_the_join_reply_alone_brings_the_first_question(server, students, browser, playwright_instance):
    """With every sync refused, joining still shows a question: the set came with the join, in one round trip."""
    student = students("en")
    context = browser.new_context(**context_options(playwright_instance))
    syncs = []

    def refuse_sync(route):
        syncs.append(route.request.url)
        route.abort()

    try:
        page = context.new_page()
        page.goto(server.url + "/")
        page.wait_for_function("() => !!navigator.serviceWorker.controller", timeout=SCREEN_TIMEOUT)
        context.route("**/api/v1/sync", refuse_sync)
        page.get_by_role("textbox", name="Class code").fill(server.demo["class_code"])
        page.get_by_role("textbox", name="PIN").fill(student["pin"])
        page.get_by_role("button", name="Join").click()
        expect(page.locator("#app [data-screen]:not([data-screen=join])")).to_be_visible(timeout=SCREEN_TIMEOUT)
        assert screen(page) == "item"
        expect(page.locator("#app [data-item] button[type=submit]")).to_be_enabled()
        assert current_item(page) in server.item_index
        # The refusal is real: the phone did try to send what it recorded since, and was turned away.
        for _ in range(100):
            if syncs:
                break
            page.wait_for_timeout(100)
        assert syncs, "the worker's sync requests pass through the route"
    finally:
        context.close()

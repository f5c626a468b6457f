"""Driving the student app as a student would: join, answer, hint, reflect, switch profiles."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, expect

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
DEVICE = "Moto G4"
SCREEN_TIMEOUT = 20000
CATALOGS = Path(__file__).resolve().parent.parent / "app" / "static" / "i18n"


def context_options(playwright) -> dict:
    """The Moto G4 profile with service workers on."""
    device = {k: v for k, v in playwright.devices[DEVICE].items() if k != "default_browser_type"}
    return {**device, "service_workers": "allow"}


def ui_text(locale: str, msgid: str) -> str:
    """A UI string as the phone shows it in `locale` (the exported catalog; English when untranslated)."""
    catalog = json.loads((CATALOGS / f"{locale}.json").read_text(encoding="utf-8"))
    return catalog["messages"].get(msgid) or msgid


def service_worker_of(context):
    """The phone's service worker (waiting for it to start if it has not yet)."""
    workers = context.service_workers
    return workers[0] if workers else context.wait_for_event("serviceworker")


@dataclass
class Answers:
    """What a student typed on the phone, one entry per answer that counted (item, response)."""
    given: list = field(default_factory=list)

    def add(self, item: str, response: str) -> None:
        """Note one answer the phone recorded."""
        self.given.append((item, response))


def join(page: Page, base_url: str, class_code: str, pin: str) -> None:
    """Open the app and join the class; wait for the first homework screen."""
    page.goto(base_url + "/")
    page.get_by_role("textbox", name="Class code").fill(class_code, timeout=SCREEN_TIMEOUT)
    page.get_by_role("textbox", name="PIN").fill(pin)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#app [data-screen]:not([data-screen=join])")).to_be_visible(timeout=SCREEN_TIMEOUT)


def screen(page: Page) -> str:
    """What the app shows: item, reflection, done, empty, join, progress or profiles."""
    marker = page.locator("#app [data-screen]").first
    marker.wait_for(timeout=SCREEN_TIMEOUT)
    return marker.get_attribute("data-screen")


def wrong_response(item: dict) -> str:
    """A wrong answer: one mapped to a misconception when the item has one."""
    if item.get("wrong"):
        return str(item["wrong"][0]["answer"])
    if item["kind"] == "choice":
        return next(c for c in item["choices"] if c != item["answer"])
    return "999"


def _submit(page: Page, item: dict, response: str) -> None:
    if item["kind"] == "choice":
        page.locator(f"#app input[type=radio][value='{response}']").check()
    else:
        page.locator("#app input[name=answer]").fill(response)
    with page.expect_response(lambda r: r.url.endswith("/app/check")):
        page.locator("#app button[type=submit]").click()


def current_item(page: Page) -> str:
    """The id of the item on screen."""
    return page.locator("#app [data-item]").get_attribute("data-item", timeout=SCREEN_TIMEOUT)


def answer_item(page: Page, items: dict, answers: Answers, wrong_first: bool = True, hint: bool = False) -> str:
    """Answer the item on screen (a wrong try first, optionally a hint), then the right answer; return its id."""
    item_id = current_item(page)
    item = items[item_id]
    if wrong_first:
        wrong = wrong_response(item)
        _submit(page, item, wrong)
        answers.add(item_id, wrong)
        expect(page.locator("#app .fb")).to_be_visible()
    if hint:
        with page.expect_response(lambda r: r.url.endswith("/app/hint")):
            page.locator("#app button[hx-post='/app/hint']").click()
    _submit(page, item, item["answer"])
    answers.add(item_id, item["answer"])
    # Right at the first try without help is "right"; after a miss or a hint it is practice, and says so.
    expect(page.locator("#app .fb.practice" if wrong_first or hint else "#app .fb.ok")).to_be_visible()
    return item_id


def go_next(page: Page) -> None:
    """Press Next and wait for the new screen."""
    with page.expect_response(lambda r: r.url.endswith("/app/next")):
        page.locator("#app button[hx-post='/app/next']").click()


def finish_set(page: Page, items: dict, answers: Answers, limit: int = 12) -> list:
    """Work through the set on screen to its end: items, reflection, extension. Return the items seen."""
    seen = []
    for _ in range(limit):
        kind = screen(page)
        if kind == "item":
            seen.append(answer_item(page, items, answers, wrong_first=len(seen) % 2 == 0, hint=len(seen) == 1))
            go_next(page)
        elif kind == "reflection":
            radios = page.locator("#app input[type=radio][name=value]")
            if radios.count():
                radios.first.check()
            else:
                page.locator("#app textarea[name=value]").fill("I used the hint")
            with page.expect_response(lambda r: r.url.endswith("/app/reflect")):
                page.locator("#app button[type=submit]").click()
        else:
            return seen
    raise AssertionError("the set did not end")


def settled(page: Page) -> None:
    """Wait until htmx has no request, swap or settle under way (a student's next tap comes later)."""
    page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")
    page.wait_for_timeout(50)


def expect_waiting(page: Page, count: int) -> None:
    """The status line says `count` answers wait (or, for 0, that all are synced).

    Offline after a tap on Sync now the line first says the answers are safe and will be sent later.
    """
    if count:
        expect(page.get_by_role("status")).to_have_text(re.compile(rf"(^|[.!] ){count} answers? waiting"),
                                                        timeout=SCREEN_TIMEOUT)
    else:
        expect(page.get_by_role("status")).to_have_text("All answers synced", timeout=SCREEN_TIMEOUT)

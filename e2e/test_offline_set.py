"""A whole set done offline survives closing the browser, and syncs exactly once."""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .flaky_proxy import FlakyProxy
from .phone import Answers, expect_waiting, finish_set, join, screen


def bars(page) -> dict:
    """Each skill's bar on the progress screen, in percent."""
    names = page.locator("#app li.skill p:first-child > span:first-child").all_inner_texts()
    percents = page.locator("#app li.skill strong").all_inner_texts()
    return {name: int(pct.rstrip("%")) for name, pct in zip(names, percents)}


def test_offline_set_survives_restart_and_syncs_exactly_once(server, students, persistent_phone, since):
    """Join, go offline, finish a set, close and reopen offline, find the progress, sync: every answer once.

    Offline is the browser's network emulation and, underneath, a cut line: Playwright's
    emulation reaches a service worker only once it has attached to it, and a relaunched
    browser starts the worker before that.
    """
    student = students("en")
    line = FlakyProxy(server.port)
    try:
        context = persistent_phone()
        page = context.new_page()
        join(page, line.url, server.demo["class_code"], student["pin"])
        context.set_offline(True)
        line.set_down(True)

        answers = Answers()
        seen = finish_set(page, server.item_index, answers)
        assert len(seen) >= 2 and screen(page) == "done"
        expect(page.locator("#app h1")).to_have_text(re.compile(r"Set complete\."))
        expect_waiting(page, len(answers.given))
        context.close()

        context = persistent_phone()
        context.set_offline(True)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(line.url + "/")
        expect_waiting(page, len(answers.given))
        page.get_by_role("button", name="My progress").click()
        expect(page.locator("#app .done-sets li")).to_have_count(1)
        expect(page.locator("#app .done-sets li")).to_contain_text(re.compile(rf"of {len(seen)} right at the first try"))
        expect(page.locator("#app")).to_contain_text("Some answers are not synced yet")
        assert [e for e in server.events_since(student["id"], since) if e["type"] == "answer"] == []
        offline_bars = bars(page)

        line.set_down(False)
        context.set_offline(False)
        page.get_by_role("button", name="Sync now").click()
        expect_waiting(page, 0)
        stored, events = server.answers_since(student["id"], since)
        assert stored == sorted(answers.given)
        assert any(e["type"] == "reflection" for e in events)
        assert {e["item"] for e in events if e["type"] == "time"} >= set(seen)
        # The phone's provisional bars were the server's to the percent (rounding may differ by one).
        page.get_by_role("button", name="My progress").click()
        expect(page.locator("#app")).not_to_contain_text("Some answers are not synced yet")
        synced_bars = bars(page)
        assert offline_bars.keys() == synced_bars.keys()
        assert all(abs(offline_bars[k] - synced_bars[k]) <= 1 for k in offline_bars), (offline_bars, synced_bars)
    finally:
        line.close()

"""The outbox against a bad network and a dying server: every answer reaches the server exactly once."""
from __future__ import annotations

from playwright.sync_api import expect

from .flaky_proxy import FlakyProxy
from .phone import Answers, answer_item, context_options, expect_waiting, finish_set, go_next, join, screen


def _stored_answers(server, student, since):
    events = server.events_since(student["id"], since)
    assert len({e["id"] for e in events}) == len(events)
    return sorted((e["item"], e["r"]) for e in events if e["type"] == "answer"), events


def test_network_flapping_during_sync(server, students, browser, playwright_instance, since):
    """Replies lost after the server stored the batch, and the connection flapping: no loss, no double."""
    student = students("en")
    proxy = FlakyProxy(server.port)
    context = browser.new_context(**context_options(playwright_instance))
    try:
        page = context.new_page()
        join(page, proxy.url, server.demo["class_code"], student["pin"])
        context.set_offline(True)
        answers = Answers()
        finish_set(page, server.item_index, answers)
        if screen(page) == "done" and page.locator("#app button[hx-get='/app/start']").count():
            page.locator("#app button[hx-get='/app/start']").click()
            finish_set(page, server.item_index, answers)
        expect_waiting(page, len(answers.given))

        proxy.lose_sync_replies(2)
        for _ in range(4):
            context.set_offline(False)
            page.wait_for_timeout(120)
            context.set_offline(True)
            page.wait_for_timeout(80)
        context.set_offline(False)
        page.get_by_role("button", name="Sync now").click()
        expect_waiting(page, 0)

        stored, events = _stored_answers(server, student, since)
        assert stored == sorted(answers.given)
        assert proxy.cut == 2, "both lost replies were retried"
        assert proxy.batch_sizes and max(proxy.batch_sizes) <= 50
        if len(events) > 50:
            assert len([n for n in proxy.batch_sizes if n]) >= 2
    finally:
        context.close()
        proxy.close()


def test_server_killed_and_restarted(server, students, phone, since):
    """SIGKILL the server with answers waiting; after it returns, the outbox drains exactly once."""
    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=True)
    go_next(page)
    expect_waiting(page, 0)  # online: sent at once

    server.kill()
    try:
        answer_item(page, server.item_index, answers, wrong_first=True)
        go_next(page)
        answer_item(page, server.item_index, answers, wrong_first=False)
        page.get_by_role("button", name="Sync now").click()
        expect_waiting(page, 3)
        page.wait_for_timeout(1500)  # retries with backoff meet a closed port
        expect_waiting(page, 3)
    finally:
        server.start()
    page.get_by_role("button", name="Sync now").click()
    expect_waiting(page, 0)
    stored, _events = _stored_answers(server, student, since)
    assert stored == sorted(answers.given)

"""The outbox against a bad network and a dying server: every answer reaches the server exactly once."""
from __future__ import annotations

from .flaky_proxy import FlakyProxy
from .phone import Answers, answer_item, context_options, current_item, expect_waiting, finish_set, go_next, join, screen


def _acked_are_stored(proxy, events):
    """What the server acknowledged is in its database, and it refused nothing.

    The phone deletes an event once acknowledged, so an acknowledged event missing here is lost
    for good (a server worker writing to a WAL file nobody else reads did exactly that). A
    refused one would leave the status line at "All answers synced" too.
    """
    assert not proxy.rejected(), proxy.rejected()
    missing = proxy.acked() - {e["id"] for e in events}
    assert not missing, (f"{len(missing)} acknowledged events are not in the database; exchanges: "
                         + repr([(x["status"], len(x["sent"]), len(x["acked"])) for x in proxy.exchanges]))


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

        stored, events = server.answers_since(student["id"], since)
        _acked_are_stored(proxy, events)
        assert stored == sorted(answers.given)
        assert proxy.cut == 2, "both lost replies were retried"
        assert proxy.batch_sizes and max(proxy.batch_sizes) <= 50
        if len(events) > 50:
            assert len([n for n in proxy.batch_sizes if n]) >= 2
    finally:
        context.close()
        proxy.close()


def test_server_killed_and_restarted(server, students, browser, playwright_instance, since):
    """SIGKILL the server with answers waiting (more than one batch); after it returns, each arrives once."""
    student = students("en")
    proxy = FlakyProxy(server.port)
    context = browser.new_context(**context_options(playwright_instance))
    try:
        page = context.new_page()
        join(page, proxy.url, server.demo["class_code"], student["pin"])
        answers = Answers()
        answer_item(page, server.item_index, answers, wrong_first=True)
        go_next(page)
        expect_waiting(page, 0)  # online: sent at once

        server.kill()
        try:
            item_id = current_item(page)
            for attempt in range(55):  # a student guessing: more events than one batch holds
                page.locator("#app input[name=answer], #app input[type=radio]").first.wait_for()
                submit_wrong(page, server.item_index[item_id], attempt)
                answers.add(item_id, last_response(page, server.item_index[item_id], attempt))
            page.get_by_role("button", name="Sync now").click()
            expect_waiting(page, 55)
            page.wait_for_timeout(1500)  # retries with backoff meet a dead server
            expect_waiting(page, 55)
        finally:
            server.start()
        page.get_by_role("button", name="Sync now").click()
        expect_waiting(page, 0)
        stored, events = server.answers_since(student["id"], since)
        _acked_are_stored(proxy, events)
        assert stored == sorted(answers.given)
        sent = [n for n in proxy.batch_sizes if n]
        assert max(sent) <= 50 and len(sent) >= 2
    finally:
        context.close()
        proxy.close()


def _wrong_choices(item):
    return [c for c in item["choices"] if c != item["answer"]]


def last_response(page, item, attempt):
    """The wrong response submit_wrong typed for this attempt."""
    if item["kind"] == "choice":
        wrong = _wrong_choices(item)
        return wrong[attempt % len(wrong)]
    return str(1000 + attempt)


def submit_wrong(page, item, attempt):
    """Submit a different wrong answer each time (the phone records every one)."""
    response = last_response(page, item, attempt)
    if item["kind"] == "choice":
        page.locator(f"#app input[type=radio][value='{response}']").check()
    else:
        page.locator("#app input[name=answer]").fill(response)
    with page.expect_response(lambda r: r.url.endswith("/app/check")):
        page.locator("#app button[type=submit]").click()

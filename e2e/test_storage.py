"""Storage that lasts: a clear warning when space is short, and no answer lost on a full disk.

Chromium 156 ignores DevTools' Storage.overrideQuotaForOrigin (checked: the quota stays
10 GB), so these tests make the phone's storage look full inside the service worker
itself: `navigator.storage.estimate()` reports little room, or IndexedDB refuses outbox
writes with a QuotaExceededError, as a full phone does. Everything else runs as shipped.
"""
from __future__ import annotations

from playwright.sync_api import expect

from .phone import Answers, answer_item, expect_waiting, go_next, join, service_worker_of, ui_text

NEARLY_FULL = """() => {
  StorageManager.prototype.estimate = async () => ({ quota: 3000000, usage: 2900000 });
}"""
OUTBOX_FULL = """() => {
  const add = IDBObjectStore.prototype.add;
  self.__restoreAdd = () => { IDBObjectStore.prototype.add = add; };
  IDBObjectStore.prototype.add = function (...args) {
    if (this.name === "outbox") throw new DOMException("The disk is full", "QuotaExceededError");
    return add.apply(this, args);
  };
}"""


def test_short_storage_is_said_in_the_students_language(server, students, phone):
    """With too little room for the packs, the phone says so (in Hindi here) instead of failing silently."""
    student = students("hi")
    page = phone.new_page()
    # The worker starts the packs as it installs: hold their index until the phone "is full".
    held, patched = [], []
    phone.route("**/packs/index.json", lambda route: route.continue_() if patched else held.append(route))
    with phone.expect_event("serviceworker") as started:
        page.goto(server.url + "/")
    started.value.evaluate(NEARLY_FULL)  # before the worker's first download, the packs
    patched.append(True)
    for route in held:
        route.continue_()
    page.get_by_role("textbox", name="Class code").fill(server.demo["class_code"])
    page.get_by_role("textbox", name="PIN").fill(student["pin"])
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#app .warn")).to_have_text(
        ui_text("hi", "Storage is almost full. Ask your teacher before downloading more."))


def test_full_disk_loses_no_answer(server, students, phone, since):
    """When IndexedDB refuses outbox writes, answers are kept, counted as waiting, and reach the server once."""
    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    expect_waiting(page, 0)
    worker = service_worker_of(phone)
    worker.evaluate(OUTBOX_FULL)
    phone.set_offline(True)
    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=True)
    go_next(page)
    answer_item(page, server.item_index, answers, wrong_first=False)
    expect(page.get_by_role("status")).to_contain_text("3 answers waiting to sync")
    expect(page.get_by_role("status")).to_contain_text("Storage is full")
    phone.set_offline(False)
    page.get_by_role("button", name="Sync now").click()
    expect_waiting(page, 0)
    worker.evaluate("() => self.__restoreAdd()")
    assert server.answers_since(student["id"], since)[0] == sorted(answers.given)

"""A full phone: room is made from what can be downloaded again, and no answer is ever silently lost.

Chromium ignores DevTools' quota overrides (see test_storage.py), so the phone's disk is made
full inside the service worker: IndexedDB's add() and put() throw a QuotaExceededError
DOMException, as they do on a full phone, until the test (or, in the first test, dropping
the read-aloud clips) makes room. The hook lives only in the test's evaluate() call; the
shipped worker has no test switch.
"""
from __future__ import annotations

import re

from playwright.sync_api import expect

from .flaky_proxy import FlakyProxy
from .phone import Answers, answer_item, current_item, expect_waiting, go_next, join, screen, service_worker_of, ui_text

FULL_MESSAGE = "Storage is full: your work is not saved on this phone yet. Keep Abhyas open and tap Sync now."

DISK = """(mode) => {
  if (!self.__disk) {
    self.__disk = { full: false, untilAudioDropped: false, refused: 0 };
    for (const name of ["add", "put"]) {
      const write = IDBObjectStore.prototype[name];
      IDBObjectStore.prototype[name] = function (...args) {
        if (self.__disk.full) {
          self.__disk.refused++;
          throw new DOMException("The disk is full", "QuotaExceededError");
        }
        return write.apply(this, args);
      };
    }
    // Deleting a read-aloud clip frees real room: in "until-audio-dropped" mode that is enough.
    const remove = Cache.prototype.delete;
    Cache.prototype.delete = async function (request, ...rest) {
      const url = typeof request === "string" ? request : request.url;
      const gone = await remove.call(this, request, ...rest);
      if (gone && self.__disk.untilAudioDropped && /\\.(opus|ogg)$/.test(url)) self.__disk.full = false;
      return gone;
    };
  }
  self.__disk.full = mode !== "room";
  self.__disk.untilAudioDropped = mode === "until-audio-dropped";
  return self.__disk.refused;
}"""

CLIPS = """async () => {
  const cache = await caches.open("abhyas-packs-v1");
  return (await cache.keys()).filter((r) => /\\.(opus|ogg)$/.test(new URL(r.url).pathname)).length;
}"""

# What IndexedDB itself holds (not the worker's memory): the types of the outbox's events.
STORED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("abhyas");
  open.onerror = () => reject(open.error);
  open.onsuccess = () => {
    const db = open.result;
    const request = db.transaction("outbox").objectStore("outbox").getAll();
    request.onsuccess = () => { db.close(); resolve(request.result.map((row) => row.type)); };
    request.onerror = () => reject(request.error);
  };
})"""


def _answers_in_db(worker) -> int:
    return worker.evaluate(STORED).count("answer")


def _wait_for_clips(page, worker) -> None:
    """The set's read-aloud clips come down just after the homework; wait until some are cached."""
    for _ in range(60):
        if worker.evaluate(CLIPS):
            return
        page.wait_for_timeout(500)
    raise AssertionError("no read-aloud clips were cached, so there is no audio to drop")


def test_full_disk_drops_audio_first_then_writes(server, students, phone, since):
    """A write refused for want of room frees the read-aloud clips and is written: no warning, no loss."""
    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    expect_waiting(page, 0)
    worker = service_worker_of(phone)
    _wait_for_clips(page, worker)
    worker.evaluate(DISK, "until-audio-dropped")
    phone.set_offline(True)

    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=True)
    expect_waiting(page, 2)
    expect(page.get_by_role("status")).not_to_contain_text("Storage is full")
    assert worker.evaluate("() => self.__disk.refused") >= 1, "the disk really refused a write"
    assert worker.evaluate(CLIPS) == 0, "the clips (downloadable again) made the room"
    assert _answers_in_db(worker) == 2, "the answers are in IndexedDB, not only in memory"

    phone.set_offline(False)
    page.get_by_role("button", name="Sync now").click()
    expect_waiting(page, 0)
    assert server.answers_since(student["id"], since)[0] == sorted(answers.given)


def test_still_full_keeps_answers_tells_student_and_writes_them_when_room_returns(server, students, phone, since):
    """Still full after freeing room: answers wait in memory, the student is told in Hindi, the screens go on;
    once there is room they are written to IndexedDB, so even a stopped worker loses none."""
    student = students("hi")
    # The server is out of reach through a cut line (not DevTools' offline switch, which a
    # restarted worker does not always leave again).
    proxy = FlakyProxy(server.port)
    try:
        _still_full(server, student, phone, proxy, since)
    finally:
        proxy.close()


def _still_full(server, student, phone, proxy, since):
    page = phone.new_page()
    join(page, proxy.url, server.demo["class_code"], student["pin"])
    expect(page.get_by_role("status")).to_have_text(ui_text("hi", "All answers synced"))
    worker = service_worker_of(phone)
    worker.evaluate(DISK, "full")
    proxy.set_down(True)

    answers = Answers()
    first = answer_item(page, server.item_index, answers, wrong_first=True)
    expect(page.get_by_role("status")).to_contain_text(ui_text("hi", FULL_MESSAGE))
    go_next(page)
    assert screen(page) == "item" and current_item(page) != first, "the homework moved on though nothing was written"
    answer_item(page, server.item_index, answers, wrong_first=False)  # graded against the item on screen
    assert _answers_in_db(worker) == 0, "the disk was really full"
    expect(page.get_by_role("status")).to_contain_text(ui_text("hi", FULL_MESSAGE))

    worker.evaluate(DISK, "room")  # the student deleted some photos
    expect(page.get_by_role("status")).not_to_contain_text(ui_text("hi", FULL_MESSAGE), timeout=20000)
    assert _answers_in_db(worker) == 3

    # A worker the browser stops keeps nothing in memory: what reaches the server came from IndexedDB.
    cdp = phone.new_cdp_session(page)
    cdp.send("ServiceWorker.enable")
    cdp.send("ServiceWorker.stopAllWorkers")
    page.reload()  # a new worker, drawing the page from its caches while the line is still cut
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^(3|३)\s"))  # the new worker found all three
    proxy.set_down(False)
    page.get_by_role("button", name=ui_text("hi", "Sync now")).click()
    expect(page.get_by_role("status")).to_have_text(ui_text("hi", "All answers synced"), timeout=20000)
    assert server.answers_since(student["id"], since)[0] == sorted(answers.given)


def test_held_answers_go_to_the_server_at_the_first_chance(server, students, phone, since):
    """With the disk still full, answers held in memory are sent as soon as the phone is online, once each."""
    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    expect_waiting(page, 0)
    worker = service_worker_of(phone)
    worker.evaluate(DISK, "full")
    phone.set_offline(True)

    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=True)
    expect(page.get_by_role("status")).to_contain_text(FULL_MESSAGE)
    expect_waiting(page, 2)

    phone.set_offline(False)  # nobody taps anything
    expect_waiting(page, 0)
    expect(page.get_by_role("status")).to_have_text("All answers synced")
    assert server.answers_since(student["id"], since)[0] == sorted(answers.given)
    worker.evaluate(DISK, "room")

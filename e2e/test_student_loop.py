"""The student's loop in Hindi and Tamil on a Moto G4: never a screen with nothing to do, never a flattering score.

A class whose sets wait for the teacher: the first visit starts the diagnostic at once; while
the next set waits, the phone offers practice the teacher approved by policy; the approval
arrives with a sync and shows without a tab tap; a set finished offline leads to more work
offline; a right answer after the worked solution is practice, on the phone and on the server.
Screenshots at 360 px go to $ABHYAS_SHOTS (or the test's temporary folder) to be looked at.
"""
from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .phone import CHROMIUM, _submit, current_item, go_next, join, screen, settled, ui_text, wrong_response
from .server import PACKS, AbhyasServer

# Every word of a label on one line: a word split across lines is a label broken mid-word.
WORDS_SPLIT = """() => {
  const split = [];
  for (const el of document.querySelectorAll('#app button, #app label, #app h1, #bar button, #sync-action button, #prefs label')) {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      const words = /\\S+/g;
      let m;
      while ((m = words.exec(node.textContent))) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (lines.size > 1) split.push(m[0]);
      }
    }
  }
  return split;
}"""

# The student's own words: the screen, the bar and the status line (item text may hold maths letters).
UI_TEXT = """() => [...document.querySelectorAll(
  '#app h1, #app .fb, #app .why, #app .note, #app button, #app label, #app p:not(.q), #bar, #sync-status, #sync-action')]
  .map((el) => el.innerText).join(' ')"""


class TextOnlyServer(AbhyasServer):
    """The production server with the packs' text only: this walk reads, it does not listen."""

    def build_packs(self) -> None:
        """Build the sample pack and fractions-6 without their audio packs."""
        for source in PACKS:
            self.abhyas("pack", "build", str(source), "--out", str(self.instance / "packs"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server of this module's own (text packs, the demo), so the walk does not wait for speech to render."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it)")
    srv = TextOnlyServer(tmp_path_factory.mktemp("loop-instance"))
    srv.start_with_demo()
    yield srv
    srv.stop()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    """Where the screenshots go."""
    folder = Path(os.environ.get("ABHYAS_SHOTS") or tmp_path_factory.mktemp("shots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _approve_class(server, name: str, while_waiting: str = "practice") -> dict:
    """A class whose new sets wait for the teacher, with fractions-6 assigned (as a teacher sets it up)."""
    from app.db import connect, write
    from app.teacher.class_records import create_class
    db = connect(server.db_path)
    try:
        teacher = db.execute("SELECT id FROM users WHERE role = 'teacher' ORDER BY id LIMIT 1").fetchone()[0]
        klass = create_class(db, teacher, name, release_mode="approve", settings={"while_waiting": while_waiting})
        with write(db):
            db["assignments"].insert({"class_id": klass["id"], "pack_id": "fractions-6", "assigned_at": time.time()})
        return {"id": klass["id"], "code": klass["code"], "teacher": teacher}
    finally:
        db.close()


def _student(server, klass: dict, name: str, locale: str) -> dict:
    from app.db import connect
    from app.teacher.class_records import add_student
    db = connect(server.db_path)
    try:
        row = add_student(db, klass["id"], name, locale)
    finally:
        db.close()
    return {"id": row["id"], "name": row["display_name"], "pin": row["pin"]}


def _sets(server, student_id: int) -> list:
    with server.connect() as db:
        rows = db.execute("SELECT id, status, payload FROM sets WHERE student_id = ? ORDER BY created_at, id",
                          [student_id]).fetchall()
    return [dict(json.loads(p), id=i, status=s) for i, s, p in rows]


def _look(page, shots: Path, name: str, locale: str) -> None:
    """A 360 px screenshot, and the checks a reader makes: no word split, no English inside the language."""
    settled(page)
    assert page.viewport_size["width"] == 360
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.evaluate(WORDS_SPLIT) == [], f"{name}: a label breaks inside a word"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, f"{name}: scrolls sideways"
    if locale != "en":
        english = [w for w in re.findall(r"[A-Za-z]{2,}", page.evaluate(UI_TEXT)) if w not in ("PIN", "Abhyas")]
        assert english == [], f"{name}: English inside {locale}: {english}"


def _answer(page, items: dict, responses: list) -> str:
    item_id = current_item(page)
    for response in responses:
        _submit(page, items[item_id], response(items[item_id]) if callable(response) else response)
        settled(page)
    return item_id


def _right(item):
    return item["answer"]


def _sync_now(page, locale: str) -> None:
    page.get_by_role("button", name=ui_text(locale, "Sync now")).click()


def _all_synced(page, locale: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(ui_text(locale, "All answers synced"), timeout=20000)


def _work_through(page, items: dict, shots: Path | None = None, name: str = "", locale: str = "hi") -> list:
    """Answer each item right at the first try, through the reflection, to the end of the set."""
    seen = []
    for _ in range(12):
        kind = screen(page)
        if kind == "item":
            seen.append(_answer(page, items, [_right]))
            expect(page.locator("#app .fb.ok")).to_be_visible()
            go_next(page)
        elif kind == "reflection":
            if shots:
                _look(page, shots, f"{name}-reflection", locale)
            radios = page.locator("#app input[type=radio][name=value]")
            if radios.count():
                radios.first.check()
            page.locator("#app button[type=submit]").click()
            settled(page)
        else:
            return seen
    raise AssertionError("the set did not end")


def test_the_loop_in_hindi_never_stalls_and_never_flatters(server, phone, shots, since):
    """First visit → diagnostic; practice while waiting; approval on sync without a tab tap; offline next; honest right."""
    klass = _approve_class(server, "6H")
    ravi = _student(server, klass, "रवि", "hi")
    items = server.item_index
    page = phone.new_page()

    # First visit: the diagnostic at once, its reason in Hindi; diagnostics never wait for approval.
    join(page, server.url, klass["code"], ravi["pin"])
    assert screen(page) == "item"
    expect(page.locator("#app .why")).to_contain_text(ui_text("hi", "A quick check of what you already know"))
    _look(page, shots, "hi-1-diagnostic", "hi")

    # Wrong twice (the worked solution shows), then right: practice, never "सही!".
    retried = _answer(page, items, [wrong_response, lambda item: "998" if item["kind"] != "choice" else wrong_response(item)])
    expect(page.locator("#app .steps").last).to_be_visible()  # the worked solution (a worked example may come first)
    _answer(page, items, [_right])
    feedback = page.locator("#app .fb")
    expect(feedback).to_have_text(ui_text("hi", "That matches the worked solution. It counts as practice, not as right at the first try."))
    expect(feedback).not_to_have_text(ui_text("hi", "Correct!"))
    _look(page, shots, "hi-2-practice-after-solution", "hi")
    go_next(page)
    first_try = _work_through(page, items)
    assert screen(page) == "done"
    # The retried item is not among the right ones: "n of total right at the first try" counts the others.
    expect(page.locator("#app")).not_to_contain_text("Well done")
    right_line = page.locator("#app p").first
    expect(right_line).to_contain_text(f"{len(first_try) + 1} में से {len(first_try)}")
    _look(page, shots, "hi-3-diagnostic-done", "hi")

    # The sync brings the next set for the teacher to approve and, meanwhile, pre-approved practice:
    # it appears on the idle screen without a tab tap, marked as such.
    _sync_now(page, "hi")
    # The sync may have landed while the last answer was on its way: then the end of the set offers it.
    page.wait_for_function("() => document.querySelector('#app .note') || document.querySelector(\"#app [data-screen=done] button[hx-get='/app/start']\")",
                           timeout=20000)
    if screen(page) == "done":
        page.locator("#app button[hx-get='/app/start']").click()
        settled(page)
    expect(page.locator("#app .note")).to_have_text(
        ui_text("hi", "Practice your teacher allows while your next homework waits for them."), timeout=20000)
    assert screen(page) == "item"
    sets = _sets(server, ravi["id"])
    waiting = [s for s in sets if s["status"] == "proposed"]
    holding = [s for s in sets if s.get("pre_approved") and s["status"] == "released"]
    assert len(waiting) == 1 and len(holding) == 1
    assert current_item(page) in {e["item"] for e in holding[0]["items"]}
    _look(page, shots, "hi-4-practice-while-waiting", "hi")
    _work_through(page, items, shots, "hi-5", "hi")
    assert screen(page) == "done"
    _look(page, shots, "hi-6-practice-done", "hi")
    _sync_now(page, "hi")
    _all_synced(page, "hi")

    # The teacher approves; the next Sync now shows the approved set at once, no tab tapped.
    from app.db import connect
    from app.teacher.set_edits import release
    db = connect(server.db_path)
    try:
        assert release(db, waiting[0]["id"], klass["teacher"], "Approved")
    finally:
        db.close()
    settled(page)
    _sync_now(page, "hi")
    approved = {e["item"] for e in waiting[0]["items"]}
    page.wait_for_function("(ids) => { const el = document.querySelector('#app [data-item]'); return el && ids.includes(el.dataset.item); }",
                           arg=sorted(approved), timeout=20000)
    expect(page.locator("#app .note")).to_have_count(0)
    phone_sets = _sets(server, ravi["id"])
    assert [s for s in phone_sets if s.get("pre_approved") and s["status"] == "released"], "the phone holds the next work"

    # Offline, the approved set is finished and the next work is already on the phone.
    phone.set_offline(True)
    _work_through(page, items)
    assert screen(page) == "done"
    next_button = page.locator("#app button[hx-get='/app/start']")
    expect(next_button).to_be_visible()
    _look(page, shots, "hi-7-done-offline-next", "hi")
    _sync_now(page, "hi")
    expect(page.get_by_role("status")).to_contain_text(
        ui_text("hi", "No connection now. Your answers are safe on this phone and are sent when a connection returns."))
    _look(page, shots, "hi-8-sync-offline", "hi")
    next_button.click()
    settled(page)
    assert screen(page) == "item", "a set finished offline leads to more work offline"
    phone.set_offline(False)
    _sync_now(page, "hi")
    _all_synced(page, "hi")

    # On the server too, the right answer after the worked solution is not right at the first try.
    from app.teacher.snapshot import student_events
    db = connect(server.db_path)
    try:
        answers = [e for e in student_events(db, ravi["id"]) if e["type"] == "answer" and e["item"] == retried]
    finally:
        db.close()
    assert [(e["attempt"], e["correct"], e["first_try"]) for e in answers][-1] == (3, True, False)
    assert not any(e["first_try"] and e["correct"] for e in answers)


def test_nothing_until_approved_in_tamil_says_when_the_teacher_was_asked(server, phone, shots):
    """A class that holds everything for the teacher: the student is told when the teacher was asked, and can review."""
    klass = _approve_class(server, "6T", while_waiting="nothing")
    latha = _student(server, klass, "லதா", "ta")
    items = server.item_index
    page = phone.new_page()
    join(page, server.url, klass["code"], latha["pin"])
    assert screen(page) == "item"
    _look(page, shots, "ta-1-diagnostic", "ta")
    # Nothing right at the first try: the ending says so kindly, with a next step, never "நன்று!".
    for _ in range(12):
        if screen(page) != "item":
            break
        _answer(page, items, [wrong_response])
        go_next(page)
    assert screen(page) == "done"
    expect(page.locator("#app h1")).to_have_text(ui_text("ta", "Set complete. These were hard for you today."))
    expect(page.locator("#app")).to_contain_text(ui_text("ta", "Read the worked solutions again: your next homework brings these skills back, step by step."))
    _look(page, shots, "ta-2-done-nothing-right", "ta")
    _sync_now(page, "ta")
    expect(page.locator("#app")).to_contain_text(ui_text("ta", "Meanwhile, look back at what you learned:"), timeout=20000)
    asked = ui_text("ta", "Your teacher was asked on %(when)s to check your next homework.").split("%(when)s")
    expect(page.locator("#app")).to_contain_text(asked[0].strip() or asked[1].strip())
    _look(page, shots, "ta-3-waiting-for-teacher", "ta")
    page.get_by_role("button", name=ui_text("ta", "My progress")).first.click()
    settled(page)
    assert screen(page) == "progress"
    _look(page, shots, "ta-4-progress", "ta")


FULL_DISK = """() => {
  for (const name of ["add", "put"]) {
    const write = IDBObjectStore.prototype[name];
    IDBObjectStore.prototype[name] = function (...args) {
      if (this.name === "profiles" || this.name === "meta") throw new DOMException("The disk is full", "QuotaExceededError");
      return write.apply(this, args);
    };
  }
}"""


def test_joining_in_hindi_on_a_full_phone_names_storage_and_registers_no_device(server, phone, shots):
    """The join screen's language choice, then a full disk: the student reads what to free, the server keeps no device."""
    klass = _approve_class(server, "6S")
    asha = _student(server, klass, "आशा", "hi")
    page = phone.new_page()
    with phone.expect_event("serviceworker") as started:
        page.goto(server.url + "/")
    worker = started.value
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    page.locator("#join-locale").select_option("hi")
    expect(page.locator("#app h1")).to_have_text(ui_text("hi", "Join"))
    _look(page, shots, "hi-0-join", "hi")
    worker.evaluate(FULL_DISK)
    page.get_by_role("textbox", name=ui_text("hi", "Class code")).fill(klass["code"])
    page.get_by_role("textbox", name=ui_text("hi", "PIN")).fill(asha["pin"])
    page.get_by_role("button", name=ui_text("hi", "Join")).click()
    expect(page.locator("#app .warn")).to_have_text(ui_text(
        "hi", "This phone's storage is full, so Abhyas cannot keep your homework. Delete some photos, videos or apps "
              "you do not need, then tap Join again."))
    _look(page, shots, "hi-0-join-storage-full", "hi")
    with server.connect() as db:
        assert db.execute("SELECT count(*) FROM devices WHERE student_id = ?", [asha["id"]]).fetchone()[0] == 0

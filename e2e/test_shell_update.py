"""A new shell (a new service worker) deployed mid-set: it waits while the student works, takes over when idle.

The server runs from a copy of the `app` package, so the test can deploy a new shell version by
editing one service-worker module in the copy, as a deploy would, without touching the checkout.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect

from app.student.shell_files import shell_version

from .conftest import _catalogs_exported
from .flaky_proxy import FlakyProxy
from .phone import (
    CHROMIUM,
    Answers,
    _submit,
    current_item,
    expect_waiting,
    finish_set,
    go_next,
    join,
    screen,
    settled,
    wrong_response,
)
from .server import BIN, ROOT, AbhyasServer

VERSION = "() => document.querySelector('meta[name=abhyas-version]').content"
WORKERS = """async () => {
  const r = await navigator.serviceWorker.getRegistration();
  const names = (await caches.keys()).filter((k) => k.startsWith("abhyas-shell-")).sort();
  return { active: r.active && r.active.state, waiting: r.waiting && r.waiting.state,
           installing: r.installing && r.installing.state, controlled: !!navigator.serviceWorker.controller, caches: names };
}"""
LOOK_FOR_UPDATE = "() => navigator.serviceWorker.getRegistration().then((r) => r.update())"
MARK = "() => { window.__sameDocument = 'since the item opened'; }"
MARKED = "() => window.__sameDocument || null"


@pytest.fixture(scope="module")
def deployable(tmp_path_factory):
    """The production server run from a copy of the app package, with the packs and the demo."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it)")
    _catalogs_exported()
    code = tmp_path_factory.mktemp("deploy") / "app"
    shutil.copytree(ROOT / "app", code, ignore=shutil.ignore_patterns("__pycache__"))
    srv = AbhyasServer(tmp_path_factory.mktemp("instance"), app_dir=code)
    imported = subprocess.run([str(BIN / "python"), "-c", "import app; print(app.__file__)"], env=srv.env,
                              cwd=srv.instance, capture_output=True, text=True, check=True).stdout.strip()
    assert Path(imported).resolve() == code / "__init__.py", imported
    srv.start_with_demo()
    yield srv
    srv.stop()


def served_version(srv: AbhyasServer) -> str:
    """The shell version the server hands out now (read from the shell page, as a browser gets it)."""
    with urllib.request.urlopen(srv.url + "/", timeout=10) as reply:
        html = reply.read().decode("utf-8")
    return re.search(r'<meta name="abhyas-version" content="([0-9a-f]+)"', html).group(1)


def deploy_new_shell(srv: AbhyasServer) -> str:
    """Change one service-worker module in the served copy; return the new shell version."""
    module = srv.app_dir / "service_worker" / "messages.js"
    module.write_text(module.read_text(encoding="utf-8") + f"\n// deployed at {time.time()}\n", encoding="utf-8")
    return served_version(srv)


def workers(page) -> dict:
    """The registration's workers by state, and the shell caches on the phone."""
    return page.evaluate(WORKERS)


def type_draft(page, item: dict, response: str) -> None:
    """Enter an answer without pressing Check."""
    if item["kind"] == "choice":
        page.locator(f"#app input[type=radio][value='{response}']").check()
    else:
        page.locator("#app input[name=answer]").fill(response)


def draft_of(page, item: dict) -> str:
    """What the answer field holds now."""
    if item["kind"] == "choice":
        return page.locator("#app input[type=radio]:checked").get_attribute("value")
    return page.locator("#app input[name=answer]").input_value()


def test_shell_update_waits_for_an_idle_screen_and_keeps_the_set(deployable, phone, since):
    """An update found mid-item waits; on "My progress" it takes over; the set goes on, offline too; answers once."""
    srv = deployable
    student = next(s for s in srv.roster if s["locale"] == "en")
    line = FlakyProxy(srv.port)
    try:
        page = phone.new_page()
        join(page, line.url, srv.demo["class_code"], student["pin"])
        old = page.evaluate(VERSION)
        assert old == served_version(srv) == shell_version()  # the copy is the checkout, so far
        assert workers(page)["caches"] == [f"abhyas-shell-{old}"]

        # The student is on an item: a wrong answer with its feedback on screen, the right one typed, not checked.
        answers = Answers()
        item_id = current_item(page)
        item = srv.item_index[item_id]
        wrong = wrong_response(item)
        _submit(page, item, wrong)
        answers.add(item_id, wrong)
        expect(page.locator("#app .fb")).to_be_visible()
        settled(page)
        type_draft(page, item, item["answer"])
        page.evaluate(MARK)

        new = deploy_new_shell(srv)
        assert new != old and shell_version() == old  # only the served copy changed
        page.evaluate(LOOK_FOR_UPDATE)  # as the browser does on a navigation or every day on its own
        for _ in range(80):
            found = workers(page)
            if found["waiting"] == "installed":
                break
            page.wait_for_timeout(250)
        assert found["waiting"] == "installed" and found["active"] == "activated", found
        assert f"abhyas-shell-{new}" in found["caches"] and f"abhyas-shell-{old}" in found["caches"]

        # Nothing moves under the student's fingers: same document, same item, the draft and the feedback stay.
        page.wait_for_timeout(1500)
        assert page.evaluate(MARKED) == "since the item opened"
        assert screen(page) == "item" and current_item(page) == item_id
        assert draft_of(page, item) == str(item["answer"])
        expect(page.locator("#app .fb")).to_be_visible()
        assert page.evaluate(VERSION) == old

        # Check and Next are item screens too: the new worker still waits.
        _submit_draft(page)
        answers.add(item_id, str(item["answer"]))
        expect(page.locator("#app .fb.practice")).to_be_visible()  # right after a miss: practice
        go_next(page)
        settled(page)
        assert screen(page) in ("item", "reflection")
        assert page.evaluate(MARKED) == "since the item opened"
        assert workers(page)["waiting"] == "installed"
        resume_at = current_item(page) if screen(page) == "item" else None

        # "My progress" is an idle screen: the new version takes over and the page reloads once.
        with page.expect_event("load", timeout=20000):
            page.get_by_role("button", name="My progress").click()
        expect(page.locator("meta[name=abhyas-version]")).to_have_attribute("content", new)
        assert page.evaluate(MARKED) is None
        settled(page)
        assert screen(page) == "progress"  # where the student was going, not back to the item
        assert page.url == line.url + "/"  # a later reload draws the homework again
        expect(page.get_by_role("button", name="My progress")).to_have_attribute("aria-current", "page")
        for _ in range(40):
            after = workers(page)
            if after["caches"] == [f"abhyas-shell-{new}"] and not after["waiting"]:
                break
            page.wait_for_timeout(250)
        assert after["controlled"] and after["active"] == "activated" and not after["waiting"], after
        assert after["caches"] == [f"abhyas-shell-{new}"], after

        # The set in progress goes on under the new worker, offline: reload, back to the same item, finish.
        phone.set_offline(True)
        line.set_down(True)
        page.reload()
        expect(page.locator("meta[name=abhyas-version]")).to_have_attribute("content", new)
        page.get_by_role("button", name="Homework").click()
        settled(page)
        if resume_at:
            assert screen(page) == "item" and current_item(page) == resume_at
        seen = finish_set(page, srv.item_index, answers)
        assert screen(page) == "done"
        expect(page.locator("#app h1")).to_have_text(re.compile(r"Set complete\."))
        assert not resume_at or seen[:1] == [resume_at]  # the set went on where it was

        line.set_down(False)
        phone.set_offline(False)
        page.get_by_role("button", name="Sync now").click()
        expect_waiting(page, 0)
        stored, events = srv.answers_since(student["id"], since)
        assert stored == sorted(answers.given)
        assert any(e["type"] == "reflection" for e in events)
    finally:
        line.close()


def _submit_draft(page) -> None:
    """Press Check on what is typed."""
    with page.expect_response(lambda r: r.url.endswith("/app/check")):
        page.locator("#app button[type=submit]").click()

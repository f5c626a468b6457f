"""Browser tests against the real server: gunicorn on a temporary instance with built packs and the demo.

Chromium is Debian's (/usr/bin/chromium) in the Moto G4 profile with service workers on.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .phone import ARGS, CHROMIUM, context_options
from .server import ROOT, AbhyasServer

sync_api = pytest.importorskip("playwright.sync_api")


def _catalogs_exported() -> None:
    """The offline app reads the UI catalogs as JSON; export them if this checkout has none yet."""
    if not (ROOT / "app" / "static" / "i18n" / "en.json").exists():
        subprocess.run([sys.executable, "-m", "app.i18n.catalogs"], cwd=ROOT, check=True)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The production server on a free port, with the sample pack (and its audio) and fractions-6, and the demo."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it)")
    _catalogs_exported()
    srv = AbhyasServer(tmp_path_factory.mktemp("instance"))
    srv.start_with_demo()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def students(server):
    """Hand each test its own demo students, so the server's records of one test never mix with another's."""
    taken = set()

    def take(locale: str = "en") -> dict:
        for student in server.roster:
            if student["locale"] == locale and student["id"] not in taken:
                taken.add(student["id"])
                return student
        return server.add_student(f"Test {len(taken) + 1}", locale)  # as a teacher adds one

    return take


@pytest.fixture(scope="session")
def playwright_instance():
    """One Playwright driver for the session."""
    with sync_api.sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance):
    """Debian's Chromium, headless."""
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test, so fixtures can tell a failure at teardown."""
    outcome = yield
    setattr(item, f"report_{outcome.get_result().when}", outcome.get_result())


def trace(context, lines: list) -> None:
    """Collect the page's console, errors and requests (printed when a test fails)."""
    def on_page(page):
        page.on("console", lambda m: lines.append(f"console {m.type}: {m.text}"))
        page.on("pageerror", lambda e: lines.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: lines.append(f"failed {r.method} {r.url}: {r.failure}"))
        page.on("response", lambda r: lines.append(f"{r.status} {r.request.method} {r.url}"
                                                   f"{' (worker)' if r.from_service_worker else ''}"))
    context.on("page", on_page)
    context.on("serviceworker", lambda w: lines.append(f"service worker {w.url}"))


@pytest.fixture
def phone(browser, playwright_instance, request):
    """A fresh phone: a new browser context in the Moto G4 profile (its own storage and service worker)."""
    context = browser.new_context(**context_options(playwright_instance))
    context.set_default_timeout(20000)
    lines = []
    trace(context, lines)
    yield context
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print("\n".join(["--- browser trace ---", *lines[-80:]]))
    context.close()


@pytest.fixture
def persistent_phone(playwright_instance, tmp_path):
    """A phone whose browser can be closed and reopened on the same profile folder."""
    folder = tmp_path / "chromium-profile"
    opened = []

    def open_browser():
        context = playwright_instance.chromium.launch_persistent_context(
            str(folder), executable_path=CHROMIUM, args=ARGS, **context_options(playwright_instance))
        context.set_default_timeout(20000)
        opened.append(context)
        return context

    yield open_browser
    for context in opened:
        try:
            context.close()
        except Exception:  # noqa: BLE001 - already closed by the test
            pass
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def since():
    """The moment the test started, to find the events it made on the server."""
    return time.time() - 1

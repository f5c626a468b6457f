"""Audio after serving: the server renders it in the background; a phone that joined before it fetches the clips."""
from __future__ import annotations

import json
import shutil
import subprocess
import time

import pytest
from playwright.sync_api import expect

from .phone import join, ui_text
from .server import BIN, ROOT, AbhyasServer, wait_for_port
from .test_figures import FIGURES_PACK, released_set


class AudioLaterServer(AbhyasServer):
    """The production server on text-only packs, optionally rendering their audio once it serves (`--audio-from`)."""

    def __init__(self, instance, audio_from=None):
        super().__init__(instance)
        self.audio_from = audio_from

    def start(self) -> None:
        """Serve, with --audio-from when given, as `make run` does."""
        log = open(self.instance / "server.log", "ab")
        extra = ["--audio-from", str(self.audio_from)] if self.audio_from else []
        self.process = subprocess.Popen([str(BIN / "abhyas"), "serve", "--port", str(self.port), *extra], env=self.env,
                                        cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        wait_for_port(self.port)


@pytest.fixture
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIGURES_PACK, folder / FIGURES_PACK.name)
    return folder


def test_serve_renders_audio_in_the_background_and_publishes_it(tmp_path, content):
    srv = AudioLaterServer(tmp_path / "instance", audio_from=content)
    srv.abhyas("pack", "build", str(content / "figures-6"), "--out", str(srv.instance / "packs"))
    srv.start()
    try:
        status_file = srv.instance / "packs" / "audio_status.json"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and not (status_file.exists() and json.loads(status_file.read_text())["state"] != "building"):
            time.sleep(0.5)
        assert json.loads(status_file.read_text())["state"] == "done"
        log = (srv.instance / "server.log").read_text()
        assert "follows in the background" in log and "audio 1/1: figures-6 ready" in log
        with srv.connect() as db:
            manifest = db.execute("SELECT manifest FROM packs WHERE pack_id = 'figures-6'").fetchone()[0]
        assert set(json.loads(json.loads(manifest)["body"])["audio"]["locales"]) == {"en", "hi", "bn"}
    finally:
        srv.stop()


def test_a_phone_that_joined_before_the_audio_fetches_it_afterwards(tmp_path, content, phone):
    srv = AudioLaterServer(tmp_path / "instance")
    srv.abhyas("pack", "build", str(content / "figures-6"), "--out", str(srv.instance / "packs"))
    srv.start()
    try:
        srv.demo = srv.seed_demo()
        student = srv.add_student("Early bird", "bn")
        released_set(srv, student["id"], [("fig-graph-1", "fig.shapes"), ("fig-bar-1", "fig.fractions")])
        page = phone.new_page()
        join(page, srv.url, srv.demo["class_code"], student["pin"])
        read_aloud = page.get_by_role("button", name=ui_text("bn", "Read aloud"))
        expect(page.get_by_role("img", name="পড়া বইয়ের স্তম্ভলেখ: সোমবার 4, মঙ্গলবার 7, বুধবার 2।")).to_be_visible()
        expect(read_aloud).to_have_count(0)            # no Bengali voice here, and no clips yet

        # What the background job does once the server is up: render, then amend the published version.
        srv.abhyas("pack", "build-audio", str(content), "--out", str(srv.instance / "packs"), "--publish")
        deadline = time.monotonic() + 90              # the phone asks again at most every 30 s
        while time.monotonic() < deadline and not read_aloud.count():
            page.get_by_role("button", name=ui_text("bn", "Sync now")).click()
            page.wait_for_timeout(3000)
            page.get_by_role("button", name=ui_text("bn", "Homework")).click()
            page.wait_for_timeout(500)
        expect(read_aloud).to_be_visible()
        assert page.locator("#say-audio").get_attribute("src").startswith("/packs/files/")
        # The next item starts a skill with a worked example: its clip came down with the set's.
        page.get_by_role("textbox", name=ui_text("bn", "Answer")).fill("3")
        page.get_by_role("button", name=ui_text("bn", "Check")).click()
        page.get_by_role("button", name=ui_text("bn", "Next")).click()
        example_button = page.locator("details.worked [data-say]")
        expect(example_button).to_have_attribute("data-audio", "example-audio-0")
        assert page.locator("#example-audio-0").get_attribute("src").startswith("/packs/files/")
    finally:
        srv.stop()

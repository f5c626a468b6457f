"""A pack update arriving mid-set: the set finishes on the version it started with, then the old one goes."""
from __future__ import annotations

import re
import shutil

from playwright.sync_api import expect

from .phone import Answers, answer_item, finish_set, go_next, join, screen
from .server import ROOT

INSTALLED = """async () => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("abhyas"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const keys = await new Promise((ok) => { const r = db.transaction("packs").objectStore("packs").getAllKeys(); r.onsuccess = () => ok(r.result); });
  const states = await new Promise((ok) => { const r = db.transaction("state").objectStore("state").getAll(); r.onsuccess = () => ok(r.result); });
  db.close();
  const pins = states.flatMap((s) => Object.values(s.progress || {}).filter((p) => p.stage !== "done").map((p) => p.pins));
  return { keys: keys.sort(), pins };
}"""


def test_pack_update_mid_set_keeps_the_set_on_its_version(server, students, phone, tmp_path):
    """fractions-6 1.1.1 is published while a set is open: installed beside 1.1.0, used after the set."""
    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=False)
    worker = phone.service_workers[0]
    before = worker.evaluate(INSTALLED)
    assert "fractions-6@1.1.0" in before["keys"] and before["pins"][0]["fractions-6"] == "1.1.0"

    source = tmp_path / "fractions-6"
    shutil.copytree(ROOT / "content_packs" / "fractions-6", source)
    meta = source / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("version: 1.1.0", "version: 1.1.1", 1), encoding="utf-8")
    server.abhyas("pack", "build", str(source), "--out", str(server.instance / "packs"), "--audio")
    server.kill()
    server.start()  # publishes what it finds built

    page.get_by_role("button", name="Sync now").click()
    for _ in range(40):
        during = worker.evaluate(INSTALLED)
        if "fractions-6@1.1.1" in during["keys"]:
            break
        page.wait_for_timeout(250)
    assert {"fractions-6@1.1.0", "fractions-6@1.1.1"} <= set(during["keys"])
    assert during["pins"][0]["fractions-6"] == "1.1.0"

    go_next(page)
    finish_set(page, server.item_index, answers)
    assert screen(page) == "done"
    expect(page.locator("#app h1")).to_have_text(re.compile(r"Set complete\."))
    for _ in range(40):
        after = worker.evaluate(INSTALLED)
        if "fractions-6@1.1.0" not in after["keys"]:
            break
        page.wait_for_timeout(250)
    assert "fractions-6@1.1.0" not in after["keys"] and "fractions-6@1.1.1" in after["keys"]

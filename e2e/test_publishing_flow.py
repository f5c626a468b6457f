"""Issue 9 on the server, in the browser: an admin registers an NGO's key, the NGO uploads its pack, the catalogue
lists it, a teacher assigns it, an update shows its delta (and the sync reply asks a phone for exactly that), and a
damaged file and one from an unknown publisher are refused with their reasons shown."""
from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import expect

from .security_fixtures import NGO, NGO_PACK, recorded, secure_server, sign_in  # noqa: F401
from .teacher_fixtures import page_problems


def _api(server, path: str, body: dict, token: str | None = None) -> dict:
    request = urllib.request.Request(server.url + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def _upload(page, path) -> None:
    page.get_by_label(re.compile(r"^Pack file")).set_input_files(str(path))
    page.get_by_role("button", name="Upload and publish").click()
    page.wait_for_load_state("networkidle")


def _manifest_files(server, version: str) -> dict:
    with server.connect() as db:
        text = db.execute("SELECT manifest FROM packs WHERE pack_id = ? AND version = ?", [NGO_PACK, version]).fetchone()[0]
    return {f["sha256"]: f["bytes_br"] for f in json.loads(json.loads(text)["body"])["files"]}


def test_publish_list_assign_update_and_refuse(recorded, secure_server, tmp_path):
    """The whole path through the pages, each page checked with axe at 360 px."""
    server, ngo = secure_server, secure_server.ngo
    problems = []

    # The admin registers the NGO's key by pasting its .pub file.
    admin_context, _ = recorded()
    admin = admin_context.new_page()
    sign_in(admin, server, "root", server.admin["password"], "/admin")
    admin.get_by_label("Public key").fill(ngo.pub_file.read_text())
    admin.get_by_role("button", name="Register key").click()
    expect(admin.get_by_role("status")).to_contain_text("registered")
    expect(admin.locator(f"#publisher-{NGO}")).to_contain_text("sahayak")
    problems += page_problems(admin, "admin publishers")
    admin.get_by_role("link", name="Accounts").click()
    expect(admin.get_by_role("table")).to_contain_text("sahayak")
    problems += page_problems(admin, "admin accounts")

    # The NGO's publisher uploads version 1.0.0 through the file input.
    context, _ = recorded()
    page = context.new_page()
    sign_in(page, server, "sahayak", server.publisher["password"], "/publish")
    problems += page_problems(page, "publisher home")
    _upload(page, ngo.bundle("1.0.0"))
    expect(page.locator("#published")).to_contain_text("Published and listed in the catalogue.")
    expect(page.locator("#published")).to_contain_text("First version")
    page.get_by_role("link", name="See the catalogue").click()
    card = page.locator(f"[data-pack='{NGO_PACK}']")
    expect(card).to_contain_text("Sample fractions")
    expect(card).to_contain_text("नमूना भिन्न")
    expect(card).to_contain_text("hi: draft, not yet reviewed")
    expect(card).to_contain_text(NGO)
    problems += page_problems(page, "catalogue")

    # A teacher finds it in the catalogue and assigns it to her class.
    teacher_context, _ = recorded()
    teacher = teacher_context.new_page()
    sign_in(teacher, server, server.demo["teacher"]["username"], server.demo["teacher"]["password"], "/teacher/classes")
    teacher.get_by_role("link", name="Catalogue").click()
    teacher_card = teacher.locator(f"[data-pack='{NGO_PACK}']")
    expect(teacher_card).to_contain_text("Not assigned to any of your classes.")
    problems += page_problems(teacher, "catalogue for a teacher")
    teacher_card.get_by_role("button", name=f"Assign {NGO_PACK}").click()
    expect(teacher.get_by_role("status")).to_contain_text(f"Assigned {NGO_PACK}")
    expect(teacher.locator(f"[data-pack='{NGO_PACK}']")).to_contain_text("Assigned to Class 7A")
    with server.connect() as db:
        assert db.execute("SELECT count(*) FROM assignments a JOIN classes c ON c.id = a.class_id "
                          "WHERE a.pack_id = ? AND c.code = ?", [NGO_PACK, server.demo["class_code"]]).fetchone()[0] == 1

    # An update with one item reworded: the catalogue names it and shows the delta a phone downloads.
    page.goto(server.url + "/publish")
    _upload(page, ngo.bundle("1.1.0", reword="How much roti did she eat in all?"))
    expect(page.locator("#published")).to_contain_text("Changes since 1.0.0")
    expect(page.locator("#published")).to_contain_text("Reworded: en: sample-add-1")
    old, new = _manifest_files(server, "1.0.0"), _manifest_files(server, "1.1.0")
    delta = sum(size for sha, size in new.items() if sha not in old)
    assert 0 < delta < sum(new.values())
    expect(page.locator("#published .delta")).to_contain_text(f"({delta} B)")

    # A phone holding 1.0.0 is told by its sync reply to fetch exactly the changed files.
    student = server.demo["students"][0]
    token = _api(server, "/api/v1/join", {"class_code": server.demo["class_code"], "pin": student["pin"]})["token"]
    reply = _api(server, "/api/v1/sync", {"events": [], "packs": {NGO_PACK: "1.0.0"}}, token)
    update = next(p for p in reply["packs"] if p["pack"] == NGO_PACK)
    assert update["from_version"] == "1.0.0" and update["version"] == "1.1.0"
    assert update["download_bytes_br"] == delta and set(update["files_to_fetch"]) == set(new) - set(old)

    # A file damaged on its way and one signed by an unregistered key: refused, with why and what to do.
    damaged = tmp_path / "damaged.abhyas"
    data = bytearray(ngo.bundle("1.2.0").read_bytes())
    data[-20] ^= 0xFF  # inside the last file's compressed bytes, as a bad SD card would
    damaged.write_bytes(bytes(data))
    page.goto(server.url + "/publish")
    _upload(page, damaged)
    expect(page.get_by_role("alert")).to_contain_text("Refused: the file is damaged")
    expect(page.get_by_role("alert")).to_contain_text("Why: damaged: ")
    expect(page.get_by_role("alert")).to_contain_text("Get a fresh copy from the publisher")
    problems += page_problems(page, "publisher refusal")
    _upload(page, server.stranger.bundle("1.2.0"))
    expect(page.get_by_role("alert")).to_contain_text("Refused: unknown publisher")
    expect(page.get_by_role("alert")).to_contain_text("An admin must register this publisher's public key")
    with server.connect() as db:
        assert db.execute("SELECT max(version) FROM packs WHERE pack_id = ?", [NGO_PACK]).fetchone()[0] == "1.1.0"

    # The teacher checks the stranger's file (say, from a chat app) and sees why it would be refused.
    teacher.goto(server.url + "/publish/check")
    teacher.get_by_label("Pack file").set_input_files(str(server.stranger.bundle("1.3.0")))
    teacher.get_by_role("button", name="Check").click()
    expect(teacher.get_by_role("alert")).to_contain_text("Refused: unknown publisher")
    expect(teacher.get_by_role("alert")).to_contain_text("it claims to be 'ngo-sahayak'")
    problems += page_problems(teacher, "check a pack file")
    assert problems == []

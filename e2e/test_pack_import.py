"""A pack passed as one .abhyas file, imported offline: accepted when signed by a trusted key, else refused with why."""
from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

from playwright.sync_api import expect

from app.packs.bundle import MAGIC, split_bundle

from .phone import join, screen
from .server import ROOT

PACK_RECORDS = """async () => {
  const db = await new Promise((ok, fail) => { const r = indexedDB.open("abhyas"); r.onsuccess = () => ok(r.result); r.onerror = fail; });
  const keys = await new Promise((ok) => { const r = db.transaction("packs").objectStore("packs").getAllKeys(); r.onsuccess = () => ok(r.result); });
  db.close();
  return keys.sort();
}"""


def pack_source(tmp_path: Path, pack_id: str) -> Path:
    """A copy of the sample pack under another id (a pack the server does not publish)."""
    source = tmp_path / pack_id
    shutil.copytree(ROOT / "tests" / "fixtures" / "packs" / "sample-6", source)
    meta = source / "pack.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("id: sample-6", f"id: {pack_id}", 1)
                    .replace("Sample fractions", f"Extra fractions {pack_id}", 1), encoding="utf-8")
    return source


def join_bundle(index: dict, payloads: list[bytes]) -> bytes:
    """Write a bundle back from an index and payloads (lengths recomputed)."""
    for entry, payload in zip(index["files"], payloads):
        entry["length"] = len(payload)
    return MAGIC + json.dumps(index, separators=(",", ":")).encode() + b"\n" + b"".join(payloads)


def bad_bundles(good: bytes, folder: Path) -> dict:
    """Variants of a good bundle, each wrong in one way, by the reason the phone must give."""
    index, payloads = split_bundle(good)
    out = {}

    flipped = bytearray(good)
    flipped[len(good) - len(payloads[-1]) + len(payloads[-1]) // 2] ^= 0xFF  # inside the last file's deflate data
    out["damaged"] = bytes(flipped)

    changed = [*payloads]
    items = next(i for i, e in enumerate(index["files"]) if e["name"].endswith(".json")
                 and b'"items"' in gzip.decompress(payloads[i]))
    doc = json.loads(gzip.decompress(payloads[items]))
    doc["items"][0]["answer"] = "42"  # a file changed after signing, re-compressed so it unpacks cleanly
    changed[items] = gzip.compress(json.dumps(doc).encode())
    out["tampered"] = join_bundle(json.loads(json.dumps(index)), changed)

    edited = json.loads(json.dumps(index))
    edited["manifest"]["body"] = edited["manifest"]["body"].replace('"version":"1.0.0"', '"version":"9.9.9"')
    assert edited["manifest"]["body"] != index["manifest"]["body"]
    out["tampered-manifest"] = join_bundle(edited, payloads)

    unsigned = json.loads(json.dumps(index))
    del unsigned["manifest"]["signature"]
    out["unsigned"] = join_bundle(unsigned, payloads)

    out["not-pack"] = b"PK\x03\x04 a zip file, or a photo, sent by mistake"
    out["not-pack-empty"] = b""  # a chat app that delivered nothing
    out["damaged-cut"] = good[: len(good) * 2 // 3]  # a download cut short
    out["damaged-index"] = good[:len(MAGIC) + 40] + b"\xff" + good[len(MAGIC) + 41:]  # a flipped byte in the index
    paths = {}
    for name, data in out.items():
        paths[name] = folder / f"{name}.abhyas"
        paths[name].write_bytes(data)
    return paths


def open_import(page) -> None:
    """From the homework screen to My progress, then Import a pack file."""
    page.get_by_role("button", name="My progress").click()
    expect(page.locator("#app [data-screen=progress]")).to_be_visible()
    page.get_by_role("button", name="Import a pack file").click()
    expect(page.locator("#app [data-screen=import]")).to_be_visible()


def choose_and_import(page, path: Path):
    """Pick a file in the file input and press Import; return the result region."""
    page.get_by_label("Pack file", exact=True).set_input_files(str(path))
    with page.expect_response(lambda r: r.url.endswith("/app/import") and r.request.method == "POST"):
        page.get_by_role("button", name="Import", exact=True).click()
    result = page.locator("#import-result[role=status] [data-result]")
    expect(result).to_be_visible()
    return result


def test_pack_file_imports_offline_and_bad_files_are_refused(server, students, phone, tmp_path):
    """Offline: a trusted bundle installs and its items are served; tampered, unsigned, unknown-key files are refused."""
    good = tmp_path / "sample-extra-6.abhyas"
    server.abhyas("pack", "bundle", str(pack_source(tmp_path, "sample-extra-6")), "--out", str(good))
    tamper_source = tmp_path / "tamper" / "sample-tamper-6.abhyas"
    server.abhyas("pack", "bundle", str(pack_source(tmp_path / "tamper", "sample-tamper-6")), "--out", str(tamper_source))
    bad = bad_bundles(tamper_source.read_bytes(), tmp_path / "tamper")
    rogue_keys = tmp_path / "rogue-keys"
    server.abhyas("keys", "new", "--out", str(rogue_keys), "--publisher", "abhyas-test")
    rogue = tmp_path / "sample-rogue-6.abhyas"
    server.abhyas("pack", "bundle", str(pack_source(tmp_path / "rogue", "sample-rogue-6")), "--out", str(rogue),
                  "--key", str(rogue_keys / "abhyas-test.key"))

    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    worker = phone.service_workers[0]
    before = worker.evaluate(PACK_RECORDS)
    assert not any(k.startswith("sample-extra-6@") for k in before)

    phone.set_offline(True)
    open_import(page)
    file_input = page.get_by_label("Pack file", exact=True)
    assert file_input.get_attribute("accept") == ".abhyas"

    # At 320 px the screen fits without sideways scrolling, and the controls are big enough to tap.
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    for control in (file_input, page.get_by_role("button", name="Import", exact=True)):
        box = control.bounding_box()
        assert box["height"] >= 48 and box["width"] >= 48

    # The student's sentence, and the one-line reason every other door (CLI, publisher pages, API) gives.
    expected = {"not-pack": ("This is not an Abhyas pack file.", "not an Abhyas pack file: the first line is wrong"),
                "not-pack-empty": ("This is not an Abhyas pack file.", "not an Abhyas pack file: the first line is wrong"),
                "unsigned": ("This pack file is unsigned", "unsigned: the manifest has no signature"),
                "unknown-publisher": ("signed by an unknown publisher", "unknown publisher: key "),
                "tampered": ("changed after signing (tampered)", "does not match its hash"),
                "tampered-manifest": ("changed after signing (tampered)", "tampered: the signature does not match"),
                "damaged": ("damaged file inside", "is damaged inside the pack file"),
                "damaged-cut": ("damaged file inside", "damaged: "),
                "damaged-index": ("damaged file inside", "damaged: the index is damaged")}
    cases = {**bad, "unknown-publisher": rogue}
    for name, path in cases.items():
        result = choose_and_import(page, path)
        expect(result).to_have_attribute("data-result", "refused")
        expect(result).to_have_attribute("data-reason", name.removesuffix("-manifest").removesuffix("-empty")
                                          .removesuffix("-cut").removesuffix("-index"))
        sentence, reason = expected[name]
        expect(page.locator("#import-result")).to_contain_text(sentence)
        expect(page.locator("#import-result .muted")).to_contain_text(reason)
    refused = worker.evaluate(PACK_RECORDS)
    assert not any(k.startswith(("sample-tamper-6@", "sample-rogue-6@")) for k in refused), refused

    result = choose_and_import(page, good)
    expect(result).to_have_attribute("data-result", "imported")
    expect(result).to_have_attribute("data-pack", "sample-extra-6")
    expect(page.locator("#import-result")).to_contain_text("Imported Extra fractions sample-extra-6, version 1.0.0")
    expect(page.locator("#packs-here li[data-pack='sample-extra-6']")).to_have_count(1)
    assert "sample-extra-6@1.0.0" in worker.evaluate(PACK_RECORDS)

    # Still offline, the items are served from the pack cache exactly as a downloaded pack's are.
    index, _payloads = split_bundle(good.read_bytes())
    body = json.loads(index["manifest"]["body"])
    items_entry = next(f for f in body["files"] if f["role"] == "items")
    items = page.evaluate("async (url) => (await (await fetch(url)).json()).items", f"/packs/{items_entry['path']}")
    assert items and all("answer" in item for item in items)

    # A fresh visit, offline: the imported pack is still listed, and the app still answers.
    page.reload()
    assert screen(page) in {"item", "empty", "done", "reflection"}
    open_import(page)
    expect(page.locator("#packs-here li[data-pack='sample-extra-6']")).to_have_count(1)
    expect(page.locator("#packs-here li[data-pack='sample-6']")).to_have_count(1)

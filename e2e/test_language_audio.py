"""Language, simplified text and read-aloud, switched and used offline."""
from __future__ import annotations

import json

from playwright.sync_api import expect

from .phone import current_item, join, settled, wrong_response
from .server import ROOT


def _ui(locale: str, msgid: str) -> str:
    catalog = json.loads((ROOT / "app" / "static" / "i18n" / f"{locale}.json").read_text(encoding="utf-8"))
    return catalog["messages"].get(msgid) or msgid


def test_language_and_simplified_switch_offline(server, students, phone):
    """Offline, the UI strings and the item text follow the language and simple-words switches at once."""
    student = students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    phone.set_offline(True)
    texts = {loc: server.texts(loc) for loc in ("en", "hi", "ta")}
    item_id = current_item(page)
    item = server.item_index[item_id]
    question = page.locator("#app .q")
    expect(question).to_have_text(texts["en"][item_id]["text"])

    if item["kind"] == "choice":
        page.locator(f"#app input[type=radio][value='{wrong_response(item)}']").check()
    else:
        page.locator("#app input[name=answer]").fill(wrong_response(item))
    page.get_by_role("button", name="Check").click()
    expect(page.locator("#app .fb")).to_be_visible()

    page.get_by_label("Language").select_option("hi")
    expect(page.get_by_role("button", name=_ui("hi", "Check"))).to_be_visible()
    expect(question).to_have_text(texts["hi"][item_id]["text"])
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    assert current_item(page) == item_id
    expect(page.locator("#app .fb")).to_be_visible()  # the wrong answer's feedback stays, now in Hindi

    page.locator("#pref-simple").check()
    expect(question).to_have_text(texts["hi"][item_id]["simplified"])
    settled(page)
    page.locator("#pref-locale").select_option("ta")
    expect(page.get_by_role("button", name=_ui("ta", "Check"))).to_be_visible()
    expect(question).to_have_text(texts["ta"][item_id]["simplified"])

    settled(page)
    page.locator("#pref-simple").uncheck()
    expect(question).to_have_text(texts["ta"][item_id]["text"])
    settled(page)
    page.locator("#pref-locale").select_option("en")
    expect(page.get_by_role("button", name="Check")).to_be_visible()
    expect(question).to_have_text(texts["en"][item_id]["text"])
    page.get_by_role("button", name="My progress").click()
    expect(page.locator("#app h1")).to_have_text("My progress")
    settled(page)
    page.locator("#pref-locale").select_option("hi")
    expect(page.locator("#app h1")).to_have_text(_ui("hi", "My progress"))


def test_read_aloud_falls_back_to_pack_audio(server, students, phone):
    """With no on-device voice for the locale (Debian's headless Chromium has none), the pack's clip plays, offline."""
    student = students("hi")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    voices = page.evaluate("() => speechSynthesis.getVoices().filter(v => v.localService).map(v => v.lang)")
    assert not [v for v in voices if v.lower().startswith("hi")], "this browser has a Hindi voice; the fallback is not exercised"

    read_aloud = page.get_by_role("button", name=_ui("hi", "Read aloud"))
    for _ in range(30):  # the clips of the set come down just after the homework itself
        if read_aloud.count():
            break
        page.wait_for_timeout(500)
        page.get_by_role("button", name=_ui("hi", "Homework")).click()
    expect(read_aloud).to_be_visible()

    phone.set_offline(True)
    audio = page.locator("#say-audio")
    assert audio.get_attribute("src").startswith("/packs/files/")
    read_aloud.click()
    page.wait_for_function("() => { const a = document.getElementById('say-audio'); return a && a.currentTime > 0; }",
                           timeout=10000)
    assert page.evaluate("() => document.getElementById('say-audio').duration") > 0.3
    expect(read_aloud).to_have_attribute("data-playing", "audio")

    # A language with neither a voice nor an audio pack gets no button at all.
    page.locator("#pref-locale").select_option("bn")
    expect(page.locator("#app [data-item]")).to_be_visible()
    expect(page.locator("#app [data-say]")).to_have_count(0)

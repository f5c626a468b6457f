"""Language, simplified text and read-aloud, switched and used offline."""
from __future__ import annotations

import json
import re

from playwright.sync_api import expect

from .phone import current_item, join, settled, ui_text, wrong_response

DEVANAGARI = re.compile(r"[\u0900-\u097F]")


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
    expect(page.get_by_role("button", name=ui_text("hi", "Check"))).to_be_visible()
    expect(question).to_have_text(texts["hi"][item_id]["text"])
    expect(page.locator("html")).to_have_attribute("lang", "hi")
    assert current_item(page) == item_id
    expect(page.locator("#app .fb")).to_be_visible()  # the wrong answer's feedback stays, now in Hindi

    page.locator("#pref-simple").check()
    expect(question).to_have_text(texts["hi"][item_id]["simplified"])
    settled(page)
    page.locator("#pref-locale").select_option("ta")
    expect(page.get_by_role("button", name=ui_text("ta", "Check"))).to_be_visible()
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
    expect(page.locator("#app h1")).to_have_text(ui_text("hi", "My progress"))


def test_read_aloud_falls_back_to_pack_audio(server, students, phone):
    """With no on-device voice for the locale (Debian's headless Chromium has none), the pack's clip plays, offline."""
    student = students("hi")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    voices = page.evaluate("() => speechSynthesis.getVoices().filter(v => v.localService).map(v => v.lang)")
    assert not [v for v in voices if v.lower().startswith("hi")], "this browser has a Hindi voice; the fallback is not exercised"

    read_aloud = page.get_by_role("button", name=ui_text("hi", "Read aloud"))
    for _ in range(30):  # the clips of the set come down just after the homework itself
        if read_aloud.count():
            break
        page.wait_for_timeout(500)
        page.get_by_role("button", name=ui_text("hi", "Homework")).click()
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


def _roman_texts(server, locale: str) -> dict:
    """Every item's text in Roman letters (the packs' "roman" files) by id."""
    found = {}
    for manifest in (server.instance / "packs").glob("*/*/manifest.json"):
        body = json.loads(json.loads(manifest.read_text())["body"])
        for entry in body["files"]:
            if entry["role"] == "roman" and entry.get("locale") == locale:
                found.update(json.loads((server.instance / "packs" / entry["path"]).read_text())["items"])
    return found


def test_read_in_roman_letters_offline(server, students, phone):
    """Offline, a Hindi student's switch shows the item and its hints in Roman letters (schwa deleted), and back."""
    from app.i18n.transliterate import to_roman

    student = students("hi")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    phone.set_offline(True)
    item_id = current_item(page)
    field = "simplified" if page.locator("#pref-simple").is_checked() else "text"
    native = server.texts("hi")[item_id]
    roman = _roman_texts(server, "hi")[item_id]
    question, hints = page.locator("#app .q"), page.locator("#app .hints li")
    expect(question).to_have_text(native[field])
    assert DEVANAGARI.search(native[field])
    switch = page.get_by_label(ui_text("hi", "Read in Roman letters"))
    expect(switch).not_to_be_checked()

    switch.check()
    expect(question).to_have_text(roman[field])
    expect(question).to_have_attribute("lang", "hi-Latn")
    shown = question.inner_text()
    assert not DEVANAGARI.search(shown), shown
    assert shown == to_roman(native[field], "hi")  # the words as the transliterator writes them (कमल → kamal)
    words = [w for w in re.findall(r"[a-z]+", to_roman(native[field], "hi")) if len(w) > 2]
    assert words and all(w in shown for w in words)
    with page.expect_response(lambda r: r.url.endswith("/app/hint")):
        page.locator("#app button[hx-post='/app/hint']").click()
    expect(hints.first).to_have_text(roman["hints"][0])
    assert not DEVANAGARI.search(hints.first.inner_text())

    # The switch belongs to Indic languages: English shows none, and Hindi finds it as it was left.
    settled(page)
    page.locator("#pref-locale").select_option("en")
    expect(page.get_by_role("button", name="Check")).to_be_visible()
    expect(page.locator("#pref-roman")).to_have_count(0)
    settled(page)
    page.locator("#pref-locale").select_option("hi")
    expect(question).to_have_text(roman[field])
    expect(page.locator("#pref-roman")).to_be_checked()

    settled(page)
    page.locator("#pref-roman").uncheck()
    expect(question).to_have_text(native[field])
    expect(question).to_have_attribute("lang", "hi")
    expect(hints.first).to_have_text(native["hints"][0])
    assert DEVANAGARI.search(question.inner_text())


def test_key_words_show_their_roman_spelling_offline(server, students, phone):
    """My progress lists the packs' key words in Hindi, each with its Roman spelling beside it, offline."""
    from app.i18n.transliterate import to_roman

    student = students("hi")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], student["pin"])
    phone.set_offline(True)
    current_item(page)
    settled(page)
    page.get_by_role("link", name=ui_text("hi", "My progress")).or_(
        page.get_by_role("button", name=ui_text("hi", "My progress"))).first.click()
    terms = page.locator("#app dl.glossary .term")
    expect(terms.first).to_be_visible()
    first = terms.first
    native = first.locator("dt").inner_text().split(" (")[0]
    assert DEVANAGARI.search(native)
    expect(first.locator("dt span")).to_have_text(f"({to_roman(native, 'hi')})")
    assert first.locator("dd").inner_text().strip()

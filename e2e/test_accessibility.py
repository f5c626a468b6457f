"""axe-core on every student screen, and the layout at 320 px with touch targets of at least 48 px."""
from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .phone import Answers, answer_item, context_options, finish_set, go_next, join, screen, settled

AXE = Axe()
TARGETS = "#app button, #app input:not([type=radio]):not([type=checkbox]):not([type=hidden]), #app select, " \
          "#app textarea, #app label.choice, #bar button, #sync-action button, #prefs select, #prefs label.toggle"


def _problems(page, name: str) -> list:
    """Serious or critical axe violations, and layout faults at this width, on the screen shown."""
    settled(page)
    found = [f"{name}: axe {v['id']} ({v['impact']}): {v['help']}" for v in AXE.run(page).response["violations"]
             if v["impact"] in ("serious", "critical")]
    width = page.evaluate("() => window.innerWidth")
    if page.evaluate("() => document.documentElement.scrollWidth") > width:
        found.append(f"{name}: scrolls sideways at {width} px")
    for box in page.locator(TARGETS).evaluate_all(
            "els => els.filter(e => e.offsetParent).map(e => { const r = e.getBoundingClientRect();"
            " return {w: r.width, h: r.height, what: e.outerHTML.slice(0, 80)}; })"):
        if box["w"] < 48 or box["h"] < 48:
            found.append(f"{name}: touch target {box['w']:.0f}x{box['h']:.0f} px: {box['what']}")
    return found


def _walk_screens(page, server, student) -> list:
    problems = []
    page.goto(server.url + "/")
    page.get_by_role("textbox", name="Class code").wait_for()
    problems += _problems(page, "join")
    join(page, server.url, server.demo["class_code"], student["pin"])
    problems += _problems(page, "item")
    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=True, hint=True)
    problems += _problems(page, "item with feedback and hint")
    go_next(page)
    item = server.item_index[page.locator("#app [data-item]").get_attribute("data-item")]
    for _attempt in range(2):  # two wrong answers bring the worked solution
        wrong = "999" if item["kind"] != "choice" else next(c for c in item["choices"] if c != item["answer"])
        if item["kind"] == "choice":
            page.locator(f"#app input[type=radio][value='{wrong}']").check()
        else:
            page.locator("#app input[name=answer]").fill(wrong)
        page.locator("#app button[type=submit]").click()
        settled(page)
    problems += _problems(page, "item with worked solution")
    go_next(page)
    while screen(page) == "item":
        answer_item(page, server.item_index, answers, wrong_first=False)
        go_next(page)
    if screen(page) == "reflection":
        problems += _problems(page, "reflection")
    finish_set(page, server.item_index, answers)
    problems += _problems(page, screen(page))
    page.get_by_role("button", name="My progress").click()
    expect(page.locator("#app h1")).to_have_text("My progress")
    problems += _problems(page, "progress")
    page.get_by_role("button", name="Switch student").click()
    expect(page.locator("#app h1")).to_have_text("Switch student")
    problems += _problems(page, "profiles")
    page.get_by_role("button", name="Add student").click()
    page.get_by_role("textbox", name="Class code").wait_for()
    problems += _problems(page, "add student")
    return problems


def test_student_screens_pass_axe_on_a_moto_g4(server, students, phone):
    """No serious or critical axe violation on any student screen; 48 px targets; no sideways scrolling."""
    assert _walk_screens(phone.new_page(), server, students("en")) == []


def test_student_screens_at_320_px(server, students, browser, playwright_instance):
    """The same at 320 px, the narrowest phone we support, in Tamil (long words, another script)."""
    options = context_options(playwright_instance)
    options["viewport"] = {"width": 320, "height": 568}
    context = browser.new_context(**options)
    try:
        page = context.new_page()
        student = students("ta")
        problems = _walk_screens_localised(page, server, student)
        assert problems == []
    finally:
        context.close()


def _walk_screens_localised(page, server, student) -> list:
    problems = []
    join(page, server.url, server.demo["class_code"], student["pin"])
    problems += _problems(page, "item (ta)")
    answers = Answers()
    answer_item(page, server.item_index, answers, wrong_first=True, hint=True)
    problems += _problems(page, "item with feedback and hint (ta)")
    page.locator("#bar button[hx-get='/app/progress']").click()
    expect(page.locator("#app [data-screen=progress]")).to_be_visible()
    problems += _problems(page, "progress (ta)")
    page.locator("#bar button[hx-get='/app/profiles']").click()
    expect(page.locator("#app [data-screen=profiles]")).to_be_visible()
    problems += _problems(page, "profiles (ta)")
    return problems

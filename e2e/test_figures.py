"""A figure item offline on a 360 px phone in Bengali: drawn, fitted, named by its alt text for screen readers."""
from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

from .phone import join, screen, ui_text
from .server import ROOT, AbhyasServer
from .test_accessibility import _problems as accessibility_problems

FIGURES_PACK = ROOT / "tests" / "fixtures" / "packs" / "figures-6"
SAMPLE_PACK = ROOT / "tests" / "fixtures" / "packs" / "sample-6"


@pytest.fixture(scope="module")
def figure_server(tmp_path_factory):
    """The production server with the figures pack (text only: phones use their own voice) and the demo."""
    srv = AbhyasServer(tmp_path_factory.mktemp("figures-instance"))
    for source in (SAMPLE_PACK, FIGURES_PACK):
        srv.abhyas("pack", "build", str(source), "--out", str(srv.instance / "packs"))
    srv.start()
    srv.demo = srv.seed_demo()
    yield srv
    srv.stop()


def released_set(server, student_id: int, items: list) -> None:
    """A set the teacher chose, released to one student ahead of any the planner makes."""
    entries = [{"item": item, "skill": skill, "reason": "teacher", "why": "", "why_args": {}, "p_success": 0.5}
               for item, skill in items]
    payload = {"id": f"fig-{student_id}", "kind": "practice", "items": entries, "reflection": None, "extension": None,
               "reserve": [], "minutes": 3, "generated_at": time.time()}
    with server.connect() as db:
        db.execute("INSERT INTO sets (id, student_id, status, tier, payload, created_at, released_at, based_on_events) "
                   "VALUES (?, ?, 'released', '', ?, 0, 0, 0)", [payload["id"], student_id, json.dumps(payload)])


def test_a_bar_graph_item_offline_at_360_px_in_bengali(figure_server, phone):
    student = figure_server.add_student("Figure reader", "bn")
    released_set(figure_server, student["id"], [("fig-graph-1", "fig.shapes"), ("fig-bar-1", "fig.fractions")])
    page = phone.new_page()
    page.set_viewport_size({"width": 360, "height": 740})
    join(page, figure_server.url, figure_server.demo["class_code"], student["pin"])
    phone.set_offline(True)
    page.reload()
    assert screen(page) == "item"

    alt = "পড়া বইয়ের স্তম্ভলেখ: সোমবার 4, মঙ্গলবার 7, বুধবার 2।"
    figure = page.get_by_role("img", name=alt)
    expect(figure).to_be_visible()
    box = figure.bounding_box()
    assert 300 <= box["width"] <= 360 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    assert page.evaluate("document.documentElement.scrollWidth") <= 360      # nothing sticks out sideways
    # The accessibility tree (what a screen reader reads) names the picture by its alt text.
    assert f'img "{alt}"' in page.locator("#app .card").aria_snapshot()
    expect(page.locator(".figure svg text", has_text="মঙ্গল")).to_have_count(1)   # labels in the student's language
    says = page.locator("[data-say]").first.get_attribute("data-say-text") if page.locator("[data-say]").count() else None
    assert says is None or says.startswith(alt)
    page.screenshot(path=str(figure_server.instance / "figure-bn-360.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    assert accessibility_problems(page, "figure item at 320 px") == []      # axe (contrast too), targets, no sideways scroll
    page.set_viewport_size({"width": 360, "height": 740})

    # Next: the first item of a skill with a worked example opens "See how it's done", in Bengali, offline.
    page.get_by_role("textbox", name=ui_text("bn", "Answer")).fill("3")
    page.get_by_role("button", name=ui_text("bn", "Check")).click()
    page.get_by_role("button", name=ui_text("bn", "Next")).click()
    expect(page.get_by_role("img", name="5টি সমান ভাগে ভাগ করা একটি পট্টি; 3টি ভাগ রং করা।")).to_be_visible()
    example = page.locator("details.worked")
    expect(example).to_have_attribute("open", "")
    expect(example.locator("summary")).to_have_text(ui_text("bn", "See how it's done"))
    expect(example.locator("ol.steps li")).to_have_count(2)
    expect(page.locator(".keys button", has_text="/")).to_have_count(1)                  # a fraction item: the / key
    page.screenshot(path=str(figure_server.instance / "worked-example-bn-360.png"), full_page=True)
    assert accessibility_problems(page, "worked example") == []

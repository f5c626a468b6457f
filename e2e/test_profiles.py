"""Two students on one phone: separate tokens, outboxes and progress."""
from __future__ import annotations

from playwright.sync_api import expect

from .phone import Answers, answer_item, current_item, expect_waiting, join


def _switch_to(page, student):
    page.get_by_role("button", name="Switch student").click()
    page.get_by_role("button", name=student["name"], exact=True).click()
    _enter_pin(page, student)


def _enter_pin(page, student):
    # A shared phone is not a shared login: a wrong PIN switches nobody, the student's own does.
    wrong = "0000" if student["pin"] != "0000" else "1111"
    page.get_by_role("textbox", name="PIN").fill(wrong)
    page.get_by_role("button", name="Switch", exact=True).click()
    expect(page.locator("#app [role=alert]")).to_contain_text("That PIN is not right")
    expect(page.locator("#bar .who")).not_to_have_text(student["name"])
    page.get_by_role("textbox", name="PIN").fill(student["pin"])
    page.get_by_role("button", name="Switch", exact=True).click()
    expect(page.locator("#bar .who")).to_have_text(student["name"])


def test_two_profiles_on_one_phone(server, students, phone, since):
    """Each profile keeps its own item on screen, waiting answers and server record."""
    first, second = students("en"), students("en")
    page = phone.new_page()
    join(page, server.url, server.demo["class_code"], first["pin"])
    page.get_by_role("button", name="Switch student").click()
    page.get_by_role("button", name="Add student").click()
    page.get_by_role("textbox", name="Class code").fill(server.demo["class_code"])
    page.get_by_role("textbox", name="PIN").fill(second["pin"])
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#bar .who")).to_have_text(second["name"])

    phone.set_offline(True)
    second_answers = Answers()
    second_item = answer_item(page, server.item_index, second_answers, wrong_first=False)
    expect_waiting(page, 1)

    _switch_to(page, first)
    expect_waiting(page, 0)  # the second student's answer is not the first's
    first_answers = Answers()
    answer_item(page, server.item_index, first_answers, wrong_first=True)
    expect_waiting(page, 2)

    page.get_by_role("button", name="Switch student").click()
    rows = page.locator("#app li")
    expect(rows.filter(has_text=first["name"])).to_contain_text("2 answers waiting to sync")
    expect(rows.filter(has_text=second["name"])).to_contain_text("1 answer waiting to sync")
    page.get_by_role("button", name=second["name"], exact=True).click()
    _enter_pin(page, second)
    assert current_item(page) == second_item
    expect(page.locator("#app .fb.ok")).to_be_visible()  # the item as the second student left it
    expect_waiting(page, 1)

    phone.set_offline(False)
    page.get_by_role("button", name="Sync now").click()
    expect_waiting(page, 0)
    for student, answers in ((first, first_answers), (second, second_answers)):
        assert server.answers_since(student["id"], since)[0] == sorted(answers.given)
    page.get_by_role("button", name="Switch student").click()
    expect(page.locator("#app li").filter(has_text=first["name"])).to_contain_text("All answers synced")

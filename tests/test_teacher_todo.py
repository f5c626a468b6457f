"""The overview's to-do list: at most five cards, the most needed first, each with a reason and one action."""
from __future__ import annotations

import re

from app.teacher.readable import flag_label
from app.teacher.todo import MAX_CARDS, next_steps
from tests.teacher_fixtures import asha, db, world  # noqa: F401


def _lines(flag):
    return [f"because {flag['flag']}"]


def test_stuck_and_silent_outranks_fast_answers_and_the_list_stops_at_five(app):
    """A stuck, quiet student first; a fast answerer after the approvals and the reteach; never more than five."""
    students = [{"id": i, "name": n} for i, n in enumerate(("Fast", "Stuck and quiet", "Hints", "Skips", "Late"))]
    signals = {0: {"flags": [{"flag": "rapid_answers"}]}, 1: {"flags": [{"flag": "struggling"}, {"flag": "inactive"}]},
               2: {"flags": [{"flag": "hint_reliance"}]}, 3: {"flags": [{"flag": "skipping"}]},
               4: {"flags": [{"flag": "set_overdue"}]}}
    groups = [{"misconception": "m1", "count": 4}, {"misconception": "m2", "count": 2}]
    names = {"misconceptions": {"m1": "Adds tops and bottoms"}}
    with app.test_request_context():
        cards = next_steps({"id": 1}, 3, students, signals, groups, names, flag_label, _lines)
    assert len(cards) <= MAX_CARDS
    kinds = [c["kind"] for c in cards]
    assert cards[0]["title"] == "Stuck and quiet" and cards[0]["action"] == "Call Stuck and quiet"
    assert "Stuck: because struggling · Not syncing: because inactive" == cards[0]["reason"]
    assert "approve" in kinds and kinds.count("group") == 1
    assert all(c["title"] != "Fast" for c in cards), "a fast answerer waits behind the rest"
    assert all(c["reason"] and c["action"] and c["url"].startswith("/teacher/") for c in cards)


def test_overview_opens_on_the_to_do_list_with_the_rest_one_tap_away(asha, world):
    """The first section is the to-do list; outreach, groups, mastery and items are folded below it."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}").get_data(as_text=True)
    main = html.split('<main id="main">')[1]
    assert main.index('id="todo"') < main.index('id="more-outreach"')
    cards = re.findall(r'<li class="todo-(\w+)">', html)
    assert 1 <= len(cards) <= MAX_CARDS and "approve" in cards
    for section in ("more-outreach", "more-groups", "more-mastery", "more-items"):
        assert re.search(rf'<details class="more" id="{section}"><summary>', html)
    assert " open" not in html.split('id="more-outreach"')[0][-40:]


def test_the_approval_card_says_what_students_do_meanwhile_as_the_class_is_set(app):
    """With pre-approved practice (the default) students practise meanwhile; only "nothing until I approve" waits."""
    with app.test_request_context():
        practice = next_steps({"id": 1, "settings": "{}"}, 2, [], {}, [], {}, flag_label, _lines)
        waiting = next_steps({"id": 1, "settings": '{"while_waiting": "nothing"}'}, 2, [], {}, [], {}, flag_label,
                             _lines)
    assert "practise what you already approved" in practice[0]["reason"]
    assert "no new homework" not in practice[0]["reason"]
    assert waiting[0]["reason"] == "Students get no new homework until you approve it."


def test_a_card_for_a_student_back_from_an_excuse_names_the_days_left_out(app):
    """The card's one line of reason carries the days excused, so the teacher sees the silence is real."""
    from app.i18n.explain import signal_lines
    flag = {"flag": "inactive", "signal_codes": [{"code": "last_synced", "days": 19, "away": 10,
                                                  "away_kind": "excused"}]}
    with app.test_request_context(headers={"Accept-Language": "en"}):
        cards = next_steps({"id": 1}, 0, [{"id": 7, "name": "Kiran"}], {7: {"flags": [flag]}}, [], {}, flag_label,
                           signal_lines)
    assert [(c["reason"], c["action"]) for c in cards] == [
        ("Not syncing: last synced 19 days ago, 10 of them excused", "Call Kiran")]

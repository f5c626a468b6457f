"""In-set adaptation: golden vectors shared with select.js, and the swap rules."""
import json
from pathlib import Path

from app.adaptive.in_set import next_in_set

GOLDEN = json.loads((Path(__file__).parent / "golden" / "in_set.json").read_text(encoding="utf-8"))
HAND = GOLDEN["sets"]["hand"]
MC = "subtract_negative_as_minus"


def test_golden_cases_match():
    assert len(GOLDEN["cases"]) > 20
    for case in GOLDEN["cases"]:
        kwargs = {"max_swaps": case["max_swaps"]} if "max_swaps" in case else {}
        assert next_in_set(GOLDEN["sets"][case["set"]], case["answers"], **kwargs) == case["expected"], case["script"]


def test_without_answers_the_set_runs_in_order():
    plan = next_in_set(HAND, [])
    assert plan["next"] == "sub2" and plan["queue"] == [e["item"] for e in HAND["items"]] and plan["swaps"] == []


def test_a_misconception_swaps_in_remediation_next_and_keeps_the_length():
    plan = next_in_set(HAND, [{"item": "sub2", "correct": False, "misconception": MC}])
    assert plan["next"] == "sub5"
    assert plan["swaps"] == [{"in": "sub5", "out": "sub4", "misconception": MC}]
    assert len(plan["queue"]) == 5 and "sub4" not in plan["queue"]


def test_remediation_items_already_planned_are_never_dropped():
    answers = [{"item": "sub2", "correct": False, "misconception": MC},
               {"item": "sub5", "correct": False, "misconception": MC}]
    plan = next_in_set(HAND, answers)
    assert "sub1" in plan["queue"]
    assert [s["out"] for s in plan["swaps"]] == ["sub4", "add4"]


def test_at_most_two_swaps_and_only_on_first_answers():
    answers = [{"item": "sub2", "correct": False, "misconception": MC},
               {"item": "sub2", "correct": False, "misconception": MC}]
    assert len(next_in_set(HAND, answers)["swaps"]) == 1
    many = [{"item": "sub2", "correct": False, "misconception": MC},
            {"item": "sub5", "correct": False, "misconception": MC},
            {"item": "sub6", "correct": False, "misconception": MC},
            {"item": "sub3", "correct": False, "misconception": "order_swapped"}]
    assert len(next_in_set(HAND, many)["swaps"]) == 2


def test_no_swap_without_a_matching_reserve_item_or_after_a_skip():
    assert next_in_set(HAND, [{"item": "sub2", "correct": False, "misconception": "nope"}])["swaps"] == []
    assert next_in_set(HAND, [{"item": "sub2", "skipped": True, "misconception": MC}])["swaps"] == []


def test_the_set_ends_when_every_item_is_done():
    answers = [{"item": i, "correct": True} for i in ["sub2", "sub3", "sub1", "add4", "sub4"]]
    plan = next_in_set(HAND, answers)
    assert plan["next"] is None and plan["remaining"] == []

"""The adaptive diagnostic and the priors it seeds."""
import json
from pathlib import Path

import pytest

from app.adaptive.diagnostic import (
    diagnostic_pool,
    diagnostic_set,
    diagnostic_tree,
    next_diagnostic_item,
    seed_priors,
)
from app.adaptive.graph import ancestors, descendants

CATALOG = json.loads((Path(__file__).parent / "golden" / "catalog.json").read_text(encoding="utf-8"))


def run(knows: set, **kw):
    """Answer the diagnostic as a student who knows exactly the skills in `knows`."""
    answers = []
    while (item := next_diagnostic_item(CATALOG, answers, **kw)) is not None:
        answers.append({"item": item, "correct": CATALOG["items"][item]["skill"] in knows})
        assert len(answers) <= 10
    return answers


def skills_of(answers):
    return [CATALOG["items"][a["item"]]["skill"] for a in answers]


@pytest.mark.parametrize("knows", [set(), set(CATALOG["skills"]), {"int_compare", "int_add"},
                                   {"frac_meaning", "int_compare"}])
def test_takes_six_to_ten_items_from_the_pool(knows):
    answers = run(knows)
    assert 6 <= len(answers) <= 10
    assert len({a["item"] for a in answers}) == len(answers)
    assert {a["item"] for a in answers} <= set(diagnostic_pool(CATALOG))


def test_first_item_splits_the_graph():
    first = CATALOG["items"][next_diagnostic_item(CATALOG, [])]["skill"]
    assert ancestors(CATALOG, first) and descendants(CATALOG, first)


def test_after_failing_a_prerequisite_its_dependents_are_not_asked_before_open_skills():
    answers = [{"item": "add3", "correct": False}]
    nxt = next_diagnostic_item(CATALOG, answers)
    assert CATALOG["items"][nxt]["skill"] not in descendants(CATALOG, "int_add")


def test_same_answers_same_next_item():
    answers = [{"item": "add3", "correct": True}, {"item": "feq3", "correct": False}]
    assert next_diagnostic_item(CATALOG, answers) == next_diagnostic_item(CATALOG, list(answers))
    assert next_diagnostic_item(CATALOG, [("add3", True), ("feq3", False)]) == next_diagnostic_item(CATALOG, answers)


def test_stops_at_the_maximum():
    answers = [{"item": i, "correct": True} for i in CATALOG["diagnostic"][:8]]
    assert next_diagnostic_item(CATALOG, answers, max_items=8) is None


def test_priors_follow_answers_and_spread_along_prerequisites():
    priors = seed_priors([{"item": "sub4", "correct": True}, {"item": "sub5", "correct": True},
                          {"item": "fm3", "correct": False}], CATALOG)
    assert set(priors) == set(CATALOG["skills"])
    assert priors["int_subtract"] > 0.5
    # Knowing subtraction implies its prerequisites at least as well.
    assert priors["int_add"] >= priors["int_subtract"] and priors["int_compare"] >= priors["int_subtract"]
    # Not knowing what a fraction is caps what builds on it.
    assert priors["frac_meaning"] < 0.2
    assert priors["frac_equivalent"] <= priors["frac_meaning"] and priors["frac_add"] <= priors["frac_meaning"]
    assert all(0.01 <= p <= 0.99 for p in priors.values())


def test_no_answers_give_the_fitted_priors():
    assert seed_priors([], CATALOG, {"int_add": {"prior": 0.4}})["int_add"] == pytest.approx(0.4)
    assert seed_priors([], CATALOG)["frac_add"] == pytest.approx(0.2)


def test_the_tree_holds_every_path_the_phone_can_walk_offline():
    tree = diagnostic_tree(CATALOG)
    for knows in (set(), {"int_compare", "int_add"}, set(CATALOG["skills"])):
        node, walked = tree, []
        while node is not None:
            correct = CATALOG["items"][node["item"]]["skill"] in knows
            walked.append({"item": node["item"], "correct": correct})
            node = node["right"] if correct else node["wrong"]
        assert walked == run(knows)


def test_a_diagnostic_set_lists_every_item_its_tree_may_ask():
    result = diagnostic_set(CATALOG, 0)
    assert result["kind"] == "diagnostic" and result["items"][0]["item"] == result["tree"]["item"]
    def items_in(node):
        return set() if node is None else {node["item"]} | items_in(node["right"]) | items_in(node["wrong"])
    assert {e["item"] for e in result["items"]} == items_in(result["tree"])


def test_new_students_start_with_the_diagnostic_when_the_class_wants_it():
    from app.adaptive.selection import next_set_for
    from app.adaptive.state import replay
    state = replay([], CATALOG, {})
    assert next_set_for(state, CATALOG, 0, {"diagnostic_first": True})["kind"] == "diagnostic"
    assert next_set_for(state, CATALOG, 0, {})["kind"] == "practice"

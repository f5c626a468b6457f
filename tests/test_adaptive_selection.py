"""Next-set selection: five by one, reasons, productive zone, remediation, review, tiers."""
import json
from pathlib import Path

from app.adaptive.selection import REASONS, next_set_for
from app.adaptive.state import replay
from app.i18n.explain import english_names, why_line

CATALOG = json.loads((Path(__file__).parent / "golden" / "catalog.json").read_text(encoding="utf-8"))
DAY = 86400
NOW = 1_767_225_600 + 40 * DAY
# Skills mastered weeks ago are fading: tests about other choices leave the micro-check out.
NO_MICRO_CHECK = {"micro_check_below": 0.0}


class Log:
    """Builds an event log day by day (day 0 is 40 days before NOW)."""

    def __init__(self):
        self.events = []

    def answer(self, item, correct, day, mc=None, hints=0):
        n = len(self.events)
        self.events.append({"id": f"e{n}", "type": "answer", "item": item, "correct": correct,
                            "misconception": mc, "hints": hints, "seconds": 40.0,
                            "ts": NOW - (40 - day) * DAY + n * 60})
        return self

    def master(self, skill, day):
        """Right answers on five days, then more on the fifth until replay calls the skill mastered.

        A two-choice item is right half the time by luck, so such skills take more answers.
        """
        items = sorted(i for i, it in CATALOG["items"].items() if it["skill"] == skill and not it["extension"])
        for k in range(5):
            self.answer(items[k % len(items)], True, day + k)
        k = 5
        while not self.state().skills[skill].mastered and k < 30:
            self.answer(items[k % len(items)], True, day + 4)
            k += 1
        return self

    def state(self, **kw):
        return replay(self.events, CATALOG, {}, **kw)


def items_of(result):
    return [e["item"] for e in result["items"]]


def english(entry) -> str:
    """The entry's reason in English words, as the set stores them beside the code (app/i18n/explain.py)."""
    return why_line(entry, english_names(CATALOG), "en")


def check_shape(result):
    assert set(result) >= {"tier", "tier_code", "tier_args", "items", "reflection", "extension", "reserve"}
    for entry in result["items"] + result["reserve"] + ([result["extension"]] if result["extension"] else []):
        assert entry["reason"] in REASONS and entry["skill"] == CATALOG["items"][entry["item"]]["skill"]
        assert isinstance(entry["why_args"], dict) and 10 < len(english(entry)) < 120
        assert 0.0 <= entry["p_success"] <= 1.0
    chosen = items_of(result) + [e["item"] for e in result["reserve"]]
    if result["extension"]:
        chosen.append(result["extension"]["item"])
    assert len(chosen) == len(set(chosen))


def test_a_new_student_gets_five_items_from_skills_without_prerequisites():
    result = next_set_for(Log().state(), CATALOG, NOW, {})
    check_shape(result)
    assert len(result["items"]) == 5
    assert {e["skill"] for e in result["items"]} <= {"int_compare", "frac_meaning"}
    assert all(e["reason"] == "productive_practice" for e in result["items"])
    assert result["reflection"] in CATALOG["reflections"]
    assert result["extension"] is None and result["tier"] == 1


def test_same_inputs_same_set():
    log = Log().master("int_compare", 1).answer("sub2", False, 38, "subtract_negative_as_minus")
    assert next_set_for(log.state(), CATALOG, NOW, {}) == next_set_for(log.state(), CATALOG, NOW, {})


def test_skills_open_up_when_their_prerequisites_are_mastered():
    result = next_set_for(Log().master("int_compare", 1).state(), CATALOG, NOW, NO_MICRO_CHECK)
    skills = {e["skill"] for e in result["items"]}
    assert "int_add" in skills
    assert not skills & {"int_subtract", "frac_add", "frac_equivalent"}


def test_lowest_mastery_first():
    log = Log().master("int_compare", 1).answer("fm1", True, 30).answer("fm2", True, 31)
    result = next_set_for(log.state(), CATALOG, NOW, {"set_size": 3, "max_review": 0})
    assert [e["skill"] for e in result["items"]] == ["int_add"] * 3


def test_items_in_the_productive_zone_are_preferred():
    log = Log().master("int_compare", 1).answer("add1", True, 30).answer("add2", False, 31).answer("add3", True, 32)
    state = log.state()
    result = next_set_for(state, CATALOG, NOW, {"skills": ["int_add"], "set_size": 2})
    assert all(0.6 <= e["p_success"] <= 0.85 for e in result["items"])


def test_repeated_recent_misconception_brings_remediation_first():
    log = Log().master("int_compare", 1).master("int_add", 6)
    log.answer("sub2", False, 37, "subtract_negative_as_minus").answer("sub6", False, 38, "subtract_negative_as_minus")
    result = next_set_for(log.state(), CATALOG, NOW, NO_MICRO_CHECK)
    check_shape(result)
    first = result["items"][0]
    assert first["reason"] == "misconception_remediation"
    assert first["misconception"] == "subtract_negative_as_minus"
    assert first["item"] in CATALOG["misconceptions"]["subtract_negative_as_minus"]["remediation"]
    assert first["why_args"] == {"seen": 2} and "twice" in english(first)
    assert result["tier"] == 2


def test_a_single_or_old_misconception_does_not_trigger_remediation():
    once = Log().master("int_compare", 1).master("int_add", 6).answer("sub2", False, 38, "subtract_negative_as_minus")
    old = Log().master("int_compare", 1).master("int_add", 6)
    old.answer("sub2", False, 12, "subtract_negative_as_minus").answer("sub6", False, 13, "subtract_negative_as_minus")
    for log in (once, old):
        reasons = {e["reason"] for e in next_set_for(log.state(), CATALOG, NOW, {})["items"]}
        assert "misconception_remediation" not in reasons


def test_remediation_stops_once_remediation_items_are_answered_right():
    log = Log().master("int_compare", 1).master("int_add", 6)
    log.answer("sub2", False, 30, "subtract_negative_as_minus").answer("sub6", False, 31, "subtract_negative_as_minus")
    log.answer("sub1", True, 32).answer("sub5", True, 33)
    reasons = {e["reason"] for e in next_set_for(log.state(), CATALOG, NOW, {})["items"]}
    assert "misconception_remediation" not in reasons


def test_mastered_skills_come_back_for_review_when_due():
    log = Log().master("int_compare", 1)
    review = [e for e in next_set_for(log.state(), CATALOG, NOW, {"micro_check_below": 0.0})["items"]
              if e["reason"] == "spaced_review"]
    assert review and review[0]["skill"] == "int_compare" and "mastered" in english(review[0])
    fresh = Log().master("int_compare", 36)
    assert not [e for e in next_set_for(fresh.state(), CATALOG, NOW, {})["items"]
                if e["reason"] == "spaced_review"]


def test_items_answered_right_recently_are_not_repeated():
    log = Log().answer("fm1", True, 39).answer("cmp1", True, 39).answer("fm2", False, 39)
    chosen = items_of(next_set_for(log.state(), CATALOG, NOW, {}))
    assert "fm1" not in chosen and "cmp1" not in chosen
    later = next_set_for(log.state(), CATALOG, NOW + 30 * DAY, {"no_repeat_days": 7})
    assert "fm1" in items_of(later) or "cmp1" in items_of(later)


def test_a_missing_prerequisite_of_the_assigned_unit_is_a_prerequisite_gap():
    log = Log().answer("sub2", False, 38).answer("sub3", False, 38)
    result = next_set_for(log.state(), CATALOG, NOW, {"skills": ["int_subtract"]})
    check_shape(result)
    assert result["items"]
    assert all(e["reason"] == "prerequisite_gap" and e["skill"] == "int_compare" for e in result["items"])
    assert "comes before" in english(result["items"][0])


def test_students_ahead_get_an_optional_extension():
    log = Log().master("int_compare", 1).master("int_add", 8).master("int_subtract", 16)
    result = next_set_for(log.state(), CATALOG, NOW, {"skills": ["int_compare", "int_add", "int_subtract"]})
    check_shape(result)
    assert result["tier"] == "maintenance"
    ext = result["extension"]
    assert ext["reason"] == "extension" and ext["optional"] and CATALOG["items"][ext["item"]]["extension"]
    assert all(not CATALOG["items"][e["item"]]["extension"] for e in result["items"])
    assert all(e["reason"] in ("spaced_review", "micro_check") for e in result["items"])


def test_reserve_holds_up_to_three_remediation_items_for_the_set():
    log = Log().master("int_compare", 1).master("int_add", 6).answer("sub2", False, 38)
    result = next_set_for(log.state(), CATALOG, NOW, {})
    assert 0 < len(result["reserve"]) <= 3
    skills = {e["skill"] for e in result["items"]}
    for entry in result["reserve"]:
        assert entry["reason"] == "misconception_remediation"
        assert entry["item"] in CATALOG["misconceptions"][entry["misconception"]]["remediation"]
        assert CATALOG["misconceptions"][entry["misconception"]]["skill"] in skills


def test_tiers_follow_teacher_thresholds():
    log = Log().master("int_compare", 1)
    log.answer("sub2", False, 37, "subtract_negative_as_minus").answer("sub6", False, 38, "subtract_negative_as_minus")
    log.answer("sub3", False, 37, "order_swapped").answer("sub4", False, 38, "order_swapped")
    assert next_set_for(log.state(), CATALOG, NOW, {})["tier"] == 3
    assert next_set_for(log.state(), CATALOG, NOW, {"tier3_misconceptions": 3})["tier"] == 2
    struggling = Log()
    for day in range(6):
        struggling.answer(f"fm{1 + day % 4}", False, 30 + day)
    assert next_set_for(struggling.state(), CATALOG, NOW, {})["tier"] == 3
    assert next_set_for(struggling.state(), CATALOG, NOW, {"tier3_below": 0.01})["tier"] == 2
    ahead = Log().master("int_compare", 1).master("int_add", 8).master("frac_meaning", 15).master("frac_equivalent", 22)
    ahead.master("int_subtract", 28)
    assert next_set_for(ahead.state(), CATALOG, NOW, {})["tier"] == "enrichment"


def test_reflections_rotate():
    log = Log()
    first = next_set_for(log.state(), CATALOG, NOW, {})["reflection"]
    log.events.append({"id": "r", "type": "reflection", "item": first, "ts": NOW - DAY})
    second = next_set_for(log.state(), CATALOG, NOW, {})["reflection"]
    assert first != second


def test_one_persistent_misconception_brings_up_to_two_remediation_items():
    log = Log().master("int_compare", 1).master("int_add", 6)
    log.answer("sub2", False, 37, "subtract_negative_as_minus").answer("sub6", False, 38, "subtract_negative_as_minus")
    result = next_set_for(log.state(), CATALOG, NOW, {})
    remediation = [e for e in result["items"] if e["reason"] == "misconception_remediation"]
    assert len(remediation) == 2 and {e["misconception"] for e in remediation} == {"subtract_negative_as_minus"}
    assert len(next_set_for(log.state(), CATALOG, NOW, {"max_remediation": 1})["items"]) == 5


def test_a_fading_mastered_skill_opens_the_set_with_a_micro_check():
    """Predicted recall below the threshold: two quick items on that skill come first, with the recall in why_args."""
    from app.adaptive.review import recall_probability
    log = Log().master("int_compare", 1)
    state = log.state()
    recall = recall_probability(state.skills["int_compare"].review, NOW)
    assert recall < 0.7
    result = next_set_for(state, CATALOG, NOW, {})
    check_shape(result)
    first = result["items"][:2]
    assert [e["reason"] for e in first] == ["micro_check", "micro_check"]
    assert {e["skill"] for e in first} == {"int_compare"} and first[0]["why_args"]["recall"] == round(recall, 2)
    assert "Micro-check" in english(first[0])
    assert not [e for e in result["items"][2:] if e["reason"] == "micro_check"]
    # Recall still above the threshold: no micro-check (a plain review may still come when due).
    assert not [e for e in next_set_for(state, CATALOG, NOW, {"micro_check_below": recall - 0.01})["items"]
                if e["reason"] == "micro_check"]

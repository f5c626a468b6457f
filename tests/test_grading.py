"""The server's grader: golden vectors shared with grade.js, and the behaviours behind them."""
import json
from fractions import Fraction
from pathlib import Path

import pytest

from app.grading import (
    format_value,
    grade_response,
    is_lowest_terms,
    normalize_text,
    parse_answer,
    parse_number,
)

GOLDEN = json.loads((Path(__file__).parent / "golden" / "grading.json").read_text(encoding="utf-8"))
ITEMS = GOLDEN["items"]


def test_golden_grades_match():
    assert len(GOLDEN["grade"]) > 500
    for case in GOLDEN["grade"]:
        assert grade_response(ITEMS[case["item"]], case["raw"]).as_dict() == case["expected"], case


def test_golden_normalize_and_parse_match():
    for case in GOLDEN["normalize"]:
        assert normalize_text(case["raw"]) == case["expected"]
    for case in GOLDEN["parse"]:
        value = parse_number(case["raw"])
        assert (None if value is None else format_value(value)) == case["expected"]


@pytest.mark.parametrize("raw", ["-7", "−7", "- 7", "-७", "-৭", "-௭", "-۷", "－７", "\u00a0-7 ", "-7\u200b"])
def test_native_digits_and_minus_lookalikes_are_the_same_answer(raw):
    assert grade_response(ITEMS["int"], raw).correct


def test_digits_from_unmapped_scripts_are_not_read_as_numbers():
    # Python's \d would accept these; JavaScript's would not: both sides must refuse them.
    assert parse_number("\U0001D7D1") is None  # mathematical bold digit
    assert parse_number("\u1811") is None      # Mongolian digit one


def test_fractions_mixed_numbers_and_decimals_compare_by_value():
    assert parse_number("1 1/4") == Fraction(5, 4)
    assert parse_number("-1 1/4") == Fraction(-5, 4)
    assert parse_number(".75") == Fraction(3, 4)
    assert grade_response(ITEMS["decimal"], "3/4").correct
    assert parse_number("3/0") is None and parse_number("1 1/0") is None


def test_lowest_form_is_enforced_when_asked():
    assert grade_response(ITEMS["frac_lowest"], "6/8").status == "not_simplified"
    assert grade_response(ITEMS["frac_any"], "6/8").correct
    assert grade_response(ITEMS["mixed_lowest"], "1 1/4").correct
    assert grade_response(ITEMS["mixed_lowest"], "5/4").correct
    assert grade_response(ITEMS["mixed_lowest"], "1 2/8").status == "not_simplified"
    assert not is_lowest_terms("1 4/4")
    assert not is_lowest_terms("3/0")


def test_wrong_answer_rules_name_the_misconception():
    grade = grade_response(ITEMS["frac_lowest"], "2/6")
    assert (grade.correct, grade.status, grade.misconception) == (False, "misconception", "add_tops_and_bottoms")
    assert grade_response(ITEMS["int"], "7").misconception == "sign_ignored"
    assert grade_response(ITEMS["choice"], "A").misconception == "longer_is_bigger"
    assert grade_response(ITEMS["int"], "8").status == "wrong"


def test_unparsable_and_missing_responses_are_unparsed_not_errors():
    for raw in (None, "", "   ", "abc def", "3/4/5", "1e3", "x" * 41):
        assert grade_response(ITEMS["int"], raw).status == "unparsed"
    assert parse_answer(None, "choice") is None  # not the key "none"
    assert grade_response(ITEMS["choice"], None).status == "unparsed"


def test_choice_keys_ignore_case_and_spacing():
    assert grade_response(ITEMS["choice"], " B ").correct
    assert grade_response(ITEMS["choice_upper"], "b").correct
    assert grade_response(ITEMS["choice"], "(b)").status == "unparsed"


def test_big_numbers_are_exact():
    assert grade_response(ITEMS["big"], "123456789012345678901234567890").correct
    assert not grade_response(ITEMS["big"], "123456789012345678901234567891").correct


def _form_item(kind, answer, form, wrong=()):
    return {"kind": kind, "answer": answer, "form": form, "accept": [],
            "wrong": [{"answer": a, "misconception": m} for a, m in wrong]}


@pytest.mark.parametrize("item, raw, status", [
    (_form_item("numeric", "3/25", "decimal"), "0.12", "correct"),
    (_form_item("numeric", "3/25", "decimal"), "3/25", "not_decimal"),
    (_form_item("fraction", "21/50", "fraction"), "0.42", "not_fraction"),
    (_form_item("fraction", "21/50", "fraction"), "42/100", "correct"),
    (_form_item("fraction", "1/5", "lowest"), "0.2", "not_fraction"),
    (_form_item("fraction", "9/4", "mixed"), "9/4", "not_mixed"),
    (_form_item("fraction", "9/4", "mixed"), "2.25", "not_mixed"),
    (_form_item("fraction", "9/4", "mixed"), "2 1/4", "correct"),
    (_form_item("fraction", "3", "fraction"), "3", "correct"),
])
def test_a_right_value_in_the_form_not_asked_for_does_not_count(item, raw, status):
    assert grade_response(item, raw).status == status
    assert grade_response(item, raw).correct is (status == "correct")


def test_a_wrong_answer_without_an_exact_decimal_is_recognised_when_typed_rounded():
    item = _form_item("numeric", "11", "any", wrong=[("100/11", "unitary_inverted"), ("-23/3", "sign")])
    assert grade_response(item, "9.09").misconception == "unitary_inverted"
    assert grade_response(item, "9.1").misconception == "unitary_inverted"
    assert grade_response(item, "-7.67").misconception == "sign"      # rounded
    assert grade_response(item, "-7.66").misconception == "sign"      # cut short
    assert grade_response(item, "9.2").status == "wrong"
    assert grade_response(item, "9").status == "wrong"                # a whole number is not a rounding

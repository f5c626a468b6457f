"""Speakable math: symbols become words per locale, and leftovers are reported."""
from fractions import Fraction

import pytest

from app.i18n.speakable import SPEAKABLE_LOCALES, indian_number_words, say_number, speakable_problems, to_speakable

SAMPLES = [
    "3/4", "-3 + 5 = 2", "3 − 5 = −2", "12 × 4 ÷ 6", "Is 3/4 > 2/3?", "1 2/3 + 1/3 = 2",
    "x - 3 = 7", "2^3 = 8", "5² = 25", "50% of 80", "3 + ? = 7", "3 + ___ = 7", "(-3) × (-4) = 12",
    "x/2 = 4", "3 ≤ 4", "0.5 < 3/4", "क्या 3/4 > 2/3 है?", "2x3=6", "3*4", "7 ≠ 8", "a ≥ b",
    "(3 + 4)/7 = 1", "-1/2 - -1/2 = 0", "१/२ + १/२ = १",
]


@pytest.mark.parametrize("locale", SPEAKABLE_LOCALES)
@pytest.mark.parametrize("text", SAMPLES)
def test_speakable_output_has_no_problem_symbols(text, locale):
    spoken = to_speakable(text, locale)
    assert speakable_problems(spoken) == [], spoken
    assert spoken.strip()


@pytest.mark.parametrize("locale, expected", [
    ("en", "3 over 4"), ("hi", "3 बटा 4"), ("ta", "4இல் 3"), ("bn", "4 ভাগের 3"),
    ("mr", "3 भागिले 4"),
])
def test_fraction_reading_per_locale(locale, expected):
    assert to_speakable("3/4", locale) == expected


@pytest.mark.parametrize("locale, expected", [
    ("en", "minus 3 plus 5 equals 2"),
    ("hi", "ऋण 3 जमा 5 बराबर 2"),
    ("ta", "மைனஸ் 3 கூட்டல் 5 சமம் 2"),
])
def test_negative_sign_and_operators(locale, expected):
    assert to_speakable("-3 + 5 = 2", locale) == expected


def test_subtraction_differs_from_negative_in_hindi():
    assert to_speakable("5 − −2", "hi") == "5 घटा ऋण 2"
    assert to_speakable("x - 3", "hi") == "x घटा 3"


@pytest.mark.parametrize("locale, times, divide", [
    ("en", "times", "divided by"), ("hi", "गुणा", "भाग"), ("ta", "பெருக்கல்", "வகுத்தல்"),
])
def test_times_and_divide(locale, times, divide):
    assert to_speakable("12 × 4 ÷ 6", locale) == f"12 {times} 4 {divide} 6"


def test_relations_put_comparison_after_both_operands_in_hindi():
    assert to_speakable("3/4 > 2/3", "hi") == "3 बटा 4, 2 बटा 3 से बड़ा"
    assert to_speakable("3/4 > 2/3", "en") == "3 over 4 is greater than 2 over 3"


def test_english_question_does_not_say_is_twice():
    assert to_speakable("Is 3/4 > 2/3?", "en") == "Is 3 over 4 greater than 2 over 3?"


def test_mixed_number_and_blank():
    assert to_speakable("1 2/3", "en") == "1 and 2 over 3"
    assert to_speakable("3 + ? = 7", "en") == "3 plus blank equals 7"


def test_word_hyphens_survive():
    assert to_speakable("a well-known fact", "en") == "a well-known fact"


def test_big_numbers_read_in_lakh_for_english_only():
    assert to_speakable("12,34,567 people", "en") == "12 lakh 34 thousand 567 people"
    assert to_speakable("12,34,567", "hi") == "1234567"  # the Hindi voice says लाख itself
    assert indian_number_words(1_23_45_678) == "1 crore 23 lakh 45 thousand 678"


@pytest.mark.parametrize("value, locale, expected", [
    (-3, "en", "minus 3"), (Fraction(3, 4), "en", "3 over 4"), (-3, "hi", "ऋण 3"),
    (Fraction(3, 4), "hi", "3 बटा 4"), (Fraction(3, 4), "ta", "4இல் 3"),
    (Fraction(-7, 4), "en", "minus 7 over 4"), (Fraction(6, 3), "hi", "2"), (0, "ta", "0"),
])
def test_say_number(value, locale, expected):
    assert say_number(value, locale) == expected


def test_say_number_rejects_floats_and_bools():
    with pytest.raises(TypeError):
        say_number(0.5, "en")
    with pytest.raises(TypeError):
        say_number(True, "en")


def test_problems_are_described_with_the_word_to_use():
    problems = speakable_problems("3/4 - 1 = -1/4 × 2")
    assert problems[0] == "'/' (say 'over' / 'बटा')"
    assert any(p.startswith("'×'") and "'times'" in p for p in problems)
    assert any(p.startswith("'-' next to a digit") for p in problems)
    assert speakable_problems("3 over 4") == []
    assert speakable_problems("a well-known fact") == []


def test_problem_hint_in_a_given_locale():
    assert speakable_problems("3/4", "ta") == ["'/' (say '4இல் 3' for 3/4)"]


def test_unknown_locale_is_refused():
    with pytest.raises(ValueError, match="supported"):
        to_speakable("3/4", "gu")


@pytest.mark.parametrize("locale", SPEAKABLE_LOCALES)
def test_speakable_text_is_left_as_is(locale):
    # render_audio_pack re-applies to_speakable to authored `speak` fields.
    for text in SAMPLES:
        once = to_speakable(text, locale)
        assert to_speakable(once, locale) == once


@pytest.mark.parametrize("locale, expected", [
    ("en", "square centimetres"), ("hi", "वर्ग सेंटीमीटर"), ("ta", "சதுர சென்டிமீட்டர்"),
    ("bn", "বর্গ সেন্টিমিটার"), ("mr", "चौरस सेंटिमीटर")])
def test_area_units_are_read_as_words(locale, expected):
    spoken = to_speakable("Area = 30 cm²", locale)
    assert expected in spoken
    assert "²" not in spoken and "cm" not in spoken


def test_half_characters_become_fractions_and_mixed_numbers():
    assert to_speakable("½ × 6 × 4", "en").startswith("1 over 2 times")
    assert "2 and 1 over 2" in to_speakable("2½ m", "en")
    assert "¾" not in to_speakable("¾ of 12", "hi")


@pytest.mark.parametrize("locale, word", [("en", "degrees"), ("hi", "डिग्री"), ("ta", "டிகிரி"), ("bn", "ডিগ্রি"), ("mr", "अंश")])
def test_degrees_are_read_as_words(locale, word):
    spoken = to_speakable("180° − 65° = 115°", locale)
    assert spoken.count(word) == 3 and "°" not in spoken


def test_superscript_powers_are_read_as_powers():
    assert to_speakable("2⁴ = 16", "en") == "2 to the power 4 equals 16"
    assert "10 की घात 23" in to_speakable("10²³", "hi")
    assert to_speakable("aᵐ × aⁿ", "en") == "a to the power m times a to the power n"
    assert to_speakable("5²", "en") == "5 squared"


def test_word_hyphens_and_case_endings_are_not_minus_signs():
    assert to_speakable("कभी-कभी 5 - 3", "hi") == "कभी-कभी 5 घटा 3"
    assert to_speakable("3.47-এ 7-এর মান", "bn") == "3.47 এ 7 এর মান"
    assert to_speakable("5-x", "en") == "5 minus x"
    assert speakable_problems(to_speakable("7-এর", "bn")) == []


@pytest.mark.parametrize("locale, words", [("en", "35 degrees Celsius"), ("hi", "35 डिग्री सेल्सियस"), ("bn", "35 ডিগ্রি সেলসিয়াস")])
def test_celsius_is_read_whole(locale, words):
    assert words in to_speakable("35°C", locale)

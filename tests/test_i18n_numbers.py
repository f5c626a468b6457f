"""Indian grouping and native digits."""
from decimal import Decimal

import pytest

from app.i18n.numbers import format_number, indian_locale, parse_native_digits, to_native_digits


@pytest.mark.parametrize("locale", ["en", "hi", "ta", "bn", "mr", "en-IN", "hi_IN"])
def test_indian_grouping(locale):
    assert format_number(1234567, locale) == "12,34,567"
    assert format_number(123456789, locale) == "12,34,56,789"


def test_english_means_indian_english():
    assert indian_locale("en") == "en_IN"
    assert format_number(100000, "en") == "1,00,000"


def test_decimals_keep_their_digits():
    assert format_number(Decimal("1234.5"), "hi") == "1,234.5"
    assert format_number(0.1, "en") == "0.1"


@pytest.mark.parametrize("locale, expected", [
    ("hi", "१२,३४,५६७"), ("mr", "१२,३४,५६७"), ("bn", "১২,৩৪,৫৬৭"), ("ta", "௧௨,௩௪,௫௬௭"),
    ("en", "12,34,567"),
])
def test_native_digits(locale, expected):
    assert format_number(1234567, locale, native_digits=True) == expected


def test_native_digits_round_trip():
    for locale in ("hi", "bn", "ta"):
        assert parse_native_digits(to_native_digits("3/4 = 0.75", locale)) == "3/4 = 0.75"


def test_parse_native_digits_leaves_other_text():
    assert parse_native_digits("उत्तर: ४२, ৭ और ௩") == "उत्तर: 42, 7 और 3"


def test_teacher_pages_group_counts_the_indian_way(app):
    """Counts on the pages (ngettext in Python and in templates, the `number` filter) use lakh grouping."""
    from flask import render_template_string

    from app.i18n.web import ngettext
    with app.test_request_context("/teacher?lang=en"):
        assert ngettext("%(num)d answer", "%(num)d answers", 1234567) == "12,34,567 answers"
        assert ngettext("%(num)d answer", "%(num)d answers", 1) == "1 answer"
        page = render_template_string('{{ ngettext("%(num)d student", "%(num)d students", n) }} | {{ m|number }} | {{ "<b>"|number }}',
                                      n=100000, m=2500000)
        assert page == "1,00,000 students | 25,00,000 | &lt;b&gt;"

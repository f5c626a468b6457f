"""Locale choice and the Flask wiring of catalogs into requests and Jinja."""
import pytest
from flask import Flask, render_template_string

from app.i18n import init_app
from app.i18n.locale import choose_locale, match_locale, parse_accept_language


def test_profile_beats_query_beats_header():
    assert choose_locale("mr", "hi", "ta") == "mr"
    assert choose_locale(None, "hi", "ta") == "hi"
    assert choose_locale(None, None, "ta-IN,ta;q=0.9,en;q=0.8") == "ta"
    assert choose_locale(None, None, None) == "en"


def test_unsupported_choices_fall_through():
    assert choose_locale("fr", "gu", "de, bn;q=0.3") == "bn"
    assert choose_locale(None, None, "fr") == "en"


def test_region_and_underscore_tags_match():
    assert match_locale("hi-IN") == "hi"
    assert match_locale("bn_IN") == "bn"
    assert match_locale("xx") is None


def test_accept_language_orders_by_quality_and_drops_zero():
    assert parse_accept_language("en;q=0.5, ta, hi;q=0") == ["ta", "en"]


def test_default_when_english_is_not_supported():
    assert choose_locale(None, None, None, supported=("hi", "ta")) == "hi"


@pytest.fixture()
def client():
    app = Flask(__name__)
    init_app(app)

    @app.route("/")
    def page():
        return render_template_string(
            "{{ locale }}|{{ _('Check') }}|"
            "{{ ngettext('%(num)d answer waiting to sync', '%(num)d answers waiting to sync', n) }}|"
            "{{ _('Question %(n)d of %(total)d', n=2, total=5) }}",
            n=int(__import__("flask").request.args.get("n", 0)))

    return app.test_client()


def test_request_locale_from_query_and_header(client):
    assert client.get("/?lang=hi&n=2").get_data(as_text=True) == (
        "hi|जाँचें|2 उत्तर सिंक होने की प्रतीक्षा में हैं|5 में से प्रश्न 2")
    assert client.get("/?n=1", headers={"Accept-Language": "ta-IN"}).get_data(
        as_text=True).startswith("ta|சரிபார்|1 விடை ")
    assert client.get("/?n=1").get_data(as_text=True) == (
        "en|Check|1 answer waiting to sync|Question 2 of 5")


def test_hindi_zero_is_singular_in_templates(client):
    body = client.get("/?lang=hi&n=0").get_data(as_text=True)
    assert "0 उत्तर सिंक होने की प्रतीक्षा में है|" in body


def test_profile_locale_from_config_callable():
    app = Flask(__name__)
    app.config["I18N_PROFILE_LOCALE"] = lambda: "bn"
    init_app(app)

    @app.route("/")
    def page():
        return render_template_string("{{ locale }} {{ _('Hint') }}")

    assert app.test_client().get("/?lang=hi").get_data(as_text=True) == "bn সংকেত"

"""Flask glue: a locale per request (g.locale) and `_()`/`ngettext` in views and Jinja.

Plain Babel rather than flask-babel: we need only a request locale and gettext callables,
and our locale order (profile, ?lang=, Accept-Language) and the .po fallback below are ours;
one dependency fewer on the phone-facing server.
"""
from __future__ import annotations

import io
from functools import cache

from babel.support import NullTranslations, Translations
from flask import current_app, g, has_request_context, request
from markupsafe import Markup

from .catalogs import LOCALES_DIR, mo_bytes, po_path, read_catalog
from .locale import DEFAULT_LOCALE, SUPPORTED_LOCALES, choose_locale
from .numbers import format_number

PROFILE_LOCALE_CONFIG = "I18N_PROFILE_LOCALE"


def init_app(app) -> None:
    """Register the locale chooser, Jinja's i18n extension and template helpers on `app`."""
    app.config.setdefault("I18N_SUPPORTED_LOCALES", SUPPORTED_LOCALES)
    app.config.setdefault(PROFILE_LOCALE_CONFIG, None)
    app.before_request(_set_request_locale)
    app.jinja_env.add_extension("jinja2.ext.i18n")
    # Jinja's newstyle callables fill placeholders themselves, so they get the raw lookups.
    app.jinja_env.install_gettext_callables(
        lambda message: translations_for(get_locale()).gettext(message),
        lambda singular, plural, num: translations_for(get_locale()).ngettext(singular, plural, num),
        newstyle=True)
    # Counts in templates group the Indian way (1,00,000), like the Python-side ngettext.
    app.jinja_env.globals["ngettext"] = _template_ngettext
    app.jinja_env.filters["number"] = number

    @app.context_processor
    def _i18n_context():
        return {"locale": get_locale(),
                "supported_locales": current_app.config["I18N_SUPPORTED_LOCALES"]}


def get_locale() -> str:
    """The current request's locale (English outside a request)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if "locale" not in g:
        _set_request_locale()
    return g.locale


def gettext(message: str, **variables) -> str:
    """Translate `message` into the request's locale and fill %(name)s placeholders."""
    return gettext_in(get_locale(), message, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate a counted message with the locale's CLDR plural rule; `num` fills %(num)d, grouped the Indian way."""
    return ngettext_in(get_locale(), singular, plural, num, **variables)


def gettext_in(locale: str, message: str, **variables) -> str:
    """gettext for a named locale, inside a request or not (the English lines stored with a set)."""
    text = translations_for(locale).gettext(message)
    return text % variables if variables else text


def ngettext_in(locale: str, singular: str, plural: str, num: int, **variables) -> str:
    """ngettext for a named locale, inside a request or not."""
    text = translations_for(locale).ngettext(singular, plural, num).replace("%(num)d", "%(num)s")
    return text % {"num": format_number(num, locale), **variables}


def _template_ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    """Templates' ngettext: as above, with the variables escaped (templates autoescape)."""
    locale = get_locale()
    text = translations_for(locale).ngettext(singular, plural, num).replace("%(num)d", "%(num)s")
    return Markup(text) % {"num": format_number(num, locale), **variables}


def number(value) -> str:
    """A count for people to read: lakh/crore grouping in the request's locale (12,34,567)."""
    return format_number(value, get_locale()) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


@cache
def translations_for(locale: str):
    """Babel Translations for a locale: the compiled .mo, or the .po compiled in memory."""
    path = po_path(locale, LOCALES_DIR)
    mo_path = path.with_suffix(".mo")
    # A fresh checkout has only .po files; compiling in memory keeps the app usable
    # before `compile_catalogs()` has run, and a stale .mo never hides a newer .po.
    if mo_path.exists() and (not path.exists() or mo_path.stat().st_mtime >= path.stat().st_mtime):
        with open(mo_path, "rb") as handle:
            return Translations(handle, domain="messages")
    if path.exists():
        return Translations(io.BytesIO(mo_bytes(read_catalog(locale, LOCALES_DIR))),
                            domain="messages")
    return NullTranslations()


def _set_request_locale() -> None:
    profile_getter = current_app.config.get(PROFILE_LOCALE_CONFIG)
    profile_locale = g.get("profile_locale") or (profile_getter() if profile_getter else None)
    g.locale = choose_locale(
        profile_locale=profile_locale,
        query_lang=request.args.get("lang"),
        accept_language=request.headers.get("Accept-Language"),
        supported=current_app.config["I18N_SUPPORTED_LOCALES"],
    )

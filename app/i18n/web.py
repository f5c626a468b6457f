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

from .catalogs import LOCALES_DIR, mo_bytes, po_path, read_catalog
from .locale import DEFAULT_LOCALE, SUPPORTED_LOCALES, choose_locale

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
    text = translations_for(get_locale()).gettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    """Translate a counted message with the locale's CLDR plural rule; `num` fills %(num)d."""
    text = translations_for(get_locale()).ngettext(singular, plural, num)
    return text % {"num": num, **variables}


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

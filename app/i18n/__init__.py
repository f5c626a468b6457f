"""Languages for Abhyas: locale choice, catalogs, digits, transliteration, speakable math."""


def init_app(app):
    """Choose a locale per request and give Jinja `_()` and `ngettext` from compiled catalogs."""
    # Imported here so pure helpers (speakable, numbers) never pull in Flask.
    from .web import init_app as _init_web

    _init_web(app)

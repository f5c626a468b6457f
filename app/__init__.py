"""Abhyas: offline-first adaptive math homework."""
from __future__ import annotations

import os

from flask import Flask

from . import db
from .paths import default_database, keys_dir, packs_dir
from .web import proxy, security_headers


def create_app(config: dict | None = None) -> Flask:
    """Build the Flask app: configuration, database, then each part's init_app."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(
        DATABASE=default_database(),
        PACKS_DIR=str(packs_dir()),
        KEYS_DIR=str(keys_dir()),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    # Behind the TLS proxy every deployment has, cookies must never travel over plain HTTP.
    app.config["SESSION_COOKIE_SECURE"] = os.environ.get("ABHYAS_HTTPS", "") == "1"
    app.config.update(config or {})
    from .web.errors import DatabaseId
    app.url_map.converters["int"] = DatabaseId  # before any blueprint's rules are built
    db.init_app(app)
    app.config.setdefault("SECRET_KEY", None)
    if not app.config["SECRET_KEY"]:
        from .auth.secrets import load_secret_key
        store = db.connect(app.config["DATABASE"])
        try:
            app.config["SECRET_KEY"] = load_secret_key(store)
        finally:
            store.close()
    security_headers.init_app(app)
    proxy.init_app(app)
    from . import admin, i18n, publisher, student, sync, teacher
    from .publisher import api as publish_api
    from .student import packs as pack_delivery
    from .web import errors, health, operator_log
    for part in (operator_log, i18n, pack_delivery, publish_api, student, teacher, sync, admin, publisher, health, errors):
        part.init_app(app)
    return app

"""The NGO publisher's pages: upload a signed pack bundle, check a pack file, and the catalogue teachers pick from."""


def init_app(app):
    """Register the publisher blueprint, its size filter, and bundle-sized uploads on its upload routes."""
    from . import views  # noqa: F401
    from .blueprint import allow_bundle_uploads, bp
    from .listing import human_bytes
    app.jinja_env.filters["bytes"] = human_bytes
    # An app-level hook runs before the blueprint's CSRF check, which is what first reads the form.
    app.before_request(allow_bundle_uploads)
    app.register_blueprint(bp)

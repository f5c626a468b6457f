"""The student app's shell, web app manifest and service worker script."""


def init_app(app):
    """Register the student blueprint and serve /static/ compressed."""
    from .views import bp, compressed_static
    app.register_blueprint(bp)
    # The app's own static route sends files as they are; ours negotiates br/gzip for text.
    app.view_functions["static"] = compressed_static

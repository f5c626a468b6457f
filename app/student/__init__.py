"""The student app's shell, web app manifest and service worker script."""


def init_app(app):
    """Register the student blueprint."""
    from .views import bp
    app.register_blueprint(bp)

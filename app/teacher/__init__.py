"""The teacher's pages: sign-in, classes, overview, approvals, overrides and reports."""


def init_app(app):
    """Register the teacher blueprint."""
    from .views import bp
    app.register_blueprint(bp)

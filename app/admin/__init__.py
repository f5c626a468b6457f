"""The admin's pages: publisher keys (register, revoke), publishers, and teacher and publisher accounts."""


def init_app(app):
    """Register the admin blueprint (its views and CSRF check)."""
    from . import views  # noqa: F401
    from .blueprint import bp
    app.register_blueprint(bp)

"""The sync API: join a class, send queued events, receive mastery and the next sets."""


def init_app(app):
    """Register the sync blueprint."""
    from .views import bp, install_limits
    install_limits(app)
    app.register_blueprint(bp)

"""The teacher's pages: sign-in, classes, overview, approvals, overrides and reports."""


def init_app(app):
    """Register the teacher blueprint (its views, CSRF check and template helpers)."""
    from ..auth import csrf
    from . import (approvals, auth, classes, exceptions, export, offline, overrides, overview,  # noqa: F401
                   language, participation, people_export, pilots, privacy, reports, students, units)
    from .blueprint import bp, init_templates
    csrf.init_app(app)
    init_templates(app)
    from . import delivery
    delivery.init_app(app)
    app.register_blueprint(bp)

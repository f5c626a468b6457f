"""The teacher's pages: sign-in, classes, overview, approvals, overrides and reports."""


def init_app(app):
    """Register the teacher blueprint (its views, CSRF check and template helpers)."""
    from ..auth import csrf
    from . import (  # noqa: F401
        approvals,
        auth,
        classes,
        exceptions,
        export,
        language,
        offline,
        overrides,
        overview,
        participation,
        people_export,
        pilots,
        privacy,
        reports,
        students,
        units,
    )
    from .blueprint import bp, init_templates
    csrf.init_app(app)
    init_templates(app)
    from . import delivery
    delivery.init_app(app)
    app.register_blueprint(bp)

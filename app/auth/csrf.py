"""CSRF protection for cookie-authenticated pages: one random token per session.

Every POST, PUT, PATCH or DELETE to a protected blueprint must carry the session's token,
either in the form field `csrf_token` or in the `X-CSRF-Token` header (htmx sends it from
`hx-headers` on <body>). Bearer-token APIs (the phone's /api/v1) need no token: a browser
never attaches a bearer token on its own, so a forged cross-site request carries nothing.

Use: `csrf.protect(bp)` on a blueprint before registering it, and `csrf.init_app(app)`
once so templates can call `csrf_token()`.
"""
from __future__ import annotations

import hmac
import secrets

from flask import abort, request, session

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def csrf_token() -> str:
    """The current session's CSRF token, made on first use."""
    token = session.get(SESSION_KEY)
    if not token:
        token = session[SESSION_KEY] = secrets.token_urlsafe(32)
    return token


def token_is_valid(sent: str | None) -> bool:
    """True when `sent` is this session's token (compared in constant time)."""
    expected = session.get(SESSION_KEY)
    return bool(expected and sent and hmac.compare_digest(str(sent), str(expected)))


def check_request() -> None:
    """Refuse (400) a state-changing request that lacks this session's token."""
    if request.method not in UNSAFE_METHODS:
        return
    sent = request.headers.get(HEADER) or request.form.get(FORM_FIELD)
    if not token_is_valid(sent):
        abort(400, description="The form expired or did not come from this site. Reload the page and try again.")


def rotate() -> str:
    """A fresh token, e.g. after sign-in, so a token seen before sign-in is worthless after it."""
    session[SESSION_KEY] = secrets.token_urlsafe(32)
    return session[SESSION_KEY]


def protect(bp) -> None:
    """Check the token on every state-changing request to this blueprint."""
    bp.before_request(check_request)


def init_app(app) -> None:
    """Offer `csrf_token()` to every template (safe to call more than once)."""
    app.jinja_env.globals.setdefault("csrf_token", csrf_token)

"""Who is signed in, and the role check every signed-in page makes (teacher, publisher, admin)."""
from __future__ import annotations

import functools

from flask import abort, current_app, g, redirect, request, session

from ..db import get_db
from .accounts import role_home

SIGN_IN = "/teacher"
# Which areas a role may be sent to after sign-in (each area's views still check the role themselves).
AREAS = {"teacher": ("/teacher/", "/publish/catalogue", "/publish/check"),
         "publisher": ("/publish",), "admin": ("/admin", "/publish/catalogue", "/publish/check")}


def current_user():
    """The signed-in user (cached per request), or None; a session older than the last password change is void."""
    if "user" not in g:
        g.user = None
        user_id = session.get("uid")
        if user_id is not None:
            row = get_db().execute("SELECT id, username, role, display_name, publisher, password_changed_at "
                                   "FROM users WHERE id = ?", [user_id]).fetchone()
            # A password reset must end every session a thief may hold; sessions record when they signed in.
            if row is not None and (row[5] is None or session.get("auth_at", 0) >= row[5]):
                g.user = {"id": row[0], "username": row[1], "role": row[2], "display_name": row[3] or row[1],
                          "publisher": row[4]}
    return g.user


def sign_in_first():
    """The reply to an anonymous request: a redirect for a page, 401 (with HX-Redirect) for anything else."""
    if request.method != "GET" or request.headers.get("HX-Request"):
        response = current_app.response_class("Sign in first.", status=401, mimetype="text/plain")
        response.headers["HX-Redirect"] = SIGN_IN
        return response
    return redirect(f"{SIGN_IN}?next={request.full_path.rstrip('?')}")


def role_required(*roles):
    """Only a signed-in user with one of `roles` gets through: others sign in first (302/401) or get 403."""
    def decorate(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = current_user()
            if user is None:
                return sign_in_first()
            if user["role"] not in roles:
                abort(403)
            return view(*args, **kwargs)
        wrapped.allowed_roles = roles  # read by the authorization matrix test
        return wrapped
    return decorate


def safe_next(target: str | None, role: str | None) -> str:
    """Where to go after sign-in: a local path in an area the role may open (no open redirect), else its home."""
    if target and target.startswith("/") and "//" not in target and "\\" not in target \
            and any(target == area.rstrip("/") or target.startswith(area) for area in AREAS.get(role or "", ())):
        return target
    return role_home(role)

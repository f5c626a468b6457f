"""Signing in and out: scrypt-checked passwords, a fresh session and CSRF token at each sign-in."""
from __future__ import annotations

import time

from flask import redirect, render_template, request, session, url_for

from ..auth import csrf, sign_in_limits
from ..auth.accounts import role_home
from ..auth.passwords import check_password, hash_password, needs_rehash
from ..auth.roles import current_user, sign_in_first
from ..db import get_db, write
from ..i18n.web import gettext as _
from ..web.proxy import client_address
from .blueprint import bp, safe_next

MAX_FAILURES = sign_in_limits.MAX_FAILURES
# Checked against when the username is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = hash_password("not a password anyone has")


def authenticate(username: str, password: str):
    """The user row for a correct username and password, else None (in the same time either way)."""
    row = get_db().execute("SELECT id, role, password_hash FROM users WHERE lower(username) = lower(?)",
                           [username.strip()]).fetchone()
    ok = check_password(row[2] if row else _DUMMY_HASH, password)
    if not (row and ok):
        return None
    if needs_rehash(row[2]):
        # Only the hash's form changes, not the password: password_changed_at stays, so no session ends.
        with write(get_db()):
            get_db().execute("UPDATE users SET password_hash = ? WHERE id = ?", [hash_password(password), row[0]])
    return {"id": row[0], "role": row[1]}


@bp.get("")
def home():
    """The sign-in form for every role, or the signed-in user's own start page."""
    user = current_user()
    if user:
        return redirect(role_home(user["role"]))
    return render_template("teacher/sign_in.html", next=request.args.get("next", ""))


@bp.post("/sign-in")
def sign_in():
    """Check the username and password; on success start a fresh session on the role's own pages."""
    username = request.form.get("username", "")[:80]
    password = request.form.get("password", "")[:200]
    client, name = client_address(), username.strip().lower()
    db = get_db()
    if sign_in_limits.blocked(db, client, name):
        return render_template("teacher/sign_in.html", error=_("Too many wrong passwords. Wait 15 minutes and try again."),
                               username=username), 429
    user = authenticate(username, password)
    if user is None:
        sign_in_limits.record_failure(db, client, name)
        return render_template("teacher/sign_in.html", error=_("That username and password do not match."),
                               username=username, next=request.form.get("next", "")), 401
    sign_in_limits.clear(db, client, name)
    session.clear()  # no session fixation: nothing from before sign-in survives it
    session["uid"] = user["id"]
    session["auth_at"] = time.time()
    session.permanent = True
    csrf.rotate()
    return redirect(safe_next(request.form.get("next"), user["role"]))


@bp.post("/sign-out")
def sign_out():
    """End the session (any role: the admin and publisher pages sign out here too)."""
    if current_user() is None:
        return sign_in_first()
    session.clear()
    return redirect(url_for("teacher.home"))

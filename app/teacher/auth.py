"""Signing in and out: scrypt-checked passwords, a fresh session and CSRF token at each sign-in."""
from __future__ import annotations

import threading
import time

from flask import redirect, render_template, request, session, url_for

from .. import csrf
from ..db import get_db
from ..i18n.web import gettext as _
from ..passwords import check_password, hash_password
from .blueprint import bp, current_user, safe_next, teacher_required

WINDOW_SECONDS = 15 * 60
MAX_FAILURES = 10
_failures: dict = {}
_failures_lock = threading.Lock()
# Checked against when the username is unknown, so a wrong name costs the same time as a wrong password.
_DUMMY_HASH = hash_password("not a password anyone has")


def _too_many_failures(key: str, now: float) -> bool:
    with _failures_lock:
        recent = [t for t in _failures.get(key, []) if t > now - WINDOW_SECONDS]
        _failures[key] = recent
        return len(recent) >= MAX_FAILURES


def _record_failure(key: str, now: float) -> None:
    with _failures_lock:
        _failures.setdefault(key, []).append(now)


def authenticate(username: str, password: str):
    """The user row for a correct username and password, else None (in the same time either way)."""
    row = get_db().execute("SELECT id, role, password_hash FROM users WHERE username = ?",
                           [username.strip()]).fetchone()
    ok = check_password(row[2] if row else _DUMMY_HASH, password)
    return {"id": row[0], "role": row[1]} if row and ok else None


@bp.get("")
def home():
    """The start page: the sign-in form, or the teacher's classes when signed in."""
    user = current_user()
    if user and user["role"] == "teacher":
        return redirect(url_for("teacher.classes"))
    return render_template("teacher/sign_in.html", next=request.args.get("next", ""))


@bp.post("/sign-in")
def sign_in():
    """Check the username and password; on success start a fresh session."""
    username = request.form.get("username", "")[:80]
    password = request.form.get("password", "")[:200]
    key = f"{request.remote_addr}|{username.strip().lower()}"
    now = time.time()
    if _too_many_failures(key, now):
        return render_template("teacher/sign_in.html", error=_("Too many wrong passwords. Wait 15 minutes and try again."),
                               username=username), 429
    user = authenticate(username, password)
    if user is None or user["role"] != "teacher":
        _record_failure(key, now)
        return render_template("teacher/sign_in.html", error=_("That username and password do not match."),
                               username=username, next=request.form.get("next", "")), 401
    session.clear()  # no session fixation: nothing from before sign-in survives it
    session["uid"] = user["id"]
    session.permanent = True
    csrf.rotate()
    return redirect(safe_next(request.form.get("next")))


@bp.post("/sign-out")
@teacher_required
def sign_out():
    """End the session."""
    session.clear()
    return redirect(url_for("teacher.home"))

"""Admin views: register and revoke publisher keys, list publishers, create accounts and reset passwords."""
from __future__ import annotations

from pathlib import Path

from flask import abort, current_app, redirect, render_template, request, url_for

from ..auth import accounts
from ..auth.roles import current_user, role_required
from ..db import get_db
from ..i18n.web import gettext as _
from .blueprint import bp
from .keys import publishers, register_key, revoke_key

# Admins make teacher and publisher accounts on the web; another admin comes only from `abhyas users add`.
WEB_ROLES = ("teacher", "publisher")


def _no_store(response):
    """A page showing a password once must not stay in any cache."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _home(error: str | None = None, status: int = 200, **extra):
    listing = publishers(get_db(), Path(current_app.config["KEYS_DIR"]))
    return render_template("admin/home.html", publishers=listing, error=error, form=request.form, **extra), status


@bp.get("")
@role_required("admin")
def home():
    """Publishers with their keys, accounts and packs; a form to register a publisher's key."""
    return _home(registered=request.args.get("registered"), revoked=request.args.get("revoked"))


@bp.post("/keys")
@role_required("admin")
def register():
    """Register a publisher's public key (the pasted .pub file or its base64); packs it signs are then trusted."""
    try:
        record = register_key(get_db(), request.form.get("key", "")[:4000], request.form.get("publisher", "")[:64],
                              current_user()["id"])
    except accounts.AccountError as exc:
        return _home(str(exc), 422)
    return redirect(url_for("admin.home", registered=record["key_id"]))


@bp.post("/keys/<key_id>/revoke")
@role_required("admin")
def revoke(key_id):
    """Revoke a registered key: new uploads signed with it are refused and phones stop trusting its packs."""
    if not revoke_key(get_db(), key_id[:64], current_user()["id"]):
        abort(404)
    return redirect(url_for("admin.home", revoked=key_id))


@bp.get("/users")
@role_required("admin")
def users():
    """Every account with its role (and a publisher account's publisher name); a form to create one."""
    return render_template("admin/users.html", users=accounts.list_users(get_db()), roles=WEB_ROLES, form={})


@bp.post("/users")
@role_required("admin")
def create_user():
    """Create a teacher or publisher account and show its password once."""
    role = request.form.get("role", "")
    if role not in WEB_ROLES:
        return render_template("admin/users.html", users=accounts.list_users(get_db()), roles=WEB_ROLES,
                               form=request.form, error=_("Choose teacher or publisher.")), 422
    try:
        user, password = accounts.create_user(get_db(), request.form.get("username", "")[:40], role,
                                              display_name=request.form.get("display_name", "")[:80],
                                              publisher=request.form.get("publisher", "")[:64] or None)
    except accounts.AccountError as exc:
        return render_template("admin/users.html", users=accounts.list_users(get_db()), roles=WEB_ROLES,
                               form=request.form, error=str(exc)), 422
    return _no_store(current_app.make_response(render_template("admin/password.html", user=user, password=password,
                                                               created=True)))


@bp.post("/users/<int:user_id>/password")
@role_required("admin")
def reset_password(user_id):
    """Give a teacher or publisher a new password (shown once); their open sessions end."""
    user = accounts.get_user(get_db(), user_id)
    if user is None or user["role"] not in WEB_ROLES:
        abort(404)
    password = accounts.set_password(get_db(), user_id)
    return _no_store(current_app.make_response(render_template("admin/password.html", user=user, password=password,
                                                               created=False)))

"""The teacher's language, chosen once and kept with their account (not a ?lang= lost on the next page)."""
from __future__ import annotations

from flask import current_app, g, redirect, request, url_for

from ..db import get_db, write
from .blueprint import bp, current_user, safe_next, teacher_required


def _key(user_id: int) -> str:
    return f"teacher_locale:{user_id}"


def stored_locale(db, user_id: int) -> str | None:
    """The language a teacher chose, or None (then the browser's language counts)."""
    row = db.execute("SELECT value FROM settings WHERE key = ?", [_key(user_id)]).fetchone()
    return row[0] if row and row[0] in current_app.config["I18N_SUPPORTED_LOCALES"] else None


@bp.before_app_request
def use_the_teachers_language():
    """On the pages a signed-in user sees in the shared layout, their stored language wins over the browser's."""
    if request.blueprint not in ("teacher", "admin", "publisher"):
        return
    user = current_user()
    if user:
        chosen = stored_locale(get_db(), user["id"])
        if chosen:
            g.locale = chosen


@bp.post("/language")
@teacher_required
def choose_language():
    """Keep the teacher's language; back to the page they were on."""
    locale = request.form.get("locale", "")
    if locale in current_app.config["I18N_SUPPORTED_LOCALES"]:
        db = get_db()
        with write(db):
            db["settings"].insert({"key": _key(current_user()["id"]), "value": locale}, replace=True)
    return redirect(safe_next(request.form.get("next")) if request.form.get("next") else url_for("teacher.classes"))

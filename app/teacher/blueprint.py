"""The teacher blueprint and the checks every teacher view makes: signed in, a teacher, the owner."""
from __future__ import annotations

import functools
import time
from pathlib import Path

from flask import Blueprint, abort, current_app, g, redirect, request, session, url_for

from .. import csrf
from ..db import get_db
from . import timefmt

bp = Blueprint("teacher", __name__, url_prefix="/teacher", template_folder="templates")
csrf.protect(bp)

TEACHER_ROLES = ("teacher",)


def current_user():
    """The signed-in user's row (cached per request), or None."""
    if "user" not in g:
        g.user = None
        user_id = session.get("uid")
        if user_id is not None:
            row = get_db().execute("SELECT id, username, role, display_name FROM users WHERE id = ?",
                                   [user_id]).fetchone()
            if row is not None:
                g.user = {"id": row[0], "username": row[1], "role": row[2], "display_name": row[3] or row[1]}
    return g.user


def teacher_required(view):
    """Only a signed-in teacher gets through: others are sent to sign in (401/302) or refused (403)."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        user = current_user()
        if user is None:
            if request.method != "GET" or request.headers.get("HX-Request"):
                response = current_app.response_class("Sign in first.", status=401, mimetype="text/plain")
                response.headers["HX-Redirect"] = url_for("teacher.home")
                return response
            return redirect(url_for("teacher.home", next=request.full_path.rstrip("?")))
        if user["role"] not in TEACHER_ROLES:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def owned_class(class_id: int) -> dict:
    """The class row when the signed-in teacher owns it; 404 otherwise (no hint that it exists)."""
    row = get_db().execute("SELECT * FROM classes WHERE id = ? AND teacher_id = ?",
                           [class_id, current_user()["id"]]).fetchone()
    if row is None:
        abort(404)
    return dict(zip(("id", "code", "name", "teacher_id", "release_mode", "mastery_threshold", "settings",
                     "created_at"), row))


def owned_student(student_id: int) -> tuple[dict, dict]:
    """(student, class) when the student is in one of the teacher's classes; 404 otherwise."""
    db = get_db()
    row = db.execute("SELECT s.id, s.class_id FROM students s JOIN classes c ON c.id = s.class_id "
                     "WHERE s.id = ? AND c.teacher_id = ?", [student_id, current_user()["id"]]).fetchone()
    if row is None:
        abort(404)
    return db["students"].get(row[0]), owned_class(row[1])


def owned_set(set_id: str) -> tuple[dict, dict, dict]:
    """(set, student, class) for a set of one of the teacher's students; 404 otherwise."""
    row = get_db().execute("SELECT student_id FROM sets WHERE id = ?", [set_id]).fetchone()
    if row is None:
        abort(404)
    student, klass = owned_student(row[0])
    return get_db()["sets"].get(set_id), student, klass


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a path inside the teacher pages (no open redirect)."""
    if target and target.startswith("/teacher/") and "//" not in target and "\\" not in target:
        return target
    return url_for("teacher.classes")


def form_reason() -> str:
    """The "why" a teacher typed with a change (kept with the change's record)."""
    return request.form.get("reason", "").strip()[:300]


def is_htmx() -> bool:
    """True for a request htmx made (it wants a fragment, not a page)."""
    return request.headers.get("HX-Request") == "true"


def htmx_file() -> str:
    """The vendored htmx file name (its version is in the name)."""
    found = sorted(Path(current_app.static_folder).glob("htmx-*.min.js"))
    return found[-1].name if found else "htmx.min.js"


def init_templates(app) -> None:
    """Template helpers: relative times, local times, the htmx file."""
    htmx = {}

    @app.context_processor
    def teacher_context():
        if request.blueprint != "teacher":
            return {}
        if "name" not in htmx:
            htmx["name"] = htmx_file()
        return {"htmx_file": htmx["name"], "rendered_at": time.time(), "current_user": current_user()}

    app.jinja_env.filters["ago"] = timefmt.ago
    app.jinja_env.filters["localtime"] = timefmt.localtime
    app.jinja_env.filters["isotime"] = timefmt.isotime
    app.jinja_env.filters["pct"] = timefmt.pct
    from .catalog import answer_text
    app.jinja_env.globals["answer_text"] = answer_text


def class_context(klass: dict) -> dict:
    """What every class page's header and tabs need: the class and how many sets wait for approval."""
    waiting = get_db().execute("SELECT count(*) FROM sets s JOIN students st ON st.id = s.student_id "
                               "WHERE st.class_id = ? AND s.status = 'proposed'", [klass["id"]]).fetchone()[0]
    return {"klass": klass, "waiting": waiting}

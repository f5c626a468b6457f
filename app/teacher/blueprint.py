"""The teacher blueprint and the checks every teacher view makes: signed in, a teacher, the owner."""
from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, abort, current_app, request

from ..auth import csrf, roles
from ..db import get_db
from . import timefmt

bp = Blueprint("teacher", __name__, url_prefix="/teacher", template_folder="templates")
csrf.protect(bp)

TEACHER_ROLES = ("teacher",)


def current_user():
    """The signed-in user's row (cached per request), or None."""
    return roles.current_user()


def teacher_required(view):
    """Only a signed-in teacher gets through: others are sent to sign in (401/302) or refused (403)."""
    return roles.role_required(*TEACHER_ROLES)(view)


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


def safe_next(target: str | None, role: str = "teacher") -> str:
    """Where to go after sign-in: only a path inside the role's own pages (no open redirect)."""
    return roles.safe_next(target, role)


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
    """Template helpers: relative times, local times, the htmx file, the engine's explanations."""
    htmx = {}

    @app.context_processor
    def teacher_context():
        # The admin and publisher pages share this layout (and its sign-out form).
        if request.blueprint not in ("teacher", "admin", "publisher"):
            return {}
        if "name" not in htmx:
            htmx["name"] = htmx_file()
        user = current_user()
        return {"htmx_file": htmx["name"], "rendered_at": time.time(), "current_user": user,
                "home_url": roles.role_home(user["role"]) if user else "/teacher"}

    app.jinja_env.filters["ago"] = timefmt.ago
    app.jinja_env.filters["localtime"] = timefmt.localtime
    app.jinja_env.filters["isotime"] = timefmt.isotime
    app.jinja_env.filters["pct"] = timefmt.pct
    app.jinja_env.filters["times"] = timefmt.times
    from .readable import decision_sentence, excuse_reason_label, first_line, language_name, reason_groups, tier_reason
    app.jinja_env.globals.update(decision_sentence=decision_sentence, excuse_reason_label=excuse_reason_label,
                                 language_name=language_name, reason_groups=reason_groups)
    app.jinja_env.filters["first_line"] = first_line
    from .alike_sets import set_parts
    app.jinja_env.globals["set_parts"] = set_parts
    from .catalog import answer_text
    app.jinja_env.globals["answer_text"] = answer_text
    # The engine's reasons, tiers and flag signals in the teacher's language.
    from ..i18n.explain import pre_approved_label, signal_lines, why_line
    # tier_reason: the engine's tier line, with mastery as a percentage on the teacher's pages.
    app.jinja_env.globals.update(why_line=why_line, tier_line=tier_reason, signal_lines=signal_lines,
                                 pre_approved_label=pre_approved_label)
    # The pilot's codes (verdict, design, interval) in the teacher's language.
    from ..i18n import pilot_words as pw
    app.jinja_env.globals.update(pilot_verdict_line=pw.verdict_line, pilot_design_line=pw.design_line,
                                 pilot_interval_line=pw.interval_line, pilot_detectable_line=pw.detectable_line,
                                 pilot_equity_line=pw.equity_line, pilot_arm_name=pw.arm_name,
                                 pilot_subgroup_name=pw.subgroup_name)


def class_context(klass: dict) -> dict:
    """What every class page's header and tabs need: the class and how many sets wait for approval."""
    waiting = get_db().execute("SELECT count(*) FROM sets s JOIN students st ON st.id = s.student_id "
                               "WHERE st.class_id = ? AND s.status = 'proposed'", [klass["id"]]).fetchone()[0]
    return {"klass": klass, "waiting": waiting}

"""Classes and rosters: create a class, add students by display name, PINs, join cards, settings."""
from __future__ import annotations

import json
import time

import segno
from flask import current_app, redirect, render_template, request, url_for

from ..db import get_db, write
from ..i18n.locale import SUPPORTED_LOCALES
from ..i18n.web import gettext as _
from ..planning.decisions import record_override
from . import class_records
from .blueprint import (
    bp,
    class_context,
    current_user,
    owned_class,
    owned_student,
    teacher_required,
)
from .privacy import privacy_settings

MAX_STUDENTS_PER_ADD = 80


def _site_url() -> str:
    """The address printed on join cards: the configured public URL, else the one this request came to."""
    return (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/") + "/"


def join_link(site: str, code: str, pin: str) -> str:
    """The link a join card's QR code holds; the PIN rides in the fragment, which never reaches a server log."""
    return f"{site}#join={code}-{pin}"


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data URI (CSP allows img data:)."""
    return segno.make(text, error="m").svg_data_uri(scale=3, border=2)


@bp.get("/classes")
@teacher_required
def classes():
    """The teacher's classes with their codes, sizes and waiting approvals; a form to make one."""
    rows = get_db().execute(
        "SELECT c.id, c.name, c.code, c.release_mode, "
        "(SELECT count(*) FROM students s WHERE s.class_id = c.id), "
        "(SELECT count(*) FROM sets x JOIN students s ON s.id = x.student_id WHERE s.class_id = c.id "
        " AND x.status = 'proposed') "
        "FROM classes c WHERE c.teacher_id = ? ORDER BY c.created_at", [current_user()["id"]]).fetchall()
    listed = [dict(zip(("id", "name", "code", "release_mode", "students", "waiting"), row)) for row in rows]
    return render_template("teacher/classes.html", classes=listed)


@bp.post("/classes")
@teacher_required
def create_class():
    """Make a class; go to its roster to add students."""
    name = request.form.get("name", "").strip()[:80]
    if not name:
        return redirect(url_for("teacher.classes"))
    mode = "auto" if request.form.get("release_mode") == "auto" else "approve"
    klass = class_records.create_class(get_db(), current_user()["id"], name, release_mode=mode)
    return redirect(url_for("teacher.roster", class_id=klass["id"]))


def roster_rows(db, class_id: int) -> list:
    """Students of a class with their PIN, language, groups, phones and last sync."""
    rows = db.execute(
        "SELECT s.id, s.display_name, s.pin, s.locale, s.groups, s.audio, s.simplified, "
        "(SELECT count(*) FROM devices d WHERE d.student_id = s.id AND d.revoked_at IS NULL), "
        "(SELECT max(d.last_seen_at) FROM devices d WHERE d.student_id = s.id) "
        "FROM students s WHERE s.class_id = ? ORDER BY lower(s.display_name), s.id", [class_id]).fetchall()
    return [dict(zip(("id", "name", "pin", "locale", "groups", "audio", "simplified", "phones", "last_seen"), row),
                 groups=json.loads(row[4] or "[]")) for row in rows]


@bp.get("/classes/<int:class_id>/students")
@teacher_required
def roster(class_id):
    """The class roster: PINs, languages, groups, phones; add students; print join cards."""
    klass = owned_class(class_id)
    return render_template("teacher/roster.html", students=roster_rows(get_db(), class_id),
                           locales=SUPPORTED_LOCALES, **class_context(klass))


@bp.post("/classes/<int:class_id>/students")
@teacher_required
def add_students(class_id):
    """Add students by display name, one per line (no other personal data); each gets a PIN."""
    klass = owned_class(class_id)
    locale = request.form.get("locale", "en")
    locale = locale if locale in SUPPORTED_LOCALES else "en"
    names = [line.strip() for line in request.form.get("names", "").splitlines() if line.strip()]
    db = get_db()
    simplified, audio = bool(request.form.get("simplified")), bool(request.form.get("audio"))
    for name in names[:MAX_STUDENTS_PER_ADD]:
        class_records.add_student(db, klass["id"], name, locale, simplified=simplified, audio=audio)
    return redirect(url_for("teacher.roster", class_id=class_id))


@bp.post("/students/<int:student_id>/pin")
@teacher_required
def new_pin(student_id):
    """Give a student a new PIN (e.g. when a sibling learned it); their phones stay joined."""
    student, klass = owned_student(student_id)
    db = get_db()
    with write(db):
        pin = class_records.new_pin(db, klass["id"])
        db.execute("UPDATE students SET pin = ? WHERE id = ?", [pin, student_id])
        record_override(db, current_user()["id"], student_id, klass["id"], "pin", None, "****", "****",
                        request.form.get("reason") or _("New PIN"))
    return redirect(url_for("teacher.roster", class_id=klass["id"]) + f"#s{student_id}")


@bp.get("/classes/<int:class_id>/cards")
@teacher_required
def join_cards(class_id):
    """Printable join cards: class code, PIN, the site's address and a QR code per student."""
    klass = owned_class(class_id)
    site = _site_url()
    cards = [dict(s, qr=qr_data_uri(join_link(site, klass["code"], s["pin"])))
             for s in roster_rows(get_db(), class_id)]
    return render_template("teacher/cards.html", cards=cards, site=site, klass=klass)


def _packs(db) -> list:
    """Published units a class can be given: newest version of each pack, with its title."""
    from ..packs.registry import latest_manifests
    return [{"id": pid, "version": body["version"],
             "title": (body.get("title") or {}).get("en") or pid, "titles": body.get("title") or {}}
            for pid, (_text, body) in sorted(latest_manifests(db).items())]


@bp.get("/classes/<int:class_id>/settings")
@teacher_required
def class_settings(class_id):
    """Class settings: name, release mode, mastery threshold, items per set, assigned units."""
    klass = owned_class(class_id)
    db = get_db()
    assigned = {row[0] for row in db.execute("SELECT pack_id FROM assignments WHERE class_id = ?", [class_id])}
    locked = db.execute("SELECT count(*) FROM join_attempts WHERE class_code = ? AND ok = 0 AND at > ?",
                        [klass["code"], time.time() - 15 * 60]).fetchone()[0]
    from ..planning.away import class_pause
    return render_template("teacher/settings.html", packs=_packs(db), assigned=assigned, locked=locked,
                           pause=class_pause(klass),
                           settings=json.loads(klass["settings"] or "{}"), **privacy_settings(db, class_id),
                           **class_context(klass))


def _threshold(raw: str | None, default: float) -> float:
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return default
    value = value / 100 if value > 1 else value  # teachers type 95, not 0.95
    return min(0.99, max(0.5, value))


@bp.post("/classes/<int:class_id>/settings")
@teacher_required
def save_class_settings(class_id):
    """Save the class settings; every change of release mode or threshold is recorded."""
    klass = owned_class(class_id)
    db = get_db()
    user_id = current_user()["id"]
    name = request.form.get("name", "").strip()[:80] or klass["name"]
    mode = "auto" if request.form.get("release_mode") == "auto" else "approve"
    threshold = _threshold(request.form.get("mastery_threshold"), klass["mastery_threshold"])
    units = {p["id"] for p in _packs(db)} & set(request.form.getlist("units"))
    reason = request.form.get("reason", "").strip()[:200] or _("Class settings")
    old_settings = json.loads(klass["settings"] or "{}")
    settings = dict(old_settings, **tier_settings(request.form, old_settings))
    # While a set waits for approval: pre-approved practice (the default), or nothing until the teacher approves.
    settings["while_waiting"] = "nothing" if request.form.get("while_waiting") == "nothing" else "practice"
    # A daily reminder on students' installed phones: off unless the teacher (or the student) switches it on.
    settings["reminders"] = request.form.get("reminders") == "1"
    with write(db):
        db.execute("UPDATE classes SET name = ?, release_mode = ?, mastery_threshold = ?, settings = ? WHERE id = ?",
                   [name, mode, threshold, json.dumps(settings), class_id])
        current = {row[0] for row in db.execute("SELECT pack_id FROM assignments WHERE class_id = ?", [class_id])}
        for pack_id in units - current:
            db["assignments"].insert({"class_id": class_id, "pack_id": pack_id, "assigned_at": time.time()})
        for pack_id in current - units:
            db.execute("DELETE FROM assignments WHERE class_id = ? AND pack_id = ?", [class_id, pack_id])
        for target, old, new in (("release_mode", klass["release_mode"], mode),
                                 ("mastery_threshold", klass["mastery_threshold"], threshold),
                                 ("units", sorted(current), sorted(units)),
                                 ("while_waiting", old_settings.get("while_waiting", "practice"), settings["while_waiting"]),
                                 ("tier_thresholds", {k: old_settings.get(k) for k in TIER_KEYS},
                                  {k: settings.get(k) for k in TIER_KEYS})):
            if old != new:
                record_override(db, user_id, None, class_id, target, None, old, new, reason)
    return redirect(url_for("teacher.class_settings", class_id=class_id, saved=1))


TIER_KEYS = ("tier2_below", "tier3_below", "tier3_misconceptions")


def tier_settings(form, current: dict) -> dict:
    """The tier thresholds a teacher typed (percentages and a count), kept in range; unchanged where unreadable."""
    out = {}
    for key in ("tier2_below", "tier3_below"):
        try:
            out[key] = round(min(95.0, max(5.0, float(form.get(key, "")))) / 100, 2)
        except ValueError:
            if key in current:
                out[key] = current[key]
    try:
        out["tier3_misconceptions"] = min(10, max(1, int(form.get("tier3_misconceptions", ""))))
    except ValueError:
        if "tier3_misconceptions" in current:
            out["tier3_misconceptions"] = current["tier3_misconceptions"]
    if "tier2_below" in out and "tier3_below" in out and out["tier3_below"] > out["tier2_below"]:
        out["tier3_below"] = out["tier2_below"]
    return out


@bp.post("/classes/<int:class_id>/unlock")
@teacher_required
def lift_lockout(class_id):
    """Lift the PIN-guessing lock-out for the class (clears its recent failed joins)."""
    klass = owned_class(class_id)
    db = get_db()
    with write(db):
        db.execute("DELETE FROM join_attempts WHERE class_code = ? AND ok = 0", [klass["code"]])
        record_override(db, current_user()["id"], None, class_id, "lockout", None, "locked", "lifted",
                        request.form.get("reason") or _("Lifted the PIN lock-out"))
    return redirect(url_for("teacher.class_settings", class_id=class_id))

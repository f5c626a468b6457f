"""Publisher views: upload a bundle, see your packs, check a pack file; the catalogue for every signed-in role."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from ..auth.roles import current_user, role_required
from ..db import get_db
from ..i18n.web import gettext as _
from ..packs.signing import TrustError
from ..packs.unpack import BundleRefused
from ..web.errors import http_error
from .blueprint import MAX_BUNDLE_UPLOAD, PUBLISHERS, READERS, UPLOADS, bp
from .check import CheckRefused, check_and_publish, check_bundle
from .listing import catalogue_view


def _paths() -> tuple[Path, Path]:
    return Path(current_app.config["PACKS_DIR"]), Path(current_app.config["KEYS_DIR"])


def _uploaded() -> bytes | None:
    """The bytes of the file chosen in the form's "bundle" field, or None when none was chosen."""
    upload = request.files.get("bundle")
    if upload is None or not upload.filename:
        return None
    return upload.stream.read(MAX_BUNDLE_UPLOAD + 1)


def _my_packs(db, publisher: str) -> list:
    rows = db.execute("SELECT pack_id, version, published_at FROM packs WHERE publisher = ? "
                      "ORDER BY published_at DESC", [publisher]).fetchall()
    return [dict(zip(("pack", "version", "published_at"), r)) for r in rows]


def _home(refusal: CheckRefused | None = None, status: int = 200):
    user = current_user()
    db = get_db()
    published = request.args.get("published")
    entry = None
    if published:
        packs_dir, keys_dir = _paths()
        entry = next((e for e in catalogue_view(db, packs_dir, keys_dir) if e["pack"] == published), None)
    from ..packs.audio_background import read_status
    return render_template("publisher/home.html", packs=_my_packs(db, user["publisher"] or user["username"]),
                           refusal=refusal, published=entry, audio=read_status(_paths()[0])), status


@bp.get("")
@role_required(*PUBLISHERS)
def home():
    """The publisher's start page: upload a bundle, the packs they published, what the last upload changed."""
    return _home()


@bp.post("/upload")
@role_required(*PUBLISHERS)
def upload():
    """Publish an uploaded bundle as the signed-in publisher; a refusal says why and what to do."""
    data = _uploaded()
    if data is None:
        return _home(CheckRefused("not_a_pack", _("Choose a pack file first.")), 422)
    user = current_user()
    packs_dir, keys_dir = _paths()
    try:
        result = check_and_publish(get_db(), data, packs_dir, keys_dir, user_id=user["id"],
                                   publisher=user["publisher"] or user["username"])
    except CheckRefused as exc:
        return _home(exc, 422)
    except TrustError as exc:  # anything publishing itself refuses after the check
        return _home(CheckRefused("tampered", str(exc)), 422)
    return redirect(url_for("publisher.home", published=result["body"]["pack"]) + "#published")


@bp.get("/catalogue")
@role_required(*READERS)
def catalogue():
    """Every published pack: titles per language, version, review status, sizes, publisher, what changed."""
    user = current_user()
    packs_dir, keys_dir = _paths()
    listing = catalogue_view(get_db(), packs_dir, keys_dir, user["id"] if user["role"] == "teacher" else None)
    return render_template("publisher/catalogue.html", packs=listing, assigned=request.args.get("assigned"))


@bp.get("/check")
@role_required(*READERS)
def check():
    """A form to check a pack file (e.g. one handed over on an SD card) without publishing it."""
    return render_template("publisher/check.html")


@bp.post("/check")
@role_required(*READERS)
def check_file():
    """Verify an uploaded pack file as publishing would and show the result, or why it would be refused."""
    data = _uploaded()
    if data is None:
        return render_template("publisher/check.html", refusal=CheckRefused("not_a_pack", _("Choose a pack file first."))), 422
    user = current_user()
    _packs_dir, keys_dir = _paths()
    publisher = (user["publisher"] or user["username"]) if user["role"] == "publisher" else None
    try:
        result = check_bundle(get_db(), data, keys_dir, publisher)
    except CheckRefused as exc:
        return render_template("publisher/check.html", refusal=exc, filename=request.files["bundle"].filename), 422
    return render_template("publisher/check.html", result=result, filename=request.files["bundle"].filename)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A file larger than any pack: refused on the page that sent it, in the words of every other door."""
    user = current_user()
    if user is None or user["role"] not in UPLOADS.get(request.endpoint or "", ()):
        return http_error(error)
    refusal = CheckRefused("not_a_pack", str(BundleRefused("not_a_pack", "larger than any pack")))
    if request.endpoint == "publisher.upload":
        return _home(refusal, 413)
    return render_template("publisher/check.html", refusal=refusal), 413

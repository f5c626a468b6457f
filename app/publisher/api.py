"""Publishing over HTTP: the bundle's own signature, checked against registered keys, is the credential."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from ..db import get_db
from ..packs.publishing import catalogue
from ..packs.signing import TrustError
from ..packs.unpack import BundleRefused
from .check import CheckRefused, check_and_publish

bp = Blueprint("publish", __name__, url_prefix="/api/v1")
MAX_BUNDLE_UPLOAD = 64 * 1024 * 1024


@bp.post("/packs")
def upload_pack():
    """Publish a signed pack bundle (application/octet-stream); refuse unknown publishers and tampering."""
    too_large = CheckRefused("not_a_pack", str(BundleRefused("not_a_pack", "larger than any pack")))
    if (request.content_length or 0) > MAX_BUNDLE_UPLOAD:
        return refusal(too_large, 413)
    try:
        data = request.get_data(cache=False)
    except RequestEntityTooLarge:  # sent without a length, and longer than any pack
        return refusal(too_large, 413)
    try:
        # The same checks as the publisher's web upload: a pack id stays with its first publisher, ids have safe shapes.
        body = check_and_publish(get_db(), data, Path(current_app.config["PACKS_DIR"]),
                                 Path(current_app.config["KEYS_DIR"]))["body"]
    except CheckRefused as exc:
        return refusal(exc, 422)
    except TrustError as exc:
        return jsonify({"error": str(exc)}), 422
    listing = {entry["pack"]: entry for entry in catalogue(get_db(), Path(current_app.config["PACKS_DIR"]) / "files")}
    return jsonify({"pack": body["pack"], "version": body["version"], "changes": listing[body["pack"]]["changes"]}), 201


def refusal(exc: CheckRefused, status: int):
    """A refused bundle as JSON: the one-line reason every door gives, its kind, and what to do."""
    return jsonify({"error": str(exc), "kind": exc.kind, "advice": exc.advice}), status


@bp.get("/packs")
def list_packs():
    """The catalogue: each pack's newest version, languages with review status, sizes and what changed."""
    return jsonify({"packs": catalogue(get_db(), Path(current_app.config["PACKS_DIR"]) / "files")})


def init_app(app) -> None:
    """Register the publishing API; allow bundle-sized uploads on its route only."""
    app.register_blueprint(bp)

    @app.before_request
    def allow_large_bundles():
        """Pack bundles exceed the 2 MB default request limit; nothing else may."""
        if request.path == "/api/v1/packs" and request.method == "POST":
            request.max_content_length = MAX_BUNDLE_UPLOAD

"""Pack delivery: immutable, pre-compressed files with Content-Encoding negotiated per request."""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, request, send_file

from ..db import get_db
from ..packs.blobs import fill
from ..packs.registry import latest_manifests, trusted_keys_for
from ..web.encoding import choose_encoding

bp = Blueprint("packs", __name__, url_prefix="/packs")
FILE_NAME = re.compile(r"^[0-9a-f]{64}\.(json|ogg|opus)$")
IMMUTABLE = "public, max-age=31536000, immutable"
TYPES = {"json": "application/json", "ogg": "audio/ogg", "opus": "audio/ogg"}


@bp.get("/files/<name>")
def pack_file(name):
    """One content-addressed pack file, in the best encoding the client accepts."""
    if not FILE_NAME.match(name):
        abort(404)
    files_dir = Path(current_app.config["PACKS_DIR"]) / "files"
    # This server's disk is a cache: a pack published through another server is fetched from the database once.
    if not fill(get_db(), files_dir, name):
        abort(404)
    base = files_dir / name
    available = [enc for enc, suffix in (("br", ".br"), ("gzip", ".gz")) if Path(f"{base}{suffix}").exists()]
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""), available)
    path = {"br": Path(f"{base}.br"), "gzip": Path(f"{base}.gz")}.get(encoding, base)
    response = send_file(path, mimetype=TYPES[name.rsplit(".", 1)[1]], conditional=True, etag=name.split(".")[0])
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = IMMUTABLE
    return response


@bp.get("/index.json")
def pack_index():
    """The newest signed manifest of every published pack (short cache: it changes on publish)."""
    from .assets import asset_response
    manifests = latest_manifests(get_db())
    data = json.dumps({"packs": [{"pack": pid, "version": body["version"], "manifest": json.loads(text)}
                                 for pid, (text, body) in sorted(manifests.items())]}, separators=(",", ":"))
    # Compressed: phones fetch this on every cold start, on slow lines (manifests list no audio clips).
    return asset_response(data.encode(), "application/json", "no-cache", quality=9)


@bp.get("/<pack_id>/<version>/manifest.json")
def pack_manifest(pack_id, version):
    """The signed manifest of one published version: its documents never change, but audio may be added once."""
    row = next(iter(get_db()["packs"].rows_where("pack_id = ? AND version = ?", [pack_id, version])), None)
    if row is None:
        abort(404)
    from .assets import asset_response
    # Revalidated (ETag) rather than immutable: a version published before its audio was rendered gains it later.
    return asset_response(row["manifest"].encode(), "application/json", "no-cache", quality=9)


@bp.get("/keys.json")
def publisher_keys():
    """The publisher keys this server trusts, for phones to verify packs with."""
    keys = trusted_keys_for(get_db(), Path(current_app.config["KEYS_DIR"]))
    response = jsonify({"keys": sorted(keys.values(), key=lambda k: k["key_id"])})
    response.headers["Cache-Control"] = "no-cache"
    return response


def init_app(app) -> None:
    """Register the pack delivery blueprint and publish any built packs found in PACKS_DIR."""
    app.register_blueprint(bp)
    from ..db import connect
    from ..packs.registry import publish_built_folder
    packs_dir = Path(app.config["PACKS_DIR"])
    if packs_dir.exists():
        db = connect(app.config["DATABASE"])
        try:
            for manifest, error in publish_built_folder(db, packs_dir, trusted_keys_for(db, Path(app.config["KEYS_DIR"]))):
                if error:
                    app.logger.warning("refused pack %s: %s", manifest, error)
        finally:
            db.close()

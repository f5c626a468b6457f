"""Views that deliver the student app; every /app/ page after the shell is answered by the service worker."""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory

from .assets import IMMUTABLE, asset_response, read_file
from .shell_files import htmx_file, i18n_files, shell_version, sw_dir

bp = Blueprint("student", __name__, template_folder="templates")
MODULE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}\.js$")
JS = "text/javascript"


@bp.get("/")
def shell():
    """The app shell: tiny, cached by the service worker, and enough to start it."""
    html = render_template("student/shell.html", htmx=htmx_file(), version=shell_version())
    return asset_response(html.encode("utf-8"), "text/html")


@bp.get("/manifest.webmanifest")
def web_manifest():
    """The web app manifest, so the app installs to the home screen."""
    manifest = {
        "name": "Abhyas", "short_name": "Abhyas", "description": "Maths homework, online or offline",
        "start_url": "/", "scope": "/", "display": "standalone", "orientation": "portrait",
        "background_color": "#ffffff", "theme_color": "#1a5f7a", "lang": "en",
        "icons": [{"src": f"/static/icons/icon-{size}.png", "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any maskable"} for size in (192, 512)],
    }
    return asset_response(json.dumps(manifest).encode(), "application/manifest+json")


@bp.get("/sw.js")
def service_worker():
    """The service worker, scoped to the whole site; never cached over HTTP so updates are seen."""
    data, _sha = read_file(sw_dir() / "sw.js")
    return asset_response(data, JS, extra_headers={"Service-Worker-Allowed": "/"})


@bp.get("/sw/version.js")
def service_worker_version():
    """The shell's version and the files it precaches: any change here installs a new worker."""
    body = (f"// Made by the server from the shell's files; a new value installs a new service worker.\n"
            f"export const VERSION = {json.dumps(shell_version())};\n"
            f"export const SHELL = {json.dumps(precache_list())};\n")
    return asset_response(body.encode(), JS)


@bp.get("/sw/<name>")
def service_worker_module(name):
    """One ES module of the service worker."""
    if not MODULE_NAME.match(name) or not (sw_dir() / name).is_file():
        abort(404)
    data, _sha = read_file(sw_dir() / name)
    return asset_response(data, JS)


@bp.route("/app/", defaults={"rest": ""}, methods=["GET", "POST"])
@bp.route("/app/<path:rest>", methods=["GET", "POST"])
def not_controlled(rest):
    """Reached only before the service worker controls the page: ask for a reload instead of failing."""
    return render_template("student/starting.html"), 200


def precache_list() -> list[str]:
    """Everything the shell needs offline."""
    return (["/", f"/static/{htmx_file()}", "/static/app.js", "/manifest.webmanifest",
             "/static/icons/icon-192.png", "/static/icons/icon-512.png"]
            + [f"/static/i18n/{path.name}" for path in i18n_files()])


def compressed_static(filename):
    """The app's /static/ route, serving text files brotli- or gzip-compressed."""
    folder = Path(current_app.static_folder)
    path = (folder / filename).resolve()
    if folder.resolve() not in path.parents or not path.is_file():
        abort(404)
    mimetype = {".js": JS, ".json": "application/json", ".css": "text/css", ".svg": "image/svg+xml",
                ".png": "image/png"}.get(path.suffix)
    if mimetype is None:
        return send_from_directory(folder, filename)
    data, _sha = read_file(path)
    versioned = re.search(r"-\d+\.\d+\.\d+\.min\.js$", path.name)
    return asset_response(data, mimetype, IMMUTABLE if versioned else "no-cache")

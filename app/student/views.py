"""Views that deliver the student app; every /app/ page after the shell is answered by the service worker."""
from __future__ import annotations

import json
import re
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template, send_from_directory

from ..web.security_headers import csp_allowing_script
from .assets import IMMUTABLE, asset_response, read_file
from .bundle import service_worker_script
from .shell_files import (
    boot_script,
    boot_script_csp,
    htmx_file,
    i18n_files,
    shell_version,
    sw_dir,
)

bp = Blueprint("student", __name__, template_folder="templates")
JS = "text/javascript"


@bp.get("/")
def shell():
    """The app shell: tiny, cached by the service worker, and enough to start it."""
    html = render_template("student/shell.html", htmx=htmx_file(), version=shell_version(), boot=boot_script())
    return asset_response(html.encode("utf-8"), "text/html", extra_headers={
        "Vary": "Accept-Encoding, Accept-Language", "Content-Security-Policy": csp_allowing_script(boot_script_csp())})


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
    """The service worker, scoped to the whole site, as one script; never cached over HTTP so updates are seen."""
    script = service_worker_script(sw_dir(), shell_version(), precache_list(), student_catalogs())
    return asset_response(script.encode("utf-8"), JS, extra_headers={"Service-Worker-Allowed": "/"})


@bp.route("/app/", defaults={"rest": ""}, methods=["GET", "POST"])
@bp.route("/app/<path:rest>", methods=["GET", "POST"])
def not_controlled(rest):
    """Reached only before the service worker controls the page: ask for a reload instead of failing."""
    return render_template("student/starting.html"), 200


def student_catalogs() -> dict:
    """Each locale's catalog cut down to the strings the offline app uses (the teacher's stay out)."""
    wanted = student_msgids()
    catalogs = {}
    for path in i18n_files():
        catalog = json.loads(read_file(path)[0])
        catalog["messages"] = {k: v for k, v in catalog["messages"].items() if k in wanted}
        catalogs[path.stem] = catalog
    return catalogs


def student_msgids() -> set:
    """The msgids listed in service_worker/messages.js."""
    text = read_file(sw_dir() / "messages.js")[0].decode("utf-8")
    return set(re.findall(r'(?:N_|ngettext)\("((?:[^"\\]|\\.)+)"', text))


def precache_list() -> list[str]:
    """What the shell needs offline (the UI catalogs travel inside the worker script itself)."""
    return ["/", f"/static/{htmx_file()}", "/static/app.js"]


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

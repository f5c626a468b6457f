"""How the teacher's pages travel: HTML compressed like the API's JSON, and a favicon so no browser logs a 404."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, send_file

from ..web.encoding import compress_reply
from .blueprint import bp

ICON = Path("icons") / "icon-192.png"


@bp.after_request
def compress_page(response):
    """Brotli or gzip a teacher HTML page the browser accepts compressed; anything else is left as it is."""
    return compress_reply(response, "text/html")


def favicon():
    """The app's icon at /favicon.ico, where browsers look for it unasked."""
    response = send_file(Path(current_app.static_folder) / ICON, mimetype="image/png", max_age=7 * 86400)
    return response


def init_app(app) -> None:
    """Serve /favicon.ico (the teacher pages' compression is registered with the blueprint)."""
    app.add_url_rule("/favicon.ico", "favicon", favicon)

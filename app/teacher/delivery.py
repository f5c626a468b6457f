"""How the teacher's pages travel: HTML compressed like the API's JSON, and a favicon so no browser logs a 404."""
from __future__ import annotations

import gzip
from pathlib import Path

import brotli
from flask import current_app, request, send_file

from ..web.encoding import choose_encoding
from .blueprint import bp

MIN_BYTES = 512
BROTLI_QUALITY = 5  # each page is compressed once, as it is made: fast settings, most of the gain
ICON = Path("icons") / "icon-192.png"


@bp.after_request
def compress_page(response):
    """Brotli or gzip a teacher HTML page the browser accepts compressed; anything else is left as it is."""
    if (response.direct_passthrough or response.mimetype != "text/html"
            or "Content-Encoding" in response.headers or response.status_code < 200):
        return response
    response.vary.add("Accept-Encoding")
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""), ["br", "gzip"])
    if encoding == "identity":
        return response
    body = brotli.compress(data, quality=BROTLI_QUALITY) if encoding == "br" else gzip.compress(data, 6, mtime=0)
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    return response


def favicon():
    """The app's icon at /favicon.ico, where browsers look for it unasked."""
    response = send_file(Path(current_app.static_folder) / ICON, mimetype="image/png", max_age=7 * 86400)
    return response


def init_app(app) -> None:
    """Serve /favicon.ico (the teacher pages' compression is registered with the blueprint)."""
    app.add_url_rule("/favicon.ico", "favicon", favicon)

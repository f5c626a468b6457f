"""The teacher's service worker: the last viewed pages stay readable offline, marked with when they were fetched."""
from __future__ import annotations

from pathlib import Path

from flask import current_app

from .blueprint import bp

SW_PATH = Path(__file__).with_name("sw.js")


@bp.get("/sw.js")
def service_worker():
    """The teacher service worker, scoped to /teacher/ and separate from the student app's."""
    response = current_app.response_class(SW_PATH.read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    return response

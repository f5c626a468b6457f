"""Error replies: JSON with a reason under /api/, a small page elsewhere; never a traceback."""
from __future__ import annotations

import errno

from flask import current_app, jsonify, request
from markupsafe import escape
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError
from werkzeug.routing import IntegerConverter

from ..store import OPERATIONAL_ERRORS
from .operator_log import ops_event

# Plain formatting, not a template: an error page must not depend on what may have failed (database, context).
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{code} {name} · Abhyas</title></head>
<body><main><h1>{name}</h1><p>{reason}</p><p><a href="/">Abhyas</a></p></main></body></html>
"""
# Werkzeug's default descriptions speak to developers; these speak to the teacher or student who sees them.
REASONS = {
    400: "The request could not be read.",
    401: "Sign in first.",
    403: "Your account cannot open this page.",
    404: "There is nothing here.",
    405: "This address does not take that kind of request.",
    413: "What was sent is too large.",
    429: "Too many requests. Wait a little and try again.",
    500: "Something went wrong on the server. Try again; if it keeps happening, tell the administrator.",
    503: "The server cannot store anything right now. Nothing was lost on your side; try again in a minute.",
}
# A full, read-only or failing disk: the server cannot write, and says so instead of failing.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EIO}
RETRY_AFTER_SECONDS = 30


def wants_json() -> bool:
    """True for the JSON API (phones and the publish command read errors as JSON)."""
    return request.path.startswith("/api/")


def _reason(error: HTTPException) -> str:
    # A view's own description (e.g. the CSRF check's) is meant for people; Werkzeug's stock ones are not.
    stock = type(error).description
    if error.description and error.description != stock:
        return str(error.description)
    return REASONS.get(error.code, error.name)


def http_error(error: HTTPException):
    """Any HTTP error (400, 404, 405, 413, 429, ...) as JSON under /api/, else as a small page; headers kept."""
    if error.code is None:
        return error
    reason = _reason(error)
    if wants_json():
        response = jsonify({"error": reason})
    else:
        page = PAGE.format(code=error.code, name=escape(error.name), reason=escape(reason))
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = error.code
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # keeps Allow on 405, Retry-After on 429
            response.headers[name] = value
    return response


def server_error(error: InternalServerError):
    """An unexpected failure: logged by Flask with its traceback, answered with one plain sentence."""
    return http_error(InternalServerError())


def storage_unavailable(error: Exception):
    """The database or disk cannot write (full, read-only, locked too long): 503 with Retry-After, one log line.

    Every write runs in one transaction, so what failed was rolled back whole: a sync that gets
    this answer was acknowledged nothing, and the phone keeps its outbox and retries.
    """
    if isinstance(error, OSError) and error.errno not in STORAGE_ERRNOS:
        current_app.logger.error("unexpected failure", exc_info=error)
        return server_error(InternalServerError())
    ops_event("storage_unavailable", path=request.path, method=request.method,
              error=type(error).__name__, detail=str(error)[:200])
    reason = REASONS[503]
    if wants_json():
        response = jsonify({"error": reason})
    else:
        page = PAGE.format(code=503, name="Service Unavailable", reason=escape(reason))
        response = current_app.response_class(page, mimetype="text/html")
    response.status_code = 503
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


class DatabaseId(IntegerConverter):
    """<int:...> in a URL: an id the database can hold (64-bit), so /students/99999999999999999999 is a plain 404."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2 ** 63 - 1)
        super().__init__(url_map, *args, **kwargs)


def number_too_large(_error: OverflowError):
    """A number from a form that no column can hold: the request is refused, nothing is written."""
    return http_error(BadRequest("A number in the request is too large."))


def init_app(app) -> None:
    """Register the handlers for every HTTP error, for storage faults and for unexpected exceptions."""
    app.register_error_handler(OverflowError, number_too_large)
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)
    for error in OPERATIONAL_ERRORS:  # either engine's "cannot serve right now": locked, gone, restarting
        app.register_error_handler(error, storage_unavailable)
    app.register_error_handler(OSError, storage_unavailable)

"""Error replies: JSON with a reason under /api/, a small page elsewhere; never a traceback."""
from __future__ import annotations

from flask import current_app, jsonify, request
from markupsafe import escape
from werkzeug.exceptions import HTTPException, InternalServerError

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
}


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


def init_app(app) -> None:
    """Register the handlers for every HTTP error and for unexpected exceptions."""
    app.register_error_handler(HTTPException, http_error)
    app.register_error_handler(InternalServerError, server_error)

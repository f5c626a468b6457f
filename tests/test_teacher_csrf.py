"""CSRF: every state-changing teacher request needs the session's token, from the form or the htmx header."""
from __future__ import annotations

from flask import Blueprint

from app.auth import csrf
from tests.teacher_fixtures import asha, db, world  # noqa: F401


def test_post_without_a_token_is_refused(asha, db):
    """No token, an empty one or another session's: 400, and nothing changes."""
    client, _token = asha
    before = db.execute("SELECT count(*) FROM classes").fetchone()[0]
    for data in ({"name": "No token"}, {"name": "Empty", "csrf_token": ""}, {"name": "Forged", "csrf_token": "a" * 43}):
        assert client.post("/teacher/classes", data=data).status_code == 400
    assert client.post("/teacher/classes", data={"name": "Header"}, headers={"X-CSRF-Token": "nope"}).status_code == 400
    assert db.execute("SELECT count(*) FROM classes").fetchone()[0] == before


def test_form_field_and_htmx_header_both_work(asha, db):
    """The form's hidden field and htmx's X-CSRF-Token header (from hx-headers) are both accepted."""
    client, token = asha
    assert client.post("/teacher/classes", data={"name": "By form", "csrf_token": token}).status_code == 302
    assert client.post("/teacher/classes", data={"name": "By htmx"}, headers={"X-CSRF-Token": token,
                                                                               "HX-Request": "true"}).status_code == 302
    names = {row[0] for row in db.execute("SELECT name FROM classes")}
    assert {"By form", "By htmx"} <= names


def test_pages_carry_the_token_for_htmx(asha):
    """Every page puts the token in hx-headers on <body>, so every htmx request sends it."""
    client, token = asha
    html = client.get("/teacher/classes").get_data(as_text=True)
    assert f"hx-headers='{{\"X-CSRF-Token\": \"{token}\"}}'" in html


def test_the_module_protects_any_blueprint(app):
    """csrf.protect(bp) guards another blueprint the same way (for the lead's admin or publisher pages)."""
    from flask import Flask, session
    other = Flask(__name__)
    other.config.update(SECRET_KEY="k", TESTING=True)
    bp = Blueprint("other", __name__)
    csrf.protect(bp)

    @bp.route("/t", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
    def t():
        return csrf.csrf_token() if session is not None else ""

    other.register_blueprint(bp)
    client = other.test_client()
    token = client.get("/t").get_data(as_text=True)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/t", method=method).status_code == 400
        assert client.open("/t", method=method, headers={"X-CSRF-Token": token}).status_code == 200
    assert client.post("/t", data={"csrf_token": token}).status_code == 200


def test_phone_api_is_not_affected(client, world):
    """The bearer-token sync API takes no CSRF token (a browser never sends a bearer token by itself)."""
    response = client.post("/api/v1/join", json={"class_code": world["class"]["code"],
                                                  "pin": world["students"][0]["pin"]})
    assert response.status_code == 200

"""Teacher sign-in and sign-out, and the rule that every teacher page needs a signed-in teacher."""
from __future__ import annotations

import re

from tests.teacher_fixtures import PASSWORD, asha, csrf_from, db, sign_in, world  # noqa: F401

PUBLIC = {"teacher.home", "teacher.sign_in", "teacher.service_worker", "teacher.static"}


def _teacher_rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("teacher.") and rule.endpoint not in PUBLIC:
            yield rule


def _url(rule, world) -> str:
    values = {"class_id": world["class"]["id"], "student_id": world["students"][0]["id"],
              "set_id": next(iter(world["sets"].values()), "x"), "mc": "sample.add_across", "table": "events",
              "device_id": 1, "sheet": "progress", "key": "0" * 12}
    return rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]


def test_sign_in_page_has_the_contract_names(client):
    """Fields "Username" and "Password" and a "Sign in" button, found by their labels."""
    html = client.get("/teacher").get_data(as_text=True)
    assert re.search(r'<label for="username">Username</label>\s*<input id="username"', html)
    assert re.search(r'<label for="password">Password</label>\s*<input id="password"[^>]*type="password"', html)
    assert "<button class=\"primary\">Sign in</button>" in html


def test_wrong_password_is_refused_and_starts_no_session(client, world):
    """A wrong password gets 401 and the pages stay closed."""
    token = csrf_from(client)
    response = client.post("/teacher/sign-in", data={"username": "asha", "password": "nope", "csrf_token": token})
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/teacher/classes").status_code == 302


def test_sign_in_sets_a_hardened_cookie_and_sign_out_ends_it(client, world):
    """The session cookie is HttpOnly and SameSite; signing out closes the pages again."""
    token = csrf_from(client)
    response = client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/teacher/classes")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/teacher/classes").status_code == 200
    token = csrf_from(client, "/teacher/classes")
    assert client.post("/teacher/sign-out", data={"csrf_token": token}).status_code == 302
    assert client.get("/teacher/classes").status_code == 302


def test_sign_in_rotates_the_csrf_token(client, world):
    """A token seen before sign-in is worthless after it (no login CSRF fixation)."""
    before = csrf_from(client)
    after = sign_in(client, "asha")
    assert before != after
    assert client.post("/teacher/classes", data={"name": "X", "csrf_token": before}).status_code == 400


def test_next_only_goes_inside_the_teacher_pages(client, world):
    """After sign-in the teacher returns to where they were, never to another site."""
    token = csrf_from(client)
    for target, expected in (("/teacher/classes/1", "/teacher/classes/1"), ("//evil.example/x", "/teacher/classes"),
                             ("https://evil.example", "/teacher/classes")):
        client.post("/teacher/sign-out", data={"csrf_token": token})
        token = csrf_from(client)
        response = client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD,
                                                          "csrf_token": token, "next": target})
        assert response.headers["Location"].endswith(expected)
        token = csrf_from(client, "/teacher/classes")


def test_other_roles_sign_in_to_their_own_pages_not_the_teachers(client, world):
    """A publisher signs in on the same form but lands on /publish, and the teacher pages answer 403."""
    token = csrf_from(client)
    response = client.post("/teacher/sign-in", data={"username": "pub", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/publish")
    assert client.get("/teacher/classes").status_code == 403
    assert client.get("/teacher").headers["Location"].endswith("/publish")
    with client.session_transaction() as session:
        session["uid"] = world["publisher"]
    assert client.get("/teacher/classes").status_code == 403


def test_every_teacher_route_needs_a_signed_in_teacher(app, client, world):
    """GETs redirect to sign-in, other methods (and htmx requests) get 401: nothing leaks."""
    checked = 0
    token = csrf_from(client)  # a valid token of a session that never signed in
    for rule in _teacher_rules(app):
        url = _url(rule, world)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client.open(url, method=method, data={"csrf_token": token})
            if method == "GET":
                assert response.status_code == 302 and "/teacher?next=" in response.headers["Location"], url
                htmx = client.get(url, headers={"HX-Request": "true"})
                assert htmx.status_code == 401 and htmx.headers["HX-Redirect"] == "/teacher", url
            else:
                assert response.status_code == 401, (method, url, response.status_code)
            checked += 1
    assert checked >= 29


def test_repeated_wrong_passwords_are_slowed_down(client, world):
    """Ten wrong passwords for one name from one address: the eleventh try is refused (429), even a right one."""
    from app.teacher import auth
    token = csrf_from(client)
    for _ in range(auth.MAX_FAILURES):
        client.post("/teacher/sign-in", data={"username": "asha", "password": "x", "csrf_token": token})
    response = client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 429

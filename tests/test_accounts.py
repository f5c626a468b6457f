"""Accounts: made on the command line or by an admin, scrypt-hashed, one sign-in form landing each role at home."""
from __future__ import annotations

import io
import json
import time

import pytest

from app import cli
from app.auth.accounts import AccountError, create_user, role_home, set_password
from app.db import connect
from tests.security_fixtures import NGO, accounts, sign_in_as  # noqa: F401
from tests.teacher_fixtures import PASSWORD, csrf_from, db, world  # noqa: F401


def test_cli_prints_a_generated_password_once_and_stores_only_its_hash(instance, capsys):
    """`abhyas users add` makes the account, prints a random password, and the database holds a scrypt hash."""
    assert cli.main(["users", "add", "Root", "--role", "admin", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["username"] == "root" and shown["role"] == "admin" and len(shown["password"]) >= 16
    stored = connect().execute("SELECT password_hash FROM users WHERE username = 'root'").fetchone()[0]
    assert stored.startswith("scrypt:") and shown["password"] not in stored


def test_cli_reads_a_password_from_stdin_and_never_prints_it(instance, capsys, monkeypatch):
    """--password-stdin takes the first line of stdin; the output does not repeat it."""
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    assert cli.main(["users", "add", "sahayak", "--role", "publisher", "--publisher", NGO, "--password-stdin"]) == 0
    out = capsys.readouterr().out
    assert "a long enough secret" not in out and f"publishes as '{NGO}'" in out
    from app.auth.passwords import check_password
    row = connect().execute("SELECT password_hash, publisher FROM users WHERE username = 'sahayak'").fetchone()
    assert check_password(row[0], "a long enough secret") and row[1] == NGO


def test_cli_refuses_bad_accounts_with_one_line(instance, capsys, monkeypatch):
    """A taken name, a bad role or a short password: exit 1 and one line on stderr."""
    assert cli.main(["users", "add", "asha", "--role", "teacher"]) == 0
    capsys.readouterr()
    assert cli.main(["users", "add", "asha", "--role", "teacher"]) == 1
    assert capsys.readouterr().err.strip() == "abhyas: the username 'asha' is taken"
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert cli.main(["users", "add", "bina", "--role", "teacher", "--password-stdin"]) == 1
    assert "at least 10 characters" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["users", "add", "x", "--role", "root"])


def test_usernames_publisher_names_and_roles_are_checked(db):
    """Only sane usernames; a publisher name only for publishers; roles from the list."""
    for bad in ("", "a", "has space", "x" * 41, "../x"):
        with pytest.raises(AccountError):
            create_user(db, bad, "teacher")
    with pytest.raises(AccountError):
        create_user(db, "t1", "teacher", publisher=NGO)
    with pytest.raises(AccountError):
        create_user(db, "t2", "superuser")
    with pytest.raises(AccountError):
        create_user(db, "p1", "publisher", publisher="bad name/..")
    user, password = create_user(db, "p2", "publisher")
    assert user["publisher"] == "p2" and "password_hash" not in user and len(password) == 16


def test_each_role_lands_on_its_own_home(client, accounts, world):
    """The one sign-in form sends a teacher to classes, a publisher to /publish, an admin to /admin."""
    for username, home in (("asha", "/teacher/classes"), ("sahayak", "/publish"), ("root", "/admin")):
        with client.session_transaction() as session:
            session.clear()
        response = client.post("/teacher/sign-in", data={"username": username, "password": PASSWORD,
                                                          "csrf_token": csrf_from(client)})
        assert response.headers["Location"] == home
        assert client.get(home).status_code == 200
    assert role_home("nobody") == "/teacher"


def test_next_stays_inside_the_roles_own_area(client, accounts, world):
    """After sign-in a publisher may return to /publish/..., never to an admin page or another site."""
    for target, expected in (("/publish/catalogue", "/publish/catalogue"), ("/admin/users", "/publish"),
                             ("//evil.example/x", "/publish"), ("/teacher/classes", "/publish")):
        with client.session_transaction() as session:
            session.clear()
        response = client.post("/teacher/sign-in", data={"username": "sahayak", "password": PASSWORD,
                                                          "csrf_token": csrf_from(client), "next": target})
        assert response.headers["Location"] == expected, target


def test_a_new_password_ends_every_older_session(app, client, accounts, world, db):
    """Someone holding a stolen session cookie loses it when the password is reset."""
    sign_in_as(client, "asha")
    assert client.get("/teacher/classes").status_code == 200
    time.sleep(0.01)
    set_password(db, world["asha"], "a brand new password")
    assert client.get("/teacher/classes").status_code == 302
    fresh = app.test_client()
    sign_in_as(fresh, "asha", "a brand new password")
    assert fresh.get("/teacher/classes").status_code == 200


def test_sign_in_limits_hold_across_workers(app, client, world):
    """Failures are counted in the database: a second app on the same database (another worker) refuses too."""
    from app import create_app
    from app.auth.sign_in_limits import MAX_FAILURES
    token = csrf_from(client)
    for _ in range(MAX_FAILURES):
        client.post("/teacher/sign-in", data={"username": "asha", "password": "wrong", "csrf_token": token})
    other = create_app({"TESTING": True, "DATABASE": app.config["DATABASE"]}).test_client()
    response = other.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD,
                                                     "csrf_token": csrf_from(other)})
    assert response.status_code == 429
    # Another account from the same address is still open until the per-address limit.
    assert other.post("/teacher/sign-in", data={"username": "bina", "password": PASSWORD,
                                                "csrf_token": csrf_from(other)}).status_code == 302


def test_one_address_trying_many_accounts_is_stopped(client, world):
    """Thirty failures across usernames from one address block that address's sign-ins for a while."""
    from app.auth.sign_in_limits import MAX_FAILURES_PER_CLIENT
    token = csrf_from(client)
    for n in range(MAX_FAILURES_PER_CLIENT):
        client.post("/teacher/sign-in", data={"username": f"guess{n}", "password": "x", "csrf_token": token})
    assert client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD,
                                                 "csrf_token": token}).status_code == 429


def test_behind_the_proxy_each_client_has_its_own_limit(client, world, monkeypatch):
    """The proxy's X-Forwarded-For separates clients; a forged one from an untrusted peer is ignored."""
    from app.auth.sign_in_limits import MAX_FAILURES_PER_CLIENT
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "127.0.0.1")
    token = csrf_from(client)
    for n in range(MAX_FAILURES_PER_CLIENT):
        client.post("/teacher/sign-in", data={"username": f"guess{n}", "password": "x", "csrf_token": token},
                    headers={"X-Forwarded-For": "forged, 203.0.113.7"})
    blocked = client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD, "csrf_token": token},
                          headers={"X-Forwarded-For": "203.0.113.7"})
    assert blocked.status_code == 429
    other = client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD, "csrf_token": token},
                        headers={"X-Forwarded-For": "198.51.100.2"})
    assert other.status_code == 302
    with client.session_transaction() as session:
        session.clear()
    client.environ_base["REMOTE_ADDR"] = "192.0.2.50"
    token = csrf_from(client)
    for n in range(MAX_FAILURES_PER_CLIENT):
        client.post("/teacher/sign-in", data={"username": f"guess{n}", "password": "x", "csrf_token": token},
                    headers={"X-Forwarded-For": f"10.0.0.{n}"})
    assert client.post("/teacher/sign-in", data={"username": "asha", "password": PASSWORD, "csrf_token": token},
                       headers={"X-Forwarded-For": "10.0.0.99"}).status_code == 429

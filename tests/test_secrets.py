"""The session secret: one per database, so every server on it accepts every other's signed sessions."""
from __future__ import annotations

from app import create_app
from tests.teacher_fixtures import make_user, sign_in


def _server(instance_folder, monkeypatch, db_path):
    """An app server with its own instance folder on the shared database."""
    instance_folder.mkdir()
    monkeypatch.setenv("ABHYAS_INSTANCE", str(instance_folder))
    return create_app({"TESTING": True, "DATABASE": db_path})


def test_a_teacher_signed_in_through_one_server_is_signed_in_on_another(instance, tmp_path, monkeypatch, new_database):
    shared = new_database("shared.db")
    a = _server(tmp_path / "a", monkeypatch, shared)
    b = _server(tmp_path / "b", monkeypatch, shared)
    assert a.config["SECRET_KEY"] == b.config["SECRET_KEY"]
    assert not (tmp_path / "a" / "secret_key").exists(), "the secret is in the database, not one machine's disk"
    from app.db import connect
    make_user(connect(shared), "asha")
    on_a = a.test_client()
    token = sign_in(on_a, "asha")
    on_b = b.test_client()
    on_b.set_cookie("session", on_a.get_cookie("session").value)
    assert on_b.get("/teacher/classes").status_code == 200
    # The CSRF token lives in the signed session too: a form from A posts through B.
    created = on_b.post("/teacher/classes", data={"name": "7B", "csrf_token": token})
    assert created.status_code == 302, created.get_data(as_text=True)[:300]
    assert connect(shared).execute("SELECT count(*) FROM classes WHERE name = '7B'").fetchone()[0] == 1


def test_an_older_instances_secret_file_becomes_the_shared_secret(instance, monkeypatch):
    (instance / "secret_key").write_text("from-before-the-upgrade\n")
    app = create_app({"TESTING": True})
    assert app.config["SECRET_KEY"] == "from-before-the-upgrade"
    from app.db import connect
    stored = connect(app.config["DATABASE"]).execute(
        "SELECT value FROM settings WHERE key = 'session_secret'").fetchone()[0]
    assert stored == "from-before-the-upgrade"


def test_the_environment_overrides_the_stored_secret(instance, monkeypatch):
    stored = create_app({"TESTING": True}).config["SECRET_KEY"]
    monkeypatch.setenv("ABHYAS_SECRET_KEY", "from-the-deployment")
    assert create_app({"TESTING": True}).config["SECRET_KEY"] == "from-the-deployment" != stored


def test_servers_starting_together_agree_on_one_secret(instance, new_database):
    """Four servers' first start at the same moment: each offers a secret, the first stored is everyone's."""
    import threading

    from app.auth.secrets import load_secret_key
    from app.db import connect
    target = new_database("fresh.db")
    connect(target).close()
    barrier, found = threading.Barrier(4), []

    def start():
        db = connect(target)
        barrier.wait()
        found.append(load_secret_key(db))

    threads = [threading.Thread(target=start) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(found) == 4 and len(set(found)) == 1 and len(found[0]) == 64

"""Authorization everywhere: every route in the URL map × every role × someone else's object is denied.

The routes come from `app.url_map`, so a new route cannot escape: it either uses
`roles.role_required` (which records its roles on the view) or is listed below as public,
device-only, signature-only or sign-out, else `test_every_route_is_classified` fails.
Teacher routes act on teacher B's class, student, set and phone; every role but B (and,
for the routes without an object, any teacher) must be refused — 401, 403, 404, or a
redirect to sign-in for a page — and nothing in the database or the packs folder may change.
"""
from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app.packs.publishing import register_publisher_key
from app.sync.devices import issue_token
from tests.db_rows import every_row
from tests.security_fixtures import NGO, accounts, ngo, sign_in_as, token_on  # noqa: F401
from tests.teacher_fixtures import db, world  # noqa: F401

# Open to everyone, each for a reason: the student app and its offline worker, pack files and keys phones
# verify themselves, joining with a class code and PIN, the API description, the sign-in form, the catalogue API,
# the health check a load balancer polls.
PUBLIC = {
    "student.shell", "student.web_manifest", "student.service_worker", "student.not_controlled", "static",
    "packs.pack_file", "packs.pack_index", "packs.pack_manifest", "packs.publisher_keys",
    "sync.join", "sync.openapi", "publish.list_packs", "teacher.home", "teacher.sign_in", "teacher.service_worker",
    "health.healthz", "favicon",
}
DEVICE_ONLY = {"sync.sync", "sync.undo_join"}  # a student's device token, never a session
SIGNATURE_ONLY = {"publish.upload_pack"}    # the bundle's signature by a registered key is the credential
SIGNED_IN = {"teacher.sign_out"}            # any signed-in role ends its own session
# Routes a teacher may use without someone else's object: her class list, a new class, the catalogue, the check.
TEACHER_OWNERLESS = {"teacher.classes", "teacher.create_class", "publisher.catalogue", "publisher.check",
                     "publisher.check_file", "teacher.choose_language"}
ROLES = ("anonymous", "student", "teacher_a", "teacher_b", "publisher", "admin")
SESSION_ROLE = {"teacher_a": "teacher", "teacher_b": "teacher", "publisher": "publisher", "admin": "admin"}


def endpoint_roles(app, endpoint: str):
    """The roles a view admits (recorded by roles.role_required), or None for a view without the check."""
    return getattr(app.view_functions[endpoint], "allowed_roles", None)


def routes(app):
    """(endpoint, rule, method) for every route the app serves."""
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, rule, method


def test_every_route_is_classified(app):
    """A route without a role check must be on one of the explicit lists; a listed route must still exist."""
    unlisted, seen = [], set()
    for endpoint, rule, _method in routes(app):
        seen.add(endpoint)
        listed = endpoint in PUBLIC | DEVICE_ONLY | SIGNATURE_ONLY | SIGNED_IN
        if endpoint_roles(app, endpoint) is None and not listed:
            unlisted.append(f"{rule.rule} ({endpoint})")
        assert not (listed and endpoint_roles(app, endpoint)), f"{endpoint} is listed but also role-checked"
    assert unlisted == [], f"routes with no role check and not listed as public: {unlisted}"
    assert (PUBLIC | DEVICE_ONLY | SIGNATURE_ONLY | SIGNED_IN | TEACHER_OWNERLESS) - seen == set()


@pytest.fixture
def matrix(app, world, accounts, db, ngo):
    """A client per role, the URL values of teacher B's objects, and form data that would change them."""
    register_publisher_key(db, NGO, ngo.public, admin_id=accounts["admin"])
    # Teacher B is Bina, owner of class 7C with the student Omar, his proposed set and his phone.
    omar = world["other_student"]
    set_id = db.execute("SELECT id FROM sets WHERE student_id = ?", [omar["id"]]).fetchone()[0]
    device_id = db.execute("SELECT id FROM devices WHERE student_id = ?", [omar["id"]]).fetchone()[0]
    student_token = issue_token(db, omar["id"], "Omar's phone")
    pack = db.execute("SELECT pack_id, version, manifest FROM packs").fetchone()
    file_name = Path(json.loads(json.loads(pack[2])["body"])["files"][0]["path"]).name
    values = {"class_id": world["other_class"]["id"], "student_id": omar["id"], "set_id": set_id,
              "device_id": device_id, "mc": "sample.add_across", "table": "events",
              "key_id": db.execute("SELECT key_id FROM publisher_keys").fetchone()[0], "user_id": world["asha"],
              "pack_id": pack[0], "version": pack[1], "name": file_name, "filename": "teacher.css", "rest": "x",
              "sheet": "progress", "key": _group_key_of(db, set_id)}
    clients, tokens = {}, {}
    for role in ROLES:
        client = app.test_client()
        username = {"teacher_a": "asha", "teacher_b": "bina", "publisher": "sahayak", "admin": "root"}.get(role)
        tokens[role] = sign_in_as(client, username) if username else token_on(client, "/teacher")
        if role == "student":
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {student_token}"
        clients[role] = client
    bundle = ngo.bundle("2.0.0")

    def form(role):
        """Everything a POST to any route could want, aimed at B's objects, with the role's CSRF token."""
        return {"csrf_token": tokens[role], "class_id": str(values["class_id"]), "pack": pack[0],
                "reason": "r", "skill": "sample.add", "value": "90", "tier": "2", "action": "drop", "index": "0",
                "names": "Intruder", "name": "X", "audio": "1", "groups": "g", "confirm_name": omar["display_name"],
                "days": "7", "method": "signed form", "note": "n", "key": ngo.pub_text, "publisher": NGO,
                "username": "intruder", "role": "teacher", "release_mode": "auto", "units": pack[0],
                "mastery_threshold": "60", "set": set_id, "item": "sample-add-1", "bundle": (io.BytesIO(bundle), "x.abhyas")}

    return {"clients": clients, "values": values, "form": form, "app": app, "db": db}


def _group_key_of(db, set_id: str) -> str:
    """The approvals group a waiting set is on (its card's key), as the approvals page names it."""
    from app.teacher.alike_sets import group_key, likeness
    return group_key(likeness(json.loads(db["sets"].get(set_id)["payload"])))


def snapshot(app, db) -> tuple:
    """Every row of every table, and every file under the packs folder."""
    rows = every_row(db)
    files = tuple(sorted(str(p) for p in Path(app.config["PACKS_DIR"]).rglob("*")))
    return rows, files


def must_deny(app, endpoint: str, role: str) -> bool:
    """Whether this role must be refused on this route (with teacher B's objects in the URL and form)."""
    if endpoint in PUBLIC:
        return False
    if endpoint in DEVICE_ONLY:
        return role != "student"
    if endpoint in SIGNED_IN:
        return role in ("anonymous", "student")
    allowed = endpoint_roles(app, endpoint) or ()
    session_role = SESSION_ROLE.get(role)
    if session_role not in allowed:
        return True
    # A teacher passes the role gate; only the owner of the objects may go on.
    return session_role == "teacher" and role == "teacher_a" and endpoint not in TEACHER_OWNERLESS


def is_denial(response, method: str) -> bool:
    """401/403/404, or (for a page) a redirect to the sign-in form."""
    if response.status_code in (401, 403, 404):
        return True
    return method == "GET" and response.status_code == 302 and response.headers["Location"].startswith("/teacher?next=")


@pytest.mark.parametrize("role", ROLES)
def test_every_route_denies_every_role_but_the_owner(matrix, role):
    """Each route × this role × B's objects: refused and nothing changed, wherever the role may not go."""
    app, db, client = matrix["app"], matrix["db"], matrix["clients"][role]
    checked = 0
    for endpoint, rule, method in routes(app):
        if endpoint in SIGNATURE_ONLY or not must_deny(app, endpoint, role):
            continue
        url = rule.build({k: v for k, v in matrix["values"].items() if k in rule.arguments})[1]
        before = snapshot(app, db)
        for headers in ({}, {"HX-Request": "true"}):
            response = client.open(url, method=method, data=matrix["form"](role) if method != "GET" else None,
                                   headers=headers)
            assert is_denial(response, method), (role, method, url, response.status_code)
            assert response.status_code != 200
        assert snapshot(app, db) == before, (role, method, url, "changed the database or the packs")
        checked += 1
    expected_minimum = {"anonymous": 48, "student": 47, "teacher_a": 42, "teacher_b": 9, "publisher": 42, "admin": 38}
    assert checked >= expected_minimum[role], checked


@pytest.mark.parametrize("role", ["teacher_b", "publisher", "admin"])
def test_the_owner_and_allowed_roles_get_through(matrix, role):
    """The same GET routes answer 200 for the role they are for (so the denials above are about access)."""
    app, client = matrix["app"], matrix["clients"][role]
    reached = []
    for endpoint, rule, method in routes(app):
        allowed = endpoint_roles(app, endpoint) or ()
        if method != "GET" or SESSION_ROLE[role] not in allowed:
            continue
        url = rule.build({k: v for k, v in matrix["values"].items() if k in rule.arguments})[1]
        response = client.get(url)
        assert response.status_code == 200, (role, url, response.status_code)
        reached.append(url)
    assert len(reached) >= {"teacher_b": 18, "publisher": 3, "admin": 4}[role]


def test_signature_only_routes_refuse_every_session_without_a_signature(matrix):
    """A session (even the admin's) does not stand in for a signature: a stranger's or junk bundle is refused."""
    app, db = matrix["app"], matrix["db"]
    for role in ROLES:
        before = snapshot(app, db)
        for body in (b"not a bundle", b""):
            response = matrix["clients"][role].post("/api/v1/packs", data=body,
                                                    headers={"Content-Type": "application/octet-stream"})
            assert response.status_code == 422 and response.is_json, role
        assert snapshot(app, db) == before


def test_a_student_token_opens_only_its_own_sync(matrix):
    """A device token syncs as its own student; it does not open the teacher, publisher or admin pages."""
    client = matrix["clients"]["student"]
    assert client.post("/api/v1/sync", json={"events": []}).status_code == 200
    for url in ("/teacher/classes", "/publish/catalogue", "/admin"):
        assert client.get(url).status_code == 302

"""Hardening: every form route (teacher, admin, publisher) takes garbage without a 500; size limits per route."""
from __future__ import annotations

import io

from hypothesis import HealthCheck, given, settings, strategies as st

from tests.security_fixtures import accounts, ngo, sign_in_as  # noqa: F401
from tests.teacher_fixtures import db, group_key_in, world  # noqa: F401

FIELDS = ("reason", "skill", "value", "tier", "action", "index", "keep", "item", "names", "name", "audio",
          "simplified", "groups", "items_per_set", "days", "release_mode", "mastery_threshold", "units",
          "tier2_below", "tier3_below", "tier3_misconceptions", "confirm_name", "method", "other_method", "note",
          "class_id", "pack", "key", "publisher", "username", "role", "display_name", "next", "clear", "locale")
NASTY = st.sampled_from(["", "0", "-1", "nan", "inf", "-inf", "1e309", "9" * 40, "0x10", " ", "\x00", "\u202e",
                         "<script>", "'; DROP TABLE students;--", "../../etc/passwd", "{}", "[]", "null",
                         "अभ्यास", "x" * 5000, "auto", "approve", "drop", "swap", "shorten", "retarget", "teacher",
                         "admin", "publisher", "other", "sample.add", "sample-add-1", "1", "2", "100"])
FORMS = st.dictionaries(st.sampled_from(FIELDS), st.one_of(NASTY, st.text(max_size=50)), max_size=12)


def _post_routes(app, prefix: str, values: dict):
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and rule.rule.startswith(prefix):
            yield rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=FORMS)
def test_teacher_form_routes_never_fail_on_garbage(app, client, world, db, form):
    """The owner posting random fields to every teacher form route: an answer below 500, every time."""
    if not getattr(client, "token", None):  # fixtures live for the whole test, not per example
        client.token = sign_in_as(client, "asha")
    own = world["students"][0]["id"]
    set_id = db.execute("SELECT id FROM sets WHERE student_id IN (SELECT id FROM students WHERE class_id = ?) "
                        "LIMIT 1", [world["class"]["id"]]).fetchone()
    device = db.execute("SELECT id FROM devices WHERE student_id = ?", [own]).fetchone()
    values = {"class_id": world["class"]["id"], "student_id": own, "set_id": set_id[0] if set_id else "none",
              "device_id": device[0] if device else 1, "key": group_key_in(db, world["class"]["id"])}
    for url in _post_routes(app, "/teacher/", values):
        if url.endswith("/sign-out") or url.endswith("/sign-in"):
            continue
        for headers in ({}, {"HX-Request": "true"}):
            response = client.post(url, data=dict(form, csrf_token=client.token), headers=headers)
            assert response.status_code < 500, (url, form)


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(form=FORMS)
def test_admin_and_publisher_form_routes_never_fail_on_garbage(app, world, accounts, db, form):
    """The admin and the publisher posting random fields (and random files) to their routes: below 500."""
    # Fixtures live for the whole test, not per example: sign in once per app.
    clients = app.extensions.setdefault("test_clients", {})
    for username in ("root", "sahayak"):
        if username not in clients:
            clients[username] = (app.test_client(),)
            clients[username] += (sign_in_as(clients[username][0], username),)
    (admin, admin_token), (publisher, publisher_token) = clients["root"], clients["sahayak"]
    values = {"key_id": "0" * 16, "user_id": world["asha"]}
    for url in _post_routes(app, "/admin", values):
        assert admin.post(url, data=dict(form, csrf_token=admin_token)).status_code < 500, (url, form)
    payload = (form.get("note") or "").encode("utf-8", "surrogatepass")
    for url in _post_routes(app, "/publish", {}):
        data = dict(form, csrf_token=publisher_token, bundle=(io.BytesIO(payload), "f.abhyas"))
        response = publisher.post(url, data=data, content_type="multipart/form-data")
        assert response.status_code < 500, (url, form)

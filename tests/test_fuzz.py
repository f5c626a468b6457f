"""Property-based fuzzing: the sync and join endpoints, the pack validator and every form never crash or store what they refuse."""
from __future__ import annotations

import io
import json
import string

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st

from app.db import connect
from app.packs.validate import validate_pack
from app.teacher.class_records import add_student, create_class

from .conftest import SAMPLE_PACK
from .db_rows import every_row
from .security_fixtures import accounts, ngo  # noqa: F401
from .teacher_fixtures import db, group_key_in, world  # noqa: F401

JSON_LEAVES = st.none() | st.booleans() | st.integers(-2 ** 63, 2 ** 63) | st.floats(allow_nan=True) | st.text(max_size=60)
JSON_VALUES = st.recursive(JSON_LEAVES, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
EVENT_LIKE = st.fixed_dictionaries(
    {"id": st.text(alphabet=string.ascii_letters + string.digits + "-_", min_size=0, max_size=70),
     "seq": st.integers(-5, 2 ** 40) | st.text(max_size=3), "type": st.sampled_from(["answer", "hint", "shown", "skip", "reflection", "time", "oops"]),
     "t": st.integers(-10, 10 ** 15) | st.floats(allow_nan=True)},
    optional={"item": st.sampled_from(["sample-add-1", "sample-eq-1", "nope", ""]) | st.text(max_size=90),
              "r": st.text(max_size=50), "hint": st.integers(-1, 5), "secs": st.floats(allow_nan=True) | st.integers(),
              "prompt": st.text(max_size=90), "value": st.text(max_size=250), "extra": JSON_VALUES})
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _roster(app):
    db = connect(app.config["DATABASE"])
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    klass = create_class(db, 1, "7A")
    return db, klass["code"], add_student(db, klass["id"], "Asha")["pin"]


@FUZZ
@given(events=st.lists(EVENT_LIKE | JSON_VALUES, max_size=8), extra=st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=3))
def test_sync_never_fails_and_stores_only_acked_events(app, events, extra):
    client = app.test_client()
    from app.auth.ratelimit import RateLimiter
    app.extensions["abhyas_limits"]["sync"] = RateLimiter(1000, 1000)  # the fuzzer is not a phone
    if not hasattr(app, "_fuzz_token"):
        db, code, pin = _roster(app)
        app._fuzz_db = db
        app._fuzz_token = client.post("/api/v1/join", json={"class_code": code, "pin": pin}).json["token"]
    before = {row[0] for row in app._fuzz_db.execute("SELECT id FROM events")}
    body = dict(extra, events=events)
    response = client.post("/api/v1/sync", data=json.dumps(body, allow_nan=True),
                           headers={"Authorization": f"Bearer {app._fuzz_token}", "Content-Type": "application/json"})
    assert response.status_code < 500
    after = {row[0] for row in app._fuzz_db.execute("SELECT id FROM events")}
    if response.status_code == 200:
        acked = set(response.json["acked"])
        rejected = {r["id"] for r in response.json["rejected"]}
        assert after - before <= acked, "stored something that was not acknowledged"
        assert not (after - before) & (rejected - acked), "stored a rejected event"
    else:
        assert after == before and response.json["error"]


@FUZZ
@given(body=JSON_VALUES | st.binary(max_size=200))
def test_join_never_fails(app, body):
    data = body if isinstance(body, bytes) else json.dumps(body, allow_nan=True).encode()
    response = app.test_client().post("/api/v1/join", data=data, headers={"Content-Type": "application/json"})
    assert response.status_code in (400, 401, 429)
    assert response.json["error"]


YAML_NOISE = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(noise=YAML_NOISE, target=st.sampled_from(["skills.yaml", "items/basics.yaml", "pack.yaml", "templates/add.yaml"]),
       position=st.floats(0, 1))
def test_validator_never_raises_on_damaged_files(tmp_path_factory, noise, target, position):
    import shutil
    folder = tmp_path_factory.mktemp("fuzz") / "sample-6"
    shutil.copytree(SAMPLE_PACK, folder)
    path = folder / target
    text = path.read_text(encoding="utf-8")
    cut = int(len(text) * position)
    path.write_text(text[:cut] + noise + text[cut:], encoding="utf-8")
    for problem in validate_pack(folder):
        assert problem.line >= 1 and problem.message and ".yaml" in problem.file


# --- every teacher, admin and publisher form and upload, fuzzed as its own (signed-in, owning) user ---

FORM_FIELDS = ("class_id", "pack", "reason", "skill", "value", "tier", "action", "index", "names", "name", "audio",
               "groups", "confirm_name", "days", "method", "note", "key", "publisher", "username", "role",
               "release_mode", "units", "mastery_threshold", "password", "next", "locale", "item", "bundle")
ID_JUNK = st.sampled_from(["0", "-1", "1e9", "NaN", "", " ", "1; DROP TABLE users", "9" * 30, "٣", "0x10"])
FIELD_JUNK = st.one_of(
    st.text(max_size=40), ID_JUNK,
    st.builds(lambda length, char: char * length, st.integers(3000, 400_000), st.sampled_from("x७😀")),  # huge, < 2 MB
    st.binary(max_size=40),  # bytes that are not UTF-8
    st.lists(st.text(max_size=10), min_size=2, max_size=3),  # a field sent twice (a list where one value goes)
)
URL_IDS = st.sampled_from(["own", "own", "other", "missing", "huge"])


def _form_body(fields: dict, csrf: str | None) -> bytes:
    """A urlencoded body built by hand, so values may be bytes that are not UTF-8 and fields may repeat."""
    from urllib.parse import quote_from_bytes
    pairs = [] if csrf is None else [("csrf_token", csrf.encode())]
    for name, value in fields.items():
        for one in value if isinstance(value, list) else [value]:
            pairs.append((name, one if isinstance(one, bytes) else one.encode("utf-8", "surrogatepass")))
    return "&".join(f"{name}={quote_from_bytes(raw)}" for name, raw in pairs).encode()


@pytest.fixture
def form_routes(app, world, accounts, db, ngo):
    """Signed-in clients per role and the ids of objects each owns (and of one it does not)."""
    from app.packs.publishing import register_publisher_key
    from tests.security_fixtures import NGO, sign_in_as
    register_publisher_key(db, NGO, ngo.public, admin_id=accounts["admin"])
    mine, theirs = world["students"][0], world["other_student"]

    def first(sql, args):
        row = db.execute(sql, args).fetchone()
        return row[0] if row else 0

    own = {"class_id": world["class"]["id"], "student_id": mine["id"],
           "set_id": first("SELECT id FROM sets WHERE student_id = ?", [mine["id"]]),
           "device_id": first("SELECT id FROM devices WHERE student_id = ?", [mine["id"]]),
           "key_id": first("SELECT key_id FROM publisher_keys", []), "user_id": world["bina"],
           "key": group_key_in(db, world["class"]["id"])}
    other = {"class_id": world["other_class"]["id"], "student_id": theirs["id"],
             "set_id": first("SELECT id FROM sets WHERE student_id = ?", [theirs["id"]]),
             "device_id": first("SELECT id FROM devices WHERE student_id = ?", [theirs["id"]]),
             "key_id": "0123456789abcdef", "user_id": accounts["admin"],
             "key": group_key_in(db, world["other_class"]["id"])}
    clients = {}
    for role, username in (("teacher", "asha"), ("admin", "root"), ("publisher", "sahayak")):
        client = app.test_client()
        clients[role] = (client, sign_in_as(client, username))
    routes = [(rule, sorted(rule.methods - {"HEAD", "OPTIONS", "GET"})[0]) for rule in app.url_map.iter_rules()
              if rule.methods & {"POST"} and rule.rule.startswith(("/teacher", "/admin", "/publish"))
              and rule.endpoint != "teacher.sign_out"]
    return {"clients": clients, "own": own, "other": other, "routes": routes, "db": db, "app": app}


def _state(db) -> tuple:
    """Every row that a refused request must leave alone (failed sign-ins are recorded on purpose)."""
    return every_row(db, leave_out=("sign_in_failures",))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_every_form_answers_junk_with_a_4xx_and_a_reason_and_writes_nothing_when_it_refuses(form_routes, data):
    """Wrong types, huge fields, bytes that are not UTF-8, fields twice, no or a wrong CSRF token, ids that are
    missing, huge or another teacher's: never a 5xx; a refusal says why and leaves every table as it was."""
    rule, method = data.draw(st.sampled_from(form_routes["routes"]), label="route")
    prefix = rule.rule.split("/")[1]
    client, token = form_routes["clients"][{"teacher": "teacher", "admin": "admin", "publish": "publisher"}[prefix]]
    whose = data.draw(URL_IDS, label="ids")
    values = {}
    for argument in rule.arguments:
        if whose in ("own", "other"):
            values[argument] = form_routes[whose][argument]
        else:
            values[argument] = 10 ** 20 if whose == "huge" else 987654
        if whose == "huge" and argument in ("set_id", "key_id"):
            values[argument] = "x" * 300
    url = rule.build(values, append_unknown=False)[1]
    fields = data.draw(st.dictionaries(st.sampled_from(FORM_FIELDS), FIELD_JUNK, max_size=6), label="fields")
    csrf = data.draw(st.sampled_from([token, token, token, None, "forged"]), label="csrf")
    before = _state(form_routes["db"])
    if rule.endpoint.startswith("publisher.") and data.draw(st.booleans(), label="as a file"):
        upload = {k: (v if isinstance(v, str) else "x") for k, v in fields.items() if k != "bundle"}
        upload["bundle"] = (io.BytesIO(data.draw(st.binary(max_size=300), label="file")), "junk.abhyas")
        if csrf is not None:
            upload["csrf_token"] = csrf
        response = client.open(url, method=method, data=upload, content_type="multipart/form-data")
    else:
        response = client.open(url, method=method, data=_form_body(fields, csrf),
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500, (url, fields, response.status_code)
    event(f"{rule.endpoint}: {response.status_code}")
    if response.status_code >= 400:
        assert response.get_data(as_text=True).strip(), (url, response.status_code)
        assert _state(form_routes["db"]) == before, (url, fields, "a refused request changed the database")

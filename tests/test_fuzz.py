"""Property-based fuzzing: the sync and join endpoints and the pack validator never crash or store a rejected event."""
from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings, strategies as st

from app.db import connect
from app.packs.validate import validate_pack
from app.teacher.class_records import add_student, create_class

from .conftest import SAMPLE_PACK

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

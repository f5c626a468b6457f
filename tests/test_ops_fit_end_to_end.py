"""`abhyas fit` end to end: answers synced by phones in, parameters stored, the next sync replies with them."""
from __future__ import annotations

import json
import random
import time
from dataclasses import replace
from pathlib import Path

from app.adaptive.bkt import BKTParams
from app.adaptive.state import replay
from app.cli import main
from app.db import connect
from app.packs.registry import load_catalog
from app.planning.replay import event_log
from app.teacher.class_records import add_student, create_class

STUDENTS = 12
ANSWERS_EACH = 20


def _sync(client, token, events):
    response = client.post("/api/v1/sync", data=json.dumps({"events": events}),
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    assert response.status_code == 200, response.json
    assert "progress_error" not in response.json
    return response.json


def test_fit_stores_parameters_that_the_next_sync_replies_with_and_replays_by(app, client, capsys):
    db = connect(app.config["DATABASE"])
    db["users"].insert({"username": "t", "password_hash": "x", "role": "teacher", "created_at": 0})
    catalog = load_catalog(db, Path(app.config["PACKS_DIR"]) / "files")
    by_skill: dict = {}
    for item_id, item in sorted(catalog["items"].items()):
        if not item.get("extension"):
            by_skill.setdefault(item["skill"], []).append(item_id)
    skill, items = max(by_skill.items(), key=lambda kv: (len(kv[1]), kv[0]))
    klass = create_class(db, 1, "7A", release_mode="auto")
    rng = random.Random(7)
    start_ms = int((time.time() - 3600) * 1000)
    tokens = []
    for n in range(STUDENTS):
        pin = add_student(db, klass["id"], f"S{n}")["pin"]
        token = client.post("/api/v1/join", json={"class_code": klass["code"], "pin": pin}).json["token"]
        tokens.append(token)
        # Each student gets better with practice: wrong early, right later, with some noise.
        events, skill_level = [], rng.random()
        for k in range(ANSWERS_EACH):
            item = items[k % len(items)]
            right = rng.random() < min(0.95, 0.2 + skill_level * 0.3 + k * 0.04)
            t = start_ms + (n * ANSWERS_EACH + k) * 2000
            events.append({"id": f"s{n}k{k}shown", "seq": 2 * k + 1, "type": "shown", "item": item, "t": t})
            events.append({"id": f"s{n}k{k}answer", "seq": 2 * k + 2, "type": "answer", "item": item, "attempt": 1,
                           "r": catalog["items"][item]["answer"] if right else "987654", "t": t + 1000})
        assert not _sync(client, token, events)["rejected"]

    assert main(["fit", "--db", str(app.config["DATABASE"])]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary[skill]["n_responses"] == STUDENTS * ANSWERS_EACH and not summary[skill]["used_defaults"]
    assert summary[skill]["log_likelihood"] < 0
    row = db.execute("SELECT prior, learn, guess, slip, forget, difficulty_step, responses, item_offsets FROM skill_params "
                     "WHERE skill_id = ?", [skill]).fetchone()
    stored = BKTParams.from_dict(dict(zip(("prior", "learn", "guess", "slip", "forget", "difficulty_step"), row[:6]),
                                      item_offsets=row[7]))
    assert stored == BKTParams.from_dict(summary[skill]["params"]) and stored != BKTParams()
    assert row[6] == STUDENTS * ANSWERS_EACH
    # Each item the data singled out carries its own offset, stored compactly for the sync reply.
    assert stored.item_offsets and {item for item, _ in stored.item_offsets} <= set(items)

    # The next sync (one more answer) replies with the fitted parameters and mastery replayed by them.
    student_id = db.execute("SELECT student_id FROM devices ORDER BY id LIMIT 1").fetchone()[0]
    more = {"id": "afterfitanswer", "seq": 999, "type": "answer", "item": items[0], "attempt": 1,
            "r": catalog["items"][items[0]]["answer"], "t": int(time.time() * 1000)}
    reply = _sync(client, tokens[0], [more])
    sent = BKTParams.from_dict(reply["mastery"][skill]["params"])
    # Item offsets ride along only for the items the phone can answer before it syncs again (its open sets').
    answerable = {e["item"] for s in reply["sets"] for e in [*s["items"], *s.get("reserve", []), s.get("extension")] if e}
    assert answerable and sent == replace(stored, item_offsets=tuple(o for o in stored.item_offsets if o[0] in answerable))
    assert len(sent.item_offsets) < len(stored.item_offsets)
    log = event_log(db, student_id)
    with_fit = replay(log, catalog, {skill: stored}).skills[skill]
    with_defaults = replay(log, catalog, {}).skills[skill]
    assert reply["mastery"][skill]["p"] == round(with_fit.mastery, 4)
    assert reply["mastery"][skill]["p_next"] == round(with_fit.p_known, 4)
    assert round(with_fit.mastery, 4) != round(with_defaults.mastery, 4)
    assert reply["mastery"][skill]["review"]["last_review_ts"] == with_fit.review.last_review_ts

"""Approvals: review a proposed set, approve it, edit it (swap, drop, retarget, shorten), release it."""
from __future__ import annotations

import json

from app.teacher import set_edits
from tests.teacher_fixtures import asha, db, world  # noqa: F401


def _set(db, set_id):
    row = db["sets"].get(set_id)
    return dict(row, payload=json.loads(row["payload"]))


def _records(db, set_id):
    return db.execute("SELECT target, user_id, old_value, new_value, reason FROM overrides WHERE target_id = ? "
                      "ORDER BY id", [set_id]).fetchall()


def _cards(html: str) -> list:
    """The approval page's cards: a single set's (`set-…`) or a group of alike sets' (`group-…`)."""
    import re
    return re.findall(r'<li id="((?:set|group)-\w+)" class="set-card[^"]*">(.*?)</li>\n(?=<li id=|</ul>)', html, re.S)


def test_approvals_page_shows_each_item_with_its_reason(asha, world):
    """Every waiting set, on one card or its group's, with the skill, the reason and its questions folded."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}/approvals").get_data(as_text=True)
    cards = _cards(html)
    headings = " ".join(card.split("</h2>")[0] for _, card in cards)
    assert all(headings.count(s["display_name"]) == 1 for s in world["students"]) and "Omar" not in html
    assert "Fixing a mistake" in html and "Adding fractions" in html and "likely right" in html
    assert all('<details class="questions"><summary>' in card for _, card in cards)
    singles = [cid for cid, _ in cards if cid.startswith("set-")]
    assert singles and all(f'hx-post="/teacher/sets/{cid[4:]}/approve"' in html for cid in singles)


def test_approval_cards_show_the_questions_and_say_each_reason_once(asha, world, db):
    """A card lists each distinct item's text once (its first line) and says a reason shared by several items once."""
    import re
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}/approvals").get_data(as_text=True)
    shared = 0
    for card_id, card in _cards(html):
        ids = re.findall(r'name="set" value="(\w+)"', card) if card_id.startswith("group-") else [card_id[4:]]
        items = {e["item"] for set_id in ids for e in _set(db, set_id)["payload"]["items"]}
        body = card.split("</h2>")[1]
        shown = re.findall(r'class="item-text">([^<]+)<', body)
        assert len(shown) == len(items) and all(t.strip() and "." not in t[:8] for t in shown), shown
        reasons = re.findall(r"<p><strong>[^<]+</strong>: ([^<]+)</p>", body)
        assert reasons and len(reasons) == len(set(reasons)) <= len(items)
        shared += len(reasons) < len(items)
    assert shared, "some card has items that share a reason"


def _set_of(world, index):
    return world["sets"][world["students"][index]["id"]]


def test_approve_releases_the_set_and_records_who_and_when(asha, world, db):
    """Approve: status released, released_at and released_by set, a due date, and a record of the decision."""
    client, token = asha
    set_id = _set_of(world, 0)
    response = client.post(f"/teacher/sets/{set_id}/approve", data={"csrf_token": token})
    assert response.status_code == 302
    row = _set(db, set_id)
    assert row["status"] == "released" and row["released_by"] == world["asha"] and row["released_at"] > 0
    assert row["payload"]["due"] > row["released_at"]
    assert _records(db, set_id) == [("release", world["asha"], '"proposed"', '"released"', "Approved")]
    # The phone now gets it as released at its next sync.
    from app.sync.progress import student_view
    view = student_view(db, world["students"][0]["id"], world["catalog"])
    assert any(s["id"] == set_id and s["status"] == "released" for s in view["sets"])
    # Approving twice changes nothing.
    client.post(f"/teacher/sets/{set_id}/approve", data={"csrf_token": token})
    assert len(_records(db, set_id)) == 1


def test_htmx_approve_returns_the_card_fragment(asha, world):
    """With htmx, approving swaps just that set's card for its released state."""
    client, token = asha
    set_id = _set_of(world, 1)
    response = client.post(f"/teacher/sets/{set_id}/approve", headers={"HX-Request": "true", "X-CSRF-Token": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<li id="set-{set_id}"')
    assert "Released" in html and "<html" not in html


def test_approve_all(asha, world, db):
    """One button releases every waiting set of the class."""
    client, token = asha
    client.post(f"/teacher/classes/{world['class']['id']}/approvals/all", data={"csrf_token": token})
    statuses = {row[0] for row in db.execute("SELECT status FROM sets x JOIN students s ON s.id = x.student_id "
                                             "WHERE s.class_id = ?", [world["class"]["id"]])}
    assert statuses == {"released"}
    other = db.execute("SELECT status FROM sets WHERE student_id = ?", [world["other_student"]["id"]]).fetchone()[0]
    assert other == "proposed"


def test_swap_an_item_keeps_the_old_and_new_lists_and_the_why(asha, world, db):
    """Swap item 1 for another item of its skill: stored with reason 'teacher'; the record keeps both lists."""
    client, token = asha
    set_id = _set_of(world, 0)
    before = _set(db, set_id)["payload"]["items"]
    skill = before[0]["skill"]
    choice = set_edits.candidates(db, world["catalog"], world["students"][0]["id"], skill,
                                  {e["item"] for e in before})[0]["item"]
    response = client.post(f"/teacher/sets/{set_id}/edit", data={"csrf_token": token, "action": "swap", "index": "0",
                                                               "item": choice, "reason": "She did that one in class"})
    assert response.status_code == 302
    after = _set(db, set_id)["payload"]["items"]
    assert after[0]["item"] == choice and after[0]["reason"] == "teacher" and 0 < after[0]["p_success"] < 1
    assert after[0]["skill"] == skill and [e["item"] for e in after[1:]] == [e["item"] for e in before[1:]]
    target, user, old, new, reason = _records(db, set_id)[-1]
    assert (target, user, reason) == ("set", world["asha"], "She did that one in class")
    assert json.loads(old)["items"] == [e["item"] for e in before] and json.loads(new)["items"][0] == choice
    page = client.get(f"/teacher/sets/{set_id}").get_data(as_text=True)
    assert "She did that one in class" in page and "Chosen by the teacher" in page


def test_drop_shorten_and_retarget(asha, world, db):
    """Drop one item, shorten to one, then aim the whole set at another skill: each edit stored and recorded."""
    client, token = asha
    set_id = _set_of(world, 0)
    edit = lambda **form: client.post(f"/teacher/sets/{set_id}/edit", data=dict(form, csrf_token=token))  # noqa: E731
    n = len(_set(db, set_id)["payload"]["items"])
    edit(action="drop", index="0")
    assert len(_set(db, set_id)["payload"]["items"]) == n - 1
    edit(action="shorten", keep="1")
    assert len(_set(db, set_id)["payload"]["items"]) == 1
    edit(action="retarget", skill="sample.add")
    payload = _set(db, set_id)["payload"]
    assert payload["target_skill"] == "sample.add" and {e["skill"] for e in payload["items"]} == {"sample.add"}
    assert [r[0] for r in _records(db, set_id)] == ["set", "set", "set"]
    assert [json.loads(r[3])["action"] for r in _records(db, set_id)] == ["drop", "shorten", "retarget"]


def test_bad_edits_are_refused_with_a_reason(asha, world, db):
    """Dropping the last item, an unknown item, or editing a released set: refused, nothing stored."""
    client, token = asha
    set_id = _set_of(world, 2)  # Manu's set has one item
    before = _set(db, set_id)["payload"]
    response = client.post(f"/teacher/sets/{set_id}/edit", data={"csrf_token": token, "action": "drop", "index": "0"},
                           headers={"HX-Request": "true"})
    assert response.status_code == 200 and "at least one item" in response.get_data(as_text=True)
    assert client.post(f"/teacher/sets/{set_id}/edit", data={"csrf_token": token, "action": "swap", "index": "0",
                                                             "item": "no-such-item"}).status_code == 302
    assert _set(db, set_id)["payload"] == before
    client.post(f"/teacher/sets/{set_id}/approve", data={"csrf_token": token})
    client.post(f"/teacher/sets/{set_id}/edit", data={"csrf_token": token, "action": "shorten", "keep": "1"})
    assert [r[0] for r in _records(db, set_id)] == ["release"]


def test_htmx_edit_returns_the_editor_fragment(asha, world):
    """With htmx, an edit answers with the editor section only, showing the change."""
    client, token = asha
    set_id = _set_of(world, 0)
    response = client.post(f"/teacher/sets/{set_id}/edit", data={"action": "shorten", "keep": "1", "reason": "short day"},
                           headers={"HX-Request": "true", "X-CSRF-Token": token})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="set-editor"') and "short day" in html and "<html" not in html


def test_set_page_shows_reflection_and_release_button(asha, world):
    """The set page shows the reflection prompt and a button to release it to the student."""
    client, _ = asha
    html = client.get(f"/teacher/sets/{_set_of(world, 0)}").get_data(as_text=True)
    assert "Reflection:" in html and "Release to Kiran" in html


def test_concurrent_edits_to_one_set_apply_in_turn_and_the_log_records_only_what_was_applied(app, world, db):
    """Drops down to one item and swaps, sent at once from as many connections (for each student's set): each
    applies to the set the one before left, and the records chain (each "before" is the previous "after")."""
    sets = [world["sets"][s["id"]] for s in world["students"]]
    sets = [x for x in sets if len(_set(db, x)["payload"]["items"]) >= 3]
    assert len(sets) >= 2
    for set_id in sets:
        _edit_at_once(app, world, db, set_id)


def _edit_at_once(app, world, db, set_id):
    import threading

    from app.db import connect
    items = [e["item"] for e in _set(db, set_id)["payload"]["items"]]
    spares = [i for i in world["catalog"]["items"] if i not in items][:3]
    edits = [("drop", {"index": "0"})] * (len(items) - 1) + [("swap", {"index": "0", "item": i}) for i in spares]
    start, errors = threading.Barrier(len(edits)), []

    def run(action, form):
        conn = connect(app.config["DATABASE"])
        start.wait()
        try:
            set_edits.apply_edit(conn, world["catalog"], set_id, action, form, world["asha"], "at once")
        except set_edits.EditError as exc:
            errors.append(str(exc))
        finally:
            conn.close()

    threads = [threading.Thread(target=run, args=edit) for edit in edits]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = [e["item"] for e in _set(db, set_id)["payload"]["items"]]
    records = [(json.loads(old), json.loads(new)) for target, _u, old, new, _r in _records(db, set_id) if target == "set"]
    assert len(final) == 1 and not errors, (final, errors)
    assert len(records) == len(edits)
    assert records[0][0]["items"] == items and records[-1][1]["items"] == final
    for (_, after), (before, _) in zip(records, records[1:]):
        assert before["items"] == after["items"], "a record names an edit another one overwrote"

"""Participation: a tap per contribution in class, counted once even when resent, raising the level from 1 to 3."""
from __future__ import annotations

import re
import time

from tests.teacher_fixtures import asha, db, world  # noqa: F401


def _level(client, student_id):
    html = client.get(f"/teacher/students/{student_id}").get_data(as_text=True)
    return re.search(r"Participation in class</dt><dd>(\d)/3 <small>\(([^)]+)\)", html).groups()


def test_taps_raise_the_participation_level_on_the_students_page(asha, world):
    """No taps: level 1; one: 2; four: 3, with the count as the reason. A resent tap counts once."""
    client, token = asha
    class_id, kiran = world["class"]["id"], world["students"][0]["id"]
    assert _level(client, kiran) == ("1", "0 contributions in class in the last two weeks")
    page = client.get(f"/teacher/classes/{class_id}/participation").get_data(as_text=True)
    tap = re.search(rf'id="p{kiran}".*?name="tap" value="([^"]+)"', page, re.S).group(1)
    url = f"/teacher/classes/{class_id}/participation/{kiran}"
    first = client.post(url, data={"tap": tap, "csrf_token": token}, headers={"HX-Request": "true"})
    assert "1 today" in first.get_data(as_text=True)
    again = client.post(url, data={"tap": tap, "csrf_token": token}, headers={"HX-Request": "true"})
    assert "1 today" in again.get_data(as_text=True), "a resend of the same tap is counted once"
    assert _level(client, kiran)[0] == "2"
    fresh = re.search(r'name="tap" value="([^"]+)"', again.get_data(as_text=True)).group(1)
    assert fresh != tap
    for n in range(3):
        client.post(url, data={"tap": f"tap-{n}-of-three", "csrf_token": token})
    assert _level(client, kiran) == ("3", "4 contributions in class in the last two weeks")
    assert _level(client, world["students"][1]["id"])[0] == "1"


def test_a_tap_for_another_class_student_is_refused(asha, world):
    """A student of another class (or none) through this class's tally: 404, nothing counted."""
    client, token = asha
    url = f"/teacher/classes/{world['class']['id']}/participation/{world['other_student']['id']}"
    assert client.post(url, data={"tap": "another-class-tap", "csrf_token": token}).status_code == 404


def test_the_tally_script_gets_the_days_count_and_a_resend_is_counted_once(asha, world):
    """A queued tap sent as JSON gets the day's count back; the same tap id sent again (its answer lost) counts once."""
    client, token = asha
    class_id, latha = world["class"]["id"], world["students"][1]["id"]
    url = f"/teacher/classes/{class_id}/participation/{latha}"
    json_headers = {"Accept": "application/json", "X-CSRF-Token": token}
    first = client.post(url, data={"tap": "queued-tap-1", "at": str(int(time.time() * 1000))}, headers=json_headers)
    assert first.status_code == 200 and first.get_json()["count"] == 1
    again = client.post(url, data={"tap": "queued-tap-1", "at": str(int(time.time() * 1000))}, headers=json_headers)
    assert again.get_json()["count"] == 1
    assert client.post(url, data={"tap": "queued-tap-2"}, headers=json_headers).get_json()["count"] == 2
    assert _level(client, latha) == ("2", "2 contributions in class in the last two weeks")


def test_a_tap_queued_offline_counts_on_the_day_it_was_made(asha, world, db):
    """Sent the next morning, yesterday's tap counts yesterday (still in the two weeks); a phone clock far off counts now."""
    from app.teacher.participation import _day, day_tally
    client, token = asha
    class_id, manu = world["class"]["id"], world["students"][2]["id"]
    url = f"/teacher/classes/{class_id}/participation/{manu}"
    headers = {"Accept": "application/json", "X-CSRF-Token": token}
    yesterday = time.time() - 86400
    sent = client.post(url, data={"tap": "from-yesterday", "at": str(int(yesterday * 1000))}, headers=headers)
    assert sent.get_json() == {"count": 1, "day": _day(yesterday)}
    assert day_tally(db, class_id, _day(yesterday))["counts"] == {str(manu): 1}
    for n, far in enumerate((time.time() - 9 * 86400, time.time() + 3 * 86400, "soon")):
        at = far if isinstance(far, str) else str(int(far * 1000))
        assert client.post(url, data={"tap": f"far-off-{n}", "at": at}, headers=headers).get_json()["day"] == \
            _day(time.time())
    assert _level(client, manu) == ("3", "4 contributions in class in the last two weeks")


def test_a_tap_without_a_readable_id_is_refused_in_words(asha, world):
    """No id, or one that is not a short token: 422 with a one-line message, nothing counted."""
    client, token = asha
    class_id, nisha = world["class"]["id"], world["students"][3]["id"]
    url = f"/teacher/classes/{class_id}/participation/{nisha}"
    for bad in ("", "x", "a b c d e f", "<script>", "y" * 41):
        response = client.post(url, data={"tap": bad, "csrf_token": token})
        assert response.status_code == 422 and "readable id" in response.get_data(as_text=True)
    assert _level(client, nisha)[0] == "1"


def test_the_tally_page_queues_taps_on_the_phone(asha, world):
    """The page loads the tally script with what it needs (queue key, day, words for counts and waiting); no htmx
    on the buttons, so a tap is never sent twice by two scripts."""
    client, _token = asha
    class_id = world["class"]["id"]
    page = client.get(f"/teacher/classes/{class_id}/participation", headers={"Accept-Language": "hi"})
    html = page.get_data(as_text=True)
    assert 'src="/static/tally.js"' in html and f'data-queue="abhyas-tally-{class_id}"' in html
    assert 'data-today-one="आज {n}"' in html and "{n}" in re.search(r'data-row-waiting="([^"]+)"', html).group(1)
    assert re.search(r'data-day="\d{4}-\d\d-\d\d"', html) and "hx-post" not in html.split('class="cards tally-list"')[1]
    script = client.get("/static/tally.js").get_data(as_text=True)
    assert "localStorage" in script and '"X-CSRF-Token"' in script and "getRandomValues" in script

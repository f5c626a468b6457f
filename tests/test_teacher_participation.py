"""Participation: a tap per contribution in class, counted once even when resent, raising the level from 1 to 3."""
from __future__ import annotations

import re

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
        client.post(url, data={"tap": f"t{n}", "csrf_token": token})
    assert _level(client, kiran) == ("3", "4 contributions in class in the last two weeks")
    assert _level(client, world["students"][1]["id"])[0] == "1"


def test_a_tap_for_another_class_student_is_refused(asha, world):
    """A student of another class (or none) through this class's tally: 404, nothing counted."""
    client, token = asha
    url = f"/teacher/classes/{world['class']['id']}/participation/{world['other_student']['id']}"
    assert client.post(url, data={"tap": "x", "csrf_token": token}).status_code == 404

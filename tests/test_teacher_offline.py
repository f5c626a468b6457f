"""Low bandwidth and offline: htmx vendored, a separate teacher service worker, pages marked with when they were fetched."""
from __future__ import annotations

import re
from pathlib import Path

from tests.teacher_fixtures import asha, db, world  # noqa: F401

STATIC = Path(__file__).resolve().parent.parent / "app" / "static"


def test_teacher_service_worker_is_served_for_its_own_scope(client):
    """/teacher/sw.js: JavaScript, not cached by HTTP, scoped by its path to /teacher/ (apart from the student SW)."""
    response = client.get("/teacher/sw.js")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert 'request.method !== "GET"' in body and 'replace(" data-offline hidden>", " data-offline>")' in body
    assert ".csv" in body and "abhyas-teacher-" in body


def test_pages_register_it_and_carry_the_fetched_time(asha, world):
    """Every page loads the vendored htmx and teacher.js, shows when it was fetched, and has the hidden offline note."""
    client, _ = asha
    html = client.get(f"/teacher/classes/{world['class']['id']}").get_data(as_text=True)
    htmx = re.search(r'src="/static/(htmx-[0-9.]+\.min\.js)"', html).group(1)
    assert (STATIC / htmx).exists()
    assert 'src="/static/teacher.js"' in html
    assert re.search(r'<footer class="fetched">Fetched <time datetime="\d{4}-\d\d-\d\dT[^"]+">', html)
    assert re.search(r'<p class="offline-note" role="status"[^>]* data-offline hidden>Offline\. This copy was fetched', html)
    js = (STATIC / "teacher.js").read_text()
    assert 'register("/teacher/sw.js", { scope: "/teacher/" })' in js


def test_no_page_needs_another_origin_or_inline_script(asha, world):
    """Scripts and styles come from this site only (the CSP forbids anything else)."""
    client, _ = asha
    for url in ("/teacher/classes", f"/teacher/classes/{world['class']['id']}",
                f"/teacher/students/{world['students'][0]['id']}"):
        html = client.get(url).get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), url
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), url
        assert not re.search(r"<[^>]+\son[a-z]+=", html), url  # no inline event handlers

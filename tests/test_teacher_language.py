"""The teacher's language is a setting: chosen once, kept on every page after, whatever the browser says."""
from __future__ import annotations

from tests.teacher_fixtures import asha, db, world  # noqa: F401


def test_the_chosen_language_stays_on_the_next_pages(asha, world):
    """Choose Hindi once: the overview and a student page come in Hindi with an English browser, and back."""
    client, token = asha
    class_url = f"/teacher/classes/{world['class']['id']}"
    english = {"Accept-Language": "en"}
    assert "Do this next" in client.get(class_url, headers=english).get_data(as_text=True)
    response = client.post("/teacher/language", data={"locale": "hi", "next": class_url, "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith(class_url)
    for url in (class_url, f"/teacher/students/{world['students'][0]['id']}", "/teacher/classes"):
        html = client.get(url, headers=english).get_data(as_text=True)
        assert '<html lang="hi">' in html, url
    assert "आगे यह करें" in client.get(class_url, headers=english).get_data(as_text=True)
    client.post("/teacher/language", data={"locale": "en", "csrf_token": token})
    assert '<html lang="en">' in client.get(class_url, headers={"Accept-Language": "hi"}).get_data(as_text=True)


def test_an_unknown_language_or_an_outside_next_changes_nothing(asha, world):
    """A language the app lacks is ignored; a next outside the teacher's pages is not followed."""
    client, token = asha
    response = client.post("/teacher/language", data={"locale": "xx", "next": "https://evil.example/",
                                                      "csrf_token": token})
    assert response.status_code == 302 and "evil" not in response.headers["Location"]
    assert '<html lang="en">' in client.get("/teacher/classes", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_pages_travel_compressed_with_an_icon_and_a_description(asha, world):
    """Teacher HTML in brotli or gzip when accepted, plain otherwise; /favicon.ico is 200; a meta description."""
    import gzip

    import brotli
    client, _ = asha
    url = f"/teacher/classes/{world['class']['id']}"
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and b'<meta name="description" content="' in plain.data
    br = client.get(url, headers={"Accept-Encoding": "br, gzip"})
    assert br.headers["Content-Encoding"] == "br" and "Accept-Encoding" in br.headers["Vary"]
    assert b"Do this next" in brotli.decompress(br.data) and len(br.data) < len(plain.data) / 2
    gz = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and b"Do this next" in gzip.decompress(gz.data)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/png" and icon.data[:4] == b"\x89PNG"
    assert b'rel="icon"' in plain.data

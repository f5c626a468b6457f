"""Every kind of response carries the CSP and the other security headers; errors are JSON under /api/, never a traceback."""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import pytest

from app.web.security_headers import CSP

HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer", "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
           "Cross-Origin-Opener-Policy": "same-origin"}
BIG = b"{" + b" " * (3 * 1024 * 1024) + b"}"


def assert_secured(response, what: str) -> None:
    """Each header, exactly; and the CSP keeps default-src 'self' with no inline scripts."""
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (what, name, response.headers.get(name))
    assert "default-src 'self'" in CSP and "script-src 'self';" in CSP and "unsafe-inline' " not in CSP.split("script-src")[1].split(";")[0]


def _pack_file(app) -> str:
    from app.db import connect
    manifest = connect(app.config["DATABASE"]).execute("SELECT manifest FROM packs").fetchone()[0]
    return json.loads(json.loads(manifest)["body"])["files"][0]["path"].split("/")[-1]


def test_pages_json_packs_and_static_files(app, client):
    """HTML (the shell and a teacher page), JSON, a pack file in each encoding, a manifest, static files, the worker."""
    name = _pack_file(app)
    pack = json.loads(client.get("/packs/index.json").get_data())["packs"][0]
    cases = {
        "student shell": client.get("/"), "teacher page": client.get("/teacher"),
        "service worker": client.get("/sw.js"), "web manifest": client.get("/manifest.webmanifest"),
        "JSON API": client.get("/api/v1/openapi.json"), "catalogue API": client.get("/api/v1/packs"),
        "pack file br": client.get(f"/packs/files/{name}", headers={"Accept-Encoding": "br"}),
        "pack file gzip": client.get(f"/packs/files/{name}", headers={"Accept-Encoding": "gzip"}),
        "pack file plain": client.get(f"/packs/files/{name}", headers={"Accept-Encoding": "identity"}),
        "pack manifest": client.get(f"/packs/{pack['pack']}/{pack['version']}/manifest.json"),
        "static css": client.get("/static/teacher.css"), "static png": client.get("/static/icons/icon-192.png"),
        "not controlled yet": client.get("/app/home"),
    }
    shell = cases.pop("student shell")
    for what, response in cases.items():
        assert response.status_code == 200, what
        assert_secured(response, what)
    assert shell.status_code == 200
    for header, value in HEADERS.items():
        if header != "Content-Security-Policy":
            assert shell.headers.get(header) == value, header
    shell_csp = shell.headers["Content-Security-Policy"]
    assert shell_csp.replace(re.search(r" 'sha256-[^']+'", shell_csp).group(0), "", 1) == CSP
    assert cases["pack file br"].headers["Content-Encoding"] == "br"
    revalidated = client.get(f"/packs/files/{name}", headers={"If-None-Match": f'"{name.split(".")[0]}"'})
    assert revalidated.status_code == 304
    assert_secured(revalidated, "304")


def test_the_shell_allows_exactly_its_own_inline_script(client):
    """Each inline script in the shell is allowed by its hash, and nothing else is (no 'unsafe-inline')."""
    response = client.get("/")
    html = response.get_data(as_text=True)
    csp = response.headers["Content-Security-Policy"]
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    assert inline, "the shell boots its service worker from an inline script"
    allowed = set(re.findall(r"'sha256-([^']+)'", csp.split("script-src")[1].split(";")[0]))
    assert allowed == {base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() for text in inline}
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]


def test_error_replies_are_secured_and_readable(app, client):
    """404, 405, 400, 413, 415 and 429: JSON with a reason under /api/, a small page elsewhere, headers on all."""
    cases = {
        ("404 api", "json"): client.get("/api/v1/nothing-here"),
        ("404 page", "html"): client.get("/nothing-here"),
        ("404 pack file", "html"): client.get("/packs/files/" + "0" * 64 + ".json"),
        ("405 api", "json"): client.get("/api/v1/sync"),
        ("405 page", "html"): client.delete("/teacher"),
        ("400 api", "json"): client.post("/api/v1/join", data=b"{not json", content_type="application/json"),
        ("400 csrf", "html"): client.post("/teacher/sign-in", data={"username": "x"}),
        ("413 api", "json"): client.post("/api/v1/join", data=BIG, content_type="application/json"),
        ("413 page", "html"): client.post("/teacher/sign-in", data=BIG, content_type="application/x-www-form-urlencoded"),
        ("415 api", "json"): client.post("/api/v1/join", data=gzip.compress(b"{}"), headers={"Content-Encoding": "zstd"}),
    }
    app.extensions["abhyas_limits"]["join"].burst = 1
    for _ in range(3):
        limited = client.post("/api/v1/join", json={"class_code": "AAAAAA", "pin": "0000"})
    cases[("429 api", "json")] = limited
    for (what, kind), response in cases.items():
        assert int(what[:3]) == response.status_code, (what, response.status_code)
        assert_secured(response, what)
        body = response.get_data(as_text=True)
        assert "Traceback" not in body and "werkzeug" not in body.lower(), what
        if kind == "json":
            assert response.is_json and response.json["error"], what
        else:
            assert response.mimetype == "text/html" and "<h1>" in body, what
    assert "POST" in cases[("405 api", "json")].headers["Allow"]
    assert int(limited.headers["Retry-After"]) >= 1
    assert "did not come from this site" in cases[("400 csrf", "html")].get_data(as_text=True)


def test_an_unexpected_failure_is_one_sentence_with_the_headers(instance, tmp_path):
    """A bug in a view: 500, the headers, JSON under /api/, a page elsewhere; no traceback, no exception text."""
    from app import create_app
    app = create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False, "DATABASE": str(tmp_path / "e.db")})

    def broken():
        raise RuntimeError("secret internal detail")

    app.add_url_rule("/api/v1/broken", "broken_api", broken)
    app.add_url_rule("/broken", "broken_page", broken)
    client = app.test_client()
    for url, kind in (("/api/v1/broken", "json"), ("/broken", "html")):
        response = client.get(url)
        assert response.status_code == 500
        assert_secured(response, url)
        body = response.get_data(as_text=True)
        assert "secret internal detail" not in body and "Traceback" not in body
        assert (response.is_json and "went wrong" in response.json["error"]) if kind == "json" else "went wrong" in body


@pytest.mark.parametrize("path", ["/teacher/classes", "/admin", "/publish", "/publish/catalogue"])
def test_signed_in_area_redirects_carry_the_headers(client, path):
    """Even the redirect to sign-in is a response with the headers."""
    response = client.get(path)
    assert response.status_code == 302
    assert_secured(response, path)

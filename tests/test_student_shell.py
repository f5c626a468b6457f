"""The student shell, web app manifest, icons and service worker scripts as the server delivers them."""
from __future__ import annotations

import json
import re
import struct
import zlib
from pathlib import Path

import brotli

from app.student.shell_files import htmx_file, static_dir, sw_dir

SHELL_BUDGET_BR = 45 * 1024


def test_shell_is_tiny_has_no_inline_script_and_configures_htmx_without_eval(client):
    """The shell loads under a strict CSP: scripts from files only, htmx told not to eval."""
    response = client.get("/", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    html = brotli.decompress(response.data).decode()
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "inline script would break the CSP"
    assert not re.search(r"\son[a-z]+=", html), "inline event handlers would break the CSP"
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'", html).group(1))
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert re.fullmatch(r"htmx-\d+\.\d+\.\d+\.min\.js", htmx_file())
    assert f"/static/{htmx_file()}" in html and "/static/app.js" in html
    assert 'role="status"' in html and '<link rel="manifest" href="/manifest.webmanifest">' in html


def test_shell_and_its_scripts_fit_the_brotli_budget(client):
    """Shell + htmx + app.js, brotli on the wire, within 45 KB (the design's budget)."""
    total = 0
    for url in ("/", f"/static/{htmx_file()}", "/static/app.js"):
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200 and response.headers["Content-Encoding"] == "br", url
        total += len(response.data)
    assert total <= SHELL_BUDGET_BR, f"{total} bytes"


def test_encoding_follows_accept_encoding_and_etags_revalidate(client):
    """gzip for clients without brotli, identity for neither, 304 on a matching ETag."""
    gz = client.get("/static/app.js", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and zlib.decompress(gz.data, 31).startswith(b"//")
    plain = client.get("/static/app.js", headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in plain.headers and plain.data.startswith(b"//")
    assert plain.headers["Vary"] == "Accept-Encoding"
    again = client.get("/static/app.js", headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304
    htmx = client.get(f"/static/{htmx_file()}")
    assert "immutable" in htmx.headers["Cache-Control"]
    assert client.get("/static/app.js").headers["Cache-Control"] == "no-cache"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_installs_with_real_icons(client):
    """The web app manifest names the app, starts at / and lists PNG icons that exist at their sizes."""
    response = client.get("/manifest.webmanifest")
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone" and manifest["name"]
    sizes = set()
    for icon in manifest["icons"]:
        data = client.get(icon["src"]).data
        width, height = _png_size(data)
        assert icon["sizes"] == f"{width}x{height}"
        sizes.add(width)
    assert {192, 512} <= sizes


def test_service_worker_is_served_at_the_root_scope_and_always_revalidated(client):
    """/sw.js (scope /) and its modules are JavaScript, never cached over HTTP, so updates are seen."""
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript"
    assert sw.headers["Cache-Control"] == "no-cache" and sw.headers["Service-Worker-Allowed"] == "/"
    for name in re.findall(r'from "\./sw/([a-z_]+\.js)"', sw.get_data(as_text=True)):
        module = client.get(f"/sw/{name}")
        assert module.status_code == 200 and module.mimetype == "text/javascript", name
    for path in sw_dir().glob("*.js"):
        for name in re.findall(r'from "\./([a-z_]+\.js)"', path.read_text()):
            assert (sw_dir() / name).exists() or name == "version.js", f"{path.name} imports a missing {name}"
    assert client.get("/sw/../app.js").status_code == 404
    assert client.get("/sw/nope.js").status_code == 404


def test_version_module_lists_a_precache_that_exists_and_changes_with_the_files(client, tmp_path, monkeypatch):
    """Every precached URL answers 200; editing any shell file gives a new version (a new worker)."""
    body = client.get("/sw/version.js").get_data(as_text=True)
    version = re.search(r'VERSION = "([0-9a-f]{16})"', body).group(1)
    shell = json.loads(re.search(r"SHELL = (\[.*\]);", body).group(1))
    assert "/" in shell and f"/static/{htmx_file()}" in shell and "/static/i18n/en.json" in shell
    for url in shell:
        assert client.get(url).status_code == 200, url

    from app.student import shell_files
    copy = tmp_path / "service_worker"
    copy.mkdir()
    for path in sw_dir().glob("*.js"):
        (copy / path.name).write_text(path.read_text())
    monkeypatch.setattr(shell_files, "sw_dir", lambda: copy)
    assert shell_files.shell_version() == version
    (copy / "render.js").write_text((copy / "render.js").read_text() + "\n// changed\n")
    assert shell_files.shell_version() != version


def test_app_routes_before_the_worker_takes_over_ask_for_a_reload(client):
    """/app/ is the worker's; if the server sees one, the page is not controlled yet."""
    response = client.post("/app/check", data={"answer": "3"})
    assert response.status_code == 200 and b'href="/"' in response.data


def test_static_files_are_inside_the_static_folder_only(client):
    """No path tricks out of /static/."""
    assert client.get("/static/../__init__.py").status_code == 404
    assert client.get("/static/icons/nope.png").status_code == 404
    assert Path(static_dir(), "app.js").exists()

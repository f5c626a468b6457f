"""The student shell, web app manifest, icons and service worker scripts as the server delivers them."""
from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import brotli
import pytest

from app.student.shell_files import (
    boot_script,
    boot_script_csp,
    htmx_file,
    static_dir,
    sw_dir,
)

SHELL_BUDGET_BR = 45 * 1024


def test_shell_is_tiny_has_one_hashed_inline_script_and_configures_htmx_without_eval(client):
    """The shell loads under a strict CSP: files, plus the boot script the CSP names by hash; htmx told not to eval."""
    response = client.get("/", headers={"Accept-Encoding": "br"})
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "br"
    html = brotli.decompress(response.data).decode()
    assert f"script-src 'self' {boot_script_csp()};" in response.headers["Content-Security-Policy"]
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S)
    assert inline == [boot_script()], "only the boot script runs inline"
    assert "/sw.js" in inline[0], "the worker starts as soon as the page arrives, not after the deferred scripts"
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


def _worker(client) -> str:
    response = client.get("/sw.js", headers={"Accept-Encoding": "identity"})
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache" and response.headers["Service-Worker-Allowed"] == "/"
    return response.get_data(as_text=True)


def test_service_worker_is_one_script_with_every_module(client):
    """/sw.js (scope /) joins the worker's modules: no import left, each module once, sw.js last."""
    script = _worker(client)
    assert not re.search(r"^\s*(import|export)\s", script, re.M)
    joined = re.findall(r"^// ---- ([a-z0-9_]+)\.js ----$", script, re.M)
    assert joined[-1] == "sw" and len(joined) == len(set(joined))
    for name in ("grade", "select", "bkt", "store", "outbox", "packs", "sync", "router", "handlers", "i18n"):
        assert name in joined
    assert joined.index("store") < joined.index("outbox") < joined.index("sync") < joined.index("handlers")
    assert "messages" not in joined  # the msgid list is for extraction, not for phones


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_joined_worker_is_valid_javascript(client, tmp_path):
    """node parses the joined script."""
    path = tmp_path / "sw.js"
    path.write_text(_worker(client))
    out = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_worker_carries_the_version_precache_and_only_the_student_strings(client, tmp_path, monkeypatch):
    """Precached URLs answer 200; catalogs inside hold student strings, not the teacher's; edits change the version."""
    script = _worker(client)
    version = re.search(r'VERSION: "([0-9a-f]{16})"', script).group(1)
    shell = json.loads(re.search(r"SHELL: (\[[^\]]*\])", script).group(1))
    assert shell == ["/", f"/static/{htmx_file()}", "/static/app.js"]
    for url in shell:
        assert client.get(url).status_code == 200, url
    catalogs = json.loads(re.search(r"^self\.ABHYAS_CATALOGS = (.*);$", script, re.M).group(1))
    assert {"en", "hi", "ta"} <= set(catalogs)
    hindi = json.loads((static_dir() / "i18n" / "hi.json").read_text(encoding="utf-8"))["messages"]
    assert catalogs["hi"]["messages"]["Check"] == hindi["Check"]
    assert "Sign in" not in catalogs["hi"]["messages"]

    from app.student import shell_files
    copy = tmp_path / "service_worker"
    copy.mkdir()
    for path in sw_dir().glob("*.js"):
        (copy / path.name).write_text(path.read_text())
    monkeypatch.setattr(shell_files, "sw_dir", lambda: copy)
    assert shell_files.shell_version() == version
    (copy / "render.js").write_text((copy / "render.js").read_text() + "\n// changed\n")
    assert shell_files.shell_version() != version


def test_the_joiner_refuses_what_it_cannot_join(tmp_path):
    """A default export or an import cycle is an error at serve time, not a broken worker on phones."""
    from app.student.bundle import BundleError, service_worker_script
    (tmp_path / "sw.js").write_text('import { a } from "./sw/a.js";\n')
    (tmp_path / "a.js").write_text('import { b } from "./b.js";\nexport const a = 1;\n')
    (tmp_path / "b.js").write_text('import { a } from "./a.js";\nexport const b = 2;\n')
    with pytest.raises(BundleError, match="cycle"):
        service_worker_script(tmp_path, "v1", [], {})
    (tmp_path / "b.js").write_text("export default 2;\n")
    with pytest.raises(BundleError, match="unsupported"):
        service_worker_script(tmp_path, "v2", [], {})


def test_first_visit_shell_carries_the_join_form_in_the_browsers_language(client):
    """The shell itself shows the join form (named as contracts.md says), in Hindi for a Hindi browser."""
    english = client.get("/", headers={"Accept-Encoding": "identity"}).get_data(as_text=True)
    assert 'data-origin="server"' in english and '<label for="join-code">Class code</label>' in english
    assert '<label for="join-pin">PIN</label>' in english and ">Join</button>" in english
    hindi = client.get("/", headers={"Accept-Encoding": "identity", "Accept-Language": "hi"}).get_data(as_text=True)
    catalog = json.loads((static_dir() / "i18n" / "hi.json").read_text(encoding="utf-8"))["messages"]
    assert '<html lang="hi">' in hindi and f">{catalog['Join']}</button>" in hindi
    assert "Accept-Language" in client.get("/").headers["Vary"]


def test_app_routes_before_the_worker_takes_over_ask_for_a_reload(client):
    """/app/ is the worker's; if the server sees one, the page is not controlled yet."""
    response = client.post("/app/check", data={"answer": "3"})
    assert response.status_code == 200 and b'href="/"' in response.data


def test_static_files_are_inside_the_static_folder_only(client):
    """No path tricks out of /static/."""
    assert client.get("/static/../__init__.py").status_code == 404
    assert client.get("/static/icons/nope.png").status_code == 404
    assert Path(static_dir(), "app.js").exists()

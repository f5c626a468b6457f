"""Fixtures for the security and publishing browser tests: a real `abhyas serve` with accounts of every role,
an NGO whose key lives outside the server, and a browser context that records every request and CSP violation."""
from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.security_fixtures import NGO, NGO_PACK, write_ngo_source

from .phone import CHROMIUM
from .server import ROOT, AbhyasServer

CURRICULUM = ROOT / "content_packs" / "fractions-6"
PASSWORD = "a long test password"
VIEWPORT = {"width": 360, "height": 740}
# Injected before any page script: CSP violations are events on the document.
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class NgoDesk:
    """An NGO's own machine: its key pair and pack sources, and `abhyas pack bundle` run there."""

    def __init__(self, server: AbhyasServer, folder: Path, name: str = NGO):
        self.server, self.folder, self.name = server, Path(folder), name
        self.folder.mkdir(parents=True, exist_ok=True)
        server.abhyas("keys", "new", "--out", str(self.folder / "keys"), "--publisher", name)
        self.key = self.folder / "keys" / f"{name}.key"
        self.pub_file = self.folder / "keys" / f"{name}.pub"

    def bundle(self, version: str, reword: str | None = None) -> Path:
        """Write the NGO's pack at `version` (optionally with one item reworded) and bundle it; return the file."""
        source = write_ngo_source(self.folder / f"src-{version}" / NGO_PACK, self.name, version, reword=reword)
        out = self.folder / f"{NGO_PACK}-{version}.abhyas"
        self.server.abhyas("pack", "bundle", str(source), "--out", str(out), "--key", str(self.key))
        return out


@pytest.fixture(scope="session")
def secure_server(tmp_path_factory):
    """`abhyas serve` on its own instance: fractions-6 built, the demo seeded, an admin and an NGO publisher account."""
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's Chromium is not installed (make test installs it)")
    srv = AbhyasServer(tmp_path_factory.mktemp("secure-instance"))
    srv.abhyas("pack", "build", str(CURRICULUM), "--out", str(srv.instance / "packs"))
    srv.demo = json.loads(srv.abhyas("demo", "--json"))
    srv.admin = json.loads(srv.abhyas("users", "add", "root", "--role", "admin", "--json"))
    srv.publisher = json.loads(srv.abhyas("users", "add", "sahayak", "--role", "publisher", "--publisher", NGO,
                                          "--json"))
    srv.ngo = NgoDesk(srv, tmp_path_factory.mktemp("ngo-desk"))
    srv.stranger = NgoDesk(srv, tmp_path_factory.mktemp("stranger-desk"))  # same name, a key nobody registered
    srv.start()
    yield srv
    srv.stop()


class Recorder:
    """Every request a browser context makes (pages and service workers), and every CSP violation it reports."""

    def __init__(self, origin: str):
        self.origin = urlparse(origin).netloc
        self.requests: list = []
        self.violations: list = []

    def attach(self, context) -> None:
        """Listen on the context and on each page it opens."""
        context.add_init_script(CSP_LISTENER)
        context.on("request", lambda r: self.requests.append(r.url))
        context.on("page", self._on_page)

    def _on_page(self, page) -> None:
        page.on("console", lambda m: self.violations.append(f"console: {m.text}")
                if "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)

    def collect(self, page) -> None:
        """Add the page's reported violations (call before leaving the page)."""
        try:
            self.violations += [f"{page.url}: {v}" for v in page.evaluate("() => window.__cspViolations || []")]
        except Exception:  # noqa: BLE001 - a page mid-navigation has no document to ask
            pass

    def foreign(self) -> list:
        """Requests to any other origin (data: and blob: stay in the page)."""
        found = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob"):
                continue
            if parsed.scheme not in ("http", "https") or parsed.netloc != self.origin:
                found.append(url)
        return found


def sign_in(page, server, username: str, password: str, lands_on: str) -> None:
    """Sign in through the one sign-in form and wait for the role's home page."""
    page.goto(server.url + "/teacher")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"**{lands_on}")


@pytest.fixture
def recorded(browser, secure_server):
    """A factory of 360 px browser contexts that record requests and CSP violations; all closed afterwards."""
    opened = []

    def open_context(**options):
        context = browser.new_context(viewport=VIEWPORT, service_workers="allow", **options)
        context.set_default_timeout(20000)
        recorder = Recorder(secure_server.url)
        recorder.attach(context)
        opened.append(context)
        return context, recorder

    yield open_context
    for context in opened:
        context.close()

"""Which files make up the student shell, and the version that names them together."""
from __future__ import annotations

import base64
import hashlib
from pathlib import Path

from .assets import read_file

PACKAGE = Path(__file__).resolve().parent
APP = PACKAGE.parent


def sw_dir() -> Path:
    """The service worker's ES modules."""
    return APP / "service_worker"


def static_dir() -> Path:
    """The app's static folder."""
    return APP / "static"


def htmx_file() -> str:
    """The vendored htmx, whose file name carries its version."""
    found = sorted(static_dir().glob("htmx-*.min.js"))
    return found[-1].name if found else "htmx.min.js"


def i18n_files() -> list[Path]:
    """The UI catalogs exported for the offline app, one per locale."""
    return sorted((static_dir() / "i18n").glob("*.json"))


def boot_script() -> str:
    """The few lines the shell runs inline, before its deferred scripts arrive."""
    return read_file(PACKAGE / "boot.js")[0].decode("utf-8")


def boot_script_csp() -> str:
    """The Content-Security-Policy source that allows exactly the inline boot script."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(boot_script().encode("utf-8")).digest()).decode() + "'"


def shell_version() -> str:
    """A hash over every file the shell and its service worker are made of."""
    files = sorted(sw_dir().glob("*.js")) + [static_dir() / htmx_file(), static_dir() / "app.js"]
    files += sorted((static_dir() / "icons").glob("*")) + i18n_files() + sorted((PACKAGE / "templates").rglob("*.html"))
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + read_file(path)[1].encode())
    return digest.hexdigest()[:16]

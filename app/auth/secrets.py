"""The session-signing secret: made once per instance and kept out of the repository."""
from __future__ import annotations

import os
import secrets

from ..paths import instance_dir


def load_secret_key() -> str:
    """$ABHYAS_SECRET_KEY, else instance/secret_key (created with 32 random bytes on first use)."""
    if os.environ.get("ABHYAS_SECRET_KEY"):
        return os.environ["ABHYAS_SECRET_KEY"]
    path = instance_dir() / "secret_key"
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip()

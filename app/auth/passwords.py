"""Password hashing: Werkzeug's scrypt, and the older hashes this server wrote, verified until next sign-in.

Hashes written before Werkzeug took over look like `scrypt$N$r$p$salt$digest` (base64);
they still verify here, and `needs_rehash` tells sign-in to store Werkzeug's form instead.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from werkzeug.security import check_password_hash, generate_password_hash

_LEGACY = "scrypt$"


def hash_password(password: str) -> str:
    """A salted scrypt hash in Werkzeug's self-describing form (`scrypt:N:r:p$salt$hex`)."""
    return generate_password_hash(password, method="scrypt")


def check_password(stored: str, password: str) -> bool:
    """True when the password matches the stored hash (Werkzeug's or the older form), in constant time."""
    if not stored:
        return False
    if stored.startswith(_LEGACY):
        return _check_legacy(stored, password)
    try:
        return check_password_hash(stored, password)
    except (ValueError, TypeError):
        return False


def needs_rehash(stored: str) -> bool:
    """True for a hash in the older form, which the next successful sign-in replaces."""
    return bool(stored) and stored.startswith(_LEGACY)


def _check_legacy(stored: str, password: str) -> bool:
    try:
        _scheme, n, r, p, salt, digest = stored.split("$")
        actual = hashlib.scrypt(password.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                                maxmem=64 * 1024 * 1024)
        return hmac.compare_digest(actual, base64.b64decode(digest))
    except (ValueError, TypeError):
        return False

"""Publisher keys as an admin handles them: read a pasted key, register it, revoke it, list publishers."""
from __future__ import annotations

import base64
import binascii
import json
import time
from pathlib import Path

from ..auth.accounts import AccountError, check_publisher_name
from ..db import write
from ..packs.publishing import register_publisher_key
from ..packs.signing import TrustError, key_id_for, trusted_keys


def parse_public_key(text: str, publisher: str = "") -> tuple[str, str]:
    """(publisher, base64 key) from a pasted .pub file (JSON) or a bare base64 key; raise AccountError."""
    text = (text or "").strip()
    publisher = (publisher or "").strip()
    if text.startswith("{"):
        try:
            record = json.loads(text)
            public, named = str(record["public"]), str(record.get("publisher") or "")
        except (ValueError, KeyError, TypeError):
            raise AccountError("the pasted key is not a .pub file (JSON with \"publisher\" and \"public\")") from None
        if publisher and named and publisher != named:
            raise AccountError(f"the key file is for '{named}', not '{publisher}'")
        publisher = publisher or named
        try:
            raw = base64.b64decode(public, validate=True)
        except (ValueError, binascii.Error):
            raise AccountError("the key's \"public\" field is not base64") from None
        if record.get("key_id") and record["key_id"] != key_id_for(raw):
            raise AccountError("the key file's key_id does not match its key (the file was changed)")
    else:
        public = text
    if not publisher:
        raise AccountError("say which publisher the key belongs to")
    return check_publisher_name(publisher), public


def register_key(db, text: str, publisher: str, admin_id: int) -> dict:
    """Register a pasted key for a publisher; refuse a key already registered to another publisher."""
    publisher, public = parse_public_key(text, publisher)
    try:
        raw = base64.b64decode(public, validate=True)
    except (ValueError, binascii.Error):
        raise AccountError("the public key is not base64") from None
    existing = db.execute("SELECT publisher FROM publisher_keys WHERE key_id = ?", [key_id_for(raw)]).fetchone()
    if existing and existing[0] != publisher:
        raise AccountError(f"this key is registered to '{existing[0]}'; revoke it there and ask for a new key")
    try:
        return register_publisher_key(db, publisher, public, admin_id)
    except TrustError as exc:
        raise AccountError(str(exc)) from None


def revoke_key(db, key_id: str, admin_id: int) -> bool:
    """Revoke a registered key (its packs stop verifying on phones); True when one was revoked."""
    with write(db):
        return db.execute("UPDATE publisher_keys SET revoked_at = ?, revoked_by = ? WHERE key_id = ? "
                          "AND revoked_at IS NULL", [time.time(), admin_id, key_id]).rowcount > 0


def publishers(db, keys_dir: Path) -> list:
    """Every publisher: its keys (registered or the instance's own files), accounts and published packs."""
    found: dict = {}

    def entry(name):
        return found.setdefault(name, {"name": name, "keys": [], "accounts": [], "packs": []})

    for row in db.execute("SELECT k.key_id, k.publisher, k.public, k.created_at, k.revoked_at, "
                          "coalesce(u.display_name, u.username) FROM publisher_keys k "
                          "LEFT JOIN users u ON u.id = k.registered_by ORDER BY k.created_at"):
        entry(row[1])["keys"].append({"key_id": row[0], "public": row[2], "created_at": row[3], "revoked_at": row[4],
                                      "by": row[5], "source": "registered"})
    registered = {k["key_id"] for p in found.values() for k in p["keys"]}
    for key_id, record in sorted(trusted_keys(Path(keys_dir)).items()):
        if key_id not in registered:
            entry(record.get("publisher", "?"))["keys"].append({"key_id": key_id, "public": record.get("public"),
                                                                "source": "file"})
    for username, name in db.execute("SELECT username, publisher FROM users WHERE role = 'publisher'"):
        entry(name or username)["accounts"].append(username)
    for pack_id, name, versions in db.execute("SELECT pack_id, publisher, count(*) FROM packs GROUP BY pack_id, publisher"):
        entry(name)["packs"].append({"pack": pack_id, "versions": versions})
    return sorted(found.values(), key=lambda p: p["name"].lower())

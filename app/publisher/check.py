"""Checking a pack bundle before it is published: accepted, or refused with a reason a person can act on.

Every web or API upload goes through `check_bundle` first, so the refusal names its kind
(not a pack, damaged, unsigned, unknown or revoked publisher, tampered, someone else's pack,
a version already taken) instead of a bare error, in the words every other door uses
(app/packs/unpack.py), and so rules the signature alone cannot
express hold: a pack id belongs to the publisher who first published it, and pack ids and
versions have the shapes the file layout relies on.
"""
from __future__ import annotations

import json
from pathlib import Path

from ..packs.publishing import publish_bundle
from ..packs.registry import trusted_keys_for
from ..packs.signing import TrustError
from ..packs.unpack import BundleRefused, read_bundle, read_index
from ..packs.validate import PACK_ID, VERSION

# What each kind of refusal means for the person who sees it, and what to do about it.
ADVICE = {
    "not_a_pack": "Choose the file `abhyas pack bundle` wrote (it starts with ABHYAS-PACK-BUNDLE).",
    "damaged": "The file was damaged on its way (cut short or changed in copying). Get a fresh copy from the publisher.",
    "unsigned": "Build the bundle again with `abhyas pack bundle` and the publisher's key.",
    "unknown_publisher": "An admin must register this publisher's public key (the .pub file) first.",
    "revoked": "An admin revoked this key. The publisher must sign with a new, registered key.",
    "tampered": "The file changed after it was signed. Get a fresh copy from the publisher; do not use this one.",
    "wrong_publisher": "Sign in as the publisher whose key signed the pack, or sign it with your own key.",
    "pack_owned": "Choose another pack id in pack.yaml: this one belongs to another publisher.",
    "version_taken": "Raise the version in pack.yaml (e.g. 1.0.1) and build the bundle again.",
    "malformed": "Build the pack with `abhyas pack validate` and `abhyas pack bundle`; they write valid ids.",
}


class CheckRefused(TrustError):
    """A bundle that must not be published; `kind` names why (a key of ADVICE)."""

    def __init__(self, kind: str, reason: str):
        super().__init__(reason)
        self.kind = kind

    @property
    def advice(self) -> str:
        """What the person who sees the refusal can do about it."""
        return ADVICE[self.kind]


def _claimed_publisher(envelope: dict) -> str:
    try:
        return str(json.loads(envelope.get("body", ""))["publisher"])[:64]
    except (ValueError, KeyError, TypeError):
        return "?"


def _unknown_key(db, data: bytes, refusal: BundleRefused) -> CheckRefused:
    """An unregistered key's refusal, naming who the pack claims to be and whether an admin revoked the key."""
    envelope = read_index(data)[0]["manifest"]
    key_id = str(envelope["key_id"])[:64]
    revoked = db.execute("SELECT publisher FROM publisher_keys WHERE key_id = ? AND revoked_at IS NOT NULL",
                         [key_id]).fetchone()
    if revoked:
        return CheckRefused("revoked", f"{refusal}: the key of '{revoked[0]}', which an admin revoked")
    return CheckRefused("unknown_publisher", f"{refusal} (it claims to be '{_claimed_publisher(envelope)}'); "
                                             f"no admin registered it on this server")


def _check_listing(db, body: dict, envelope: dict, publisher: str | None) -> bool:
    """Rules for listing beyond the signature; True when this exact version is already published."""
    if not PACK_ID.match(str(body.get("pack", ""))) or not VERSION.match(str(body.get("version", ""))):
        raise CheckRefused("malformed", "the pack id or version has the wrong form (e.g. fractions-6, 1.0.0)")
    if publisher is not None and body["publisher"] != publisher:
        raise CheckRefused("wrong_publisher",
                           f"you publish as '{publisher}' but this pack is signed by '{body['publisher']}'")
    owner = db.execute("SELECT publisher FROM packs WHERE pack_id = ? ORDER BY published_at LIMIT 1",
                       [body["pack"]]).fetchone()
    if owner and owner[0] != body["publisher"]:
        raise CheckRefused("pack_owned", f"the pack id '{body['pack']}' belongs to '{owner[0]}'; "
                                         f"'{body['publisher']}' cannot publish versions of it")
    same = db.execute("SELECT manifest FROM packs WHERE pack_id = ? AND version = ?",
                      [body["pack"], body["version"]]).fetchone()
    if same and json.loads(same[0]).get("body") != envelope["body"]:
        raise CheckRefused("version_taken", f"{body['pack']} {body['version']} is already published with other "
                                            f"content; raise the version")
    return same is not None


def check_bundle(db, data: bytes, keys_dir: Path, publisher: str | None = None) -> dict:
    """Verify a bundle as publishing would, without storing anything; raise CheckRefused with the reason.

    Returns the manifest body, its file count and bytes, and whether this exact version is already listed.
    `publisher` (a publisher account's name) must be the one that signed the pack.
    """
    try:
        body, files = read_bundle(data, trusted_keys_for(db, Path(keys_dir)))
    except BundleRefused as exc:
        if exc.kind == "unknown_publisher":
            raise _unknown_key(db, data, exc) from None
        raise CheckRefused(exc.kind, str(exc)) from None
    except TrustError as exc:  # a registered key signing for another publisher's name
        raise CheckRefused("wrong_publisher", str(exc)) from None
    already = _check_listing(db, body, read_index(data)[0]["manifest"], publisher)
    return {"body": body, "files": len(files), "bytes": sum(len(raw) for raw in files.values()),
            "already_published": already}


def check_and_publish(db, data: bytes, packs_dir: Path, keys_dir: Path, user_id: int | None = None,
                      publisher: str | None = None) -> dict:
    """Check a bundle (raising CheckRefused) and publish it; return the check's result."""
    result = check_bundle(db, data, keys_dir, publisher)
    publish_bundle(db, data, Path(packs_dir), Path(keys_dir), user_id=user_id, publisher=publisher)
    return result

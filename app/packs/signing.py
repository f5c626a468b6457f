"""Ed25519 publisher keys, signed manifests, and their verification."""
from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ..paths import keys_dir


class TrustError(Exception):
    """A pack or manifest that must not be trusted, with the reason."""

    @property
    def user_message(self) -> str:
        """The one-line reason shown to a person."""
        return str(self)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def key_id_for(public_raw: bytes) -> str:
    """A short, stable name for a public key: the first 16 hex digits of its SHA-256."""
    return hashlib.sha256(public_raw).hexdigest()[:16]


def new_key(out_dir: Path, publisher: str) -> Path:
    """Make a publisher key pair in out_dir; return the public key's path (never overwrite)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    private_path, public_path = out_dir / f"{publisher}.key", out_dir / f"{publisher}.pub"
    if private_path.exists():
        raise TrustError(f"{private_path} exists already; keys are never overwritten")
    private = Ed25519PrivateKey.generate()
    raw = private.private_bytes_raw()
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"publisher": publisher, "private": _b64(raw)}, fh)
    public_path.write_text(json.dumps(public_key_record(publisher, public_raw)) + "\n")
    return public_path


def public_key_record(publisher: str, public_raw: bytes) -> dict:
    """The JSON form of a public key, as the server and phones store it."""
    return {"publisher": publisher, "key_id": key_id_for(public_raw), "public": _b64(public_raw)}


def load_private_key(path: Path) -> tuple[str, Ed25519PrivateKey]:
    """Read a private key file; return (publisher, key)."""
    try:
        data = json.loads(Path(path).read_text())
        return data["publisher"], Ed25519PrivateKey.from_private_bytes(base64.b64decode(data["private"]))
    except (OSError, ValueError, KeyError) as exc:
        raise TrustError(f"{path}: not a usable private key ({exc})") from None


def instance_key(publisher: str = "abhyas-core") -> Path:
    """The instance's own signing key, made on first use, so a fresh machine can build packs."""
    path = keys_dir() / f"{publisher}.key"
    if not path.exists():
        new_key(keys_dir(), publisher)
    return path


def trusted_keys(directory: Path | None = None) -> dict:
    """Trusted public keys by key id, from a folder of .pub files."""
    found = {}
    for pub in sorted(Path(directory or keys_dir()).glob("*.pub")):
        try:
            record = json.loads(pub.read_text())
            found[record["key_id"]] = record
        except (OSError, ValueError, KeyError):
            continue
    return found


def sign_manifest(body: dict, private_path: Path) -> bytes:
    """Serialise a manifest body and wrap it with its signature; the same inputs give the same bytes."""
    publisher, private = load_private_key(private_path)
    if body.get("publisher") != publisher:
        raise TrustError(f"the pack names publisher '{body.get('publisher')}' but the key belongs to '{publisher}'")
    public_raw = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    body = dict(body, key_id=key_id_for(public_raw))
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # Ed25519 signatures are deterministic, so a rebuild gives identical manifest bytes.
    signature = private.sign(text.encode("utf-8"))
    envelope = {"body": text, "signature": _b64(signature), "key_id": body["key_id"], "alg": "Ed25519"}
    return (json.dumps(envelope, sort_keys=True, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def verify_manifest(data: bytes, trusted: dict) -> dict:
    """Check a signed manifest against trusted keys; return its body or raise TrustError."""
    try:
        envelope = json.loads(data)
        text, signature, key_id = envelope["body"], base64.b64decode(envelope["signature"]), envelope["key_id"]
    except (ValueError, KeyError, TypeError):
        raise TrustError("unsigned or malformed manifest: no body/signature/key_id") from None
    record = trusted.get(key_id)
    if record is None:
        raise TrustError(f"signed by an unknown publisher key {key_id}; an admin must register the publisher first")
    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(record["public"])).verify(signature, text.encode("utf-8"))
    except (InvalidSignature, ValueError):
        raise TrustError("the manifest's signature does not verify: it was changed after signing") from None
    body = json.loads(text)
    if body.get("key_id") != key_id or body.get("publisher") != record.get("publisher"):
        raise TrustError(f"the manifest claims publisher '{body.get('publisher')}' but is signed by '{record.get('publisher')}'")
    return body


def verify_file_hash(data: bytes, expected_sha256: str, name: str) -> None:
    """Raise TrustError when a file's bytes do not hash to the name the manifest gives."""
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected_sha256:
        raise TrustError(f"{name}: content does not match its SHA-256 in the manifest (tampered or corrupted)")

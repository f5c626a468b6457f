"""Publishing: a signed bundle from a registered publisher becomes a listed, deliverable pack."""
from __future__ import annotations

import base64
import json
import time
from pathlib import Path

from ..db import write
from .blobs import read as read_pack_file
from .bundle import read_bundle
from .files import write_content_file
from .registry import latest_manifests, publish, published_manifest, trusted_keys_for
from .signing import TrustError, key_id_for


def register_publisher_key(db, publisher: str, public_b64: str, admin_id: int | None) -> dict:
    """Record a publisher's Ed25519 public key (an admin's decision); return the key record."""
    try:
        raw = base64.b64decode(public_b64, validate=True)
    except ValueError:
        raise TrustError("the public key is not base64") from None
    if len(raw) != 32:
        raise TrustError("an Ed25519 public key is 32 bytes")
    record = {"key_id": key_id_for(raw), "publisher": publisher.strip(), "public": public_b64.strip(),
              "registered_by": admin_id, "created_at": time.time(), "revoked_at": None}
    with write(db):
        db["publisher_keys"].upsert(record, pk="key_id")
    return record


def publish_bundle(db, data: bytes, packs_dir: Path, keys_dir: Path, user_id: int | None = None,
                   publisher: str | None = None) -> dict:
    """Verify a bundle against registered keys, store its files, list it; return the manifest body."""
    body, files = read_bundle(data, trusted_keys_for(db, keys_dir))
    if publisher is not None and body["publisher"] != publisher:
        raise TrustError(f"you publish as '{publisher}' but this pack is signed by '{body['publisher']}'")
    files_dir = Path(packs_dir) / "files"
    for name, raw in files.items():
        write_content_file(files_dir, raw, suffix=Path(name).suffix, compress=not name.endswith(".opus"))
    manifest_dir = Path(packs_dir) / body["pack"] / body["version"]
    manifest_dir.mkdir(parents=True, exist_ok=True)
    end = data.find(b"\n", len(b"ABHYAS-PACK-BUNDLE 1\n"))
    envelope = json.loads(data[len(b"ABHYAS-PACK-BUNDLE 1\n"):end])["manifest"]
    manifest = manifest_dir / "manifest.json"
    manifest.write_text(json.dumps(envelope, sort_keys=True, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return publish(db, manifest, files_dir, trusted_keys_for(db, keys_dir), user_id)


def _documents(db, body: dict, files_dir: Path) -> dict:
    docs = {}
    for entry in body["files"]:
        key = entry["role"] if entry["role"] != "text" else f"text.{entry['locale']}"
        docs[key] = json.loads(read_pack_file(db, Path(files_dir), Path(entry["path"]).name))
    return docs


def changes_between(db, old: dict | None, new: dict, files_dir: Path) -> dict:
    """What changed from one version to the next: items added, removed, reworded; bytes a phone must fetch."""
    new_docs = _documents(db, new, files_dir)
    new_items = {i["id"]: i for i in new_docs["items"]["items"]}
    if old is None:
        return {"from": None, "added": sorted(new_items), "removed": [], "changed": [], "reworded": {},
                "download_bytes_br": sum(f["bytes_br"] for f in new["files"])}
    old_docs = _documents(db, old, files_dir)
    old_items = {i["id"]: i for i in old_docs["items"]["items"]}
    reworded = {}
    for locale in new.get("locales", {}):
        before, after = old_docs.get(f"text.{locale}", {}).get("items", {}), new_docs.get(f"text.{locale}", {}).get("items", {})
        changed = sorted(i for i in after if i in before and before[i] != after[i])
        if changed:
            reworded[locale] = changed
    old_hashes = {f["sha256"] for f in old["files"]}
    return {
        "from": old["version"],
        "added": sorted(set(new_items) - set(old_items)),
        "removed": sorted(set(old_items) - set(new_items)),
        "changed": sorted(i for i in new_items if i in old_items and new_items[i] != old_items[i]),
        "reworded": reworded,
        "download_bytes_br": sum(f["bytes_br"] for f in new["files"] if f["sha256"] not in old_hashes),
    }


def catalogue(db, files_dir: Path) -> list:
    """Every published pack's newest version with titles, languages and review status, sizes and changes."""
    rows = {}
    for pack_id, version in db.execute("SELECT pack_id, version FROM packs ORDER BY published_at").fetchall():
        rows.setdefault(pack_id, []).append(published_manifest(db, pack_id, version)[1])
    listing = []
    for pid, (_text, body) in sorted(latest_manifests(db).items()):
        versions = sorted(rows.get(pid, []), key=lambda b: tuple(int(x) for x in b["version"].split(".")))
        previous = versions[-2] if len(versions) > 1 else None
        audio = body.get("audio", {})
        listing.append({
            "pack": pid, "version": body["version"], "title": body["title"], "publisher": body["publisher"],
            "locales": body["locales"],
            "bytes_br": body.get("bytes_br"),
            "bytes_with_audio": body.get("bytes_br", 0) + sum(v["bytes"] for v in audio.get("locales", {}).values()),
            "audio_locales": sorted(audio.get("locales", {})),
            "changes": changes_between(db, previous, body, files_dir),
        })
    return listing

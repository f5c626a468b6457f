"""Published packs: verify a built artifact against trusted keys, record it, and read the catalogue."""
from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path

from .blobs import read as read_pack_file
from .signing import TrustError, trusted_keys, verify_file_hash, verify_manifest

SHARED_KEY_PREFIX = "folder_key:"


def trusted_keys_for(db, keys_dir: Path) -> dict:
    """Keys the server trusts: its own folder of .pub files, those of the other servers on its database, plus
    publishers an admin registered."""
    keys = {**_shared_folder_keys(db), **trusted_keys(keys_dir)}
    for row in db["publisher_keys"].rows_where("revoked_at IS NULL"):
        keys[row["key_id"]] = {"publisher": row["publisher"], "key_id": row["key_id"], "public": row["public"]}
    return keys


def verify_artifact(manifest_bytes: bytes, files_dir: Path, trusted: dict) -> dict:
    """Check the manifest's signature and every file's hash, audio clips through their checked indexes; return the body."""
    from .audio import audio_clip_entries
    body = verify_manifest(manifest_bytes, trusted)

    def checked(entry) -> bytes:
        path = files_dir / Path(entry["path"]).name
        if not path.exists():
            raise TrustError(f"{path.name}: listed in the manifest but missing")
        data = path.read_bytes()
        verify_file_hash(data, entry["sha256"], path.name)
        return data

    for entry in body.get("files", []) + body.get("audio", {}).get("files", []):
        data = checked(entry)
        if entry.get("role") in ("items", "text"):
            _refuse_unsafe_figures(data, Path(entry["path"]).name)
    # Signature -> index SHA-256 (checked above, and again as it is read) -> each clip's SHA-256.
    for clip in audio_clip_entries(body, checked):
        checked(clip)
    return body


def _refuse_unsafe_figures(data: bytes, name: str) -> None:
    """A signed pack whose figures hold unsafe markup is refused, as the validator would have refused its source."""
    from .svg_safety import unsafe_figures
    try:
        document = json.loads(data)
    except ValueError:
        raise TrustError(f"{name}: a pack document that is not JSON") from None
    found = unsafe_figures(document) if isinstance(document, dict) else []
    if found:
        where, reason = found[0]
        raise TrustError(f"{name}: the figure of {where} is unsafe: {reason}")


def publish(db, manifest_path: Path, files_dir: Path, trusted: dict, user_id=None) -> dict:
    """Verify a built pack, keep its files in the database and list it in the catalogue; refuse (TrustError) anything
    that fails."""
    from ..db import write
    from .blobs import artifact_names, store_files
    data = Path(manifest_path).read_bytes()
    body = verify_artifact(data, files_dir, trusted)
    # Stored before it is listed: every server that sees the listing can fetch every file it names.
    store_files(db, files_dir, artifact_names(body, files_dir))
    _share_signing_key(db, trusted[body["key_id"]])
    row = {"pack_id": body["pack"], "version": body["version"], "publisher": body["publisher"],
           "key_id": body["key_id"], "manifest_sha256": hashlib.sha256(data).hexdigest(),
           "manifest": data.decode("utf-8"), "published_at": time.time(), "published_by": user_id}
    existing = db["packs"].rows_where("pack_id = ? AND version = ?", [body["pack"], body["version"]])
    existing = next(iter(existing), None)
    if existing and existing["manifest_sha256"] != row["manifest_sha256"]:
        change = _audio_change(json.loads(json.loads(existing["manifest"])["body"]), body)
        if change == "drops audio":
            return body  # a text-only rebuild of a version whose audio is out already: keep the richer manifest
        if change != "adds audio":
            raise TrustError(f"{body['pack']} {body['version']} is already published with other content; bump the version")
        # The same documents with read-aloud audio added (rendered after the server started): amend in place.
        with write(db):
            db["packs"].update((body["pack"], body["version"]), {k: row[k] for k in ("manifest", "manifest_sha256", "key_id")})
        return body
    if not existing:
        with write(db):
            db["packs"].insert(row)
    return body


def _share_signing_key(db, key: dict) -> None:
    """Record a key this server trusts through its own keys folder in the settings, so every server on the database
    (and every phone asking any of them for keys.json) trusts the packs it signed, as this one does."""
    from ..db import write
    if key["key_id"] in _shared_folder_keys(db):
        return
    record = json.dumps({k: key[k] for k in ("key_id", "publisher", "public")}, sort_keys=True)
    with write(db):
        db.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
                   [SHARED_KEY_PREFIX + key["key_id"], record])


def _shared_folder_keys(db) -> dict:
    """Keys some server of this database trusts through its keys folder, by key id."""
    rows = db.execute("SELECT value FROM settings WHERE key LIKE ?", [SHARED_KEY_PREFIX + "%"]).fetchall()
    return {record["key_id"]: record for record in (json.loads(row[0]) for row in rows)}


def _audio_change(old: dict, new: dict) -> str | None:
    """"adds audio" / "drops audio" when two manifests of a version differ only by the audio section; else None."""
    strip = lambda body: {k: v for k, v in body.items() if k != "audio"}  # noqa: E731
    if strip(old) != strip(new):
        return None
    if "audio" in new and "audio" not in old:
        return "adds audio"
    if "audio" in old and "audio" not in new:
        return "drops audio"
    return None


def publish_built_folder(db, packs_dir: Path, trusted: dict) -> list:
    """Publish every manifest under a build folder; return (manifest, error or None) pairs."""
    results = []
    for manifest in sorted(Path(packs_dir).glob("*/*/manifest.json")):
        try:
            publish(db, manifest, Path(packs_dir) / "files", trusted)
            results.append((manifest, None))
        except TrustError as exc:
            results.append((manifest, str(exc)))
    return results


def _version_key(version: str):
    return tuple(int(part) for part in version.split("."))


_parsed: dict = {}  # manifest SHA-256 -> (text, body): a published manifest never changes


def _manifest_by_sha(db, sha256: str) -> tuple:
    """A published manifest's text and parsed body, read and parsed once per process."""
    if sha256 not in _parsed:
        if len(_parsed) > 256:
            _parsed.clear()
        text = db.execute("SELECT manifest FROM packs WHERE manifest_sha256 = ?", [sha256]).fetchone()[0]
        _parsed[sha256] = (text, json.loads(json.loads(text)["body"]))
    return _parsed[sha256]


def published_manifest(db, pack_id: str, version: str) -> tuple | None:
    """(text, body) of one published version, or None."""
    row = db.execute("SELECT manifest_sha256 FROM packs WHERE pack_id = ? AND version = ?", [pack_id, str(version)]).fetchone()
    return _manifest_by_sha(db, row[0]) if row else None


def latest_manifests(db) -> dict:
    """The newest published version of each pack: pack id -> (manifest text, body)."""
    # Every sync asks for these, so only the hashes are read here and each manifest is parsed once.
    latest = {}
    for pack_id, version, sha256 in db.execute("SELECT pack_id, version, manifest_sha256 FROM packs"):
        current = latest.get(pack_id)
        if current is None or _version_key(version) > _version_key(current[0]):
            latest[pack_id] = (version, sha256)
    return {pid: _manifest_by_sha(db, sha256) for pid, (_version, sha256) in latest.items()}


_catalog_cache: dict = {}


def load_catalog(db, files_dir: Path) -> dict:
    """The adaptive catalog (skills, misconceptions, items, reflections, diagnostic) of the latest packs."""
    manifests = latest_manifests(db)
    key = (str(files_dir), tuple(sorted((pid, body["version"], body["key_id"]) for pid, (_m, body) in manifests.items())))
    if key in _catalog_cache:
        return _catalog_cache[key]
    catalog = {"skills": {}, "misconceptions": {}, "items": {}, "reflections": [], "diagnostic": [], "packs": {}}
    for pid, (_text, body) in sorted(manifests.items()):
        docs = {}
        for entry in body["files"]:
            if entry["role"] in ("meta", "items") or (entry["role"] == "text" and entry.get("locale") == "en"):
                docs[entry["role"]] = json.loads(read_pack_file(db, files_dir, Path(entry["path"]).name))
        meta, items, english = docs["meta"], docs["items"], docs.get("text", {})
        catalog["packs"][pid] = {"version": body["version"], "skills": [s["id"] for s in meta["skills"]],
                                 "reflections": [r["id"] for r in meta["reflections"]]}
        for skill in meta["skills"]:
            # English names make the server's one-line "why" readable; phones localise by reason code.
            catalog["skills"][skill["id"]] = {"prerequisites": skill["prerequisites"], "pack": pid,
                                              "misconceptions": [m["id"] for m in skill["misconceptions"]],
                                              "name": english.get("skills", {}).get(skill["id"])}
            for mc in skill["misconceptions"]:
                catalog["misconceptions"][mc["id"]] = {"skill": skill["id"], "remediation": mc["remediation"],
                                                       "label": english.get("misconceptions", {}).get(mc["id"], {}).get("name")}
        for item in items["items"]:
            catalog["items"][item["id"]] = dict(item, pack=pid)
        catalog["reflections"].extend(r["id"] for r in meta["reflections"] if r["id"] not in catalog["reflections"])
        catalog["diagnostic"].extend(meta.get("diagnostic") or [])
    _catalog_cache.clear()
    _catalog_cache[key] = catalog
    return catalog

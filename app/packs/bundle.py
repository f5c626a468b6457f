"""One signed file holding a whole pack, to pass phone to phone, by SD card or in a chat app.

Layout (simple enough for the service worker to read with DataView and DecompressionStream):
  line 1  `ABHYAS-PACK-BUNDLE 1`
  line 2  JSON index: {"manifest": <signed envelope>, "files": [{"sha256", "encoding": "gzip", "length"}]}
  then    each file's gzip bytes, in index order.
The index is not signed, and needs not be: every byte it points at is checked against the
signed manifest's SHA-256 after decompression (an audio clip against its SHA-256 in an audio
index, whose own SHA-256 the manifest holds), so a changed byte anywhere is refused.
"""
from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

from ..paths import keys_dir
from .audio import audio_clip_entries
from .build import build_pack
from .signing import TrustError, trusted_keys, verify_file_hash, verify_manifest

MAGIC = b"ABHYAS-PACK-BUNDLE 1\n"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024


def bundle_pack(source_dir: Path, out_file: Path, key_path=None, audio: bool = False) -> Path:
    """Build a pack and write it as one signed bundle file; return the file's path."""
    with tempfile.TemporaryDirectory(prefix="abhyas-bundle-") as folder:
        manifest = build_pack(Path(source_dir), Path(folder), key_path=key_path, audio=audio)
        return write_bundle(manifest, Path(folder) / "files", Path(out_file))


def write_bundle(manifest_path: Path, files_dir: Path, out_file: Path) -> Path:
    """Pack an already built manifest and its files into one bundle file."""
    envelope = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    body = json.loads(envelope["body"])
    entries, payloads = [], []
    listed = body["files"] + body.get("audio", {}).get("files", [])
    # The manifest lists only the audio indexes; the bundle also carries every clip they list.
    clips = audio_clip_entries(body, lambda e: (files_dir / Path(e["path"]).name).read_bytes())
    listed_shas = {e["sha256"] for e in listed}
    for entry in listed + [c for c in clips if c["sha256"] not in listed_shas]:
        name = Path(entry["path"]).name
        gz = files_dir / f"{name}.gz"
        data = gz.read_bytes() if gz.exists() else gzip.compress((files_dir / name).read_bytes(), mtime=0)
        entries.append({"sha256": entry["sha256"], "name": name, "encoding": "gzip", "length": len(data)})
        payloads.append(data)
    index = json.dumps({"manifest": envelope, "files": entries}, sort_keys=True, separators=(",", ":")).encode()
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_bytes(MAGIC + index + b"\n" + b"".join(payloads))
    return out_file


def split_bundle(data: bytes) -> tuple[dict, list[bytes]]:
    """A bundle's index and each file's gzip payload, in index order (nothing verified yet)."""
    if not data.startswith(MAGIC):
        raise TrustError("not an Abhyas pack file (the first line is wrong)")
    end = data.find(b"\n", len(MAGIC))
    try:
        index = json.loads(data[len(MAGIC):end])
        payloads, offset = [], end + 1
        for entry in index["files"]:
            payloads.append(data[offset:offset + int(entry["length"])])
            offset += int(entry["length"])
    except (ValueError, KeyError, TypeError):
        raise TrustError("the pack file's index is damaged") from None
    return index, payloads


def read_bundle(data: bytes, trusted: dict) -> tuple[dict, dict]:
    """Verify a bundle's signature and every file's hash; return (manifest body, {name: raw bytes})."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise TrustError("the file is larger than any pack; it is not an Abhyas pack")
    index, payloads = split_bundle(data)
    try:
        manifest_bytes = json.dumps(index["manifest"]).encode()
    except (KeyError, TypeError):
        raise TrustError("the pack file's index is damaged") from None
    body = verify_manifest(manifest_bytes, trusted)
    expected = {e["sha256"] for e in body["files"] + body.get("audio", {}).get("files", [])}
    files = {}
    for entry, chunk in zip(index["files"], payloads):
        try:
            raw = gzip.decompress(chunk)
        except (OSError, EOFError):
            raise TrustError(f"{entry.get('name')}: damaged inside the pack file") from None
        verify_file_hash(raw, entry["sha256"], entry.get("name", "a file"))
        files[f"{entry['sha256']}{Path(entry.get('name', '.json')).suffix}"] = raw
    by_sha = {name.split(".")[0]: raw for name, raw in files.items()}

    def signed_index(index_entry) -> bytes:
        if index_entry["sha256"] not in by_sha:
            raise TrustError("the pack file does not hold exactly the files its manifest lists")
        return by_sha[index_entry["sha256"]]

    # Clips are listed in the audio indexes, whose hashes the signed manifest holds.
    expected |= {clip["sha256"] for clip in audio_clip_entries(body, signed_index)}
    if set(by_sha) != expected:
        raise TrustError("the pack file does not hold exactly the files its manifest lists")
    return body, files


def verify_file(path: Path, trusted_dir=None) -> dict:
    """Verify a bundle (or a built manifest next to its files) against trusted publisher keys."""
    trusted = trusted_keys(Path(trusted_dir) if trusted_dir else keys_dir())
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TrustError(f"cannot read {path}: {exc.strerror}") from None
    if data.startswith(MAGIC):
        return read_bundle(data, trusted)[0]
    from .registry import verify_artifact
    files_dir = Path(path).parent.parent.parent / "files"
    return verify_artifact(data, files_dir, trusted)

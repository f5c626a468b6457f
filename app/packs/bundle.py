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
from .signing import TrustError, trusted_keys
from .unpack import MAGIC, MAX_BUNDLE_BYTES, BundleRefused, read_bundle, split_bundle  # noqa: F401 - read here


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


def verify_file(path: Path, trusted_dir=None) -> dict:
    """Verify a bundle (or a built manifest next to its files) against trusted publisher keys."""
    trusted = trusted_keys(Path(trusted_dir) if trusted_dir else keys_dir())
    try:
        if Path(path).stat().st_size > MAX_BUNDLE_BYTES:  # not read into memory at all
            raise BundleRefused("not_a_pack", "larger than any pack")
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TrustError(f"cannot read {path}: {exc.strerror}") from None
    if _is_built_manifest(data):
        from .registry import verify_artifact
        files_dir = Path(path).parent.parent.parent / "files"
        return verify_artifact(data, files_dir, trusted)
    return read_bundle(data, trusted)[0]


def _is_built_manifest(data: bytes) -> bool:
    """True for a built pack's manifest.json (a signed envelope); anything else is read as a bundle."""
    if data.startswith(MAGIC) or not data.lstrip().startswith(b"{"):
        return False
    try:
        return isinstance(json.loads(data), dict)
    except ValueError:
        return False

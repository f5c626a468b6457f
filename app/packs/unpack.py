"""Reading a pack bundle back: every check, in the order the phone makes them, each refusal named.

A damaged file is normal (chat apps cut files short, SD cards flip bits), so every door (the
`abhyas pack verify` command, the publisher's upload and check pages, the publish API, the
phone's offline import in app/service_worker/bundle.js) refuses it with one of five reasons,
in the same words: "not an Abhyas pack file", "damaged", "unsigned", "unknown publisher",
"tampered". The checks run in the same order here and in bundle.js, so a file with one fault
gets the same reason at every door; tests/test_damaged_bundles.py holds both to it.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .signing import TrustError

MAGIC = b"ABHYAS-PACK-BUNDLE 1\n"
MAX_BUNDLE_BYTES = 64 * 1024 * 1024
# No single file of a pack comes near this once unpacked; a "file" that does is a zip bomb, not a pack.
MAX_FILE_BYTES = 64 * 1024 * 1024
CLIP_PATH = re.compile(r"^files/([0-9a-f]{64})\.(opus|ogg)$")

# The five reasons, worded as every door words them (bundle.js has the same table).
REASONS = {
    "not_a_pack": "not an Abhyas pack file",
    "damaged": "damaged",
    "unsigned": "unsigned",
    "unknown_publisher": "unknown publisher",
    "tampered": "tampered",
}


class BundleRefused(TrustError):
    """A bundle that fails a check: `kind` is a key of REASONS; the message is "<reason>: <detail>"."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{REASONS[kind]}: {detail}" if detail else REASONS[kind])
        self.kind, self.detail = kind, detail


def _text(value) -> bool:
    return isinstance(value, str) and value != ""


def read_index(data: bytes) -> tuple[dict, int]:
    """A bundle's index and the offset its payloads start at; refuses a file that is not a readable bundle."""
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleRefused("not_a_pack", "larger than any pack")
    if not data.startswith(MAGIC):
        raise BundleRefused("not_a_pack", "the first line is wrong")
    end = data.find(b"\n", len(MAGIC))
    if end < 0:
        raise BundleRefused("damaged", "the index is cut short")
    try:
        index = json.loads(data[len(MAGIC):end].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BundleRefused("damaged", "the index is damaged") from None
    if not isinstance(index, dict) or not isinstance(index.get("files"), list) \
            or not isinstance(index.get("manifest"), dict):
        raise BundleRefused("damaged", "the index is damaged")
    return index, end + 1


def check_envelope(envelope: dict, trusted: dict) -> dict:
    """The signed manifest body, once the envelope names a trusted key and its signature verifies."""
    if not (_text(envelope.get("body")) and _text(envelope.get("signature")) and _text(envelope.get("key_id"))):
        raise BundleRefused("unsigned", "the manifest has no signature")
    if envelope.get("alg") != "Ed25519":
        raise BundleRefused("unsigned", "unknown signature kind")
    key_id = envelope["key_id"]
    record = trusted.get(key_id)
    if record is None:
        raise BundleRefused("unknown_publisher", f"key {key_id[:64]}")
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(record["public"]))
        public.verify(base64.b64decode(envelope["signature"], validate=True), envelope["body"].encode("utf-8"))
        body = json.loads(envelope["body"])
    except (InvalidSignature, ValueError, UnicodeEncodeError):
        raise BundleRefused("tampered", "the signature does not match") from None
    if not isinstance(body, dict) or not isinstance(body.get("files"), list):
        raise BundleRefused("tampered", "the signed manifest lists no files")
    if body.get("key_id") != key_id or body.get("publisher") != record.get("publisher"):
        # A registered key signing for another name: publisher/check.py calls this "wrong publisher".
        raise TrustError(f"the manifest claims publisher '{body.get('publisher')}' but is signed by "
                         f"'{record.get('publisher')}'")
    return body


def _whole_number(value) -> int | None:
    """A JSON number that is a whole number (12 and 12.0 alike, as JavaScript reads them), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    return int(value) if isinstance(value, float) and value.is_integer() else None


def payload_chunks(data: bytes, index: dict, start: int) -> list:
    """(index entry, gzip bytes) per file; the lengths the index gives must cover the rest of the file exactly."""
    chunks, offset = [], start
    for item in index["files"]:
        length = _whole_number(item.get("length") if isinstance(item, dict) else None)
        if length is None or length < 0:
            raise BundleRefused("damaged", "the index is damaged")
        if offset + length > len(data):
            raise BundleRefused("damaged", "the file is cut short")
        chunks.append((item, data[offset:offset + length]))
        offset += length
    if offset != len(data):
        raise BundleRefused("damaged", "extra bytes at the end")
    return chunks


def gunzip_exact(chunk: bytes, limit: int = MAX_FILE_BYTES) -> bytes:
    """One whole gzip member and nothing after it (what a browser's DecompressionStream accepts), or ValueError."""
    inflater = zlib.decompressobj(wbits=31)
    try:
        raw = inflater.decompress(chunk, limit)
    except zlib.error as exc:
        raise ValueError(str(exc)) from None
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise ValueError("not one whole gzip stream")
    return raw


def _clip_entry(clip) -> dict | None:
    """An audio index's clip as a file entry, or None when it names no usable clip (as audioClip in pack_audio.js)."""
    if not isinstance(clip, dict) or not isinstance(clip.get("sha256"), str):
        return None
    path = clip["path"] if isinstance(clip.get("path"), str) else f"files/{clip['sha256']}.opus"
    match = CLIP_PATH.match(path)
    return {"sha256": clip["sha256"], "path": path, "role": "audio"} if match and match[1] == clip["sha256"] else None


def _sha_of(item) -> str | None:
    sha = item.get("sha256") if isinstance(item, dict) else None
    return sha if isinstance(sha, str) else None


def unpack_files(chunks: list, body: dict) -> dict:
    """{file name: raw bytes} for every chunk, each checked against the signed manifest (clips via audio indexes)."""
    listed = [e for e in body["files"] + ((body.get("audio") or {}).get("files") or []) if isinstance(e, dict)]
    by_sha = {e.get("sha256"): e for e in listed}
    unpacked: dict[int, bytes] = {}

    def open_chunk(number: int) -> bytes:
        item, chunk = chunks[number]
        name = item.get("name") if isinstance(item.get("name"), str) else _sha_of(item)
        entry = by_sha.get(_sha_of(item))
        if entry is None:
            raise BundleRefused("tampered", f"{name} is not in the signed manifest")
        try:
            raw = gunzip_exact(chunk)
        except ValueError:
            raise BundleRefused("damaged", f"{name} is damaged inside the pack file") from None
        if hashlib.sha256(raw).hexdigest() != entry["sha256"]:
            raise BundleRefused("tampered", f"{name} does not match its hash")
        return raw

    # First the files the manifest lists; then the clips its audio indexes list (signature -> index -> clip).
    for number, (item, _chunk) in enumerate(chunks):
        if _sha_of(item) in by_sha:
            unpacked[number] = open_chunk(number)
    for index_entry in (e for e in listed if e.get("role") == "audio-index"):
        found = next((n for n, (item, _c) in enumerate(chunks) if _sha_of(item) == index_entry["sha256"]), None)
        if found is None:
            continue  # reported as missing below
        try:
            document = json.loads(unpacked[found].decode("utf-8"))
            clips = list((document.get("clips") or {}).values()) if isinstance(document, dict) else None
        except (UnicodeDecodeError, ValueError, AttributeError):
            clips = None
        if clips is None:
            raise BundleRefused("tampered", "an audio index is damaged")
        for clip in filter(None, map(_clip_entry, clips)):
            by_sha.setdefault(clip["sha256"], clip)
    files = {}
    for number, (item, _chunk) in enumerate(chunks):
        raw = unpacked[number] if number in unpacked else open_chunk(number)
        files[Path(by_sha[_sha_of(item)]["path"]).name] = raw
    if {name.split(".")[0] for name in files} != set(by_sha):
        raise BundleRefused("tampered", "files are missing")
    return files


def split_bundle(data: bytes) -> tuple[dict, list[bytes]]:
    """A bundle's index and each file's gzip payload, in index order (nothing verified but the layout)."""
    index, start = read_index(data)
    return index, [chunk for _item, chunk in payload_chunks(data, index, start)]


def read_bundle(data: bytes, trusted: dict) -> tuple[dict, dict]:
    """Verify a bundle's signature and every file's hash; return (manifest body, {file name: raw bytes})."""
    index, start = read_index(data)
    body = check_envelope(index["manifest"], trusted)
    return body, unpack_files(payload_chunks(data, index, start), body)

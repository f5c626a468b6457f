"""Student-app assets compressed once per process (brotli q11, gzip 9) and served by negotiation.

Pack files are pre-compressed at build time; the shell, htmx, the service worker modules and
the UI catalogs are few and small, so each worker compresses a file the first time it is asked
for and keeps the result in memory, keyed by the file's content hash.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
from pathlib import Path

import brotli
from flask import Response, request

from ..web.encoding import choose_encoding

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "application/manifest+json",
                "image/svg+xml")
NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
_lock = threading.Lock()
_encoded: dict[str, dict[str, bytes]] = {}
_files: dict[str, tuple[float, bytes, str]] = {}


def digest(data: bytes) -> str:
    """The content hash that names a body in the cache and in its ETag."""
    return hashlib.sha256(data).hexdigest()


def encodings_of(data: bytes, quality: int = 11) -> dict[str, bytes]:
    """The identity, brotli and gzip forms of a body, compressed on first use."""
    key = digest(data)
    with _lock:
        found = _encoded.get(key)
    if found is None:
        found = {"identity": data, "br": brotli.compress(data, quality=quality), "gzip": gzip.compress(data, 9, mtime=0)}
        with _lock:
            if len(_encoded) > 256:  # only a handful of assets exist; a bound stops a leak if that changes
                _encoded.clear()
            _encoded[key] = found
    return found


def read_file(path: Path) -> tuple[bytes, str]:
    """A file's bytes and content hash, re-read only when its modification time changes."""
    path = Path(path)
    mtime = path.stat().st_mtime
    with _lock:
        cached = _files.get(str(path))
    if cached and cached[0] == mtime:
        return cached[1], cached[2]
    data = path.read_bytes()
    with _lock:
        _files[str(path)] = (mtime, data, digest(data))
    return data, digest(data)


def asset_response(data: bytes, mimetype: str, cache_control: str = NO_CACHE, extra_headers=None,
                   quality: int = 11) -> Response:
    """A response for an asset: 304 on a matching ETag, else the best encoding the client accepts.

    `quality` is brotli's: 11 for files that rarely change; lower for larger documents made
    from the database (the result is still cached by content until the content changes).
    """
    etag = digest(data)[:32]
    headers = {"ETag": f'"{etag}"', "Cache-Control": cache_control, "Vary": "Accept-Encoding"}
    headers.update(extra_headers or {})
    if request.if_none_match and etag in request.if_none_match:
        return Response(status=304, headers=headers)
    compressible = mimetype.startswith(COMPRESSIBLE) and len(data) > 256
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""), ["br", "gzip"]) if compressible else "identity"
    body = encodings_of(data, quality)[encoding] if compressible else data
    response = Response(body, mimetype=mimetype, headers=headers)
    if encoding != "identity":
        response.headers["Content-Encoding"] = encoding
    return response

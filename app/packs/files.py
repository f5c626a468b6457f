"""Content-addressed pack files: canonical JSON bytes stored under their SHA-256, with .br and .gz siblings."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import uuid
from pathlib import Path

import brotli


def canonical_json(document) -> bytes:
    """Stable JSON bytes: sorted keys, no spaces, UTF-8 kept readable."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Gzip with a zero timestamp and no name, so the same input gives the same bytes."""
    return gzip.compress(data, compresslevel=9, mtime=0)


def write_content_file(files_dir: Path, data: bytes, suffix: str = ".json", compress: bool = True) -> dict:
    """Store bytes under their SHA-256 (with .br and .gz siblings when compressible); return the manifest entry."""
    digest = hashlib.sha256(data).hexdigest()
    files_dir.mkdir(parents=True, exist_ok=True)
    target = files_dir / f"{digest}{suffix}"
    outputs = [(target, data)]
    if compress:  # Opus is already compressed: brotli would only spend time
        outputs += [(Path(f"{target}.br"), brotli.compress(data, quality=11)), (Path(f"{target}.gz"), gzip_bytes(data))]
    for path, payload in outputs:
        if not path.exists() or path.stat().st_size != len(payload):
            atomic_write(path, payload)
    sizes = {"bytes_br": len(outputs[1][1]), "bytes_gz": len(outputs[2][1])} if compress else {"bytes_br": len(data)}
    return {"sha256": digest, "path": f"files/{digest}{suffix}", "bytes": len(data), **sizes}


def atomic_write(path: Path, payload: bytes) -> None:
    """Write through a temporary sibling and rename, so a reader never sees half a file."""
    # A name of its own per writer: the threads of one server filling its pack cache at once write the same file.
    temp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    temp.write_bytes(payload)
    os.replace(temp, path)

"""Published pack files kept in the database, so a pack published through one server is served by every other.

The database holds each file once under its content address (`<sha256>.json`, `<sha256>.opus`);
each server's packs folder is a cache of it, filled the first time a request (a phone's fetch,
the catalogue a sync reads) misses the disk. A file's bytes never change under its name, so a
cache never goes stale, and its .br and .gz siblings are made again from the bytes on filling.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

from ..db import write
from .files import write_content_file

CHUNK = 500  # names per IN (...) query: far below either engine's limit on parameters


def artifact_names(body: dict, files_dir: Path) -> list:
    """Every file a manifest stands for: its documents, its audio indexes and each clip they list."""
    from .audio import audio_clip_entries
    listed = body.get("files", []) + body.get("audio", {}).get("files", [])
    clips = audio_clip_entries(body, lambda entry: (Path(files_dir) / Path(entry["path"]).name).read_bytes())
    return sorted({Path(entry["path"]).name for entry in listed + clips})


def stored_names(db, names: list) -> set:
    """Which of these names the database already holds."""
    found = set()
    for start in range(0, len(names), CHUNK):
        chunk = names[start:start + CHUNK]
        found.update(row[0] for row in db.execute(
            f"SELECT name FROM pack_files WHERE name IN ({','.join('?' * len(chunk))})", chunk))  # noqa: S608
    return found


def store_files(db, files_dir: Path, names: list) -> int:
    """Copy the named files from this server's disk into the database (those it lacks); return how many were added."""
    missing = sorted(set(names) - stored_names(db, names))
    if not missing:
        return 0
    now = time.time()
    with write(db):
        for name in missing:
            data = (Path(files_dir) / name).read_bytes()
            db.execute("INSERT INTO pack_files (name, sha256, bytes, data, stored_at) VALUES (?, ?, ?, ?, ?) "
                       "ON CONFLICT (name) DO NOTHING", [name, hashlib.sha256(data).hexdigest(), len(data), data, now])
    return len(missing)


def fill(db, files_dir: Path, name: str) -> bool:
    """Make sure the named file is on this server's disk, fetching it from the database; False if nobody published it."""
    if (Path(files_dir) / name).exists():
        return True
    row = db.execute("SELECT sha256, data FROM pack_files WHERE name = ?", [name]).fetchone()
    if row is None:
        return False
    data = bytes(row[1])
    if hashlib.sha256(data).hexdigest() != row[0] or not name.startswith(row[0]):
        raise ValueError(f"pack file {name}: the database's copy does not match its address")
    suffix = Path(name).suffix
    write_content_file(Path(files_dir), data, suffix=suffix, compress=suffix != ".opus")
    return True


def read(db, files_dir: Path, name: str) -> bytes:
    """A published pack file's bytes, from this server's disk or (filling it) from the database."""
    if not fill(db, files_dir, name):
        raise FileNotFoundError(f"pack file {name} is neither on this server nor in the database")
    return (Path(files_dir) / name).read_bytes()

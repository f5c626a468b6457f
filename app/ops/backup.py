"""`abhyas backup` and `abhyas restore`: the whole instance in one file, taken while phones sync.

The database is copied with SQLite's online backup API: one read transaction, so the copy is
exactly the database at one moment (every sync acknowledged before it began is in it) while
writers carry on in the WAL (the session secret is in its settings). The instance's keys (its
signing key, trusted .pub files, an older instance's secret_key file) and its built packs go in
beside it, after the database, so a pack the copy
lists always has its files. The file is a gzip'd tar with a backup.json that gives each
member's SHA-256; restore checks every byte and the database's integrity before anything moves,
and only into an instance that holds no data yet.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import time
import zlib
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from ..paths import default_database, instance_dir, keys_dir, packs_dir
from ..store import is_url

FORMAT = 1
DATABASE_MEMBER = "database/abhyas.db"
SECRET_MEMBER = "instance/secret_key"


class BackupError(Exception):
    """A backup or restore that cannot go ahead, with the reason in one line."""

    @property
    def user_message(self) -> str:
        """The one-line reason the command prints."""
        return str(self)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _table_counts(conn: sqlite3.Connection) -> dict:
    names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                        "AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0] for name in names}  # noqa: S608


def _check_integrity(path: Path) -> None:
    conn = sqlite3.connect(str(path))
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the database copy is not readable: {exc}") from None
    finally:
        conn.close()
    if result != "ok":
        raise BackupError(f"the database copy fails its integrity check: {result}")


def snapshot_database(source: Path, target: Path) -> dict:
    """Copy a live database to `target` in one step (one consistent moment); return its table counts and schema."""
    if not source.exists():
        raise BackupError(f"no database at {source}")
    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        src.backup(dst)  # all pages in one step: a single read transaction, writers go on in the WAL
        dst.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        counts, schema = _table_counts(dst), dst.execute("PRAGMA user_version").fetchone()[0]
    finally:
        dst.close()
        src.close()
    _check_integrity(target)
    return {"tables": counts, "schema": schema}


def _instance_files() -> list:
    """(member name, path) for the keys, the session secret and every built pack file, in a stable order."""
    found = []
    for prefix, folder in (("keys", keys_dir()), ("packs", packs_dir())):
        if folder.is_dir():
            found += [(f"{prefix}/{p.relative_to(folder).as_posix()}", p) for p in sorted(folder.rglob("*")) if p.is_file()]
    secret = instance_dir() / "secret_key"
    if secret.is_file():
        found.append((SECRET_MEMBER, secret))
    return found


def _sqlite_file(db_path) -> Path:
    """The SQLite file to back up or restore into; a database server is refused, pointing to its own tools."""
    target = str(db_path or default_database())
    if is_url(target):
        raise BackupError("abhyas backup copies the SQLite file; back up PostgreSQL with pg_dump, "
                          "or the server's base backups and WAL archive for point-in-time recovery")
    return Path(target)


def backup_instance(out_file: Path, db_path: Path | None = None) -> dict:
    """Write the database, keys and packs to one file (readable by its owner only); return what it holds."""
    source = _sqlite_file(db_path)
    out_file = Path(out_file)
    out_file.parent.mkdir(parents=True, exist_ok=True)
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="abhyas-backup-", dir=out_file.parent) as staging:
        copy = Path(staging) / "abhyas.db"
        database = snapshot_database(source, copy)
        members = [(DATABASE_MEMBER, copy)] + _instance_files()  # files after the snapshot: packs it lists exist
        manifest = {"format": FORMAT, "created_at": started, "schema": database["schema"],
                    "tables": database["tables"], "files": {name: _sha256(path) for name, path in members}}
        partial = Path(staging) / "backup.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # it holds private keys
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            text = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("backup.json")
            info.size, info.mtime = len(text), int(started)
            archive.addfile(info, io.BytesIO(text))
            for name, path in members:
                archive.add(str(path), arcname=name, recursive=False)
        os.replace(partial, out_file)  # never a half-written backup under the real name
    return {"out": str(out_file), "bytes": out_file.stat().st_size, "schema": database["schema"],
            "events": database["tables"].get("events", 0), "files": len(members) - 1}


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember("backup.json")
        manifest = json.loads(archive.extractfile(member).read())
    except (KeyError, AttributeError, ValueError):
        raise BackupError("not an Abhyas backup (it has no backup.json)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or DATABASE_MEMBER not in manifest.get("files", {}):
        raise BackupError("not an Abhyas backup this version can read")
    return manifest


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return (not path.is_absolute() and ".." not in path.parts
            and (name in (DATABASE_MEMBER, SECRET_MEMBER) or path.parts[0] in ("keys", "packs")))


def _unpack(archive_path: Path, staging: Path) -> dict:
    """Extract every member the manifest lists into `staging`, each checked against its SHA-256."""
    try:
        archive = tarfile.open(archive_path, mode="r:gz")
    except (OSError, tarfile.TarError, EOFError, zlib.error):
        raise BackupError("not an Abhyas backup (not a gzip'd tar file)") from None
    try:
        with archive:
            manifest = _read_manifest(archive)
            expected, seen = manifest["files"], set()
            for member in archive:
                if member.name == "backup.json":
                    continue
                if member.name not in expected or not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"the backup holds a file it does not list: {member.name[:100]}")
                target = staging / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                if _sha256(target) != expected[member.name]:
                    raise BackupError(f"the backup is damaged: {member.name} does not match its SHA-256")
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"the backup is damaged ({exc})") from None
    if seen != set(expected):
        raise BackupError(f"the backup is damaged: {len(set(expected) - seen)} listed files are missing")
    return manifest


def _holds_data(db_path: Path) -> dict:
    """{table: rows} for every table with rows in the database at db_path ({} when there is none)."""
    if not db_path.exists():
        return {}
    conn = sqlite3.connect(f"file:{quote(str(db_path.resolve()))}?mode=ro", uri=True)
    try:
        return {t: n for t, n in _table_counts(conn).items() if n}
    finally:
        conn.close()


def _move_aside(path: Path, stamp: str) -> None:
    """Keep whatever an empty instance had (its own fresh key, say) next to it, never delete it."""
    if path.exists():
        path.rename(path.with_name(f"{path.name}.before-restore-{stamp}"))


def restore_instance(archive_path: Path, db_path: Path | None = None) -> dict:
    """Restore a backup into an instance with no data; refuse one that holds any, and any damaged backup."""
    db_path = _sqlite_file(db_path)
    occupied = _holds_data(db_path)
    if occupied:
        rows = ", ".join(f"{n} {t}" for t, n in sorted(occupied.items())[:4])
        raise BackupError(f"{db_path} already holds data ({rows}); restore only into an empty instance")
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="abhyas-restore-", dir=db_path.parent) as folder:
        staging = Path(folder)
        manifest = _unpack(Path(archive_path), staging)
        _check_integrity(staging / DATABASE_MEMBER)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for suffix in ("", "-wal", "-shm"):
            _move_aside(db_path.with_name(db_path.name + suffix), stamp)
        # shutil.move: the keys and packs folders may live on another file system than the database.
        shutil.move(staging / DATABASE_MEMBER, db_path)
        for prefix, target in (("keys", keys_dir()), ("packs", packs_dir())):
            if (staging / prefix).is_dir():
                _move_aside(target, stamp)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.move(staging / prefix, target)
        if (staging / SECRET_MEMBER).is_file():
            _move_aside(instance_dir() / "secret_key", stamp)
            shutil.move(staging / SECRET_MEMBER, instance_dir() / "secret_key")
    return {"restored": str(db_path), "schema": manifest["schema"], "events": manifest["tables"].get("events", 0),
            "backup_taken_at": manifest["created_at"]}

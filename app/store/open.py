"""Which engine a target names: a postgresql:// URL, or else a SQLite file path."""
from __future__ import annotations

import re
from pathlib import Path

from .base import Store, StoreError

_URL = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*)://")
POSTGRES_SCHEMES = ("postgresql", "postgres")


def is_url(target) -> bool:
    """Does this target look like a URL (scheme://...) rather than a file path?"""
    return bool(_URL.match(str(target)))


def open_store(target: str | Path) -> Store:
    """A connection to the database a URL or a file path names; StoreError (one line) when it cannot be had."""
    text = str(target)
    match = _URL.match(text)
    if match is None:
        from .sqlite import open_sqlite
        return open_sqlite(text)
    scheme = match[1].lower()
    if scheme in POSTGRES_SCHEMES:
        from .postgres import open_postgres
        return open_postgres(text)
    if scheme == "sqlite":
        from .sqlite import open_sqlite
        return open_sqlite(text[len("sqlite://"):])
    raise StoreError(f"unsupported database URL scheme {scheme!r}: use postgresql://USER@HOST:PORT/DB or a SQLite file path")


def probe_version(target: str) -> int:
    """The schema version read over a fresh connection that never creates the database."""
    if is_url(target) and _URL.match(target)[1].lower() in POSTGRES_SCHEMES:
        from .postgres import probe_version as probe
        return probe(target)
    from .sqlite import probe_version as probe
    return probe(target[len("sqlite://"):] if target.startswith("sqlite://") else target)

"""Where Abhyas keeps its state: one instance folder holding the database, keys and built packs."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def instance_dir() -> Path:
    """The instance folder: $ABHYAS_INSTANCE, else ./instance under the working folder."""
    path = Path(os.environ.get("ABHYAS_INSTANCE") or Path.cwd() / "instance")
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_db_path() -> Path:
    """The SQLite database file: $ABHYAS_DB, else instance/abhyas.db."""
    return Path(os.environ.get("ABHYAS_DB") or instance_dir() / "abhyas.db")


def default_database() -> str:
    """The database to use: $ABHYAS_DATABASE_URL (e.g. postgresql://USER@HOST:PORT/DB), else the SQLite file."""
    return os.environ.get("ABHYAS_DATABASE_URL") or str(default_db_path())


def packs_dir() -> Path:
    """Where built pack artifacts are served from."""
    return Path(os.environ.get("ABHYAS_PACKS") or instance_dir() / "packs")


def keys_dir() -> Path:
    """Where the instance's own publisher key and the trusted public keys live."""
    return Path(os.environ.get("ABHYAS_KEYS") or instance_dir() / "keys")

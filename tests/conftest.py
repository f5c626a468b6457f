"""Shared fixtures: a temporary instance on either engine, the sample pack, a built and published app.

ABHYAS_TEST_ENGINE=postgresql runs the same tests on PostgreSQL: one throwaway cluster for the session, a fresh
database per test (a copy of a migrated template); tests marked sqlite_only are left out there.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PACK = ROOT / "tests" / "fixtures" / "packs" / "sample-6"
ENGINE = os.environ.get("ABHYAS_TEST_ENGINE", "sqlite")
TEMPLATE = "abhyas_template"


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only(reason): tests the SQLite file itself; left out on PostgreSQL")
    config.addinivalue_line("markers", "postgresql_only(reason): tests the database server itself; left out on SQLite")


def pytest_collection_modifyitems(config, items):
    """Leave out the few tests of the other engine's own nature (SQLite's file and pragmas, PostgreSQL's server)."""
    other = "sqlite_only" if ENGINE == "postgresql" else "postgresql_only"
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def _admin(cluster):
    import psycopg
    return psycopg.connect(cluster.url(), autocommit=True)


@pytest.fixture(scope="session")
def pg_cluster():
    """A PostgreSQL cluster for the session with a migrated template database (None on SQLite)."""
    if ENGINE != "postgresql":
        yield None
        return
    from app.db import connect
    from tests.pg_cluster import Cluster
    cluster = Cluster.start()
    try:
        with _admin(cluster) as admin:
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        connect(cluster.url(TEMPLATE)).close()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_server(pg_cluster):
    """A running PostgreSQL cluster on either engine's run: the session's, or one started for the tests that need one."""
    if pg_cluster is not None:
        yield pg_cluster
        return
    from tests.pg_cluster import Cluster
    cluster = Cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_server_url(pg_server):
    """The URL of a database (existing or not) on a running PostgreSQL cluster."""
    return pg_server.url


class _Databases:
    """Fresh databases in a folder (SQLite) or in the session's cluster (PostgreSQL), dropped at the end."""

    def __init__(self, request, folder: Path):
        self.request, self.folder, self.created = request, folder, []

    def make(self, name: str = "abhyas.db", empty: bool = False) -> str:
        if ENGINE != "postgresql":
            return str(self.folder / name)
        cluster = self.request.getfixturevalue("pg_cluster")
        database = f"t_{uuid.uuid4().hex[:16]}"
        with _admin(cluster) as admin:
            admin.execute(f"CREATE DATABASE {database} TEMPLATE {'template0' if empty else TEMPLATE}")
        self.created.append((cluster, database))
        return cluster.url(database)

    def drop(self) -> None:
        for cluster, database in self.created:
            with _admin(cluster) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


@pytest.fixture
def new_database(request, tmp_path):
    """Make a fresh database and return its target: a file under tmp_path, or a new PostgreSQL database.

    `new_database("x.db")` is migrated on first connect like any new file; `empty=True` gives a database with no
    tables at all on PostgreSQL too (for building an old schema by hand).
    """
    databases = _Databases(request, tmp_path)
    yield databases.make
    databases.drop()


@pytest.fixture(scope="module")
def module_database(request, tmp_path_factory):
    """One fresh database shared by a module's tests."""
    databases = _Databases(request, tmp_path_factory.mktemp("module-db"))
    yield databases.make()
    databases.drop()


@pytest.fixture
def instance(tmp_path, monkeypatch, new_database):
    """An empty instance folder; every path Abhyas uses points inside it, and the database is a fresh one."""
    folder = tmp_path / "instance"
    folder.mkdir()
    monkeypatch.setenv("ABHYAS_INSTANCE", str(folder))
    for var in ("ABHYAS_DB", "ABHYAS_PACKS", "ABHYAS_KEYS", "ABHYAS_SECRET_KEY", "ABHYAS_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    if ENGINE == "postgresql":
        monkeypatch.setenv("ABHYAS_DATABASE_URL", new_database())
    return folder


class PackCopy(type(Path())):
    """A pack folder path with an `edit(file, old, new)` helper."""

    def __new__(cls, path, edit):
        obj = super().__new__(cls, path)
        obj.edit = edit
        return obj

    def __init__(self, path, edit):
        pass


@pytest.fixture
def pack_copy(tmp_path):
    """A writable copy of the sample pack, and a function to edit one of its files."""
    target = tmp_path / "packs" / "sample-6"
    shutil.copytree(SAMPLE_PACK, target)

    def edit(relative: str, old: str, new: str) -> Path:
        path = target / relative
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture text {old!r} not found in {relative}"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return path

    return PackCopy(target, edit)


@pytest.fixture
def app(instance):
    """An app on a fresh database with the sample pack built and published."""
    from app import create_app
    from app.packs.build import build_pack
    build_pack(SAMPLE_PACK, instance / "packs")
    application = create_app({"TESTING": True})
    return application


@pytest.fixture
def client(app):
    """A test client for the app."""
    return app.test_client()

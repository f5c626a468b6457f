"""The embedded SQLite database: connections, versioned migrations, and the single writer."""
from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from .paths import default_db_path

# Each entry runs once, in order; the database records the highest version applied.
MIGRATIONS = [
    (1, """
    CREATE TABLE users (
        id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE, password_hash TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('teacher', 'publisher', 'admin')), display_name TEXT,
        created_at REAL NOT NULL);
    CREATE TABLE classes (
        id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        teacher_id INTEGER NOT NULL REFERENCES users(id), release_mode TEXT NOT NULL DEFAULT 'approve'
        CHECK (release_mode IN ('auto', 'approve')), mastery_threshold REAL NOT NULL DEFAULT 0.95,
        settings TEXT NOT NULL DEFAULT '{}', created_at REAL NOT NULL);
    CREATE TABLE students (
        id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL REFERENCES classes(id), display_name TEXT NOT NULL,
        pin TEXT NOT NULL, locale TEXT NOT NULL DEFAULT 'en', simplified INTEGER NOT NULL DEFAULT 0,
        audio INTEGER NOT NULL DEFAULT 0, groups TEXT NOT NULL DEFAULT '[]', created_at REAL NOT NULL,
        UNIQUE (class_id, pin));
    CREATE TABLE devices (
        id INTEGER PRIMARY KEY, student_id INTEGER NOT NULL REFERENCES students(id), token_hash TEXT NOT NULL UNIQUE,
        label TEXT, created_at REAL NOT NULL, revoked_at REAL, last_seen_at REAL);
    CREATE TABLE events (
        id TEXT PRIMARY KEY, student_id INTEGER NOT NULL REFERENCES students(id), device_id INTEGER NOT NULL,
        seq INTEGER NOT NULL, type TEXT NOT NULL, item_id TEXT, set_id TEXT, client_ts REAL, server_ts REAL NOT NULL,
        received_at REAL NOT NULL, correct INTEGER, misconception TEXT, response TEXT, payload TEXT NOT NULL);
    CREATE INDEX events_student ON events (student_id, server_ts, device_id, seq);
    CREATE TABLE sets (
        id TEXT PRIMARY KEY, student_id INTEGER NOT NULL REFERENCES students(id),
        status TEXT NOT NULL CHECK (status IN ('proposed', 'released', 'completed', 'withdrawn')),
        tier TEXT, payload TEXT NOT NULL, created_at REAL NOT NULL, released_at REAL, released_by INTEGER,
        based_on_events INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX sets_student ON sets (student_id, status);
    CREATE TABLE mastery (
        student_id INTEGER NOT NULL, skill_id TEXT NOT NULL, p_known REAL NOT NULL, attempts INTEGER NOT NULL,
        correct INTEGER NOT NULL, updated_at REAL NOT NULL, PRIMARY KEY (student_id, skill_id));
    CREATE TABLE mastery_history (
        student_id INTEGER NOT NULL, skill_id TEXT NOT NULL, day TEXT NOT NULL, p_known REAL NOT NULL,
        PRIMARY KEY (student_id, skill_id, day));
    CREATE TABLE skill_params (
        skill_id TEXT PRIMARY KEY, prior REAL, learn REAL, guess REAL, slip REAL, forget REAL,
        responses INTEGER, fitted_at REAL);
    CREATE TABLE publisher_keys (
        key_id TEXT PRIMARY KEY, publisher TEXT NOT NULL, public TEXT NOT NULL, registered_by INTEGER,
        created_at REAL NOT NULL, revoked_at REAL);
    CREATE TABLE packs (
        pack_id TEXT NOT NULL, version TEXT NOT NULL, publisher TEXT NOT NULL, key_id TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL, manifest TEXT NOT NULL, published_at REAL NOT NULL, published_by INTEGER,
        PRIMARY KEY (pack_id, version));
    CREATE TABLE assignments (
        class_id INTEGER NOT NULL REFERENCES classes(id), pack_id TEXT NOT NULL, assigned_at REAL NOT NULL,
        PRIMARY KEY (class_id, pack_id));
    CREATE TABLE overrides (
        id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, student_id INTEGER, class_id INTEGER,
        target TEXT NOT NULL, target_id TEXT, old_value TEXT, new_value TEXT, reason TEXT NOT NULL,
        created_at REAL NOT NULL);
    CREATE TABLE join_attempts (
        class_code TEXT NOT NULL, client TEXT NOT NULL, at REAL NOT NULL, ok INTEGER NOT NULL);
    CREATE INDEX join_attempts_code ON join_attempts (class_code, at);
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """),
    (2, """
    ALTER TABLE mastery ADD COLUMN p_next REAL;
    """),
    (3, """
    CREATE TABLE consents (
        id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL REFERENCES classes(id), recorded_by INTEGER NOT NULL,
        method TEXT NOT NULL, note TEXT, recorded_at REAL NOT NULL, withdrawn_at REAL);
    ALTER TABLE classes ADD COLUMN raw_retention_days INTEGER NOT NULL DEFAULT 180;
    ALTER TABLE events ADD COLUMN redacted_at REAL;
    """),
    # Accounts for every role: a publisher account names the publisher it may publish as; a password
    # change ends older sessions; sign-in failures are counted in the database, across workers and restarts.
    (4, """
    ALTER TABLE users ADD COLUMN publisher TEXT;
    ALTER TABLE users ADD COLUMN password_changed_at REAL;
    ALTER TABLE publisher_keys ADD COLUMN revoked_by INTEGER;
    CREATE TABLE sign_in_failures (client TEXT NOT NULL, username TEXT NOT NULL, at REAL NOT NULL);
    CREATE INDEX sign_in_failures_client ON sign_in_failures (client, at);
    """),
    # The learning model fits each skill's difficulty step, and mastery fades along the review curve:
    # the phone needs each skill's curve (stability, last practice) to fade its provisional bars alike.
    # Numbered 7: branch `year` adds 5 and 6.
    (7, """
    ALTER TABLE skill_params ADD COLUMN difficulty_step REAL;
    ALTER TABLE mastery ADD COLUMN stability_days REAL;
    ALTER TABLE mastery ADD COLUMN last_review_ts REAL;
    """),
]

_writer_lock = threading.Lock()


def connect(path: Path | str | None = None) -> sqlite_utils.Database:
    """Open the database in WAL mode with a busy timeout, migrated to the latest version."""
    path = Path(path or default_db_path())
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(str(path), timeout=30, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 30000")
    conn.execute("PRAGMA journal_mode = WAL")
    # NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the last commit.
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    db = sqlite_utils.Database(conn)
    migrate(db)
    return db


def schema_version(db: sqlite_utils.Database) -> int:
    """The highest migration applied."""
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database) -> int:
    """Apply pending migrations inside one write transaction each; return the version."""
    current = schema_version(db)
    for version, sql in MIGRATIONS:
        if version <= current:
            continue
        with write(db):
            if schema_version(db) >= version:  # another process got there first
                continue
            for statement in sql.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(f"PRAGMA user_version = {int(version)}")
    return schema_version(db)


@contextmanager
def write(db: sqlite_utils.Database):
    """The single writer: one write transaction at a time per process, BEGIN IMMEDIATE across processes."""
    with _writer_lock:
        conn = db.conn
        for attempt in range(50):
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                time.sleep(0.02 * (attempt + 1))
        else:
            raise sqlite3.OperationalError("database stayed locked; try again")
        try:
            yield db
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")


_local = threading.local()


def init_app(app) -> None:
    """Migrate the database at app.config['DATABASE'] and offer one connection per worker thread."""
    connect(app.config["DATABASE"]).conn.close()
    path = str(app.config["DATABASE"])

    def get_db():
        # One long-lived connection per thread: opening SQLite per request costs more than the query.
        cache = getattr(_local, "connections", None)
        if cache is None:
            cache = _local.connections = {}
        if path not in cache:
            cache[path] = connect(path)
        return cache[path]

    app.extensions["abhyas_db"] = get_db


def get_db() -> sqlite_utils.Database:
    """The current thread's database connection for the current app."""
    from flask import current_app
    return current_app.extensions["abhyas_db"]()

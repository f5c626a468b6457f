"""The database: connections to either engine, versioned migrations, and the single writer."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .paths import default_database
from .store import Busy, Store, StoreError, open_store
from .store.sql import statements

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
    # Incremental mastery: a student's replayed state stored at a position in the log (one row per UTC day of
    # that position, the latest few days kept), so a sync folds in only its new events.
    (5, """
    CREATE TABLE checkpoints (
        student_id INTEGER NOT NULL REFERENCES students(id), day INTEGER NOT NULL,
        pos_ts REAL NOT NULL, pos_device INTEGER NOT NULL, pos_seq INTEGER NOT NULL, pos_id TEXT NOT NULL,
        events INTEGER NOT NULL, basis TEXT NOT NULL, state BLOB NOT NULL, saved_at REAL NOT NULL,
        PRIMARY KEY (student_id, day));
    """),
    # Each fact of an event stored once: the raw JSON copy of the columns goes; what only it held (hints, seconds,
    # attempt, reflection text, the phone's own grade) gets columns of its own. Moving old rows' JSON is written
    # with SQLite's json_extract; the store rewrites it into PostgreSQL's JSON operators. The log index keeps
    # only what finds a student's stretch of time; the few events within one second are sorted as they are read.
    (6, """
    ALTER TABLE events ADD COLUMN hint INTEGER;
    ALTER TABLE events ADD COLUMN secs REAL;
    ALTER TABLE events ADD COLUMN attempt INTEGER;
    ALTER TABLE events ADD COLUMN prompt TEXT;
    ALTER TABLE events ADD COLUMN value TEXT;
    ALTER TABLE events ADD COLUMN phone_ok INTEGER;
    ALTER TABLE events ADD COLUMN phone_mc TEXT;
    UPDATE events SET hint = json_extract(payload, '$.hint'), secs = json_extract(payload, '$.secs'),
        attempt = json_extract(payload, '$.attempt'), prompt = json_extract(payload, '$.prompt'),
        value = json_extract(payload, '$.value'), phone_ok = json_extract(payload, '$.ok'),
        phone_mc = json_extract(payload, '$.mc');
    ALTER TABLE events DROP COLUMN payload;
    DROP INDEX events_student;
    CREATE INDEX events_student ON events (student_id, server_ts);
    """),
    # The pilot: adaptive homework against the static worksheet on one unit of one class, for a window.
    # JSON lists and maps are TEXT (the unit's skills, the held-out post-test items, the within design's
    # skill split); every statement here is portable SQL.
    (7, """
    CREATE TABLE pilots (
        id INTEGER PRIMARY KEY, class_id INTEGER NOT NULL REFERENCES classes(id), pack_id TEXT NOT NULL,
        skills TEXT NOT NULL, design TEXT NOT NULL CHECK (design IN ('between', 'within')),
        design_reason TEXT NOT NULL, skill_arms TEXT NOT NULL DEFAULT '{}', held_out TEXT NOT NULL,
        seed INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('running', 'post_test', 'closed')),
        window_days INTEGER NOT NULL, started_at REAL NOT NULL, ends_at REAL NOT NULL, post_test_at REAL,
        closed_at REAL, started_by INTEGER NOT NULL);
    CREATE INDEX pilots_class ON pilots (class_id, status);
    CREATE TABLE pilot_students (
        pilot_id INTEGER NOT NULL REFERENCES pilots(id), student_id INTEGER NOT NULL REFERENCES students(id),
        arm TEXT NOT NULL CHECK (arm IN ('adaptive', 'static', 'both')), stratum TEXT NOT NULL,
        withdrawn_at REAL, withdrawn_reason TEXT, PRIMARY KEY (pilot_id, student_id));
    CREATE INDEX pilot_students_student ON pilot_students (student_id);
    """),
    # The learning model fits each skill's difficulty step, and mastery fades along the review curve:
    # the phone needs each skill's curve (stability, last practice) to fade its provisional bars alike.
    (8, """
    ALTER TABLE skill_params ADD COLUMN difficulty_step REAL;
    ALTER TABLE mastery ADD COLUMN stability_days REAL;
    ALTER TABLE mastery ADD COLUMN last_review_ts REAL;
    """),
    # Teacher pages read only the events stored since their last read, by the order rows were stored in. SQLite
    # numbers every row already (rowid); PostgreSQL gets a numbered column. One student's writes commit one at a
    # time (see `write`), so a student's number once read is never followed by a smaller one of theirs committed later.
    (9, {"sqlite": "", "postgresql": """
    ALTER TABLE events ADD COLUMN pos BIGINT GENERATED BY DEFAULT AS IDENTITY;
    CREATE INDEX events_pos ON events (pos);
    """}),
    # Any number of app servers on one database: a published pack's files are kept here, content-addressed
    # (each server's disk holds a cache filled on demand), and a lease per background job lets exactly one
    # server run it (a row, not an advisory lock: it survives a transaction-mode connection pooler).
    (10, """
    CREATE TABLE pack_files (
        name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, bytes INTEGER NOT NULL, data BLOB NOT NULL,
        stored_at REAL NOT NULL);
    CREATE TABLE job_leases (
        job TEXT PRIMARY KEY, holder TEXT NOT NULL, lease_until REAL NOT NULL, done_at REAL NOT NULL);
    """),
    # Every sync asks whether the student is excused and which of the teacher's decisions apply:
    # without this, each question reads the whole year's decisions (4.6 ms a sync at 20,000, 0.4 ms with it).
    (11, """
    CREATE INDEX overrides_student ON overrides (student_id, target, created_at);
    """),
    # `abhyas fit` learns each item's own difficulty offset (KT-IDEM style): {item id: log-odds} as JSON per skill.
    (12, """
    ALTER TABLE skill_params ADD COLUMN item_offsets TEXT;
    """),
    # Running tallies of each student's log for the whole-history reports (app/sync/tallies.py). Existing students
    # are tallied from their log when a report first asks, so this migration reads no events. Portable SQL.
    (13, """
    CREATE TABLE item_tallies (
        student_id INTEGER NOT NULL REFERENCES students(id), item_id TEXT NOT NULL, skips INTEGER NOT NULL DEFAULT 0,
        first_ts REAL, first_device INTEGER, first_seq INTEGER, first_correct INTEGER, first_secs REAL,
        PRIMARY KEY (student_id, item_id));
    CREATE TABLE wrong_tallies (
        student_id INTEGER NOT NULL REFERENCES students(id), item_id TEXT NOT NULL, response_key TEXT NOT NULL,
        mc_key TEXT NOT NULL, answers INTEGER NOT NULL, first_ts REAL NOT NULL, first_device INTEGER NOT NULL,
        first_seq INTEGER NOT NULL, PRIMARY KEY (student_id, item_id, response_key, mc_key));
    CREATE TABLE answer_days (
        student_id INTEGER NOT NULL REFERENCES students(id), day INTEGER NOT NULL, skill_id TEXT NOT NULL,
        mc_key TEXT NOT NULL, answers INTEGER NOT NULL, PRIMARY KEY (student_id, day, skill_id, mc_key));
    CREATE INDEX answer_days_skill ON answer_days (student_id, skill_id, mc_key, day, answers);
    CREATE TABLE tally_basis (
        student_id INTEGER PRIMARY KEY REFERENCES students(id), basis TEXT NOT NULL, built_at REAL NOT NULL);
    """),
]

_writer_lock = threading.Lock()
# How long a write waits for the lock before the request is answered 503 (the phone waits 45 s for a reply).
WRITE_WAIT_SECONDS = 20.0


def connect(target: Path | str | None = None) -> Store:
    """Open the database a path or postgresql:// URL names (default: $ABHYAS_DATABASE_URL, else the SQLite file), migrated."""
    db = open_store(target or default_database())
    try:
        migrate(db)
    except BaseException:
        db.close()
        raise
    return db


def schema_version(db: Store) -> int:
    """The highest migration applied."""
    return db.get_version()


def migrate(db: Store) -> int:
    """Apply pending migrations inside one write transaction each; return the version.

    A database newer than this code is refused: running old code on it could write what the new schema forbids.
    """
    latest = MIGRATIONS[-1][0]
    current = schema_version(db)
    if current > latest:
        raise StoreError(f"the database schema is version {current}, newer than this Abhyas (version {latest}); "
                         "upgrade Abhyas before using this database")
    if current == latest:
        return current
    # Each migration is one write: the writer lock (BEGIN IMMEDIATE, or PostgreSQL's transaction-level advisory lock,
    # which a transaction-mode pooler keeps) lets one process at a time in; the others find the work done.
    for version, sql in MIGRATIONS:
        if version <= current:
            continue
        with write(db, wait=600):  # another process's migration may take a while; wait for it
            if schema_version(db) >= version:  # another process got there first
                continue
            for statement in statements(db.migration_ddl(sql)):
                db.execute(statement)
            db.set_version(version)
    return schema_version(db)


@contextmanager
def write(db: Store, wait: float | None = None, student: int | None = None):
    """A write transaction: the whole database's (the single writer), or with `student` one student's.

    SQLite: BEGIN IMMEDIATE either way (one writer per file). PostgreSQL: BEGIN plus a transaction-level advisory lock.
    A global write takes the writer lock exclusively, so global writes queue behind each other and behind every
    student's write, exactly as one SQLite file's do. A student's write takes the writer lock shared and that
    student's own lock exclusively: writes of different students run side by side, the same student's (two phones,
    two servers) one at a time, and a global write (a teacher's change, publishing, the fit, retention) waits for
    the students' writes in flight and holds off new ones. So a read-then-write step of one student (the duplicate
    check, the sequence check, closing and planning sets, checkpoints, tallies) needs only that student's order;
    a write that touches several students or class-wide state must not name a student.

    Waits at most `wait` seconds (WRITE_WAIT_SECONDS) for the lock, then raises Busy (an OperationalError),
    which the web answers with 503 and Retry-After: sooner than the phone gives up on a request.
    """
    deadline = time.monotonic() + (WRITE_WAIT_SECONDS if wait is None else wait)
    # One thread of this process at a time for global writes (and on SQLite, where the file allows one writer anyway);
    # students' writes on PostgreSQL queue only on the database's locks.
    process_lock = _writer_lock if student is None or db.dialect != "postgresql" else None
    if process_lock and not process_lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
        raise Busy("database stayed locked; try again")
    try:
        db.begin_write(deadline, student=student)
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            # A full disk can end the transaction itself (SQLite rolls back on SQLITE_FULL): roll back only what is open,
            # so the caller sees the real failure, not "no transaction is active".
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    finally:
        if process_lock:
            process_lock.release()


_local = threading.local()


def init_app(app) -> None:
    """Migrate the database at app.config['DATABASE'] and offer one connection per worker thread."""
    connect(app.config["DATABASE"]).close()
    target = str(app.config["DATABASE"])

    def get_db():
        # One long-lived connection per thread: opening a connection per request costs more than the query.
        cache = getattr(_local, "connections", None)
        if cache is None:
            cache = _local.connections = {}
        # A connection the server cut (a restart, a failover) failed one request with 503; the next gets a new one.
        if target not in cache or cache[target].broken:
            cache[target] = connect(target)
        return cache[target]

    app.extensions["abhyas_db"] = get_db


def get_db() -> Store:
    """The current thread's database connection for the current app."""
    from flask import current_app
    return current_app.extensions["abhyas_db"]()

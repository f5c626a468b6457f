"""The real Abhyas server for browser tests: a temporary instance, built packs, the demo, gunicorn."""
from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PACKS = [ROOT / "tests" / "fixtures" / "packs" / "sample-6", ROOT / "content_packs" / "fractions-6"]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30.0) -> None:
    """Block until something accepts connections on the port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class AbhyasServer:
    """`abhyas serve` as a subprocess in its own process group, so a test can SIGKILL it whole."""

    def __init__(self, instance: Path, app_dir: Path | None = None):
        self.instance = Path(instance)
        self.port = free_port()
        self.process = None
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("ABHYAS_DB", "ABHYAS_PACKS", "ABHYAS_KEYS", "ABHYAS_SECRET_KEY")}
        self.env.update(ABHYAS_INSTANCE=str(self.instance), PORT=str(self.port), ABHYAS_WORKERS="2")
        self.app_dir = Path(app_dir).resolve() if app_dir else None
        if self.app_dir:
            # Serve a copy of the `app` package (one a test edits, as a deploy would): its parent goes
            # first on the import path, ahead of the editable install; the audio cache stays the checkout's.
            self.env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(self.app_dir.parent), self.env.get("PYTHONPATH")]))
            self.env.setdefault("ABHYAS_AUDIO_CACHE", str(ROOT / "build" / "audio-cache"))

    @property
    def url(self) -> str:
        """Where the app is served."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_path(self) -> Path:
        """The server's SQLite database."""
        return self.instance / "abhyas.db"

    def abhyas(self, *args) -> str:
        """Run one `abhyas` command against the instance; return its stdout."""
        done = subprocess.run([str(BIN / "abhyas"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                              timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"abhyas {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def build_packs(self) -> None:
        """Build the sample pack and one real curriculum pack, with their audio packs, into the instance."""
        for source in PACKS:
            self.abhyas("pack", "build", str(source), "--out", str(self.instance / "packs"), "--audio")

    def start(self) -> None:
        """Serve with gunicorn on the chosen port and wait until it answers."""
        log = open(self.instance / "server.log", "ab")
        self.process = subprocess.Popen([str(BIN / "abhyas"), "serve", "--port", str(self.port)], env=self.env,
                                        cwd=ROOT, stdout=log, stderr=log, start_new_session=True)
        wait_for_port(self.port)

    def kill(self) -> None:
        """SIGKILL the server and its workers (its own process group), as a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.1)
            except OSError:
                return

    def stop(self) -> None:
        """Stop the server at the end of the session."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)

    def start_with_demo(self) -> None:
        """Build the packs, start, seed the demo; keep its class, roster and item index for the tests."""
        self.build_packs()
        self.start()
        self.demo = self.seed_demo()
        self.roster = self.students(self.demo["class_code"])
        self.item_index = self.items()

    def seed_demo(self) -> dict:
        """`abhyas demo --json`; the class then releases sets at once, as a teacher may choose."""
        demo = json.loads(self.abhyas("demo", "--json"))
        with self.connect() as db:
            # The demo leaves its class in "approve" mode with proposals waiting; these tests are about
            # the phone, so the teacher here approves everything and releases new sets at once.
            db.execute("UPDATE classes SET release_mode = 'auto' WHERE code = ?", [demo["class_code"]])
            db.execute("UPDATE sets SET status = 'released', released_at = ? WHERE status = 'proposed'", [time.time()])
        return demo

    def connect(self) -> sqlite3.Connection:
        """A connection to the server's database, for checking what it stored."""
        conn = sqlite3.connect(self.db_path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA busy_timeout = 30000")
        return conn

    def students(self, class_code: str) -> list[dict]:
        """The demo class's students with id, name, PIN and locale."""
        with self.connect() as db:
            rows = db.execute("SELECT s.id, s.display_name, s.pin, s.locale FROM students s JOIN classes c "
                              "ON c.id = s.class_id WHERE c.code = ? ORDER BY s.id", [class_code]).fetchall()
        return [{"id": r[0], "name": r[1], "pin": r[2], "locale": r[3]} for r in rows]

    def add_student(self, name: str, locale: str) -> dict:
        """A new student in the demo class (a teacher's roster edit), with a fresh PIN."""
        from app.db import connect
        from app.teacher.class_records import add_student
        db = connect(self.db_path)
        try:
            class_id = db.execute("SELECT id FROM classes WHERE code = ?", [self.demo["class_code"]]).fetchone()[0]
            row = add_student(db, class_id, name, locale)
        finally:
            db.close()
        return {"id": row["id"], "name": row["display_name"], "pin": row["pin"], "locale": row["locale"]}

    def events_since(self, student_id: int, since: float) -> list[dict]:
        """Events the server stored for a student after a moment (received_at)."""
        with self.connect() as db:
            fields = ("id", "type", "item", "r", "set", "seq", "t", "hint", "secs", "attempt", "prompt", "value", "ok", "mc")
            rows = db.execute("SELECT id, type, item_id, response, set_id, seq, client_ts, hint, secs, attempt, prompt, "
                              "value, phone_ok, phone_mc FROM events WHERE student_id = ? AND received_at >= ? "
                              "ORDER BY device_id, seq", [student_id, since]).fetchall()
        # As the phone sent it: fields it left out stay out.
        return [{k: (round(v * 1000) if k == "t" else v) for k, v in zip(fields, row) if v is not None} for row in rows]

    def answers_since(self, student_id: int, since: float) -> tuple[list, list[dict]]:
        """The (item, response) answers stored since a moment, sorted, and all the events; no event stored twice."""
        events = self.events_since(student_id, since)
        assert len({e["id"] for e in events}) == len(events), "an event was stored twice"
        return sorted((e["item"], e["r"]) for e in events if e["type"] == "answer"), events

    def texts(self, locale: str) -> dict:
        """Every item's text in one locale (text, simplified, hints, ...) by id, read from the pack files."""
        found = {}
        for manifest in (self.instance / "packs").glob("*/*/manifest.json"):
            body = json.loads(json.loads(manifest.read_text())["body"])
            for entry in body["files"]:
                if entry["role"] == "text" and entry.get("locale") == locale:
                    found.update(json.loads((self.instance / "packs" / entry["path"]).read_text())["items"])
        return found

    def items(self) -> dict:
        """Every built item (answer, kind, choices, wrong answers) by id, read from the pack files."""
        found = {}
        for manifest in (self.instance / "packs").glob("*/*/manifest.json"):
            body = json.loads(json.loads(manifest.read_text())["body"])
            for entry in body["files"]:
                if entry["role"] == "items":
                    for item in json.loads((self.instance / "packs" / entry["path"]).read_text())["items"]:
                        found[item["id"]] = item
        return found

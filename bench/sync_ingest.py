"""Sync ingest benchmark (`abhyas bench sync`): the production server on loopback, driven by concurrent simulated phones."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import brotli

from app.paths import PROJECT_ROOT

SAMPLE_PACK = PROJECT_ROOT / "tests" / "fixtures" / "packs" / "sample-6"


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_env(instance: Path, database_url: str | None) -> dict:
    """Where every process of the run finds the one database: a PostgreSQL URL, else the first instance's SQLite file."""
    if database_url:
        return {"ABHYAS_DATABASE_URL": database_url}
    return {"ABHYAS_DB": str(Path(instance) / "abhyas.db")}


def start_server(instance: Path, port: int, workers: int = 2, db_env: dict | None = None) -> subprocess.Popen:
    """Start `abhyas serve` (gunicorn) for an instance folder and wait until it answers."""
    Path(instance).mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, ABHYAS_INSTANCE=str(instance), PYTHONUNBUFFERED="1", **(db_env or {}))
    # The server's log goes to a file: a pipe nobody reads fills up (refused syncs are logged) and stalls the server.
    log = open(Path(instance) / "server.log", "ab")  # noqa: SIM115 - the server process holds it
    # A session of its own, so the master and its workers can be killed together.
    process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)],
                               env=env, stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    log.close()
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.1)
        if process.poll() is not None:
            tail = (Path(instance) / "server.log").read_bytes()[-500:].decode(errors="replace")
            raise RuntimeError(f"server exited: {tail}")
    stop_server(process, signal.SIGKILL)
    raise RuntimeError("server did not start within 30 s")


def stop_server(process: subprocess.Popen, sig=signal.SIGTERM) -> None:
    """Stop the server and all its workers (SIGKILL for a crash, SIGTERM for a clean stop)."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def prepare_instance(instance: Path, clients: int, history: int = 0, db_env: dict | None = None) -> tuple[list, list]:
    """Build the sample pack, seed a class with one student per client; return (tokens, item ids).

    With `history`, each student first holds that many events of day-by-day practice ending
    eight days ago, stored by the code a sync stores with and folded once as a sync would.
    """
    env = dict(os.environ, ABHYAS_INSTANCE=str(instance), **(db_env or {}))
    subprocess.run([sys.executable, "-m", "app", "pack", "build", str(SAMPLE_PACK), "--out", str(instance / "packs")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "import json, time\n"
        "from app import create_app\nfrom app.db import connect\nfrom app.teacher.class_records import create_class, add_student\n"
        "from app.sync.devices import issue_token\n"
        "create_app()\ndb = connect()\n"
        "db['users'].insert({'username': 'bench', 'password_hash': 'x', 'role': 'teacher', 'created_at': time.time()})\n"
        "k = create_class(db, 1, 'bench', release_mode='auto')\n"
        f"tokens = [issue_token(db, add_student(db, k['id'], f'S{{i}}')['id']) for i in range({clients})]\n"
        + (("from app.ops.demo import publish_packs\nfrom app.sync.history import seed_students\n"
            f"seed_students(db, tokens, publish_packs(db), {int(history)}, time.time() - 8 * 86400)\n") if history else "")
        + "print(json.dumps(tokens))\n")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"seeding the bench instance failed: {done.stderr[-800:]}")
    out = done.stdout
    return json.loads(out.strip().splitlines()[-1]), _item_ids(instance)


def _item_ids(instance: Path) -> list:
    for path in (instance / "packs" / "files").glob("*.json"):
        doc = json.loads(path.read_text())
        if "items" in doc and isinstance(doc["items"], list):
            return [(i["id"], i["answer"]) for i in doc["items"] if i["kind"] != "choice"]
    raise RuntimeError("no items document in the built pack")


def make_batch(rng: random.Random, items: list, seq_start: int, size: int = 50, end_ms: int | None = None,
               spacing_ms: int = 20000) -> list:
    """A realistic batch: mostly answers (some wrong), with hints and shown events, the last just before `end_ms`."""
    now_ms = end_ms or int(time.time() * 1000)
    events = []
    for i in range(size):
        item, answer = rng.choice(items)
        kind = rng.choices(["answer", "shown", "hint"], weights=[6, 2, 1])[0]
        event = {"id": uuid.uuid4().hex[:22], "seq": seq_start + i, "type": kind, "item": item,
                 "t": now_ms - (size - i) * spacing_ms}
        if kind == "answer":
            event.update(r=answer if rng.random() < 0.6 else "7/9", secs=round(rng.uniform(5, 90), 1), attempt=1)
        elif kind == "hint":
            event["hint"] = 1
        events.append(event)
    return events


def _send(port: int, token: str, body: bytes, conn=None):
    """POST one batch; return (status, reply, milliseconds, connection to reuse)."""
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    started = time.perf_counter()
    # As a phone's browser does: it accepts a compressed reply, and the server pays for compressing it.
    conn.request("POST", "/api/v1/sync", body=body, headers={"Authorization": f"Bearer {token}",
                                                            "Content-Type": "application/json",
                                                            "Accept-Encoding": "br, gzip"})
    response = conn.getresponse()
    data = response.read()
    encoding = response.getheader("Content-Encoding", "")
    reply = json.loads(brotli.decompress(data) if encoding == "br" else gzip.decompress(data) if encoding == "gzip" else data)
    return response.status, reply, (time.perf_counter() - started) * 1000, conn


def _run_phones(ports, plans, paced_window: float | None):
    """Each phone sends its planned batches to its server (phones spread over `ports` in turn); paced phones wait for
    their moment, others send back to back."""
    latencies, errors, lock = [], [], threading.Lock()
    barrier = threading.Barrier(len(plans) + 1)

    def phone(port, token, batches, offsets):
        conn = None
        barrier.wait()
        start = time.perf_counter()
        for (body, count), offset in zip(batches, offsets):
            if paced_window is not None:
                delay = start + offset - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            try:
                status, reply, ms, conn = _send(port, token, body, conn)
            except (OSError, http.client.HTTPException, ValueError) as exc:
                conn = None
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                latencies.append(ms)
                if status != 200 or len(reply.get("acked", [])) != count:
                    errors.append(f"status {status}: {str(reply)[:200]}")

    threads = [threading.Thread(target=phone, args=(ports[number % len(ports)], *plan)) for number, plan in enumerate(plans)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return latencies, errors, time.perf_counter() - started


def _percentile(values: list, fraction: float):
    ordered = sorted(values)
    return round(ordered[max(0, int(len(ordered) * fraction + 0.5) - 1)], 1) if ordered else None


def week_offline_bodies(rng: random.Random, items: list, seq_start: int, batches: int = 30) -> list:
    """A phone back after a week offline: `batches` batches spread over the week, all but the last saying more follow."""
    week_ms, now_ms = 7 * 86400 * 1000, int(time.time() * 1000)
    step = week_ms // batches
    bodies = []
    for number in range(batches):
        events = make_batch(rng, items, seq_start + number * 50, end_ms=now_ms - week_ms + (number + 1) * step,
                            spacing_ms=step // 50)
        bodies.append((json.dumps({"events": events, "device_time": now_ms, "more": number < batches - 1}).encode(),
                       len(events)))
    return bodies


def run_sync_bench(clients: int = 200, batches: int = 5, port: int = 0, paced_seconds: float = 8.0,
                   history: int = 0, flush_batches: int = 30, servers: int = 1, database_url: str | None = None) -> dict:
    """Saturate a fresh server with `clients` phones (throughput), then pace them (latency); check nothing is lost.

    Phase 1: every phone sends `batches` 50-event batches back to back, the last one twice (a
    lost reply); events_per_s is measured here. Phase 2: the same phones each send one more
    batch at a random moment within `paced_seconds`, as phones coming online do; p50/p95 are
    measured here. Bodies are prepared before the clock starts, so the client's own JSON work
    does not count against the server.

    With `history` N, every phone's student first holds N stored events (a school year is
    about 10,000), and phase 3 times one more phone, back from a week offline on top of the
    same history, sending `flush_batches` batches back to back (`week_flush_s`).

    With `servers` N, N `abhyas serve` processes (each with its own instance folder, two workers)
    share the one database and phone i talks to server i mod N. `database_url` names an empty
    PostgreSQL database to use instead of the first instance's SQLite file.
    """
    with tempfile.TemporaryDirectory(prefix="abhyas-bench-") as folder:
        instance = Path(folder)
        # With history, one more phone waits for phase 3 (its week sorts after nobody else's events).
        db_env = database_env(instance, database_url)
        if database_url:
            _require_empty(db_env)
        tokens, items = prepare_instance(instance, clients + (1 if history else 0), history, db_env)
        tokens, flush_token = (tokens[:clients], tokens[clients]) if history else (tokens, None)
        seeded = _stored_ids(db_env) if history else set()
        ports = [port or free_port()] + [free_port() for _ in range(servers - 1)]
        # Server 0 serves the instance the pack was built in; the others start with empty folders and fill their
        # pack caches from the database, as servers added to a deployment do.
        running = []
        sent_ids = set()
        try:
            for number, server_port in enumerate(ports):
                running.append(start_server(instance / f"server-{number}" if number else instance, server_port,
                                            db_env=db_env))
            saturating, paced = [], []
            for index, token in enumerate(tokens):
                rng = random.Random(index)
                bodies = []
                for number in range(batches + 1):
                    events = make_batch(rng, items, history + number * 50)
                    sent_ids.update(e["id"] for e in events)
                    bodies.append((json.dumps({"events": events, "device_time": int(time.time() * 1000)}).encode(), len(events)))
                burst = bodies[:batches] + [bodies[batches - 1]]
                saturating.append((token, burst, [0.0] * len(burst)))
                paced.append((token, [bodies[batches]], [rng.uniform(0, paced_seconds)]))
            burst_latencies, burst_errors, wall = _run_phones(ports, saturating, None)
            paced_latencies, paced_errors, _ = _run_phones(ports, paced, paced_seconds)
            flush_errors, flush_wall = [], None
            if flush_token:
                bodies = week_offline_bodies(random.Random(clients), items, history, flush_batches)
                for body, _count in bodies:
                    sent_ids.update(e["id"] for e in json.loads(body)["events"])
                _, flush_errors, flush_wall = _run_phones(ports, [(flush_token, bodies, [0.0] * len(bodies))], None)
        finally:
            for server in running:
                stop_server(server)
        total, distinct = _event_counts(db_env)
        stored_ids = _stored_ids(db_env) - seeded
        errors = burst_errors + paced_errors + flush_errors
        burst_events = clients * (batches + 1) * 50
        return {
            "clients": clients, "events": len(sent_ids),
            "events_per_s": round(burst_events / wall, 1),
            "p50_ms": _percentile(paced_latencies, 0.50), "p95_ms": _percentile(paced_latencies, 0.95),
            "lost": len(sent_ids - stored_ids), "duplicated": total - distinct + len(stored_ids - sent_ids),
            "saturated_p50_ms": _percentile(burst_latencies, 0.50), "saturated_p95_ms": _percentile(burst_latencies, 0.95),
            "paced_window_s": paced_seconds, "errors": len(errors), "first_error": errors[0] if errors else None,
            "history": history, "servers": servers, "engine": "postgresql" if database_url else "sqlite",
            **({"week_flush_s": round(flush_wall, 2), "week_flush_batches": flush_batches} if flush_token else {}),
        }


def _open(db_env: dict):
    """The run's database, through the app's own data layer (either engine)."""
    from app.db import connect
    return connect(db_env.get("ABHYAS_DATABASE_URL") or db_env["ABHYAS_DB"])


def _close(db) -> None:
    (getattr(db, "close", None) or db.conn.close)()


def _require_empty(db_env: dict) -> None:
    """Refuse a database that holds accounts or events: the bench's counts and its seeding assume its own rows only."""
    db = _open(db_env)
    try:
        users, events = db.execute("SELECT (SELECT count(*) FROM users), (SELECT count(*) FROM events)").fetchone()
    finally:
        _close(db)
    if users or events:
        raise ValueError(f"the bench needs an empty database; this one holds {users} accounts and {events} events")


def _event_counts(db_env: dict) -> tuple:
    """(events, distinct event ids) in the run's database."""
    db = _open(db_env)
    try:
        return tuple(db.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone())
    finally:
        _close(db)


def _stored_ids(db_env: dict) -> set:
    """Every event id in the run's database."""
    db = _open(db_env)
    try:
        return {row[0] for row in db.execute("SELECT id FROM events")}
    finally:
        _close(db)

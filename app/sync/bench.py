"""`abhyas bench sync`: the production server on loopback, driven by concurrent simulated phones."""
from __future__ import annotations

import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from ..paths import PROJECT_ROOT

SAMPLE_PACK = PROJECT_ROOT / "tests" / "fixtures" / "packs" / "sample-6"


def free_port() -> int:
    """A TCP port nobody is listening on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(instance: Path, port: int, workers: int = 2) -> subprocess.Popen:
    """Start `abhyas serve` (gunicorn) for an instance folder and wait until it answers."""
    env = dict(os.environ, ABHYAS_INSTANCE=str(instance), PYTHONUNBUFFERED="1")
    # A session of its own, so the master and its workers can be killed together.
    process = subprocess.Popen([sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", str(workers)],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
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
            raise RuntimeError(f"server exited: {process.stderr.read().decode(errors='replace')[-500:]}")
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


def prepare_instance(instance: Path, clients: int) -> tuple[list, list]:
    """Build the sample pack, seed a class with one student per client; return (tokens, item ids)."""
    env = dict(os.environ, ABHYAS_INSTANCE=str(instance))
    subprocess.run([sys.executable, "-m", "app", "pack", "build", str(SAMPLE_PACK), "--out", str(instance / "packs")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    code = (
        "import json, time\n"
        "from app import create_app\nfrom app.db import connect\nfrom app.classes import create_class, add_student\n"
        "from app.sync.devices import issue_token\n"
        "create_app()\ndb = connect()\n"
        "db['users'].insert({'username': 'bench', 'password_hash': 'x', 'role': 'teacher', 'created_at': time.time()})\n"
        "k = create_class(db, 1, 'bench', release_mode='auto')\n"
        f"tokens = [issue_token(db, add_student(db, k['id'], f'S{{i}}')['id']) for i in range({clients})]\n"
        "print(json.dumps(tokens))\n")
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


def make_batch(rng: random.Random, items: list, seq_start: int, size: int = 50) -> list:
    """A realistic batch: mostly answers (some wrong), with hints and shown events."""
    now_ms = int(time.time() * 1000)
    events = []
    for i in range(size):
        item, answer = rng.choice(items)
        kind = rng.choices(["answer", "shown", "hint"], weights=[6, 2, 1])[0]
        event = {"id": uuid.uuid4().hex[:22], "seq": seq_start + i, "type": kind, "item": item,
                 "t": now_ms - (size - i) * 20000}
        if kind == "answer":
            event.update(r=answer if rng.random() < 0.6 else "7/9", secs=round(rng.uniform(5, 90), 1), attempt=1)
        elif kind == "hint":
            event["hint"] = 1
        events.append(event)
    return events


def run_sync_bench(clients: int = 200, batches: int = 5, port: int = 0) -> dict:
    """Drive a fresh server with `clients` phones sending `batches` 50-event batches each; check nothing is lost."""
    with tempfile.TemporaryDirectory(prefix="abhyas-bench-") as folder:
        instance = Path(folder)
        tokens, items = prepare_instance(instance, clients)
        port = port or free_port()
        server = start_server(instance, port)
        latencies, sent_ids, errors = [], set(), []
        lock = threading.Lock()
        barrier = threading.Barrier(clients)

        def phone(index: int):
            rng = random.Random(index)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            headers = {"Authorization": f"Bearer {tokens[index]}", "Content-Type": "application/json"}
            barrier.wait()
            for number in range(batches):
                events = make_batch(rng, items, number * 50)
                body = json.dumps({"events": events, "device_time": int(time.time() * 1000)})
                replay = number == batches - 1  # the last batch is sent twice, as a lost reply would cause
                for _ in range(2 if replay else 1):
                    started = time.perf_counter()
                    try:
                        conn.request("POST", "/api/v1/sync", body=body, headers=headers)
                        response = conn.getresponse()
                        reply = json.loads(response.read())
                    except (OSError, http.client.HTTPException, ValueError) as exc:
                        with lock:
                            errors.append(repr(exc))
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                        continue
                    elapsed = (time.perf_counter() - started) * 1000
                    with lock:
                        latencies.append(elapsed)
                        if response.status != 200 or len(reply.get("acked", [])) != len(events):
                            errors.append(f"status {response.status}: {str(reply)[:200]}")
                        sent_ids.update(e["id"] for e in events)

        threads = [threading.Thread(target=phone, args=(i,)) for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        stop_server(server)
        db = sqlite3.connect(instance / "abhyas.db")
        stored = db.execute("SELECT count(*), count(DISTINCT id) FROM events").fetchone()
        stored_ids = {row[0] for row in db.execute("SELECT id FROM events")}
        db.close()
        total = clients * batches * 50
        latencies.sort()
        return {
            "clients": clients, "events": total, "requests": len(latencies),
            "events_per_s": round(total / wall, 1),
            "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1], 1) if latencies else None,
            "lost": len(sent_ids - stored_ids), "duplicated": stored[0] - stored[1] + len(stored_ids - sent_ids),
            "errors": len(errors), "first_error": errors[0] if errors else None,
        }

"""Benchmark: what one sync costs as a student's history grows to a school year, and the bytes an event takes.

Run: `.venv/bin/python bench/year_sync.py` (`--json` prints only the figures). In one run and
one database: students holding 650, 10,150 and 25,150 stored events (history seeded through
the same storing code a sync uses) each send 50-event batches to POST /api/v1/sync through the
WSGI app in-process (server time, no network); the median per history size is printed, with
its ratio to the 650-event one (budget: ≤ 1.5× at 25,150). Then a phone back from a week
offline sends 30 batches back to back on top of 10,000 events of history (budget: < 3 s in
all). Last, the bytes an event, and an answer event alone, take on disk (table and indexes, from SQLite's dbstat).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HISTORIES = (600, 10_100, 25_100)   # + the 50 of the first timed batch: 650, 10,150, 25,150 as in issue 14
SYNCS_PER_SIZE = 31
FLUSH_HISTORY = 10_000
FLUSH_BATCHES = 30
SAMPLE_PACK = ROOT / "tests" / "fixtures" / "packs" / "sample-6"


def _batch(rng, items, seq_start: int, end_ms: int, size: int = 50, spacing_ms: int = 1000) -> list:
    """A phone's batch of `size` events ending at `end_ms`, oldest first."""
    from app.sync.history import history_events
    events = history_events(rng, items, size, end_ms / 1000 + 86400 - 15 * 3600, seq_start)
    first = end_ms - size * spacing_ms
    for index, event in enumerate(events):
        event["t"] = first + index * spacing_ms
        event.pop("set", None)
    return events


def _post(client, token: str, events: list):
    """Send one batch; return milliseconds, checking every event was acknowledged."""
    started = time.perf_counter()
    response = client.post("/api/v1/sync", data=json.dumps({"events": events}),
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    elapsed = (time.perf_counter() - started) * 1000
    reply = response.get_json()
    assert response.status_code == 200 and len(reply["acked"]) == len(events), str(reply)[:300]
    return elapsed, reply


def answer_event_bytes(db) -> dict:
    """Bytes per stored event on disk: the events table and its indexes (dbstat), after VACUUM."""
    db.execute("VACUUM")
    count = db.execute("SELECT count(*) FROM events").fetchone()[0]
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'events'")]
    used = {name: db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", [name]).fetchone()[0] or 0
            for name in tables}
    figures = {"events": count, "bytes_per_event": round(sum(used.values()) / max(count, 1), 1),
               "by_structure": {name: round(size / max(count, 1), 1) for name, size in sorted(used.items())}}
    # The answers alone (they carry the response, seconds, attempt and both grades): the others go, for good.
    db.execute("DELETE FROM events WHERE type <> 'answer'")
    db.execute("VACUUM")
    answers = db.execute("SELECT count(*) FROM events").fetchone()[0]
    used = sum(db.execute("SELECT sum(pgsize) FROM dbstat WHERE name = ?", [name]).fetchone()[0] or 0 for name in tables)
    return dict(figures, answer_events=answers, bytes_per_answer_event=round(used / max(answers, 1), 1))


def run() -> dict:
    """Seed, time, measure; return the figures."""
    with tempfile.TemporaryDirectory(prefix="abhyas-year-bench-") as folder:
        instance = Path(folder)
        os.environ["ABHYAS_INSTANCE"] = str(instance)
        for var in ("ABHYAS_DB", "ABHYAS_PACKS", "ABHYAS_KEYS"):
            os.environ.pop(var, None)
        from app import create_app
        from app.db import connect, write
        from app.packs.build import build_pack
        from app.packs.registry import load_catalog
        from app.sync.devices import device_for_token, issue_token
        from app.sync.history import seed_history
        from app.teacher.class_records import add_student, create_class
        build_pack(SAMPLE_PACK, instance / "packs")
        app = create_app({"TESTING": True, "SYNC_RATE": (1000.0, 1000)})
        db = connect(app.config["DATABASE"])
        with write(db):
            db["users"].insert({"username": "bench", "password_hash": "x", "role": "teacher", "created_at": time.time()})
        klass = create_class(db, 1, "Year bench", release_mode="auto")
        from app.ops.demo import publish_packs
        publish_packs(db)
        catalog = load_catalog(db, instance / "packs" / "files")
        items = [(i, str(it["answer"])) for i, it in sorted(catalog["items"].items()) if it["kind"] != "choice"]
        client = app.test_client()
        now = time.time()
        rng = random.Random(14)
        phones = {}
        seed_started = time.perf_counter()
        for size in HISTORIES + (FLUSH_HISTORY,):
            student = add_student(db, klass["id"], f"H{size}")
            token = issue_token(db, student["id"], "bench")
            # History ends eight days ago, so the week-offline flush and the timed batches all come after it.
            seed_history(db, device_for_token(db, token), catalog["items"], size, now - 8 * 86400, rng)
            phones[size] = token
        seed_seconds = time.perf_counter() - seed_started
        first_ms, times = {}, {size: [] for size in HISTORIES}
        seq = 10 ** 6
        # Round robin over the sizes, so a busy moment on the machine weighs on each size alike.
        for n in range(SYNCS_PER_SIZE + 1):
            for size in HISTORIES:
                seq += 50
                ms, _ = _post(client, phones[size], _batch(rng, items, seq, int((time.time() - 3600 + n * 60) * 1000)))
                if n == 0:
                    first_ms[size + 50] = round(ms, 1)  # the first sync after seeding also builds the checkpoint
                else:
                    times[size].append(ms)
        medians = {size + 50: round(statistics.median(times[size]), 1) for size in HISTORIES}
        # A week offline: 30 batches of 50, timestamps spread over the week, sent back to back.
        week_start_ms = int((now - 7 * 86400) * 1000)
        flush_started = time.perf_counter()
        for b in range(FLUSH_BATCHES):
            seq += 50
            _post(client, phones[FLUSH_HISTORY], _batch(rng, items, seq, week_start_ms + (b + 1) * 5 * 3600 * 1000,
                                                        spacing_ms=5 * 3600 * 1000 // 50))
        flush_seconds = time.perf_counter() - flush_started
        sizes = answer_event_bytes(db)
        db.close()
    base = medians[HISTORIES[0] + 50]
    return {
        "median_sync_ms": {str(k): v for k, v in medians.items()},
        "first_sync_ms": {str(k): v for k, v in first_ms.items()},
        "ratio_25150_to_650": round(medians[HISTORIES[-1] + 50] / base, 2),
        "week_flush_s": round(flush_seconds, 2), "week_flush_history": FLUSH_HISTORY, "week_flush_batches": FLUSH_BATCHES,
        "seed_seconds": round(seed_seconds, 1), **sizes,
    }


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON figures")
    args = parser.parse_args()
    result = run()
    if not args.json:
        print("one student's 50-event sync, median over "
              f"{SYNCS_PER_SIZE} (ms) by stored events: {result['median_sync_ms']}; "
              f"25,150 vs 650: {result['ratio_25150_to_650']}x (budget 1.5x)")
        print(f"week-offline flush, {FLUSH_BATCHES} batches on {FLUSH_HISTORY:,} events: {result['week_flush_s']} s "
              "(budget 3 s)")
        print(f"bytes per stored event: {result['bytes_per_event']} {result['by_structure']}; "
              f"per answer event: {result['bytes_per_answer_event']} (budget 150)")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

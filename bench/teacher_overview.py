"""Benchmark: the class overview for a demo class of 60 students — server time (p50, p95) and bytes.

Budget (design.md): server time p95 < 50 ms, ≤ 30 KB brotli. Run: `.venv/bin/python bench/teacher_overview.py`
(`--json` prints only the figures; `--history 10000` first gives each student a school year of older events;
every other teacher page at a year: bench/teacher_pages.py). Builds the bundled packs into a temporary instance, seeds 60 students
with two weeks of simulated history through the real sync path, then times GET /teacher/classes/<id>.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import brotli

sys.path.insert(0, str(Path(__file__).resolve().parent))

from teacher_class import BUDGET_BR_BYTES, BUDGET_P95_MS, p95, seed_instance, signed_in  # noqa: E402


def _timed(client, url: str, n: int, before=None) -> list:
    """Server time of n views of the page (the test client calls the WSGI app in-process: no network)."""
    times = []
    for _ in range(n):
        if before:
            before()
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    return times


def _one_sync(db, catalog: dict, class_id: int):
    """A function that makes one student's phone sync one new answer through the real sync path."""
    import itertools
    import uuid

    from app.planning.refresh import refresh_student
    from app.sync.devices import device_for_token, issue_token
    from app.sync.reconcile import reconcile_batch
    students = [row[0] for row in db.execute("SELECT id FROM students WHERE class_id = ?", [class_id])]
    devices = {sid: device_for_token(db, issue_token(db, sid, "bench")) for sid in students}
    item_id, item = next((i, it) for i, it in sorted(catalog["items"].items()) if it["kind"] != "choice")
    turn = itertools.count()

    def sync():
        sid = students[next(turn) % len(students)]
        event = {"id": uuid.uuid4().hex[:20], "seq": next(turn), "type": "answer", "item": item_id,
                 "r": str(item["answer"]), "secs": 20, "t": int(time.time() * 1000)}
        reconcile_batch(db, devices[sid], {"events": [event]}, catalog["items"])
        refresh_student(db, sid, catalog)
    return sync


def run(students: int = 60, requests: int = 200, history: int = 0) -> dict:
    """Seed a class (with `history` more events per student) and time its overview page, and its other pages."""
    with tempfile.TemporaryDirectory(prefix="abhyas-teacher-bench-") as folder:
        instance = Path(folder)
        os.environ["ABHYAS_INSTANCE"] = str(instance)
        for var in ("ABHYAS_DB", "ABHYAS_PACKS", "ABHYAS_KEYS"):
            os.environ.pop(var, None)
        app, db, catalog, klass, packs, seed_seconds = seed_instance(instance, students, history)
        client = signed_in(app)
        url = f"/teacher/classes/{klass['id']}"
        t0 = time.perf_counter()
        body = client.get(url).data  # the first view: templates compiled, events read, nothing cached yet
        first_ms = (time.perf_counter() - t0) * 1000
        for _ in range(10):
            body = client.get(url).data
        times = _timed(client, url, requests)
        # The busy evening: before each view one phone syncs a new answer, so nothing computed before holds.
        after_sync = _timed(client, url, max(20, requests // 4), before=_one_sync(db, catalog, klass["id"]))
        body = client.get(url).data
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
        skills = len(re.findall(r'<th scope="col">', body.decode().split("<tbody>")[0])) - 4
        result = {
            "students": students, "skills": skills, "events": events, "history": history, "packs": packs,
            "seed_seconds": round(seed_seconds, 2), "requests": requests,
            "first_view_ms": round(first_ms, 2),
            "p50_ms": round(statistics.median(times), 2), "p95_ms": p95(times),
            "after_sync_p50_ms": round(statistics.median(after_sync), 2), "after_sync_p95_ms": p95(after_sync),
            "bytes_raw": len(body), "bytes_br": len(brotli.compress(body, quality=5)),
            "bytes_br_q11": len(brotli.compress(body, quality=11)), "bytes_gzip": len(gzip.compress(body, 6)),
        }
        result["within_budget"] = max(result["p95_ms"], result["after_sync_p95_ms"]) < BUDGET_P95_MS and \
            result["bytes_br"] <= BUDGET_BR_BYTES
        db.close()
        return result


def main() -> int:
    """Print the figures (and whether they fit the budget)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--history", type=int, default=0,
                        help="more events per student before the demo's two weeks (10000: a school year)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result = run(args.students, args.requests, args.history)
    if args.json:
        print(json.dumps(result))
    else:
        print(f"class overview, {result['students']} students × {result['skills']} skills, {result['events']} events "
              f"(packs: {', '.join(result['packs'])}; seeded in {result['seed_seconds']} s)")
        print(f"server time: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms; right after a phone synced: "
              f"p50 {result['after_sync_p50_ms']} ms, p95 {result['after_sync_p95_ms']} ms; first view "
              f"{result['first_view_ms']} ms (budget p95 < {BUDGET_P95_MS:.0f} ms)")
        print(f"bytes: {result['bytes_raw']} raw, {result['bytes_br']} brotli (q5), {result['bytes_br_q11']} brotli (q11), "
              f"{result['bytes_gzip']} gzip (budget ≤ {BUDGET_BR_BYTES} brotli)")
        print("within budget" if result["within_budget"] else "OVER BUDGET")
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    sys.exit(main())

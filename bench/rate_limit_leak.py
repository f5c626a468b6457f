"""How far the per-process sync limit leaks across workers and servers: one phone calling as fast as it can.

`python bench/rate_limit_leak.py [--servers N] [--seconds T]` starts N `abhyas serve` (two workers each)
on one database and has one device token POST /api/v1/sync back to back, each call on a new
connection (so the kernel hands calls to any worker), round-robin over the servers, for T seconds.
It prints how many calls were let through against the one-process limit (burst + rate x T) and
the ceiling the design allows (servers x workers x that).
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.sync_ingest import database_env, free_port, prepare_instance, start_server, stop_server  # noqa: E402

RATE, BURST, WORKERS = 1.0, 40, 2  # app/sync/views.py's SYNC_RATE; abhyas serve's default workers


def measure(servers: int = 1, seconds: float = 10.0) -> dict:
    """Let one device call for `seconds`; return what got through against the bounds."""
    with tempfile.TemporaryDirectory(prefix="abhyas-ratelimit-") as folder:
        instance = Path(folder)
        db_env = database_env(instance, None)
        [token], _items = prepare_instance(instance, 1, 0, db_env)
        ports = [free_port() for _ in range(servers)]
        running = [start_server(instance / f"server-{n}" if n else instance, port, WORKERS, db_env)
                   for n, port in enumerate(ports)]
        accepted = refused = 0
        body = json.dumps({"events": []}).encode()
        try:
            deadline, number = time.monotonic() + seconds, 0
            while time.monotonic() < deadline:
                conn = http.client.HTTPConnection("127.0.0.1", ports[number % servers], timeout=30)
                conn.request("POST", "/api/v1/sync", body=body, headers={"Authorization": f"Bearer {token}",
                                                                        "Content-Type": "application/json"})
                status = conn.getresponse().status
                conn.close()
                accepted += status == 200
                refused += status == 429
                number += 1
        finally:
            for server in running:
                stop_server(server)
    one_process = BURST + RATE * seconds
    return {"servers": servers, "workers_per_server": WORKERS, "seconds": seconds, "calls": accepted + refused,
            "accepted": accepted, "refused": refused, "one_process_limit": one_process,
            "ceiling": servers * WORKERS * one_process, "leak_factor": round(accepted / one_process, 2)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.servers, args.seconds)))

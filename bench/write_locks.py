"""How long writes wait for each other: N threads, each writing for its own student (or globally), each write holding
its transaction open for a fixed time, as a commit waiting on the disk or the network does.

    python bench/write_locks.py postgresql://USER@HOST:PORT/DB [--threads 8] [--writes 20] [--hold-ms 10]

Prints JSON: seconds for all writes with the global lock and with per-student locks. It needs almost no CPU, so on a
busy machine it still shows what the lock allows: held writes of different students overlap, global ones cannot.
"""
from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.db import connect, write  # noqa: E402


def run(url: str, threads: int, writes: int, hold: float, per_student: bool) -> float:
    """Seconds for `threads` × `writes` writes that each hold the lock `hold` seconds."""
    connections = [connect(url) for _ in range(threads)]

    def work(index: int) -> None:
        for _ in range(writes):
            with write(connections[index], wait=120, student=index + 1 if per_student else None):
                connections[index].execute("SELECT 1")
                time.sleep(hold)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    for db in connections:
        db.close()
    return time.monotonic() - started


def main() -> None:
    """Measure both ways and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--hold-ms", type=float, default=10.0)
    args = parser.parse_args()
    hold = args.hold_ms / 1000
    figures = {name: round(run(args.url, args.threads, args.writes, hold, per_student), 3)
               for name, per_student in (("global_s", False), ("per_student_s", True))}
    figures.update(threads=args.threads, writes=args.threads * args.writes, hold_ms=args.hold_ms,
                   serial_floor_s=round(args.threads * args.writes * hold, 3))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

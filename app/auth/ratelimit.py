"""Token buckets per key, in process memory: cheap limits on how fast one phone may call the API.

Each gunicorn worker of each server keeps its own buckets, so the limit one phone meets is up to
servers x workers x (burst + rate x seconds): a documented leak, kept because a bucket in the
database would cost a write transaction per sync, on the one writer every sync already queues
for. Measured (`python bench/rate_limit_leak.py`, one device calling back to back on new
connections for 10 s against SYNC_RATE's 1/s with a burst of 40, so 50 per process): one server
with two workers let 98 calls through (ceiling 100), two servers 196 (ceiling 200), each 2 % under
its ceiling: the kernel spreads new connections evenly, so expect the full factor. For a
deployment of 8 servers x 4 workers that is 32 x 41 calls in the first second and 32 a second
after: these buckets stop a phone stuck in a loop, not an attacker; a hard per-token limit
belongs in the proxy in front of the servers. Sign-in and PIN guessing have durable limits in
the database (app/auth/sign_in_limits.py, app/sync/join.py), because those must hold across
restarts, workers and servers.
"""
from __future__ import annotations

import threading
import time


class RateLimiter:
    """Allow `burst` calls at once per key, refilled at `per_second`."""

    def __init__(self, per_second: float, burst: int, max_keys: int = 50_000):
        self.per_second, self.burst, self.max_keys = per_second, burst, max_keys
        self._buckets: dict = {}
        self._lock = threading.Lock()

    def allow(self, key: str, now: float | None = None) -> tuple[bool, float]:
        """Take one token for `key`; return (allowed, seconds until the next token)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._buckets) > self.max_keys:
                self._buckets.clear()  # a flood of new keys must not grow memory without bound
            tokens, last = self._buckets.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.per_second)
            if tokens >= 1:
                self._buckets[key] = (tokens - 1, now)
                return True, 0.0
            self._buckets[key] = (tokens, now)
            return False, (1 - tokens) / self.per_second

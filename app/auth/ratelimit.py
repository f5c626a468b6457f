"""Token buckets per key, in process memory: cheap limits on how fast one phone may call the API.

Each gunicorn worker keeps its own buckets, so the effective limit is up to workers x rate;
the limits are set with that in mind. PIN guessing has its own durable limit in the database
(app/sync/join.py), because that one must hold across restarts and workers.
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

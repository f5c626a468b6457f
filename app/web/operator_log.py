"""Lines for operators: one JSON object per line for each refused sync and failed planning, with running counts.

An operator alerts on these (e.g. "more than 20 sync_refused with reason storage in 5 minutes")
without parsing prose or tracebacks. Counts are per process since it started; /healthz shows them.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter

log = logging.getLogger("abhyas.ops")
_counts: Counter = Counter()
_lock = threading.Lock()


def ops_event(event: str, **fields) -> dict:
    """Count an event and write it as one JSON line on the "abhyas.ops" logger; return what was written."""
    with _lock:
        _counts[event] += 1
        count = _counts[event]
    record = {"event": event, "at": round(time.time(), 3), **fields, "count": count}
    log.warning(json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str))
    return record


def ops_counts() -> dict:
    """{event: how many times it happened in this process}."""
    with _lock:
        return dict(_counts)


def init_app(app) -> None:
    """Make sure the lines reach stderr (gunicorn's error log) even when nothing configured logging."""
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
    log.setLevel(logging.INFO)

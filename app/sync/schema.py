"""The event schema: what a phone may send, checked field by field with a reason for each refusal."""
from __future__ import annotations

import math
import re

MAX_EVENTS_PER_BATCH = 50
MAX_EVENT_BYTES = 600          # generous over the 300-byte budget; a reflection carries some text
EVENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
SHORT_ID = re.compile(r"^[A-Za-z0-9_.-]{1,80}$")
EVENT_TYPES = ("shown", "answer", "hint", "skip", "reflection", "time")
NEEDS_ITEM = ("shown", "answer", "hint", "skip")
FIELDS = {"id", "seq", "type", "item", "set", "t", "r", "hint", "secs", "attempt", "prompt", "value", "ok", "mc"}
MAX_FUTURE_SECONDS = 24 * 3600
EARLIEST_TS = 1_600_000_000  # 2020-09: no Abhyas event can be older


class EventError(ValueError):
    """One event that cannot be accepted, and why."""


def _number(event, key, low, high, required=False, integer=False):
    value = event.get(key)
    if value is None:
        if required:
            raise EventError(f"'{key}' is required")
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (integer and not isinstance(value, int)):
        raise EventError(f"'{key}' must be {'a whole number' if integer else 'a number'}")
    if isinstance(value, float) and not math.isfinite(value):
        raise EventError(f"'{key}' must be finite")
    if not low <= value <= high:
        raise EventError(f"'{key}' must be between {low} and {high}")
    return value


def _text(event, key, max_len, pattern=None, required=False):
    value = event.get(key)
    if value is None:
        if required:
            raise EventError(f"'{key}' is required")
        return None
    if not isinstance(value, str):
        raise EventError(f"'{key}' must be text")
    if len(value) > max_len:
        raise EventError(f"'{key}' is longer than {max_len} characters")
    if pattern is not None and not pattern.match(value):
        raise EventError(f"'{key}' has characters that are not allowed")
    return value


def event_id_of(event) -> str | None:
    """The event's id when it is well formed, so even a refusal can name it."""
    if isinstance(event, dict) and isinstance(event.get("id"), str) and EVENT_ID.match(event["id"]):
        return event["id"]
    return None


def check_event(event, items: dict, encoded_size: int, clock_offset: float, now: float) -> dict:
    """Validate one event; return it with the server-trusted time `ts`, or raise EventError."""
    if not isinstance(event, dict):
        raise EventError("an event must be a JSON object")
    if encoded_size > MAX_EVENT_BYTES:
        raise EventError(f"event is {encoded_size} bytes; the limit is {MAX_EVENT_BYTES}")
    unknown = sorted(set(event) - FIELDS)
    if unknown:
        raise EventError(f"unknown field '{unknown[0]}'")
    _text(event, "id", 64, EVENT_ID, required=True)
    _number(event, "seq", 0, 2 ** 31, required=True, integer=True)
    kind = _text(event, "type", 12, required=True)
    if kind not in EVENT_TYPES:
        raise EventError(f"unknown type '{kind}'; one of {', '.join(EVENT_TYPES)}")
    item = _text(event, "item", 80, SHORT_ID, required=kind in NEEDS_ITEM)
    if item is not None and item not in items:
        raise EventError(f"unknown item '{item}'")
    _text(event, "set", 64, SHORT_ID)
    client_ms = _number(event, "t", 0, 10 ** 14, required=True)
    _text(event, "r", 40, required=kind == "answer")
    _number(event, "hint", 1, 3, required=kind == "hint", integer=True)
    _number(event, "secs", 0, 86400)
    _number(event, "attempt", 1, 100, integer=True)
    if kind == "reflection":
        _text(event, "prompt", 80, SHORT_ID, required=True)
        _text(event, "value", 200, required=True)
    # Phones' clocks are often wrong: shift by the batch's offset (server now minus phone now).
    ts = client_ms / 1000.0 + clock_offset
    if ts > now + MAX_FUTURE_SECONDS:
        raise EventError("timestamp is more than a day in the future, even after correcting the phone's clock")
    if ts < EARLIEST_TS:
        raise EventError("timestamp is before 2020; the phone's clock or the event is wrong")
    return dict(event, ts=min(ts, now))

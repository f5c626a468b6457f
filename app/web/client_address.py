"""Who is asking, for per-address limits: the peer, or behind a trusted proxy the address the proxy saw.

Gunicorn leaves REMOTE_ADDR as the proxy's own address, so without this every teacher behind
the TLS proxy would share one sign-in limit. Only a peer listed in FORWARDED_ALLOW_IPS (the
same setting gunicorn reads) is believed, and only the last X-Forwarded-For entry, the one that
proxy appended; entries to its left come from the client and may be forged.
"""
from __future__ import annotations

import os

from flask import request


def trusted_proxies() -> set:
    """Addresses whose X-Forwarded-For is believed (FORWARDED_ALLOW_IPS, default 127.0.0.1)."""
    return {a.strip() for a in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",") if a.strip()}


def client_address() -> str:
    """The requesting client's address as far as this server can know it."""
    remote = request.remote_addr or "-"
    forwarded = request.headers.get("X-Forwarded-For", "")
    proxies = trusted_proxies()
    if forwarded and (remote in proxies or "*" in proxies):
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:64]
    return remote[:64]

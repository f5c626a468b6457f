"""Reading request bodies that phones may compress with brotli or gzip, within a size limit."""
from __future__ import annotations

import json
import zlib

import brotli

from .errors import ApiError

MAX_DECODED_BYTES = 256 * 1024


class BodyError(ApiError):
    """A body that cannot be read; `status` is the HTTP status to answer with."""


def _inflate_gzip(data: bytes) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    out = inflater.decompress(data, MAX_DECODED_BYTES + 1)
    if len(out) > MAX_DECODED_BYTES or inflater.unconsumed_tail:
        raise BodyError(413, f"the body inflates past {MAX_DECODED_BYTES} bytes")
    return out


def _inflate_brotli(data: bytes) -> bytes:
    decompressor = brotli.Decompressor()
    out = bytearray()
    # Feed in slices so a small bomb cannot expand unchecked in one call.
    for start in range(0, len(data), 4096):
        out += decompressor.process(data[start:start + 4096])
        if len(out) > MAX_DECODED_BYTES:
            raise BodyError(413, f"the body inflates past {MAX_DECODED_BYTES} bytes")
    return bytes(out)


def decode_json_body(data: bytes, content_encoding: str | None):
    """Decompress (br, gzip or none) and parse a JSON body; raise BodyError with a reason."""
    encoding = (content_encoding or "identity").strip().lower()
    try:
        if encoding == "br":
            data = _inflate_brotli(data)
        elif encoding in ("gzip", "x-gzip"):
            data = _inflate_gzip(data)
        elif encoding not in ("identity", ""):
            raise BodyError(415, f"Content-Encoding '{encoding}' is not supported; use br, gzip or none")
    except (brotli.error, zlib.error):
        raise BodyError(400, f"the body is not valid {encoding} data") from None
    if len(data) > MAX_DECODED_BYTES:
        raise BodyError(413, f"the body is larger than {MAX_DECODED_BYTES} bytes")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise BodyError(400, f"the body is not valid JSON: {exc}") from None

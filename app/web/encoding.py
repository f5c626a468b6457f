"""Content-Encoding negotiation shared by pack files, app assets and sync replies."""
from __future__ import annotations

import re


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

"""JSON routes that parts other than sync add to the OpenAPI document (sync serves the whole document)."""
from __future__ import annotations

_REGISTERED: dict = {}


def register_paths(paths: dict) -> None:
    """Let another part (teacher, publishing) add its JSON routes to the document."""
    _REGISTERED.update(paths)


def registered_paths() -> dict:
    """The routes other parts have registered so far."""
    return dict(_REGISTERED)

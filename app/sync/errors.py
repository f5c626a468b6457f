"""One error type for the sync API: a status and a reason a phone (and its developer) can act on."""
from __future__ import annotations


class ApiError(Exception):
    """A request the API refuses; `status` is the HTTP status, `reason` the sentence sent back."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status, self.reason = status, reason

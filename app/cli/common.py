"""What every verb of the `abhyas` command shares: the one-line failure and JSON output."""
from __future__ import annotations

import json


class CommandError(Exception):
    """A failure to report as one line on stderr with exit status 1."""


def print_json(data) -> None:
    """Print one JSON document on one line (non-ASCII text as it is)."""
    print(json.dumps(data, ensure_ascii=False, indent=None))

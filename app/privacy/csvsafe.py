"""CSV cells a spreadsheet shows as text: nothing a student or teacher typed may run as a formula."""
from __future__ import annotations


def safe_cell(value):
    """A cell a spreadsheet shows as text: no formula from a name or an answer a student typed."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(value)
            return value  # a plain negative number like "-3" stays a number
        except ValueError:
            return "'" + value
    return value

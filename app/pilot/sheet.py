"""The pilot's rows as a CSV for people: one line per student and arm, opened as UTF-8 by spreadsheets."""
from __future__ import annotations

import csv
import io

from ..privacy.csvsafe import safe_cell

COLUMNS = ("name", "arm", "pre", "post", "minutes", "language", "starting_tier", "group", "withdrawn")


def _number(value, digits: int = 1):
    return "" if value is None else round(value, digits)


def pilot_csv(rows: list) -> str:
    """The CSV text with a byte order mark (so Excel reads Devanagari, Tamil and Bengali names) and safe cells."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for r in rows:
        groups = r.get("groups") or {}
        writer.writerow([safe_cell(v) for v in (
            r["name"], r["arm"], _number(r["pre"]), _number(r["post"]), _number(r["minutes"]),
            groups.get("language") or "", groups.get("starting_tier") or "", groups.get("group") or "",
            "yes" if r["withdrawn"] else "no")])
    return out.getvalue()

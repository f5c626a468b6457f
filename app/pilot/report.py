"""A class's pilot as the teacher's page and `abhyas pilot report` show it: the participants, the rows, the report."""
from __future__ import annotations

from pathlib import Path

from ..db import connect
from ..packs.registry import load_catalog
from ..paths import packs_dir
from .analysis import analyse_pilot
from .runs import latest_pilot, participants, window_passed
from .scores import analysable, pilot_summary


class NoPilot(LookupError):
    """No such class, or a class that has never run a pilot: a one-line reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.user_message = reason


def pilot_view(db, pilot: dict, catalog: dict, now: float | None = None) -> dict:
    """Everything shown about one pilot: itself (post-test released if its window ended), people, rows, report."""
    pilot = window_passed(db, pilot, catalog, now)
    people = participants(db, pilot["id"])
    summary = pilot_summary(db, pilot, catalog, people)
    return {"pilot": pilot, "people": people, **summary}


def pooled_pilot_report(class_codes: list, db_path=None) -> dict:
    """One report over the latest pilots of several classes (a school's, an NGO's): more students, more power.

    Each class keeps its own level (a class term in the analysis), so an easier post-test in one
    class is not read as an effect; pilots of different designs cannot be pooled.
    """
    codes = [c.strip().upper() for c in class_codes if c and c.strip()]
    if not codes:
        raise NoPilot("name at least one class code")
    db = connect(db_path)
    try:
        catalog = load_catalog(db, Path(packs_dir()) / "files")
        records, designs = [], set()
        for code in dict.fromkeys(codes):
            row = db.execute("SELECT id FROM classes WHERE code = ?", [code]).fetchone()
            if row is None:
                raise NoPilot(f"no class with the code {code!r}")
            pilot = latest_pilot(db, row[0])
            if pilot is None:
                raise NoPilot(f"class {code} has not run a pilot; a teacher starts one on the class's Pilot page")
            designs.add(pilot["design"])
            records += [{**r, "cluster": code} for r in analysable(pilot_view(db, pilot, catalog)["rows"])]
        if len(designs) > 1:
            raise NoPilot("these pilots used different designs (students split, skills split); pool only pilots of one design")
        report = analyse_pilot(records, designs.pop())
        report["classes"] = list(dict.fromkeys(codes))
        return report
    finally:
        db.close()


def class_pilot_report(class_code: str, db_path=None) -> dict:
    """The report JSON of the class's latest pilot, read from the store the way the teacher's page reads it."""
    db = connect(db_path)
    try:
        row = db.execute("SELECT id FROM classes WHERE code = ?", [(class_code or "").strip().upper()]).fetchone()
        if row is None:
            raise NoPilot(f"no class with the code {class_code!r}")
        pilot = latest_pilot(db, row[0])
        if pilot is None:
            raise NoPilot(f"class {class_code} has not run a pilot; a teacher starts one on the class's Pilot page")
        catalog = load_catalog(db, Path(packs_dir()) / "files")
        return pilot_view(db, pilot, catalog)["report"]
    finally:
        db.close()

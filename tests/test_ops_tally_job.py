"""`abhyas tally`: every student's tallies brought up to date at once, so no report pays for an upgrade."""
from __future__ import annotations

import json

from app.cli import main
from app.db import write
from tests.teacher_fixtures import db, world  # noqa: F401


def test_tally_redoes_the_students_without_tallies_and_then_none(app, db, world, capsys):
    """Two students lost their tallies (as after an upgrade): the command tallies those two from the log, then none."""
    kiran, latha = world["students"][0]["id"], world["students"][1]["id"]
    before = db.execute("SELECT * FROM item_tallies WHERE student_id IN (?, ?) ORDER BY 1, 2", [kiran, latha]).fetchall()
    assert before
    with write(db):
        for table in ("item_tallies", "wrong_tallies", "answer_days", "tally_basis"):
            db.execute(f"DELETE FROM {table} WHERE student_id IN (?, ?)", [kiran, latha])  # noqa: S608
    assert main(["tally", "--db", str(app.config["DATABASE"])]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["students"] == 5 and first["tallied"] == 2
    assert db.execute("SELECT * FROM item_tallies WHERE student_id IN (?, ?) ORDER BY 1, 2", [kiran, latha]).fetchall() == before
    assert main(["tally", "--db", str(app.config["DATABASE"])]) == 0
    assert json.loads(capsys.readouterr().out)["tallied"] == 0


"""`abhyas pilot report`: the class's latest pilot, or a one-line reason and exit 1."""
from __future__ import annotations

import json

from app.cli import main
from app.pilot.runs import start_pilot
from tests.pilot_fixtures import UNIT, pilot_app, pilot_class  # noqa: F401


def test_the_command_refuses_an_unknown_class_and_a_class_without_a_pilot(pilot_app, pilot_class, capsys):
    world = pilot_class(3)
    db_path = str(pilot_app.config["DATABASE"])
    assert main(["pilot", "report", "--class", "NOPE42", "--json", "--db", db_path]) == 1
    assert capsys.readouterr().err.strip() == "abhyas: no class with the code 'NOPE42'"
    code = world["class"]["code"]
    assert main(["pilot", "report", "--class", code, "--json", "--db", db_path]) == 1
    err = capsys.readouterr().err
    assert "has not run a pilot" in err and len(err.strip().splitlines()) == 1
    start_pilot(world["db"], world["class"]["id"], UNIT, 2, world["asha"], world["catalog"], seed=2)
    assert main(["pilot", "report", "--class", code.lower(), "--json", "--db", db_path]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["design"] == "within" and report["verdict"] == "too_few_students"
    assert [a["n"] for a in report["arms"]] == [0, 0]   # nobody has taken the post-test yet


def test_pilots_of_several_classes_are_pooled_in_one_report(pilot_app, pilot_class, capsys):
    db_path = str(pilot_app.config["DATABASE"])
    first, second = pilot_class(3), pilot_class(3)
    for world in (first, second):
        start_pilot(world["db"], world["class"]["id"], UNIT, 2, world["asha"], world["catalog"], seed=2)
    codes = [first["class"]["code"], second["class"]["code"]]
    assert main(["pilot", "report", "--class", codes[0], "--class", codes[1].lower(), "--json", "--db", db_path]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["classes"] == codes and report["design"] == "within"
    assert main(["pilot", "report", "--class", f"{codes[0]},NOPE42", "--json", "--db", db_path]) == 1
    assert capsys.readouterr().err.strip() == "abhyas: no class with the code 'NOPE42'"

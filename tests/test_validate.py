"""The validator: a good pack passes; each kind of mistake is named with file:line and a fix."""
from __future__ import annotations

import re

import pytest

from app.cli import main
from app.packs.validate import validate_pack

from .conftest import SAMPLE_PACK


def messages(path):
    return [str(p) for p in validate_pack(path)]


def test_sample_pack_is_valid():
    assert messages(SAMPLE_PACK) == []


def line_of(path, needle):
    """The 1-based line of the first occurrence of `needle` in a file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


BROKEN = [
    # (file, old, new, line marker in the edited file, expected message fragment)
    ("items/basics.yaml", 'answer: "3/4"', 'answer: "3//4"', 'answer: "3//4"', "answer '3//4' does not parse"),
    ("items/basics.yaml", '{answer: "2/6", misconception: sample.add_across}',
     '{answer: "6/8", misconception: sample.add_across}', None, "equals the right answer"),
    ("items/basics.yaml", "skill: sample.add\n", "skill: sample.subtract\n", "skill: sample.subtract", "unknown skill 'sample.subtract'"),
    ("items/basics.yaml", "- id: sample-pick-1", "- id: sample-eq-1", None, "duplicate item id 'sample-eq-1'"),
    ("items/basics.yaml", 'ta: "1/2 ஐப் பகுதி 4 ஆக எழுது."}', "}", None, "has no 'ta' text"),
    ("items/basics.yaml", '"Write one half with 4 as the bottom number."', '"Write 1/2 with 4 as the bottom number."',
     'speak: {en: "Write 1/2', "speech engines misread"),
    ("items/basics.yaml", "misconception: sample.top_only}\n  hints", "misconception: sample.nonsense}\n  hints",
     "sample.nonsense", "unknown misconception 'sample.nonsense'"),
    ("items/basics.yaml", "  difficulty: 1\n", "  difficulty: 9\n", "difficulty: 9", "difficulty must be a whole number from 1 to 5"),
    ("items/basics.yaml", "  seconds: 40\n", "  secnds: 40\n", "secnds", "unknown field 'secnds' in item 'sample-eq-1'; did you mean 'seconds'?"),
    ("skills.yaml", "prerequisites: []", "prerequisites: [sample.add]", None, "prerequisite cycle"),
    ("skills.yaml", "remediation: [sample-add-1]", "remediation: [sample-add-99]", "sample-add-99", "unknown remediation item 'sample-add-99'"),
    ("pack.yaml", "version: 1.0.0", "version: 1.0", "version: 1.0", "version must be MAJOR.MINOR.PATCH"),
    ("pack.yaml", "hi: {review: draft", "hi: {review: maybe", "review: maybe", "needs review: one of"),
    ("templates/add.yaml", 'answer: "frac(a + c, b)"', 'answer: "frac(a + c, b) + open(1)"', 'open(1)', "unknown function 'open'"),
    ("templates/add.yaml", "count: 4", "count: 40", "count: 40", "allow only"),
    ("templates/add.yaml", '{expr: "frac(a + c, b + b)"', '{expr: "frac(a + c, b)"', None, "allow only"),
    ("templates/add.yaml", "{a}/{b} + {c}/{b} = ?", "{a}/{b} + {z}/{b} = ?", None, "placeholder {z} names nothing"),
    ("items/basics.yaml", 'check: "frac(1, 4) + frac(1, 2)"', 'check: "frac(1, 4) + frac(1, 3)"',
     'check: "frac(1, 4) + frac(1, 3)"', "check 'frac(1, 4) + frac(1, 3)' computes 7/12"),
    ("reflections.yaml", "kind: scale", "kind: slider", "kind: slider", "kind must be scale, choice or text"),
    ("items/basics.yaml", "  form: any\n", "  form: neat\n", "form: neat", "form must be one of any, lowest, decimal"),
    ("items/basics.yaml", "  form: any\n", "  form: mixed\n", "form: mixed", "form is 'mixed' but"),
]


@pytest.mark.parametrize("file,old,new,marker,expected", [b for b in BROKEN if b[4]])
def test_each_mistake_is_reported_with_file_line_and_fix(pack_copy, file, old, new, marker, expected):
    edited = pack_copy.edit(file, old, new)
    found = messages(pack_copy)
    matching = [m for m in found if expected in m]
    assert matching, f"expected {expected!r} in {found}"
    for message in matching:
        assert re.match(r"^[^:]+\.yaml:\d+: .+", message), message
    if marker:
        where = line_of(edited, marker)
        assert any(f"{edited.name}:{where}:" in m for m in matching), (where, matching)


def test_yaml_syntax_error_names_the_line(pack_copy):
    edited = pack_copy.edit("glossary.yaml", "- id: denominator", "- id: denominator\n  term: [unclosed")
    found = messages(pack_copy)
    assert len(found) == 1 and "YAML syntax" in found[0] and f"{edited.name}:" in found[0]


def test_tabs_are_refused_with_the_line(pack_copy):
    pack_copy.edit("glossary.yaml", "  term:", "\tterm:")
    assert any("glossary.yaml:2: a line starts with a tab" in m for m in messages(pack_copy))


def test_missing_pack_yaml(tmp_path):
    (tmp_path / "empty").mkdir()
    assert "pack.yaml is missing" in messages(tmp_path / "empty")[0]


def test_hints_must_number_two_or_three(pack_copy):
    pack_copy.edit("items/basics.yaml",
                   '    - {en: "Multiply the top by 2 as well.", hi: "अंश को भी 2 से गुणा करो।", ta: "தொகுதியையும் 2 ஆல் பெருக்கு."}\n', "")
    assert any("has 1 hints; give 2 to 3" in m for m in messages(pack_copy))


def test_not_a_list_file_is_reported(pack_copy):
    (pack_copy / "glossary.yaml").write_text("id: x\n", encoding="utf-8")
    assert any("glossary.yaml:1: glossary.yaml must be a list" in m for m in messages(pack_copy))


def test_cli_exit_codes_and_no_traceback(pack_copy, capsys):
    assert main(["pack", "validate", str(SAMPLE_PACK)]) == 0
    assert capsys.readouterr().out == ""
    pack_copy.edit("items/basics.yaml", 'answer: "3/4"', 'answer: "three quarters"')
    (pack_copy / "skills.yaml").write_text("- id: [broken\n", encoding="utf-8")
    assert main(["pack", "validate", str(pack_copy)]) == 1
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err
    assert all(re.match(r"^\S+:\d+: ", line) for line in out.out.strip().splitlines())

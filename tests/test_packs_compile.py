"""Compiling items: a dropped sign meets the skill's sign misconception on every item, not a generic "try again"."""
from __future__ import annotations

from app.grading import grade_response
from app.packs.compile import items_document, with_sign_rules
from app.packs.validate import Problems, load_pack

from .conftest import ROOT


def test_a_skills_sign_misconception_reaches_its_items_that_forgot_it():
    records = with_sign_rules([
        {"id": "a", "skill": "int.add", "kind": "numeric", "answer": "-13", "accept": [],
         "wrong": [{"answer": "13", "misconception": "int.sign_add"}, {"answer": "3", "misconception": "int.wrong_sign_result"}]},
        {"id": "b", "skill": "int.add", "kind": "numeric", "answer": "-7", "accept": [],
         "wrong": [{"answer": "-3", "misconception": "int.wrong_sign_result"}]},
        {"id": "c", "skill": "int.add", "kind": "numeric", "answer": "0", "accept": [], "wrong": []},
        {"id": "d", "skill": "frac.add", "kind": "fraction", "answer": "3/4", "accept": [], "wrong": []},
    ])
    by_id = {r["id"]: r for r in records}
    assert by_id["b"]["wrong"][-1] == {"answer": "7", "misconception": "int.sign_add"}
    assert len(by_id["a"]["wrong"]) == 2  # an item's own rule for the negated answer stays as written
    assert by_id["c"]["wrong"] == [] and by_id["d"]["wrong"] == []  # no sign to drop; no skill evidence
    assert grade_response(by_id["b"], "7").misconception == "int.sign_add"


def _negated(answer: str) -> str:
    return answer[1:] if answer.startswith("-") else "-" + answer


def test_integers_items_all_name_the_dropped_sign():
    """In integers-6, every numeric item of a skill whose items name a dropped sign names it when graded."""
    pack = load_pack(ROOT / "content_packs" / "integers-6", Problems())
    items = [r for r in items_document(pack)["items"] if r["kind"] != "choice" and r["answer"] != "0"]
    named = {r["skill"] for r in items for w in r["wrong"] if w["answer"] == _negated(r["answer"])}
    covered = [r for r in items if r["skill"] in named]
    assert len(covered) >= 10
    generic = [r["id"] for r in covered if grade_response(r, _negated(r["answer"])).status != "misconception"]
    assert generic == []

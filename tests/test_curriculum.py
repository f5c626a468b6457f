"""The starter curriculum: valid, complete in every locale, correct by computation, honest about review."""
from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest

from app.grading import parse_answer
from app.packs.source import Problems
from app.packs.stats import pack_stats
from app.packs.validate import load_pack, validate_pack

CONTENT = Path(__file__).resolve().parent.parent / "content_packs"
PACKS = sorted(p for p in CONTENT.iterdir() if (p / "pack.yaml").exists())


@pytest.fixture(scope="module")
def loaded():
    return {p.name: load_pack(p, Problems()) for p in PACKS}


@pytest.fixture(scope="module")
def stats():
    return {p.name: pack_stats(p) for p in PACKS}


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_pack_validates(pack):
    assert [str(p) for p in validate_pack(pack)] == []


def test_totals_meet_the_curriculum_brief(stats):
    total = lambda key: sum(s[key] for s in stats.values())  # noqa: E731
    assert total("skills") >= 12 and total("items") >= 150 and total("misconceptions") >= 30
    for key in ("items_simplified", "items_speakable", "items_with_hints", "items_with_worked_solution"):
        assert total(key) == total("items"), key
    assert total("items_with_misconceptions") >= 0.6 * total("items")
    for s in stats.values():
        assert {"en", "hi", "ta"} <= set(s["locales"])


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_each_unit_pack_fits_the_size_budget(stats, pack):
    assert 0 < stats[pack.name]["bytes_br"] <= 100 * 1024


@pytest.mark.parametrize("pack_id", sorted(p.name for p in PACKS))
def test_each_units_skills_form_one_prerequisite_graph(loaded, pack_id):
    """A unit is one strand: every skill reaches the others through prerequisites (strands such
    as geometry and data handling may start fresh; a skill cut off inside its unit is a mistake)."""
    pack = loaded[pack_id]
    own = set(pack.own_skill_ids)
    parent = {sid: sid for sid in own}

    def root(s):
        while parent[s] != s:
            s = parent[s]
        return s
    for sid in own:
        for prereq in pack.skills[sid].get("prerequisites") or []:
            if prereq in own:
                parent[root(sid)] = root(prereq)
    assert len({root(s) for s in own}) == 1, f"{pack_id}: skills fall apart into {sorted({root(s) for s in own})}"


def test_prerequisites_across_units_name_a_required_pack(loaded):
    owner = {sid: pid for pid, pack in loaded.items() for sid in pack.own_skill_ids}
    for pid, pack in loaded.items():
        requires = set(pack.source.meta.get("requires") or [])
        for sid in pack.own_skill_ids:
            for prereq in pack.skills[sid].get("prerequisites") or []:
                assert owner[prereq] == pid or owner[prereq] in requires, (pid, sid, prereq)


def test_every_hand_written_answer_is_recomputed(loaded):
    missing = [item["id"] for pack in loaded.values() for item in pack.items
               if "template" not in item and "check" not in item]
    assert missing == [], f"hand-written items without a check expression: {missing}"


def test_every_wrong_answer_differs_from_the_answer(loaded):
    for pack in loaded.values():
        for item in pack.items:
            right = parse_answer(str(item["answer"]), item["kind"])
            accepted = {right} | {parse_answer(str(a), item["kind"]) for a in item.get("accept") or []}
            for rule in item.get("wrong") or []:
                assert parse_answer(str(rule["answer"]), item["kind"]) not in accepted, item["id"]


def test_template_answers_are_exact_values(loaded):
    for pack in loaded.values():
        for item in pack.items:
            if "template" in item and item["kind"] != "choice":
                assert isinstance(parse_answer(item["answer"], item["kind"]), Fraction)


def test_every_misconception_is_reachable_from_an_item(loaded):
    defined, reached = set(), set()
    for pack in loaded.values():
        for sid in pack.own_skill_ids:
            defined |= {m["id"] for m in pack.skills[sid].get("misconceptions") or []}
        reached |= {rule["misconception"] for item in pack.items for rule in item.get("wrong") or []}
    assert defined - reached == set()


def test_diagnostic_reflections_and_glossary_exist(loaded):
    diagnostics = [pack.source.meta.get("diagnostic") for pack in loaded.values() if pack.source.meta.get("diagnostic")]
    assert diagnostics and all(6 <= len(d) <= 10 for d in diagnostics)
    for pack in loaded.values():
        kinds = {r.get("kind") for r in pack.source.reflections}
        assert {"scale", "choice"} <= kinds, pack.source.pack_id
        assert len(pack.source.glossary) >= 6, pack.source.pack_id


def test_review_status_is_honest(loaded):
    for pack in loaded.values():
        for locale, info in pack.source.meta["locales"].items():
            if info["review"] == "reviewed":
                assert info.get("reviewer"), f"{pack.source.pack_id}/{locale}: 'reviewed' must name the reviewer"
        assert pack.source.meta["locales"]["en"]["review"] == "source"

"""Worked examples on skills: checked like items (file:line), built into the locale documents, counted."""
from __future__ import annotations

import shutil

import pytest

from app.packs.compile import meta_document, text_document
from app.packs.source import Problems
from app.packs.validate import load_pack, validate_pack

from .conftest import ROOT

FIGURES_PACK = ROOT / "tests" / "fixtures" / "packs" / "figures-6"


@pytest.fixture
def pack(tmp_path):
    target = tmp_path / "figures-6"
    shutil.copytree(FIGURES_PACK, target)
    return target


def edit(pack, old, new):
    path = pack / "skills.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return [str(p) for p in validate_pack(pack)]


def line_of(pack, needle):
    return next(n for n, row in enumerate((pack / "skills.yaml").read_text(encoding="utf-8").splitlines(), 1) if needle in row)


def test_the_fixture_examples_validate(pack):
    assert validate_pack(pack) == []


STEP_TWO = '        - {en: "3 parts are shaded, so 3/4 is shaded.", hi: "3 भाग रंगे हैं, इसलिए 3/4 रंगा है।", bn: "3টি অংশ রং করা, তাই 3/4 রং করা।"}\n'


def test_one_step_is_too_few(pack):
    found = edit(pack, STEP_TWO, "")
    assert any(f"skills.yaml:{line_of(pack, 'steps:')}: " in p and "has 1 steps; give 2 to 5" in p for p in found), found


def test_speak_must_be_speakable_and_every_locale_present(pack):
    found = edit(pack, 'speak: {en: "What fraction of the bar is shaded?"', 'speak: {en: "Is 3/4 shaded?"')
    assert any("'speak.en' of worked example 'fig-we-bar-1'" in p and "speech engines misread" in p for p in found), found
    found = edit(pack, 'problem: {en: "What fraction of the bar is shaded?", hi: "पट्टी का कितना भाग रंगा है?", ',
                 'problem: {en: "What fraction of the bar is shaded?", ')
    assert any("'problem' of worked example 'fig-we-bar-1' has no 'hi' text" in p for p in found), found


def test_ids_are_unique_across_examples_and_items(pack):
    found = edit(pack, "- id: fig-we-bar-1", "- id: fig-bar-1")
    assert any(f"skills.yaml:{line_of(pack, '- id: fig-bar-1')}: duplicate id 'fig-bar-1'" in p for p in found), found


def test_a_worked_example_figure_is_checked_like_an_item_figure(pack):
    found = edit(pack, "        shaded: 3\n", "        shaded: 7\n")
    assert any(f"skills.yaml:{line_of(pack, 'shaded: 7')}: figure of worked example 'fig-we-bar-1': 'shaded' is 7" in p
               for p in found), found


def test_unknown_fields_are_named(pack):
    found = edit(pack, "      simplified: {en: \"Shaded part", "      simplfied: {en: \"Shaded part")
    assert any("unknown field 'simplfied' in worked example 'fig-we-bar-1'; did you mean 'simplified'?" in p for p in found), found


def test_examples_reach_the_documents_in_each_locale(pack):
    loaded = load_pack(pack, Problems())
    skill = next(s for s in meta_document(loaded)["skills"] if s["id"] == "fig.fractions")
    assert skill["worked_examples"] == ["fig-we-bar-1"]
    example = text_document(loaded, "bn")["worked_examples"]["fig.fractions"][0]
    assert example["problem"] == "পট্টির কত অংশ রং করা?" and len(example["steps"]) == 2
    assert example["figure"]["alt"] == "4টি সমান অংশের পট্টি, 3টি রং করা।" and 'role="img"' in example["figure"]["svg"]
    said = text_document(loaded, "hi")["worked_examples"]["fig.fractions"][0]["said"]
    assert said.startswith("4 बराबर भागों वाली पट्टी") and "3 बटा 4" in said and "/" not in said


def test_examples_are_in_the_roman_letters_document_too(pack):
    from app.packs.compile import roman_document
    loaded = load_pack(pack, Problems())
    roman = roman_document(text_document(loaded, "bn"))["worked_examples"]["fig.fractions"][0]
    assert roman["id"] == "fig-we-bar-1" and roman["problem"].isascii() and len(roman["steps"]) == 2

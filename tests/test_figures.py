"""Figure checks: each kind's fields, alt and speak, hand-written SVG, template figures, with file:line."""
from __future__ import annotations

import shutil

import pytest

from app.packs.figures import check_figure
from app.packs.source import Problems
from app.packs.validate import validate_pack
from app.packs.yamlsource import load_yaml

from .conftest import ROOT

FIGURES_PACK = ROOT / "tests" / "fixtures" / "packs" / "figures-6"
ALT = '  alt: {en: "A picture.", hi: "एक चित्र।"}\n'


def problems_of(tmp_path, figure_yaml: str) -> list:
    """Check one item's figure written as YAML; the problems as file:line: message strings."""
    path = tmp_path / "item.yaml"
    path.write_text("figure:\n" + figure_yaml, encoding="utf-8")
    block = load_yaml(path, "item.yaml")
    problems = Problems()
    check_figure(block, ["en", "hi"], problems, "item 'x'")
    return [str(p) for p in problems]


GOOD = {
    "number_line": "  kind: number_line\n  from: 0\n  to: 2\n  step: 1/4\n  points: [\"3/4\"]\n  point_labels: [P]\n",
    "fraction_bar": "  kind: fraction_bar\n  bars: [{parts: 3, shaded: 1}, {parts: 6, shaded: 2}]\n",
    "fraction_circle": "  kind: fraction_circle\n  parts: 8\n  shaded: 3\n",
    "area_grid": "  kind: area_grid\n  rows: 4\n  cols: 5\n  shaded: 7\n",
    "angle": "  kind: angle\n  degrees: 135\n  label: x\n",
    "triangle": "  kind: triangle\n  sides: [4 cm, 5 cm, 3 cm]\n  angles: [A, 90°, C]\n  shape: right\n",
    "rectangle": "  kind: rectangle\n  width: 8\n  height: 2.5\n  labels: [8 m, 2.5 m]\n",
    "polygon": "  kind: polygon\n  sides: 5\n  labels: [a, b, c, d, e]\n",
    "bar_graph": "  kind: bar_graph\n  bars:\n    - {label: {en: Mon, hi: सोम}, value: 4}\n    - {label: {en: Tue, hi: मंगल}, value: 6}\n"
                 "  axis: {en: Books, hi: किताबें}\n  scale: 2\n",
    "pictograph": "  kind: pictograph\n  key: 5\n  symbol: star\n  rows:\n    - {label: {en: Mon, hi: सोम}, count: 3}\n"
                  "    - {label: {en: Tue, hi: मंगल}, count: 1.5}\n",
    "svg": "  kind: svg\n  svg: '<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\"><circle cx=\"5\" cy=\"5\" r=\"4\"/></svg>'\n",
}


@pytest.mark.parametrize("kind", sorted(GOOD))
def test_a_good_figure_of_each_kind_passes(tmp_path, kind):
    assert problems_of(tmp_path, GOOD[kind] + ALT) == []


BAD = [
    # (figure YAML, line, expected message fragment)
    ("  kind: pie_chart\n", 2, "unknown kind 'pie_chart'; use one of angle, area_grid"),
    ("  parts: 4\n", 2, "needs kind: one of"),
    ("  kind: number_line\n  from: 0\n  to: 1\n", 2, "needs 'step'"),
    ("  kind: number_line\n  from: 0\n  to: 1\n  step: 0.01\n", 5, "gives 100 ticks; at most 40"),
    ("  kind: number_line\n  from: 0\n  to: 1\n  step: 1/4\n  points: [2]\n", 6, "points[1] = 2 must be a number from 0 to 1"),
    ("  kind: number_line\n  from: 0\n  to: 1\n  step: 1/4\n  points: [1/2]\n  point_labels: [A, B]\n", 7,
     "'point_labels' must be a list of 1 labels"),
    ("  kind: fraction_bar\n  parts: 4\n  shaded: 5\n", 4, "'shaded' is 5; it must be from 0 to 4"),
    ("  kind: fraction_bar\n  bars: [{parts: 2, shaded: 1}, {parts: 2, shaded: 1}, {parts: 2, shaded: 1}, "
     "{parts: 2, shaded: 1}, {parts: 2, shaded: 1}]\n", 3, "1 to 4"),
    ("  kind: fraction_circle\n  parts: three\n  shaded: 1\n", 3, "'parts' must be a whole number, not 'three'"),
    ("  kind: area_grid\n  rows: 3\n  cols: 3\n  shaded: 10\n", 5, "'shaded' is 10; it must be from 0 to 9"),
    ("  kind: angle\n  degrees: 400\n", 3, "'degrees' is 400; it must be from 0 to 360"),
    ("  kind: triangle\n  sides: [3 cm, 4 cm]\n", 3, "'sides' must be a list of 3 labels"),
    ("  kind: triangle\n  sides: [a, b, c]\n  shape: round\n", 4, "shape must be one of scalene"),
    ("  kind: triangle\n  sides: [12 cm, 5 cm, 13 cm]\n  shape: right\n", 3,
     "the right angle is at B, so the longest side is CA; sides are [BC (the base), CA (the right side), AB (the left side)]"),
    ("  kind: triangle\n  sides: [13 m, 13 m, 10 m]\n  shape: isosceles\n", 3, "drawn with CA = AB"),
    ("  kind: triangle\n  sides: [1 cm, 2 cm, 5 cm]\n", 3, "no triangle has sides 1, 2 and 5"),
    ("  kind: triangle\n  sides: [a, b, c]\n  angles: [60°, 60°, 70°]\n", 4, "the angles add up to 190°, not 180°"),
    ("  kind: triangle\n  sides: [a, b, c]\n  angles: [90°, 30°, 60°]\n  shape: right\n", 4, "give 90° as the second angle"),
    ("  kind: rectangle\n  width: 8\n", 2, "needs 'height'"),
    ("  kind: polygon\n  sides: 12\n", 3, "'sides' is 12; it must be from 3 to 10"),
    ("  kind: bar_graph\n  bars: [{label: {en: A, hi: अ}, value: 3}]\n", 3, "2 to 8"),
    ("  kind: bar_graph\n  bars:\n    - {label: {en: A, hi: अ}, value: -3}\n    - {label: {en: B}, value: 2}\n", 5,
     "'bars[2].label' of figure of item 'x' has no 'hi' text"),
    ("  kind: bar_graph\n  bars:\n    - {label: {en: A, hi: अ}, value: -3}\n    - {label: {en: B, hi: ब}, value: 2}\n", 4,
     "'bars[1].value' is -3; it must be at least 0"),
    ("  kind: pictograph\n  rows: [{label: {en: A, hi: अ}, count: 60}]\n  key: 5\n", 3, "'rows[1].count' is 60; it must be from 0 to 20"),
    ("  kind: pictograph\n  rows: [{label: {en: A, hi: अ}, count: 3}]\n  key: 1\n  symbol: heart\n", 5, "symbol must be one of"),
    ("  kind: angle\n  degrees: 30\n  colour: red\n", 4, "unknown field 'colour'"),
]


@pytest.mark.parametrize("figure,line,expected", BAD)
def test_each_figure_mistake_is_named_at_its_line(tmp_path, figure, line, expected):
    found = problems_of(tmp_path, figure + ALT)
    assert any(p.startswith(f"item.yaml:{line}: ") and expected in p for p in found), found


def test_alt_is_required_in_every_locale_and_speak_must_be_speakable(tmp_path):
    assert any("has no 'alt'" in p for p in problems_of(tmp_path, GOOD["angle"]))
    found = problems_of(tmp_path, GOOD["angle"] + '  alt: {en: "An angle."}\n')
    assert any(p.startswith("item.yaml:5: ") and "has no 'hi' text" in p for p in found), found
    found = problems_of(tmp_path, GOOD["angle"] + ALT + '  speak: {en: "An angle of 135°, x = 135", hi: "एक कोण"}\n')
    assert any(p.startswith("item.yaml:6: ") and "speech engines misread" in p for p in found), found


UNSAFE = [
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><script>alert(1)</script></svg>', "<script> is not allowed"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><circle r="3" onclick="alert(1)"/></svg>', "event handler onclick="),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9" onload="x()"/>', "event handler onload="),
    ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 9 9">'
     '<image xlink:href="https://example.org/a.png"/></svg>', "refers outside the figure"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><a href="javascript:alert(1)"><text>x</text></a></svg>',
     "refers outside the figure"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><use href="other.svg#a"/></svg>', "refers outside the figure"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><rect fill="url(https://x.org/p)"/></svg>', "loads something from outside"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><style>@import url(x.css);</style></svg>', "<style> that loads"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><foreignObject><p>hi</p></foreignObject></svg>',
     "<foreignobject> is not allowed"),
    ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><circle r="3"></svg>', "not well-formed XML"),
    ('<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9">&x;</svg>', "DOCTYPE"),
    ('<div>not svg</div>', "outer element is <div>"),
    ('<svg xmlns="http://www.w3.org/2000/svg"><circle r="3"/></svg>', "needs a viewBox"),
]


@pytest.mark.parametrize("markup,expected", UNSAFE)
def test_unsafe_or_broken_svg_is_refused_at_its_line(tmp_path, markup, expected):
    quoted = markup.replace("'", "''")
    found = problems_of(tmp_path, f"  kind: svg\n  svg: '{quoted}'\n" + ALT)
    assert any(p.startswith("item.yaml:3: ") and expected in p for p in found), found


def test_template_figures_are_filled_per_expansion_before_they_are_checked(tmp_path):
    pack = tmp_path / "figures-6"
    shutil.copytree(FIGURES_PACK, pack)
    assert validate_pack(pack) == []
    template = pack / "templates" / "number_line.yaml"
    text = template.read_text(encoding="utf-8")
    # A point past the end of the line: the check sees the filled number, per expansion, at the template's line.
    template.write_text(text.replace('points: ["{answer}"]', 'points: ["{q}"]'), encoding="utf-8")
    line = next(n for n, row in enumerate(template.read_text(encoding="utf-8").splitlines(), 1) if "points:" in row)
    found = [str(p) for p in validate_pack(pack)]
    assert any(p.startswith(f"templates/number_line.yaml:{line}: ") or f"number_line.yaml:{line}: " in p for p in found), found
    assert any("figure of template 'fig-nl': points[1]" in p and "must be a number from 0 to 1" in p for p in found), found
    template.write_text(text.replace('step: "{s}"', 'step: "{t}"'), encoding="utf-8")
    found = [str(p) for p in validate_pack(pack)]
    assert any("figure: placeholder {t} names nothing" in p for p in found), found


def test_a_signed_pack_with_unsafe_figure_markup_is_refused_on_publish(instance, tmp_path):
    """The validator runs on the publisher's machine; the server checks the built figures again."""
    import json as jsonlib

    from app.db import connect
    from app.packs.build import build_pack, canonical_json, write_content_file
    from app.packs.registry import publish, trusted_keys_for
    from app.packs.signing import TrustError, instance_key, sign_manifest
    from app.paths import keys_dir
    out = tmp_path / "out"
    manifest = build_pack(FIGURES_PACK, out)
    body = jsonlib.loads(jsonlib.loads(manifest.read_text())["body"])
    entry = next(f for f in body["files"] if f["role"] == "text" and f["locale"] == "bn")
    document = jsonlib.loads((out / entry["path"]).read_bytes())
    document["items"]["fig-bar-1"]["figure"]["svg"] = '<svg viewBox="0 0 9 9"><a href="https://evil.example/"><text>x</text></a></svg>'
    forged = write_content_file(out / "files", canonical_json(document))
    body["files"] = [dict(forged, role="text", locale="bn") if f is entry else f for f in body["files"]]
    manifest.write_bytes(sign_manifest(body, instance_key(body["publisher"])))
    db = connect()
    with pytest.raises(TrustError, match="the figure of item fig-bar-1 is unsafe: href="):
        publish(db, manifest, out / "files", trusted_keys_for(db, keys_dir()))

"""Drawn figures: well-formed SVG that scales, is named for screen readers, and shows the numbers asked for."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from fractions import Fraction

import pytest

from app.packs.figure_draw import FILL, draw_figure, show

NS = {"s": "http://www.w3.org/2000/svg"}


def drawn(figure, locale="en", alt="A figure."):
    """The figure's SVG parsed, and its texts in order."""
    root = ET.fromstring(draw_figure(figure, locale, alt))
    return root, [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def shaded(root, tag="rect"):
    return [e for e in root.iter(f"{{http://www.w3.org/2000/svg}}{tag}") if e.get("fill") == FILL]


def test_every_figure_scales_and_is_named_by_its_alt_text():
    root, _ = drawn({"kind": "fraction_circle", "parts": 4, "shaded": 1}, alt='A circle in 4 parts, 1 "shaded".')
    assert root.get("role") == "img" and root.get("aria-label") == 'A circle in 4 parts, 1 "shaded".'
    assert root.get("width") == "100%" and "max-width:400px" in root.get("style")
    assert root.get("viewBox").startswith("0 0 400 ")


def test_number_line_ticks_labels_and_marked_points():
    root, texts = drawn({"kind": "number_line", "from": -2, "to": 2, "step": Fraction(1, 2),
                         "labels": [-2, -1, 0, 1, 2], "points": ["-1/2"], "point_labels": ["?"]})
    ticks = [line for line in root.iter("{http://www.w3.org/2000/svg}line") if line.get("y1") != line.get("y2")]
    assert len(ticks) == 9
    assert texts == ["\u22122", "\u22121", "0", "1", "2", "?"]
    dot = next(root.iter("{http://www.w3.org/2000/svg}circle"))
    tick_x = sorted(float(t.get("x1")) for t in ticks)
    assert float(dot.get("cx")) == pytest.approx(tick_x[3], abs=0.1)   # -1/2 is the fourth tick of -2, -1.5, ...


def test_fraction_bars_shade_the_parts_asked_for():
    root, _ = drawn({"kind": "fraction_bar", "bars": [{"parts": 3, "shaded": 2}, {"parts": 6, "shaded": 4}]})
    rects = [r for r in root.iter("{http://www.w3.org/2000/svg}rect")][1:]   # the first is the white ground
    assert len(rects) == 9 and len(shaded(root)) == 6


def test_fraction_circle_and_area_grid_shade_counts():
    root, _ = drawn({"kind": "fraction_circle", "parts": 8, "shaded": 3})
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) == 8 and len(shaded(root, "path")) == 3
    root, _ = drawn({"kind": "area_grid", "rows": 3, "cols": 4, "shaded": 5})
    assert len(list(root.iter("{http://www.w3.org/2000/svg}rect"))) == 1 + 12 and len(shaded(root)) == 5


def test_angle_shows_its_label_or_its_degrees():
    assert drawn({"kind": "angle", "degrees": 40})[1] == ["40\u00b0"]
    assert drawn({"kind": "angle", "degrees": 300, "label": "x"})[1] == ["x"]


def test_triangle_side_a_is_opposite_corner_a_and_right_angle_is_marked():
    root, texts = drawn({"kind": "triangle", "sides": ["5 cm", "4 cm", "3 cm"], "angles": ["A", "B", "C"], "shape": "right"})
    assert sorted(texts) == sorted(["5 cm", "4 cm", "3 cm", "A", "B", "C"])
    by_text = {t.text: (float(t.get("x")), float(t.get("y"))) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert by_text["5 cm"][1] > by_text["A"][1]          # side a (B to C) is the base, below corner A
    assert len(list(root.iter("{http://www.w3.org/2000/svg}path"))) == 1   # the right-angle mark


def test_rectangle_is_drawn_to_scale_with_its_labels():
    root, texts = drawn({"kind": "rectangle", "width": 8, "height": 2, "labels": ["8 m", "2 m"]})
    rect = list(root.iter("{http://www.w3.org/2000/svg}rect"))[1]
    assert float(rect.get("width")) / float(rect.get("height")) == pytest.approx(4, rel=0.01)
    assert texts == ["8 m", "2 m"]


def test_polygon_has_its_sides_and_labels():
    root, texts = drawn({"kind": "polygon", "sides": 5, "labels": ["a", "b", "c", "d", "e"]})
    points = next(root.iter("{http://www.w3.org/2000/svg}polygon")).get("points").split()
    assert len(points) == 5 and texts == ["a", "b", "c", "d", "e"]


def test_bar_graph_heights_follow_the_values_and_labels_follow_the_locale():
    figure = {"kind": "bar_graph", "title": {"en": "Books", "bn": "বই"}, "axis": {"en": "Number", "bn": "সংখ্যা"},
              "bars": [{"label": {"en": "Mon", "bn": "সোম"}, "value": 4}, {"label": {"en": "Tue", "bn": "মঙ্গল"}, "value": 8}]}
    root, texts = drawn(figure, "bn")
    bars = shaded(root)
    assert float(bars[1].get("height")) == pytest.approx(2 * float(bars[0].get("height")))
    assert texts[0] == "বই" and "সোম" in texts and "মঙ্গল" in texts and "সংখ্যা" in texts and "Mon" not in texts
    assert "8" in texts and "0" in texts     # the scale


def test_pictograph_draws_count_symbols_with_a_part_symbol_and_the_key():
    root, texts = drawn({"kind": "pictograph", "key": 10, "symbol": "circle",
                         "rows": [{"label": {"en": "A"}, "count": 3}, {"label": {"en": "B"}, "count": 2.5}]})
    circles = list(root.iter("{http://www.w3.org/2000/svg}circle"))
    assert len(circles) == 3 + 3 + 1          # 3, then 2 and a half, then the key's symbol
    part = [s for s in root.iter("{http://www.w3.org/2000/svg}svg")][1:]
    assert len(part) == 1 and float(part[0].get("width")) == pytest.approx(10)
    assert texts == ["A", "B", "= 10"]


def test_hand_written_svg_is_made_accessible_and_fitted():
    markup = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" width="900" height="900"><title>x</title><circle r="4"/></svg>'
    root = ET.fromstring(draw_figure({"kind": "svg", "svg": markup}, "en", "A dot."))
    assert root.get("width") == "100%" and root.get("height") is None and root.get("aria-label") == "A dot."
    assert root.get("role") == "img" and root.find("s:title", NS) is None


def test_labels_are_escaped_text_never_markup():
    root, texts = drawn({"kind": "polygon", "sides": 3, "labels": ["<b>", "a & b", "3"]})
    assert texts == ["<b>", "a & b", "3"]


def test_numbers_show_as_students_write_them():
    assert [show(Fraction(v)) for v in ("-3", "5/2", "1/3", "0.125")] == ["\u22123", "2.5", "1/3", "0.125"]

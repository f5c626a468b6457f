"""Figures on items, templates and worked examples: the vocabulary, its checks, and template filling."""
from __future__ import annotations

import re
from fractions import Fraction

from . import item_checks as checks
from .yamlsource import SourceList, SourceMap

COMMON = {"kind", "alt", "speak", "title"}
KINDS = {
    "number_line": ({"from", "to", "step"}, {"labels", "points", "point_labels"}),
    "fraction_bar": (set(), {"parts", "shaded", "bars"}),
    "fraction_circle": ({"parts", "shaded"}, set()),
    "area_grid": ({"rows", "cols"}, {"shaded"}),
    "angle": ({"degrees"}, {"label"}),
    "triangle": ({"sides"}, {"angles", "shape"}),
    "rectangle": ({"width", "height"}, {"labels"}),
    "polygon": ({"sides"}, {"labels"}),
    "bar_graph": ({"bars"}, {"axis", "scale"}),
    "pictograph": ({"rows", "key"}, {"symbol"}),
    "svg": ({"svg"}, set()),
}
TRIANGLE_SHAPES = ("scalene", "isosceles", "equilateral", "right")
SYMBOLS = ("circle", "square", "star")
MAX_TICKS = 40


def number(value) -> Fraction | None:
    """A figure number: an integer, a decimal or "p/q" (a Fraction from a template); None if not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, Fraction):
        return value
    try:
        return Fraction(str(value).strip().replace("\u2212", "-"))
    except (ValueError, ZeroDivisionError):
        return None


def is_label(value) -> bool:
    """Plain text or a number: the same in every locale."""
    return isinstance(value, (str, int, float, Fraction)) and not isinstance(value, bool) and str(value).strip() != ""


class FigureChecker:
    """Checks one figure block, reporting to `problems` at the figure's lines."""

    def __init__(self, figure, locales, problems, what):
        self.figure, self.locales, self.problems, self.what = figure, locales, problems, f"figure of {what}"

    def add(self, key, message):
        """One problem at `key` of the figure (or the figure itself)."""
        self.problems.add(self.figure, key if key in self.figure else None, f"{self.what}: {message}")

    def num(self, key, low=None, high=None, whole=False, required=True, block=None, label=None):
        """A number field within bounds; None (and a problem) when it is not."""
        block = self.figure if block is None else block
        name = label or key
        if key not in block:
            if required:
                self.add(key, f"needs '{name}'; add {name}: a number")
            return None
        value = number(block[key])
        if value is None or (whole and value.denominator != 1):
            kind = "a whole number" if whole else "a number (an integer, a decimal or p/q)"
            self.problems.add(block, key, f"{self.what}: '{name}' must be {kind}, not {block[key]!r}")
            return None
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"from {low} to {high}" if low is not None and high is not None else \
                f"at least {low}" if low is not None else f"at most {high}"
            self.problems.add(block, key, f"{self.what}: '{name}' is {block[key]}; it must be {bounds}")
            return None
        return value

    def text(self, block, key, required=False, label=None):
        """A label: plain text the same in every locale, or a locale map."""
        name = label or key
        if key not in block:
            if required:
                self.problems.add(block, None, f"{self.what}: needs '{name}'; add {name}: text per locale")
            return
        value = block[key]
        if isinstance(value, dict):
            checks.check_text_map(value, (block, key), self.locales, self.problems, f"'{name}' of {self.what}")
        elif not is_label(value):
            self.problems.add(block, key, f"{self.what}: '{name}' must be text, or text per locale")

    def labels(self, key, count=None):
        """A list of labels (one per side, tick...), each plain or a locale map."""
        values = self.figure.get(key)
        if values is None:
            return
        if not isinstance(values, list) or (count is not None and len(values) != count):
            want = f"a list of {count} labels" if count is not None else "a list of labels"
            self.add(key, f"'{key}' must be {want}")
            return
        for i in range(len(values)):
            self.text(_ListAt(values, i), i, label=f"{key}[{i + 1}]")

    def check(self):
        """Every check of the figure's kind, its alt and speak."""
        figure = self.figure
        if not isinstance(figure, dict):
            self.problems.add(figure, None, f"{self.what} must be a block with kind:, its fields and alt:")
            return
        kind = figure.get("kind")
        if kind not in KINDS:
            known = ", ".join(sorted(KINDS))
            self.add("kind", f"unknown kind {kind!r}; use one of {known}" if kind is not None
                     else f"needs kind: one of {known}")
            return
        required, optional = KINDS[kind]
        checks.unknown_fields(figure, required | optional | COMMON, self.problems, f"{self.what} ({kind})")
        checks.check_locale_map(figure, "alt", self.locales, self.problems, self.what)
        if "speak" in figure:
            if checks.check_locale_map(figure, "speak", self.locales, self.problems, self.what):
                checks.check_speakable(figure, "speak", self.locales, self.problems, self.what)
        if "title" in figure:
            self.text(figure, "title")
        getattr(self, f"_{kind}")()

    def _number_line(self):
        low, high, step = self.num("from"), self.num("to"), self.num("step", low=Fraction(0))
        if None in (low, high, step):
            return
        if step == 0 or high <= low:
            self.add("to", "needs from < to and a step above 0")
            return
        if (high - low) / step > MAX_TICKS:
            self.add("step", f"gives {int((high - low) / step)} ticks; at most {MAX_TICKS} fit on a phone")
        for key in ("labels", "points"):
            values = self.figure.get(key)
            if values is None:
                continue
            if not isinstance(values, list):
                self.add(key, f"'{key}' must be a list of numbers")
                continue
            for i, raw in enumerate(values):
                value = number(raw)
                if value is None or not low <= value <= high:
                    self.add(key, f"{key}[{i + 1}] = {raw!r} must be a number from {_show(low)} to {_show(high)}")
        points = self.figure.get("points") or []
        self.labels("point_labels", len(points) if isinstance(points, list) else None)

    def _fraction_bar(self):
        bars = self.figure.get("bars")
        if bars is None:
            self._parts(self.figure)
            return
        if "parts" in self.figure or "shaded" in self.figure:
            self.add("bars", "give either parts and shaded, or bars, not both")
        if not isinstance(bars, list) or not 1 <= len(bars) <= 4:
            self.add("bars", "'bars' must be a list of 1 to 4 {parts, shaded}")
            return
        for i, bar in enumerate(bars):
            if not isinstance(bar, dict):
                self.add("bars", f"bars[{i + 1}] must be {{parts, shaded}}")
                continue
            self._parts(bar, f"bars[{i + 1}].")

    def _parts(self, block, prefix=""):
        parts = self.num("parts", 1, 24, whole=True, block=block, label=f"{prefix}parts")
        self.num("shaded", 0, parts if parts is not None else 24, whole=True, block=block, label=f"{prefix}shaded")

    def _fraction_circle(self):
        self._parts(self.figure)

    def _area_grid(self):
        rows, cols = self.num("rows", 1, 20, whole=True), self.num("cols", 1, 20, whole=True)
        high = rows * cols if rows is not None and cols is not None else None
        self.num("shaded", 0, high, whole=True, required=False)

    def _angle(self):
        self.num("degrees", 0, 360)
        if "label" in self.figure:
            self.text(self.figure, "label")

    def _triangle(self):
        self.labels("sides", 3)
        self.labels("angles", 3)
        shape = self.figure.get("shape", "scalene")
        if shape not in TRIANGLE_SHAPES:
            self.add("shape", f"shape must be one of {', '.join(TRIANGLE_SHAPES)}")
            return
        self._triangle_sides(shape)
        self._triangle_angles(shape)

    def _triangle_sides(self, shape):
        """Side lengths written as numbers with one unit must fit the drawing: a is B-C, b is C-A, c is A-B."""
        lengths = _measures(self.figure.get("sides"))
        if lengths is None:
            return
        a, b, c = lengths
        order = "sides are [BC (the base), CA (the right side), AB (the left side)]"
        if not (a < b + c and b < a + c and c < a + b):
            self.add("sides", f"no triangle has sides {_show(a)}, {_show(b)} and {_show(c)}; check the lengths")
        elif shape == "right" and b < max(a, c):
            self.add("sides", f"the right angle is at B, so the longest side is CA; {order}: "
                              "write [base, longest side, upright side]")
        elif shape == "isosceles" and b != c:
            self.add("sides", f"an isosceles triangle is drawn with CA = AB; {order}: write [base, equal side, equal side]")
        elif shape == "equilateral" and not a == b == c:
            self.add("sides", "an equilateral triangle has three equal sides")

    def _triangle_angles(self, shape):
        """Angles written in degrees must add up to 180, with 90 at B for a right triangle."""
        degrees = _measures(self.figure.get("angles"), unit="°")
        if degrees is None:
            return
        if sum(degrees) != 180:
            self.add("angles", f"the angles add up to {_show(sum(degrees))}°, not 180°")
        elif shape == "right" and degrees[1] != 90:
            self.add("angles", "the right angle is drawn at B: give 90° as the second angle")

    def _rectangle(self):
        self.num("width", low=Fraction(0))
        self.num("height", low=Fraction(0))
        if number(self.figure.get("width")) == 0 or number(self.figure.get("height")) == 0:
            self.add("width", "width and height must be above 0")
        self.labels("labels", 2)

    def _polygon(self):
        sides = self.num("sides", 3, 10, whole=True)
        if sides is not None:
            self.labels("labels", int(sides))

    def _bar_graph(self):
        bars = self.figure.get("bars")
        if not isinstance(bars, list) or not 2 <= len(bars) <= 8:
            self.add("bars", "'bars' must be a list of 2 to 8 {label, value}")
            return
        for i, bar in enumerate(bars):
            if not isinstance(bar, dict):
                self.add("bars", f"bars[{i + 1}] must be {{label, value}}")
                continue
            self.text(bar, "label", required=True, label=f"bars[{i + 1}].label")
            self.num("value", low=Fraction(0), block=bar, label=f"bars[{i + 1}].value")
        if "axis" in self.figure:
            self.text(self.figure, "axis")
        if "scale" in self.figure:
            self.num("scale", low=Fraction(1, 1000))

    def _pictograph(self):
        rows = self.figure.get("rows")
        self.num("key", low=Fraction(1, 1000))
        if not isinstance(rows, list) or not 1 <= len(rows) <= 8:
            self.add("rows", "'rows' must be a list of 1 to 8 {label, count}")
            return
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                self.add("rows", f"rows[{i + 1}] must be {{label, count}}")
                continue
            self.text(row, "label", required=True, label=f"rows[{i + 1}].label")
            # count is the number of symbols drawn (a part symbol allowed, e.g. 2.5); the row stands for count x key.
            self.num("count", low=Fraction(0), high=Fraction(20), block=row, label=f"rows[{i + 1}].count")
        if self.figure.get("symbol", "circle") not in SYMBOLS:
            self.add("symbol", f"symbol must be one of {', '.join(SYMBOLS)}")

    def _svg(self):
        from .svg_safety import svg_problems
        markup = self.figure.get("svg")
        values = markup.items() if isinstance(markup, dict) else [(None, markup)]
        if isinstance(markup, dict):
            checks.check_text_map(markup, (self.figure, "svg"), self.locales, self.problems, f"'svg' of {self.what}")
        for loc, text in values:
            if not isinstance(text, str):
                self.add("svg", "'svg' must be SVG markup (text), or markup per locale")
                continue
            for message in svg_problems(text):
                where = (markup, loc) if loc is not None else (self.figure, "svg")
                self.problems.add(*where, f"{self.what}: {message}")


class _ListAt(dict):
    """Lets a list element be checked like a mapping key, reporting at the element's line."""

    def __init__(self, values, index):
        super().__init__({index: values[index]})
        self.file = getattr(values, "file", "")
        self._values, self._index = values, index

    def line_of(self, _key):
        """The element's own line."""
        return self._values.line_of(self._index) if hasattr(self._values, "line_of") else getattr(self._values, "line", 1)


def check_figure(block, locales, problems, what: str) -> None:
    """Check the `figure:` of an item, template expansion or worked example, if it has one."""
    if "figure" in block:
        figure = block["figure"]
        if not isinstance(figure, dict):
            problems.add(block, "figure", f"figure of {what} must be a block with kind:, its fields and alt:")
            return
        FigureChecker(figure, locales, problems, what).check()


MEASURE = re.compile(r"^\s*(-?\d+(?:\.\d+)?(?:/\d+)?)\s*(\S*)\s*$")


def _measures(labels, unit=None):
    """Three labels as numbers when all three are a number with the same unit ("5 cm", "65°"); else None."""
    if not isinstance(labels, list) or len(labels) != 3:
        return None
    values, units = [], set()
    for label in labels:
        if isinstance(label, (int, float, Fraction)) and not isinstance(label, bool):
            values.append(Fraction(str(label)))
            units.add("")
            continue
        match = MEASURE.match(str(label)) if isinstance(label, str) else None
        if not match:
            return None
        values.append(Fraction(match.group(1)))
        units.add(match.group(2))
    if len(units) != 1 or (unit is not None and units != {unit}):
        return None
    return values


def _show(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


WHOLE_PLACEHOLDER = re.compile(r"^\{(\w+)\}$")
LOCALE_KEY = re.compile(r"^[a-z]{2,3}$")
FIGURE_KEYS = set().union(*(r | o for r, o in KINDS.values()), COMMON, {"label", "value", "count"})


def fill_figure(value, names: dict, fill, locale: str = "en"):
    """A template's figure for one expansion: "{a}" alone takes a's value; other text is filled per locale.

    `fill(text, names, locale)` is the template engine's text filler (passed in: expand calls us).
    """
    if isinstance(value, dict):
        out = SourceMap()
        out.file, out.line, out.key_lines = getattr(value, "file", ""), getattr(value, "line", 0), getattr(value, "key_lines", {})
        for key, inner in value.items():
            inner_locale = key if isinstance(key, str) and LOCALE_KEY.match(key) and key not in FIGURE_KEYS else locale
            out[key] = fill_figure(inner, names, fill, inner_locale)
        return out
    if isinstance(value, list):
        out = SourceList(fill_figure(v, names, fill, locale) for v in value)
        out.file, out.line = getattr(value, "file", ""), getattr(value, "line", 0)
        out.item_lines = getattr(value, "item_lines", [])
        return out
    if isinstance(value, str):
        whole = WHOLE_PLACEHOLDER.match(value.strip())
        if whole and whole.group(1) in names:
            return names[whole.group(1)]
        return fill(value, names, locale)
    return value

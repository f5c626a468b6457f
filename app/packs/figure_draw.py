"""Drawing a validated figure as SVG, per locale: plain shapes, dark ink on white, sized by a viewBox."""
from __future__ import annotations

import contextvars
import math
from fractions import Fraction
from xml.sax.saxutils import escape, quoteattr

from .figures import number

WIDTH = 400
INK = "#111111"           # 18:1 on white: text and outlines
FILL = "#1f5fa8"          # shaded parts, bars: 6.4:1 on white
GRID = "#767676"          # gridlines and unshaded edges: 4.5:1 on white


# While set, words from locale maps are drawn as numbered tokens and collected here, so one
# drawing serves every locale and each locale sends only its words (the phone puts them back).
_collected = contextvars.ContextVar("collected_labels", default=None)
TOKEN_OPEN, TOKEN_CLOSE = "\ue000", "\ue001"


def label_text(value, locale: str) -> str:
    """A label as shown in one locale: a locale map's text, a number in display form, or the text."""
    if isinstance(value, dict):
        text = str(value.get(locale, value.get("en", "")))
        collected = _collected.get()
        if collected is None:
            return text
        collected.append(text)
        return f"{TOKEN_OPEN}{len(collected) - 1}{TOKEN_CLOSE}"
    if isinstance(value, Fraction) or isinstance(value, (int, float)) and not isinstance(value, bool):
        return show(number(value))
    return str(value)


def show(value: Fraction) -> str:
    """A number as a student reads it on a figure: 3, 2.5, 3/4, with a true minus sign."""
    text = str(value.numerator) if value.denominator == 1 else \
        _decimal(value) or f"{value.numerator}/{value.denominator}"
    return text.replace("-", "\u2212")


def _decimal(value: Fraction) -> str | None:
    denominator = value.denominator
    for p in (2, 5):
        while denominator % p == 0:
            denominator //= p
    if denominator != 1:
        return None
    return f"{float(value):.6f}".rstrip("0").rstrip(".")


def _n(x) -> str:
    return f"{float(x):.1f}".rstrip("0").rstrip(".")


def _text(x, y, content, anchor="middle", extra=""):
    anchor_attr = "" if anchor == "middle" else f' text-anchor="{anchor}"'
    return f'<text x="{_n(x)}" y="{_n(y)}"{anchor_attr}{extra}>{escape(content)}</text>'


def _svg(height, body, alt, title=""):
    head = _text(WIDTH / 2, 20, title, extra=' font-weight="bold"') if title else ""
    label = f" aria-label={quoteattr(alt)}" if alt is not None else ""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {_n(height)}" width="100%" '
            f'class="fig" style="max-width:400px;height:auto" role="img"{label}>'
            f'<rect width="{WIDTH}" height="{_n(height)}" fill="#ffffff"/>'
            f'<g font-family="sans-serif" font-size="15" fill="{INK}" text-anchor="middle">{head}{"".join(body)}</g></svg>')


def draw_figure(figure, locale: str, alt: str | None, labels: list | None = None) -> str:
    """The SVG of one figure in one locale; `alt` names it for screen readers (None: the phone adds the name).

    With `labels` (a list), words from locale maps are drawn as tokens and appended to it instead.
    """
    reset = _collected.set(labels)
    try:
        return _draw(figure, locale, alt)
    finally:
        _collected.reset(reset)


def _draw(figure, locale: str, alt: str | None) -> str:
    kind = figure["kind"]
    if kind == "svg":
        from .svg_safety import accessible_svg
        markup = figure["svg"]
        return accessible_svg(str(markup.get(locale, "")) if isinstance(markup, dict) else str(markup), alt)
    title = label_text(figure["title"], locale) if figure.get("title") else ""
    top = 34 if title else 8
    height, body = DRAWERS[kind](figure, locale, top)
    return _svg(height, body, alt, title)


def _number_line(f, locale, top):
    low, high, step = number(f["from"]), number(f["to"]), number(f["step"])
    left, right, y = 24, WIDTH - 24, top + 40
    x_of = lambda v: left + (right - left) * float((v - low) / (high - low))  # noqa: E731
    body = [f'<line x1="{left - 12}" y1="{y}" x2="{right + 12}" y2="{y}" stroke="{INK}" stroke-width="2"/>',
            f'<path d="M{left - 14} {y}l8 -5v10z M{right + 14} {y}l-8 -5v10z" fill="{INK}"/>']
    ticks, value = [], low
    while value <= high:
        ticks.append(value)
        value += step
    labelled = [number(v) for v in f["labels"]] if f.get("labels") is not None else ticks
    for tick in ticks:
        body.append(f'<line x1="{_n(x_of(tick))}" y1="{y - 8}" x2="{_n(x_of(tick))}" y2="{y + 8}" stroke="{INK}" stroke-width="2"/>')
    for value in labelled:
        body.append(_text(x_of(value), y + 28, show(value)))
    point_labels = f.get("point_labels") or []
    for i, raw in enumerate(f.get("points") or []):
        x = x_of(number(raw))
        body.append(f'<circle cx="{_n(x)}" cy="{y}" r="6" fill="{FILL}" stroke="{INK}"/>')
        if i < len(point_labels):
            body.append(_text(x, y - 16, label_text(point_labels[i], locale), extra=' font-weight="bold"'))
    return y + 40, body


def _bar_parts(parts, shaded, x, y, width, height):
    body = []
    for i in range(parts):
        fill = FILL if i < shaded else "#ffffff"
        body.append(f'<rect x="{_n(x + width * i / parts)}" y="{_n(y)}" width="{_n(width / parts)}" height="{height}" '
                    f'fill="{fill}" stroke="{INK}" stroke-width="2"/>')
    return body


def _fraction_bar(f, locale, top):
    bars = f.get("bars") or [{"parts": f["parts"], "shaded": f.get("shaded", 0)}]
    body, y = [], top + 8
    for bar in bars:
        body += _bar_parts(int(number(bar["parts"])), int(number(bar.get("shaded", 0))), 20, y, WIDTH - 40, 40)
        y += 56
    return y, body


def _fraction_circle(f, locale, top):
    parts, shaded = int(number(f["parts"])), int(number(f.get("shaded", 0)))
    cx, cy, r = WIDTH / 2, top + 100, 90
    body = []
    if parts == 1:
        body.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{FILL if shaded else "#ffffff"}" stroke="{INK}" stroke-width="2"/>')
    for i in range(parts if parts > 1 else 0):
        a0, a1 = 2 * math.pi * i / parts - math.pi / 2, 2 * math.pi * (i + 1) / parts - math.pi / 2
        x0, y0, x1, y1 = cx + r * math.cos(a0), cy + r * math.sin(a0), cx + r * math.cos(a1), cy + r * math.sin(a1)
        large = 1 if a1 - a0 > math.pi else 0
        fill = FILL if i < shaded else "#ffffff"
        body.append(f'<path d="M{cx} {cy}L{_n(x0)} {_n(y0)}A{r} {r} 0 {large} 1 {_n(x1)} {_n(y1)}Z" fill="{fill}" '
                    f'stroke="{INK}" stroke-width="2"/>')
    return cy + r + 10, body


def _area_grid(f, locale, top):
    rows, cols = int(number(f["rows"])), int(number(f["cols"]))
    shaded = int(number(f.get("shaded", 0)))
    cell = min((WIDTH - 40) / cols, 300 / rows, 40)
    left = (WIDTH - cell * cols) / 2
    body = []
    for i in range(rows * cols):
        r, c = divmod(i, cols)
        fill = FILL if i < shaded else "#ffffff"
        body.append(f'<rect x="{_n(left + c * cell)}" y="{_n(top + 8 + r * cell)}" width="{_n(cell)}" height="{_n(cell)}" '
                    f'fill="{fill}" stroke="{INK}" stroke-width="1.5"/>')
    return top + 16 + rows * cell, body


def _angle(f, locale, top):
    degrees = float(number(f["degrees"]))
    label = label_text(f["label"], locale) if "label" in f else f"{show(number(f['degrees']))}\u00b0"
    vx, vy, ray = WIDTH / 2 - 60 if degrees <= 90 else WIDTH / 2, top + 160, 150
    rad = math.radians(degrees)
    ex, ey = vx + ray * math.cos(rad), vy - ray * math.sin(rad)
    arc_r = 40
    ax, ay = vx + arc_r * math.cos(rad), vy - arc_r * math.sin(rad)
    large = 1 if degrees > 180 else 0
    mid = math.radians(degrees / 2)
    body = [f'<line x1="{_n(vx)}" y1="{_n(vy)}" x2="{_n(vx + ray)}" y2="{_n(vy)}" stroke="{INK}" stroke-width="3"/>',
            f'<line x1="{_n(vx)}" y1="{_n(vy)}" x2="{_n(ex)}" y2="{_n(ey)}" stroke="{INK}" stroke-width="3"/>',
            f'<path d="M{_n(vx + arc_r)} {_n(vy)}A{arc_r} {arc_r} 0 {large} 0 {_n(ax)} {_n(ay)}" fill="none" '
            f'stroke="{FILL}" stroke-width="3"/>',
            _text(vx + 66 * math.cos(mid), vy - 66 * math.sin(mid) + 5, label, extra=' font-weight="bold"')]
    return vy + (ray + 10 if degrees > 180 else 20), body


TRIANGLES = {  # corners A, B, C on a 400-wide canvas (the right angle is at B)
    "scalene": [(150, 20), (40, 200), (360, 200)],
    "isosceles": [(200, 20), (80, 200), (320, 200)],
    "equilateral": [(200, 22), (96, 202), (304, 202)],
    "right": [(80, 20), (80, 200), (340, 200)],
}


def _polygon_body(corners, side_labels, corner_labels, locale, closed_shape=True):
    cx = sum(x for x, _ in corners) / len(corners)
    cy = sum(y for _, y in corners) / len(corners)
    points = " ".join(f"{_n(x)},{_n(y)}" for x, y in corners)
    body = [f'<polygon points="{points}" fill="#ffffff" stroke="{INK}" stroke-width="2.5"/>']
    for i, label in enumerate(side_labels or []):
        (x0, y0), (x1, y1) = corners[i], corners[(i + 1) % len(corners)]
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dx, dy = mx - cx, my - cy
        norm = math.hypot(dx, dy) or 1
        body.append(_text(mx + 22 * dx / norm, my + 22 * dy / norm + 5, label_text(label, locale)))
    for i, label in enumerate(corner_labels or []):
        x, y = corners[i]
        dx, dy = x - cx, y - cy
        norm = math.hypot(dx, dy) or 1
        body.append(_text(x - 30 * dx / norm, y - 30 * dy / norm + 5, label_text(label, locale), extra=' font-weight="bold"'))
    return body


def _triangle(f, locale, top):
    a, b, c = [(x, y + top) for x, y in TRIANGLES[f.get("shape", "scalene")]]
    # Side a is opposite corner A (B to C), b opposite B (C to A), c opposite C (A to B).
    sides = f.get("sides") or []
    ordered = [sides[2], sides[0], sides[1]] if len(sides) == 3 else []
    body = _polygon_body([a, b, c], ordered, f.get("angles"), locale)
    if f.get("shape") == "right":
        bx, by = b
        body.append(f'<path d="M{bx} {by - 16}h16v16" fill="none" stroke="{INK}" stroke-width="2"/>')
    return top + 230, body


def _rectangle(f, locale, top):
    width, height = float(number(f["width"])), float(number(f["height"]))
    scale = min(250 / width, 200 / height)
    w, h = width * scale, height * scale
    x, y = 30 + (250 - w) / 2, top + 28   # room on the right for the side's label ("240 cm")
    labels = f.get("labels") or []
    body = [f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(w)}" height="{_n(h)}" fill="#ffffff" stroke="{INK}" stroke-width="2.5"/>']
    if labels:
        body.append(_text(x + w / 2, y - 10, label_text(labels[0], locale)))
        body.append(_text(x + w + 8, y + h / 2 + 5, label_text(labels[1], locale), anchor="start"))
    return y + h + 16, body


def _polygon(f, locale, top):
    sides = int(number(f["sides"]))
    cx, cy, r = WIDTH / 2, top + 120, 95
    corners = [(cx + r * math.sin(2 * math.pi * i / sides - math.pi / sides * (sides % 2 == 0)),
                cy - r * math.cos(2 * math.pi * i / sides - math.pi / sides * (sides % 2 == 0))) for i in range(sides)]
    return cy + r + 30, _polygon_body(corners, f.get("labels"), None, locale)


def _nice_step(high: float) -> float:
    raw = high / 5 if high > 0 else 1
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


def _bar_graph(f, locale, top):
    bars = f["bars"]
    values = [float(number(b["value"])) for b in bars]
    step = float(number(f["scale"])) if f.get("scale") else _nice_step(max(values))
    ceiling = max(step, math.ceil(max(values) / step - 1e-9) * step)
    left, right, base, chart = 64, WIDTH - 12, top + 230, 200
    y_of = lambda v: base - chart * v / ceiling  # noqa: E731
    body = []
    lines = int(round(ceiling / step))
    for i in range(lines + 1):
        v = step * i
        body.append(f'<line x1="{left}" y1="{_n(y_of(v))}" x2="{right}" y2="{_n(y_of(v))}" stroke="{GRID}" stroke-width="1"/>')
        body.append(_text(left - 6, y_of(v) + 5, show(Fraction(v).limit_denominator(1000)), anchor="end"))
    slot = (right - left) / len(bars)
    for i, (bar, value) in enumerate(zip(bars, values)):
        x = left + slot * i + slot * 0.2
        body.append(f'<rect x="{_n(x)}" y="{_n(y_of(value))}" width="{_n(slot * 0.6)}" height="{_n(base - y_of(value))}" '
                    f'fill="{FILL}" stroke="{INK}"/>')
        small = ' font-size="12"' if len(bars) > 5 else ""   # eight labels share 330 px
        body.append(_text(x + slot * 0.3, base + 20, label_text(bar["label"], locale), extra=small))
    body.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{INK}" stroke-width="2"/>')
    body.append(f'<line x1="{left}" y1="{base}" x2="{left}" y2="{top + 20}" stroke="{INK}" stroke-width="2"/>')
    if f.get("axis"):
        body.append(_text(16, (base + top) / 2, label_text(f["axis"], locale),
                          extra=f' transform="rotate(-90 16 {_n((base + top) / 2)})"'))
    return base + 32, body


def _symbol(kind, x, y, size, clip_width=None):
    s = size / 2
    if kind == "square":
        shape = f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(size)}" height="{_n(size)}"'
    elif kind == "star":
        pts = " ".join(f"{_n(x + s + (s if k % 2 == 0 else s * 0.45) * math.sin(math.pi * k / 5))},"
                       f"{_n(y + s - (s if k % 2 == 0 else s * 0.45) * math.cos(math.pi * k / 5))}" for k in range(10))
        shape = f'<polygon points="{pts}"'
    else:
        shape = f'<circle cx="{_n(x + s)}" cy="{_n(y + s)}" r="{_n(s)}"'
    if clip_width is not None:  # a part symbol: only its left part, drawn within a clip rectangle
        return (f'<svg x="{_n(x)}" y="{_n(y)}" width="{_n(clip_width)}" height="{_n(size)}" '
                f'viewBox="{_n(x)} {_n(y)} {_n(clip_width)} {_n(size)}">{shape} fill="{FILL}" stroke="{INK}"/></svg>')
    return f'{shape} fill="{FILL}" stroke="{INK}"/>'


def _pictograph(f, locale, top):
    key, kind = number(f["key"]), f.get("symbol", "circle")
    size, left, y = 20, 120, top + 8
    body = []
    for row in f["rows"]:
        symbols = number(row["count"])
        body.append(_text(left - 10, y + 15, label_text(row["label"], locale), anchor="end"))
        whole = int(symbols)
        for i in range(whole):
            body.append(_symbol(kind, left + i * (size + 4), y, size))
        if symbols > whole:
            body.append(_symbol(kind, left + whole * (size + 4), y, size, clip_width=size * float(symbols - whole)))
        y += size + 10
    body.append(_symbol(kind, left, y + 6, size))
    body.append(_text(left + size + 8, y + 21, f"= {show(key)}", anchor="start"))
    return y + size + 16, body


DRAWERS = {"number_line": _number_line, "fraction_bar": _fraction_bar, "fraction_circle": _fraction_circle,
           "area_grid": _area_grid, "angle": _angle, "triangle": _triangle, "rectangle": _rectangle,
           "polygon": _polygon, "bar_graph": _bar_graph, "pictograph": _pictograph}

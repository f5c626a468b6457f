"""The pilot's two arms, pre-test to post-test, as a small inline SVG (no script, no external file)."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 200
LEFT, RIGHT, TOP, BOTTOM = 40, 120, 16, 30
STYLE = {"adaptive": ("#1b6ca8", ""), "static": ("#b85c00", "6 4")}


def _y(points: float) -> float:
    return TOP + (100 - max(0.0, min(100.0, points))) * (HEIGHT - TOP - BOTTOM) / 100


def arms_plot(arms: list, names: dict, pre_label: str = "pre", post_label: str = "post") -> Markup:
    """Each arm's mean pre- and post-test score (points out of 100) joined by a line; an arm without both is left out."""
    x0, x1 = LEFT + 10, WIDTH - RIGHT
    described = []
    parts = [f'<line x1="{LEFT}" y1="{_y(0)}" x2="{LEFT}" y2="{_y(100)}" stroke="#888"/>']
    for tick in (0, 50, 100):
        parts.append(f'<text x="{LEFT - 6}" y="{_y(tick) + 4}" text-anchor="end" font-size="11">{tick}</text>')
    parts.append(f'<text x="{x0}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">{escape(pre_label)}</text>')
    parts.append(f'<text x="{x1}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11">{escape(post_label)}</text>')
    for arm in arms:
        pre, post = arm.get("pre_mean"), arm.get("post_mean")
        if pre is None or post is None:
            continue
        colour, dash = STYLE.get(arm["name"], ("#444", ""))
        name = escape(names.get(arm["name"], arm["name"]))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line x1="{x0}" y1="{_y(pre):.1f}" x2="{x1}" y2="{_y(post):.1f}" stroke="{colour}" '
                     f'stroke-width="3"{dashed}/>')
        for x, v in ((x0, pre), (x1, post)):
            parts.append(f'<circle cx="{x}" cy="{_y(v):.1f}" r="4" fill="{colour}"/>')
        parts.append(f'<text x="{x1 + 8}" y="{_y(post) + 4:.1f}" font-size="11" fill="{colour}">{name} '
                     f'{post:.0f}</text>')
        described.append(f"{name}: {pre:.0f} → {post:.0f}")
    if not described:
        return Markup("")  # no post-tests yet: nothing to draw
    label = escape("; ".join(described))
    return Markup(f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{label}" '
                  f'class="pilot-plot">{"".join(parts)}</svg>')

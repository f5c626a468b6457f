"""The pilot's two arms, pre-test to post-test, as a small inline SVG (no script, no external file)."""
from __future__ import annotations

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 230
LEFT, RIGHT, TOP, BOTTOM = 34, 44, 52, 26     # the legend sits above the plot, the scores beside its right end
STYLE = {"adaptive": ("#1b6ca8", ""), "static": ("#b85c00", "6 4")}


def _y(points: float) -> float:
    return TOP + (100 - max(0.0, min(100.0, points))) * (HEIGHT - TOP - BOTTOM) / 100


def arms_plot(arms: list, names: dict, pre_label: str = "pre", post_label: str = "post") -> Markup:
    """Each arm's mean pre- and post-test score (points out of 100) joined by a line; an arm without both is left out.

    Empty when no arm has both yet (an image with nothing in it would only confuse a screen reader).
    """
    x0, x1 = LEFT + 16, WIDTH - RIGHT
    described, lines, legend = [], [], []
    for arm in arms:
        pre, post = arm.get("pre_mean"), arm.get("post_mean")
        if pre is None or post is None:
            continue
        colour, dash = STYLE.get(arm["name"], ("#444", ""))
        name = escape(names.get(arm["name"], arm["name"]))
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        row = 14 + 18 * len(legend)
        legend.append(f'<line x1="{LEFT}" y1="{row - 4}" x2="{LEFT + 28}" y2="{row - 4}" stroke="{colour}" '
                      f'stroke-width="3"{dashed}/><text x="{LEFT + 36}" y="{row}" font-size="12">{name}</text>')
        lines.append(f'<line x1="{x0}" y1="{_y(pre):.1f}" x2="{x1}" y2="{_y(post):.1f}" stroke="{colour}" '
                     f'stroke-width="3"{dashed}/>')
        for x, v in ((x0, pre), (x1, post)):
            lines.append(f'<circle cx="{x}" cy="{_y(v):.1f}" r="4" fill="{colour}"/>')
        lines.append(f'<text x="{x1 + 8}" y="{_y(post) + 4:.1f}" font-size="12" fill="{colour}">{post:.0f}</text>')
        described.append(f"{name}: {pre:.0f} → {post:.0f}")
    if not described:
        return Markup("")
    axis = [f'<line x1="{LEFT}" y1="{_y(0)}" x2="{LEFT}" y2="{_y(100)}" stroke="#888"/>']
    axis += [f'<text x="{LEFT - 6}" y="{_y(tick) + 4}" text-anchor="end" font-size="11">{tick}</text>'
             for tick in (0, 50, 100)]
    axis.append(f'<text x="{x0}" y="{HEIGHT - 6}" text-anchor="middle" font-size="11">{escape(pre_label)}</text>')
    axis.append(f'<text x="{x1}" y="{HEIGHT - 6}" text-anchor="middle" font-size="11">{escape(post_label)}</text>')
    label = escape("; ".join(described))
    return Markup(f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{label}" '
                  f'class="pilot-plot">{"".join(legend + axis + lines)}</svg>')

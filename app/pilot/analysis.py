"""The pilot's analysis: adaptive against static on a post-test, adjusted for the pre-test.

A record is one student in one arm: {"student", "arm": "adaptive" | "static", "pre", "post",
"minutes", "groups": {"language": "hi", ...}, "cluster": class code}. In the within-student
design each student has two records, one per arm (the unit's skills were split at random
between the two modes), and the effect is estimated from each student's own difference.

The effect is an ANCOVA coefficient with a t interval, in score points and in standard
deviations of the post-test (pooled within arms). It never comes from the mastery model.
"""
from __future__ import annotations

from collections import defaultdict

from .stats import least_squares, mean, sd, t_quantile_975

ARMS = ("adaptive", "static")
MIN_PER_ARM = 8            # fewer students in an arm: no verdict at all
MIN_SUBGROUP_PER_ARM = 3   # a subgroup smaller than this gets its size, not an effect
MAX_MDE_SD = 0.8           # if only an effect this large (in SD) could be detected, the pilot cannot tell
DESIGNS = ("between", "within")


def _rows_between(records: list[dict]) -> tuple[list[list[float]], list[float]]:
    """Design rows: intercept, adaptive, pre, and one dummy per extra cluster (pooled classes)."""
    clusters = sorted({r.get("cluster") or "" for r in records})
    rows, y = [], []
    for r in records:
        row = [1.0, 1.0 if r["arm"] == "adaptive" else 0.0, float(r["pre"])]
        row += [1.0 if (r.get("cluster") or "") == c else 0.0 for c in clusters[1:]]
        rows.append(row)
        y.append(float(r["post"]))
    return rows, y


def _rows_within(records: list[dict]) -> tuple[list[list[float]], list[float]]:
    """One row per student with both arms: post difference on pre difference; the intercept is the effect."""
    by_student: dict = defaultdict(dict)
    for r in records:
        by_student[r["student"]][r["arm"]] = r
    rows, y = [], []
    for pair in by_student.values():
        if set(pair) != set(ARMS):
            continue
        a, s = pair["adaptive"], pair["static"]
        rows.append([1.0, float(a["pre"]) - float(s["pre"])])
        y.append(float(a["post"]) - float(s["post"]))
    return rows, y


def estimate_effect(records: list[dict], design: str = "between") -> dict | None:
    """The adjusted effect in points with its 95 % interval, or None when it cannot be estimated."""
    if design == "within":
        rows, y = _rows_within(records)
        index = 0
    else:
        rows, y = _rows_between(records)
        index = 1
    fit = least_squares(rows, y)
    if fit is None and design == "within":
        # every student's pre-test difference the same: nothing to adjust for, compare posts alone
        fit = least_squares([[1.0] for _ in rows], y)
    if fit is None:
        return None
    est, se = fit["beta"][index], fit["se"][index]
    half = t_quantile_975(fit["df"]) * se
    return {"points": est, "ci": (est - half, est + half), "df": fit["df"]}


def pooled_post_sd(records: list[dict]) -> float | None:
    """The post-test's standard deviation within arms, pooled: the unit of the effect size."""
    num = den = 0.0
    for arm in ARMS:
        posts = [float(r["post"]) for r in records if r["arm"] == arm]
        s = sd(posts)
        if s is not None:
            num += s * s * (len(posts) - 1)
            den += len(posts) - 1
    return (num / den) ** 0.5 if den else None


def arm_summaries(records: list[dict]) -> list[dict]:
    """Per arm: students, mean pre- and post-test score, mean minutes of homework."""
    out = []
    for arm in ARMS:
        mine = [r for r in records if r["arm"] == arm]
        out.append({"name": arm, "n": len({r["student"] for r in mine}),
                    "pre_mean": _round(mean(float(r["pre"]) for r in mine)),
                    "post_mean": _round(mean(float(r["post"]) for r in mine)),
                    "minutes": _round(mean(float(r.get("minutes") or 0) for r in mine))})
    return out


def minimum_detectable(ci: tuple) -> float:
    """The smallest true effect (SD) this pilot would detect 4 times in 5: 2.8 standard errors."""
    return 2.8 * (ci[1] - ci[0]) / (2 * 1.96)


def verdict_for(n_per_arm: list[int], effect_size: float | None, ci: tuple | None,
                min_per_arm: int = MIN_PER_ARM) -> str:
    """A verdict code: too_few_students, no_clear_difference, adaptive_ahead or static_ahead."""
    if min(n_per_arm, default=0) < min_per_arm or effect_size is None or ci is None:
        return "too_few_students"
    if minimum_detectable(ci) > MAX_MDE_SD:
        return "too_few_students"
    if ci[0] > 0:
        return "adaptive_ahead"
    if ci[1] < 0:
        return "static_ahead"
    return "no_clear_difference"


def _standardised(records: list[dict], design: str) -> tuple[float | None, float | None, tuple | None]:
    """(effect in points, in SD, CI in SD) for a group of records."""
    points, size, ci, _ci_points = _effect(records, design)
    return points, size, ci


def _effect(records: list[dict], design: str) -> tuple:
    """(effect in points, in SD, CI in SD, CI in points) for a group of records; Nones when it cannot be estimated."""
    found = estimate_effect(records, design)
    unit = pooled_post_sd(records)
    if found is None or not unit:
        return None, None, None, None
    lo, hi = found["ci"]
    return found["points"], found["points"] / unit, (lo / unit, hi / unit), (lo, hi)


def subgroup_effects(records: list[dict], design: str) -> list[dict]:
    """Each subgroup (language, starting tier, teacher's group) with its own effect and interval."""
    keys: dict = defaultdict(set)
    for r in records:
        for k, v in (r.get("groups") or {}).items():
            if v not in (None, ""):
                keys[k].add(str(v))
    out = []
    for key in sorted(keys):
        for value in sorted(keys[key]):
            mine = [r for r in records if str((r.get("groups") or {}).get(key, "")) == value]
            counts = [len({r["student"] for r in mine if r["arm"] == arm}) for arm in ARMS]
            entry = {"name": f"{key}: {value}", "key": key, "value": value, "n": len({r["student"] for r in mine}),
                     "effect_size": None, "ci95": None}
            if min(counts) >= MIN_SUBGROUP_PER_ARM:
                _, size, ci = _standardised(mine, design)
                if size is not None:
                    entry["effect_size"], entry["ci95"] = _round(size, 3), [_round(ci[0], 3), _round(ci[1], 3)]
            out.append(entry)
    return out


def equity_line(overall: float | None, subgroups: list[dict]) -> dict | None:
    """The subgroup that gains least relative to the whole pilot, and by how many SD."""
    rated = [s for s in subgroups if s["effect_size"] is not None]
    if overall is None or not rated:
        return None
    lowest = min(rated, key=lambda s: s["effect_size"])
    return {"subgroup": lowest["name"], "effect_size": lowest["effect_size"],
            "gap": _round(overall - lowest["effect_size"], 3)}


def analyse_pilot(records: list[dict], design: str = "between", min_per_arm: int = MIN_PER_ARM) -> dict:
    """The pilot report: arms, adjusted effect in points and SD with its 95 % interval, verdict, subgroups."""
    if design not in DESIGNS:
        raise ValueError(f"unknown design {design!r}; use one of {', '.join(DESIGNS)}")
    arms = arm_summaries(records)
    points, size, ci, ci_points = _effect(records, design)
    subgroups = subgroup_effects(records, design)
    return {
        "design": design,
        "arms": arms,
        "effect_points": _round(points, 2),
        "effect_size": _round(size, 3),
        "ci95": [_round(ci[0], 3), _round(ci[1], 3)] if ci else None,
        "ci95_points": [_round(ci_points[0], 2), _round(ci_points[1], 2)] if ci_points else None,
        "verdict": verdict_for([a["n"] for a in arms], size, ci, min_per_arm),
        "minimum_detectable": _round(minimum_detectable(ci), 3) if ci else None,
        "subgroups": subgroups,
        "equity": equity_line(size, subgroups),
    }


def _round(value, digits: int = 2):
    return None if value is None else round(value, digits)

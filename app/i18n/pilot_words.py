"""The pilot's codes in words, beside explain.py: verdicts, the design and why, refusals, the interval.

The analysis (app/pilot) gives codes and numbers only; the teacher reads them here, in the request's
language. Numbers are shown to one decimal place: the pilot is too small for more to mean anything.
"""
from __future__ import annotations

from functools import partial

from .web import get_locale, gettext_in, ngettext_in


def _translators(locale: str | None) -> tuple:
    locale = locale or get_locale()
    return partial(gettext_in, locale), partial(ngettext_in, locale)


def _num(value) -> str:
    return f"{float(value):.1f}".replace("-", "−")


def arm_name(arm: str, locale: str | None = None) -> str:
    """An arm's name: adaptive homework, the static worksheet, or both (within design)."""
    _, _n = _translators(locale)
    return {"adaptive": _("adaptive homework"), "static": _("static worksheet"),
            "both": _("both (skills split)")}.get(arm, arm)


def verdict_line(code: str, locale: str | None = None) -> str:
    """What the pilot shows, in one sentence a head teacher can repeat."""
    _, _n = _translators(locale)
    return {
        "too_few_students": _("Too few students to tell: this pilot cannot say whether either kind of homework works better."),
        "no_clear_difference": _("No clear difference: the result fits adaptive homework helping a little, not at all, or a little less."),
        "adaptive_ahead": _("Adaptive homework did better than the static worksheet, by more than chance would explain."),
        "static_ahead": _("The static worksheet did better than adaptive homework, by more than chance would explain."),
    }.get(code, code)


def design_line(design: str, students: int, locale: str | None = None) -> str:
    """Which design is in use and why."""
    _, ngettext = _translators(locale)
    if design == "between":
        return ngettext("%(num)d student: enough to split the class in two arms, stratified by the diagnostic.",
                        "%(num)d students: enough to split the class in two arms, stratified by the diagnostic.",
                        students)
    return ngettext("%(num)d student: too few to split the class, so every student does both — the unit's skills "
                    "are split at random between adaptive homework and the static worksheet.",
                    "%(num)d students: too few to split the class, so every student does both — the unit's skills "
                    "are split at random between adaptive homework and the static worksheet.", students)


def interval_line(report: dict, locale: str | None = None) -> str:
    """The effect and its 95 % interval in points of the post-test, in plain words."""
    _, _n = _translators(locale)
    points = report.get("ci95_points")
    if not points or report.get("effect_points") is None:
        return _("Not enough post-tests yet to estimate a difference.")
    return _("Adaptive minus static, allowing for the pre-test: %(effect)s points; the true difference is probably "
             "between %(low)s and %(high)s points (95%% interval).",
             effect=_num(report["effect_points"]), low=_num(points[0]), high=_num(points[1]))


def detectable_line(report: dict, locale: str | None = None) -> str:
    """The smallest effect this pilot could have detected, in standard deviations."""
    _, _n = _translators(locale)
    mde = report.get("minimum_detectable")
    if mde is None:
        return ""
    return _("With this many students the pilot could only detect a difference of about %(mde)s standard "
             "deviations or more; a smaller true effect would look like no clear difference.", mde=_num(mde))


def equity_line(equity: dict | None, locale: str | None = None) -> str:
    """Which subgroup gained least relative to the whole pilot, and by how much."""
    _, _n = _translators(locale)
    if not equity:
        return _("No subgroup is big enough yet to compare.")
    name = subgroup_name(*equity["subgroup"].split(": ", 1), locale=locale) if ": " in equity["subgroup"] \
        else equity["subgroup"]
    if equity["gap"] <= 0:
        return _("No subgroup big enough to compare gained less than the whole pilot.")
    return _("Lowest subgroup: %(group)s, %(gap)s standard deviations below the whole pilot's effect.",
             group=name, gap=_num(equity["gap"]))


def subgroup_name(key: str, value: str, locale: str | None = None) -> str:
    """A subgroup's name: its language, starting tier (from the diagnostic) or the teacher's group."""
    _, _n = _translators(locale)
    if key == "language":
        return _("Language: %(l)s", l=value)
    if key == "starting_tier":
        return _("No diagnostic") if value == "none" else _("Starting tier %(value)s", value=value)
    if key == "group":
        return _("Group: %(value)s", value=value)
    return f"{key}: {value}"


def refusal_line(code: str, args: dict, locale: str | None = None) -> str:
    """Why a pilot (or a change to it) was refused."""
    _, ngettext = _translators(locale)
    if code == "too_few_held_out":
        return _("The skill %(skill)s has too few unseen items to keep %(need)s back for a fair post-test "
                 "(it has %(have)s); choose a bigger unit.", skill=args.get("skill"), need=args.get("need"),
                 have=args.get("have"))
    if code == "overlap":
        return _("A pilot on the skill %(skill)s is already running in this class; end it first.",
                 skill=args.get("skill"))
    if code == "one_at_a_time":
        return _("This class already has a pilot running; end and close it first.")
    if code == "arm_empty":
        return _("An arm would have no students (or no skills): a pilot needs at least two students, and a small "
                 "class needs a unit with at least two skills.")
    if code == "unit_not_assigned":
        return _("Choose one of the class's units.")
    if code == "bad_window":
        return _("Choose a window between %(low)s and %(high)s weeks.", low=args.get("low"), high=args.get("high"))
    if code == "reason_needed":
        return _("Say why the student leaves the pilot.")
    return _("That cannot be done at this stage of the pilot.")

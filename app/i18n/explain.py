"""The engine's reasons in words, the one place they are written: why an item, why a tier, what raised a flag.

The adaptive core (no Flask, no words) gives each set entry a reason code with `why_args`, each
set a `tier_code` with `tier_args`, and each flag its `signal_codes` (app/adaptive/selection.py,
tiers.py, signals.py). Here those codes become sentences from the gettext catalog, in the
request's language on the teacher's pages and in English (the msgids) for the lines a set keeps
for the API and exports (`with_english_lines`, called by planning). Skill and misconception
names come from the packs' text (`names` is `catalog.labels(locale)`; a pack without the locale
gives English names). The student app says the same to students from the same codes, in its
own words (app/service_worker/screen_item.js). A code this module does not know falls back to
the line stored with the data, if any (sets made by an older server).
"""
from __future__ import annotations

from functools import partial

from .web import get_locale, gettext_in, ngettext_in

ENGLISH = "en"


def _translators(locale: str | None) -> tuple:
    """gettext and ngettext bound to a locale (the request's when None)."""
    locale = locale or get_locale()
    return partial(gettext_in, locale), partial(ngettext_in, locale)


def _name(names: dict | None, kind: str, key) -> str:
    """A skill's or misconception's name in the teacher's language, else the engine's fallback."""
    if not key:
        return ""
    found = ((names or {}).get(kind) or {}).get(key)
    return str(found) if found else str(key).replace("_", " ")


def _count(value):
    """A whole number the engine gave, or None (a bool, a string or nothing is not one)."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def why_line(entry: dict, names: dict | None = None, locale: str | None = None) -> str:
    """Why the engine chose this item, in the request's language or `locale` (the stored `why` for an unknown reason)."""
    _, ngettext = _translators(locale)
    reason = entry.get("reason")
    args = entry.get("why_args")
    args = args if isinstance(args, dict) else {}
    skill = _name(names, "skills", entry.get("skill"))
    if reason == "misconception_remediation" and entry.get("misconception"):
        mistake = _name(names, "misconceptions", entry["misconception"])
        if args.get("reserve"):
            return _("Swapped in after the mistake '%(mistake)s': this item practises %(skill)s",
                     mistake=mistake, skill=skill)
        seen = _count(args.get("seen"))
        if seen == 1:
            return _("The mistake '%(mistake)s' came up once: this item practises %(skill)s",
                     mistake=mistake, skill=skill)
        if seen == 2:
            return _("The mistake '%(mistake)s' came up twice: this item practises %(skill)s",
                     mistake=mistake, skill=skill)
        if seen is not None and seen > 2:
            return ngettext("The mistake '%(mistake)s' came up %(num)d time: this item practises %(skill)s",
                            "The mistake '%(mistake)s' came up %(num)d times: this item practises %(skill)s",
                            seen, mistake=mistake, skill=skill)
        return _("The mistake '%(mistake)s' keeps coming up: this item practises %(skill)s",
                 mistake=mistake, skill=skill)
    if reason == "productive_practice":
        zone = args.get("zone")
        if zone == "below":
            return _("Next step in %(skill)s: the most approachable item left", skill=skill)
        if zone == "above":
            return _("More practice in %(skill)s to make it stick", skill=skill)
        if zone == "within":
            return _("Just right for you in %(skill)s: a stretch, but within reach", skill=skill)
        return _("Practice in %(skill)s at the right level", skill=skill)
    if reason == "prerequisite_gap":
        if args.get("before"):
            return _cap(_("%(skill)s comes before %(next)s: building it up first",
                          skill=skill, next=_name(names, "skills", args["before"])))
        return _cap(_("%(skill)s comes before the next topics: building it up first", skill=skill))
    if reason == "spaced_review":
        days = _count(args.get("days"))
        if days == 0:
            return _("You mastered %(skill)s today: a quick review keeps it fresh", skill=skill)
        if days == 1:
            return _("You mastered %(skill)s yesterday: a quick review keeps it fresh", skill=skill)
        if days is not None and days > 1:
            return ngettext("You mastered %(skill)s %(num)d day ago: a quick review keeps it fresh",
                            "You mastered %(skill)s %(num)d days ago: a quick review keeps it fresh",
                            days, skill=skill)
        return _("You mastered %(skill)s earlier: a quick review keeps it fresh", skill=skill)
    if reason == "micro_check":
        recall = args.get("recall")
        if isinstance(recall, (int, float)):
            return _("Micro-check: predicted recall of %(skill)s fell to %(pct)s%%", skill=skill, pct=round(recall * 100))
        return _("Micro-check: %(skill)s may be fading", skill=skill)
    if reason == "extension":
        return _("A challenge: you are ahead on %(skill)s", skill=skill)
    if reason == "diagnostic":
        return _("A quick check of what you already know")
    if reason == "teacher":
        return _("Your teacher chose this item for you")
    if reason == "worksheet":
        return _("Next in the unit's textbook order: the pilot's static worksheet")
    if reason == "post_test":
        return _("The pilot's post-test: held back until now, the same for both arms")
    return str(entry.get("why") or "")


def _tier(code, args: dict, locale: str | None):
    """The tier reason in words, or None when the code or its numbers are unknown."""
    _, ngettext = _translators(locale)
    if code == "no_skills":
        return _("no skills assigned yet")
    if code == "all_mastered" and _count(args.get("skills")) is not None:
        return ngettext("all %(num)d skill mastered: review keeps it fresh",
                        "all %(num)d skills mastered: review keeps them fresh", args["skills"])
    if code == "misconceptions_persist" and _count(args.get("count")) is not None:
        return ngettext("%(num)d misconception keeps coming back",
                        "%(num)d misconceptions keep coming back", args["count"])
    if (code == "mostly_mastered" and _count(args.get("skills")) is not None
            and _count(args.get("mastered")) is not None):
        return ngettext("%(done)s of %(num)d skill mastered", "%(done)s of %(num)d skills mastered",
                        args["skills"], done=args["mastered"])
    if code == "misconception_persists":
        return _("a misconception keeps coming back")
    if code == "too_few_answers":
        return _("not enough answers yet to see a difficulty")
    if code == "diagnostic":
        return _("starting with a short diagnostic")
    if code == "pre_approved":
        return _("practice you approved by policy, while the next set waits for you")
    if code == "worksheet":
        return _("static worksheet: the unit in textbook order, no adaptivity")
    if code == "post_test":
        return _("the pilot's post-test")
    if code in ("low_mastery", "on_track") and isinstance(args.get("mean"), (int, float)):
        mean = f"{float(args['mean']):.2f}"
        if code == "low_mastery":
            return _("mean mastery %(mean)s on the skills practised so far", mean=mean)
        return _("mastery %(mean)s: on track", mean=mean)
    return None


def pre_approved_label(policy, locale: str | None = None) -> str:
    """Which standing policy chose a set the student practises while the next one waits for the teacher."""
    _, _n = _translators(locale)
    if policy == "spaced_review":
        return _("review of mastered skills")
    return _("more of the skills last released")


def tier_line(payload: dict, locale: str | None = None) -> str:
    """Why the set has its tier, in the request's language or `locale` (the stored `tier_why` for an unknown code)."""
    args = payload.get("tier_args")
    line = _tier(payload.get("tier_code"), args if isinstance(args, dict) else {}, locale)
    return line if line is not None else str(payload.get("tier_why") or "")


def _away_part(found: dict, locale: str | None):
    """How many of an observation's days were left out as away ("10 of them excused"), or None."""
    _, ngettext = _translators(locale)
    days = _count(found.get("away"))
    if not days:
        return None
    kind = found.get("away_kind")
    if kind == "excused":
        return ngettext("%(num)d of them excused", "%(num)d of them excused", days)
    if kind == "pause":
        return ngettext("%(num)d of them with the class paused", "%(num)d of them with the class paused", days)
    return ngettext("%(num)d of them excused or with the class paused",
                    "%(num)d of them excused or with the class paused", days)


def _signal(found: dict, locale: str | None):
    """One observation behind a flag in words, or None when it is not known here (days away said after it)."""
    _ = _translators(locale)[0]
    line = _observation(found, locale)
    away = _away_part(found, locale) if line is not None else None
    # A pattern, not a joined string: a language may want another separator or order.
    return line if away is None else _("%(said)s, %(away)s", said=line, away=away)


def _observation(found: dict, locale: str | None):
    """One observation in words, or None."""
    _, ngettext = _translators(locale)
    code = found.get("code")
    n, total, days = _count(found.get("n")), _count(found.get("total")), _count(found.get("days"))
    if code == "no_homework":
        return _("no homework done yet")
    if code == "last_synced" and days is not None:
        return ngettext("last synced %(num)d day ago", "last synced %(num)d days ago", days)
    if code == "last_practised" and days is not None:
        return ngettext("last practised %(num)d day ago", "last practised %(num)d days ago", days)
    if code == "wrong_streak" and n is not None:
        return ngettext("%(num)d wrong answer in a row", "%(num)d wrong answers in a row", n)
    if code == "sets_overdue" and n is not None and days is not None:
        return ngettext("%(num)d released set not finished after %(days)s days",
                        "%(num)d released sets not finished after %(days)s days", n, days=days)
    if n is None or total is None:
        return None
    if code == "skipped":
        return ngettext("skipped %(n)s of %(num)d item", "skipped %(n)s of %(num)d items", total, n=n)
    if code == "rapid":
        return ngettext("%(n)s of %(num)d answer came in a few seconds",
                        "%(n)s of %(num)d answers came in a few seconds", total, n=n)
    if code == "hinted":
        return ngettext("used hints on %(n)s of %(num)d answer", "used hints on %(n)s of %(num)d answers",
                        total, n=n)
    if code == "wrong_first":
        return ngettext("%(n)s of %(num)d item wrong at the first try",
                        "%(n)s of %(num)d items wrong at the first try", total, n=n)
    if code == "finished":
        return ngettext("finished %(n)s of %(num)d item shown", "finished %(n)s of %(num)d items shown",
                        total, n=n)
    return None


def signal_lines(flag: dict, locale: str | None = None) -> list:
    """What raised a flag, one line per observation, in the request's language or `locale`."""
    english = [str(s) for s in flag.get("signals") or []]
    codes = flag.get("signal_codes")
    if not isinstance(codes, list) or not codes:
        return english
    out = []
    for i, found in enumerate(codes):
        line = _signal(found, locale) if isinstance(found, dict) else None
        if line is None:
            line = english[i] if i < len(english) else ""
        out.append(line)
    return out


def english_names(catalog: dict) -> dict:
    """Skill and misconception names as the catalog gives them (the packs' English), for `names`."""
    return {kind: {key: info.get("name") or info.get("label") for key, info in catalog.get(kind, {}).items()}
            for kind in ("skills", "misconceptions")}


def with_english_lines(proposal: dict, catalog: dict) -> dict:
    """The set with its English lines filled in (`why` per entry, `tier_why`), for the API and exports."""
    if not proposal:
        return proposal
    names = english_names(catalog)
    for entry in [*(proposal.get("items") or []), *(proposal.get("reserve") or []), proposal.get("extension")]:
        if isinstance(entry, dict) and entry.get("reason"):
            entry["why"] = why_line(entry, names, ENGLISH)
    if proposal.get("tier_code"):
        proposal["tier_why"] = tier_line(proposal, ENGLISH)
    return proposal

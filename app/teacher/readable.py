"""The teacher's decisions in sentences: "Deadline moved from 3 Jan to 10 Jan", not `deadline: 1797087600.0`.

Each recorded decision (app/planning/decisions.py) stores its old and new values as JSON; this module is
the one place that turns a target and its values into a sentence in the teacher's language.
"""
from __future__ import annotations

from ..i18n.web import gettext as _, ngettext
from . import timefmt


def _quote(names: dict, item: str | None, limit: int = 60) -> str:
    """An item as the teacher knows it: the first line of its text, shortened."""
    text = (names.get("items") or {}).get(item) or _("an item no longer in the packs")
    first = str(text).strip().splitlines()[0] if str(text).strip() else str(text)
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


def _tier(value) -> str:
    if value in (None, ""):
        return _("the engine's choice")
    if str(value) == "enrichment":
        return _("Enrichment")
    if str(value) == "maintenance":
        return _("Maintenance")
    return _("Tier %(n)s", n=value)


def _pct(value) -> str:
    return _("%(p)s%%", p=timefmt.pct(value)) if isinstance(value, (int, float)) else "–"


def _day(value) -> str:
    return timefmt.localtime(value, "%d %b") if isinstance(value, (int, float)) else "–"


def _set_edit(d: dict, names: dict) -> str:
    old, new = d.get("old") or {}, d.get("new") or {}
    old_items = old.get("items") or [] if isinstance(old, dict) else []
    new_items = new.get("items") or [] if isinstance(new, dict) else []
    action = new.get("action") if isinstance(new, dict) else None
    gone = [i for i in old_items if i not in new_items]
    added = [i for i in new_items if i not in old_items]
    if action == "swap" and gone and added:
        return _("Swapped '%(old)s' for '%(new)s'", old=_quote(names, gone[0]), new=_quote(names, added[0]))
    if action == "drop" and gone:
        return _("Dropped '%(item)s'", item=_quote(names, gone[0]))
    if action == "shorten":
        return _("Shortened the set from %(old)s to %(new)s items", old=len(old_items), new=len(new_items))
    if action == "shared" and new_items:
        return ngettext("Gave the set the list shared by its group of alike sets (%(num)d item)",
                        "Gave the set the list shared by its group of alike sets (%(num)d items)", len(new_items))
    if action == "retarget" and new_items:
        return _("Changed the set to practise another skill (%(num)s items)", num=len(new_items))
    return _("Edited the set")


def _on_off(value, on: str, off: str) -> str:
    return on if value else off


def decision_sentence(d: dict, names: dict) -> str:
    """One recorded decision as a sentence in the teacher's language."""
    target, old, new = d.get("target"), d.get("old"), d.get("new")
    skills = names.get("skills") or {}
    if target == "deadline":
        return _("Deadline moved from %(old)s to %(new)s", old=_day(old), new=_day(new))
    if target == "set":
        return _set_edit(d, names)
    if target == "release":
        return _("Released the set to the student")
    if target == "mastery":
        skill = skills.get(d.get("target_id")) or _("a skill")
        if new is None:
            return _("Your mastery value for %(skill)s cleared; the model's estimate counts again", skill=skill)
        return _("Mastery of %(skill)s set to %(new)s (the model said %(old)s)", skill=skill, new=_pct(new),
                 old=_pct(old))
    if target == "tier":
        return _("Tier changed from %(old)s to %(new)s", old=_tier(old), new=_tier(new))
    if target == "items_per_set":
        return _("Items per set changed from %(old)s to %(new)s", old=old or _("normal (5)"), new=new or _("normal (5)"))
    if target == "audio":
        return _on_off(new, _("Audio turned on"), _("Audio turned off"))
    if target == "simplified":
        return _on_off(new, _("Simplified text turned on"), _("Simplified text turned off"))
    if target == "locale":
        return _("Language changed from %(old)s to %(new)s", old=language_name(old), new=language_name(new))
    if target == "groups":
        return _("Groups set to: %(groups)s", groups=", ".join(new) if new else _("none"))
    if target == "release_mode":
        return _on_off(new == "auto", _("New sets now go out without approval"),
                       _("New sets now wait for your approval"))
    if target == "mastery_threshold":
        return _("Mastered now means %(new)s or more (was %(old)s)", new=_pct(new), old=_pct(old))
    if target == "units":
        count = len(new) if isinstance(new, list) else 0
        return ngettext("Units changed: %(num)d unit assigned", "Units changed: %(num)d units assigned", count)
    if target == "tier_thresholds":
        return _("Tier thresholds changed")
    if target == "pin":
        return _("New PIN made")
    if target == "device":
        return _("A phone was signed out")
    if target == "lockout":
        return _("PIN lock-out lifted")
    if target == "student_deleted":
        return _("A student's data was deleted")
    if target == "retention":
        return _("Raw answers now kept for %(new)s days (was %(old)s)", new=new, old=old)
    if target == "excused":
        if isinstance(new, dict) and new.get("until"):
            return _("Excused until %(when)s (%(why)s)", when=_day(new["until"]),
                     why=excuse_reason_label(new.get("kind")))
        return _("Excuse ended")
    if target == "class_pause":
        if isinstance(new, dict) and new.get("until"):
            return _("Class paused until %(when)s", when=_day(new["until"]))
        return _("Class pause ended")
    if target == "planning":
        return _planning_sentence(old, new)
    return _("Changed a setting")


def _planning_sentence(old, new) -> str:
    """Planning held for an excuse or a class pause, or started again after it (app/planning/away.py)."""
    new = new if isinstance(new, dict) else {}
    paused = new.get("kind") == "pause"
    if new.get("held"):
        if paused:
            return _("No new homework while the class is paused until %(when)s", when=_day(new.get("until")))
        return _("No new homework while excused until %(when)s (%(why)s)", when=_day(new.get("until")),
                 why=excuse_reason_label(new.get("kind")))
    if paused:
        return _("The class pause is over: homework planned again from this sync")
    return _("The excuse is over: homework planned again from this sync")


EXCUSE_KINDS = ("ill", "exams", "family", "other")


def excuse_reason_label(kind) -> str:
    """Why a student is excused, in words."""
    if kind == "ill":
        return _("ill")
    if kind == "exams":
        return _("exams")
    if kind == "family":
        return _("family")
    return _("other reason")


# Each language by its own name, as the student app's picker shows it.
LANGUAGE_NAMES = {"en": "English", "hi": "हिन्दी", "ta": "தமிழ்", "bn": "বাংলা", "mr": "मराठी"}


def language_name(code) -> str:
    """A language code ("hi") as the language's own name ("हिन्दी")."""
    return LANGUAGE_NAMES.get(code or "", code or "–")


def tier_reason(payload: dict) -> str:
    """Why a set has its tier; a mastery figure as a percentage ("mastery 64%: on track", not 0.64)."""
    from ..i18n.explain import tier_line
    args = payload.get("tier_args") if isinstance(payload.get("tier_args"), dict) else {}
    mean = args.get("mean")
    if payload.get("tier_code") in ("low_mastery", "on_track") and isinstance(mean, (int, float)):
        if payload["tier_code"] == "low_mastery":
            return _("average mastery %(p)s%% on the skills practised so far", p=timefmt.pct(mean))
        return _("average mastery %(p)s%%: on track", p=timefmt.pct(mean))
    return tier_line(payload)


def first_line(text, limit: int = 90) -> str:
    """The first line of an item's text, shortened for a card."""
    line = str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def reason_groups(items: list, names: dict) -> list:
    """A set's items grouped under their reason, so a reason shared by three items is said once."""
    from ..i18n.explain import why_line
    groups: list = []
    for index, entry in enumerate(items):
        why = why_line(entry, names)
        if groups and groups[-1]["why"] == why:
            groups[-1]["items"].append((index, entry))
        else:
            groups.append({"why": why, "reason": entry.get("reason"), "items": [(index, entry)]})
    return groups


def flag_label(flag) -> str:
    """An outreach flag in words (the same words as the pages' flag_label macro)."""
    return {"inactive": _("Not syncing"), "skipping": _("Skipping items"), "rapid_answers": _("Very fast answers"),
            "hint_reliance": _("Relies on hints"), "struggling": _("Stuck"),
            "low_completion": _("Leaves items unfinished"), "set_overdue": _("Set not finished")}.get(
        flag, _("Needs a look"))

"""Worked examples on skills ("see how it's done"): their checks and their place in the built documents."""
from __future__ import annotations

from . import item_checks as checks
from .figures import check_figure

FIELDS = {"id", "problem", "simplified", "speak", "steps", "figure"}
MAX_PER_SKILL = 3


def _examples(skill) -> list:
    examples = skill.get("worked_examples")
    return examples if isinstance(examples, list) else []


def check_worked_examples(pack, problems) -> None:
    """Each worked example: a unique id, a problem and its speakable form in every locale, 2-5 steps, a figure if any."""
    for sid in pack.own_skill_ids:
        skill = pack.skills[sid]
        if "worked_examples" not in skill:
            continue
        examples = skill["worked_examples"]
        if not isinstance(examples, list) or not 1 <= len(examples) <= MAX_PER_SKILL:
            problems.add(skill, "worked_examples",
                         f"skill '{sid}': worked_examples must be a list of 1 to {MAX_PER_SKILL} examples")
            continue
        for i, example in enumerate(examples):
            if not isinstance(example, dict):
                problems.add(examples, i, f"skill '{sid}': each worked example needs id, problem, speak and steps")
                continue
            eid = example.get("id")
            what = f"worked example '{eid}'"
            checks.unknown_fields(example, FIELDS, problems, what)
            if not isinstance(eid, str) or not checks.ITEM_ID.match(eid):
                problems.add(example, "id" if "id" in example else None,
                             f"skill '{sid}': a worked example needs id: lowercase letters, digits and dashes, e.g. dec-we-place-1")
                continue
            if eid in pack.worked_example_ids or eid in pack.item_ids:
                problems.add(example, "id", f"duplicate id '{eid}'; worked example ids must differ from every "
                                            "other worked example and item id across packs")
                continue
            pack.worked_example_ids.add(eid)
            for key in ("problem", "speak"):
                checks.check_locale_map(example, key, pack.locales, problems, what)
            if "simplified" in example:
                checks.check_locale_map(example, "simplified", pack.locales, problems, what)
            checks.check_speakable(example, "speak", pack.locales, problems, what)
            checks.check_steps(example, "steps", pack.locales, problems, what, 2, 5)
            check_figure(example, pack.locales, problems, what)


def worked_example_count(pack) -> int:
    """How many worked examples the pack's own skills carry."""
    return sum(len(_examples(pack.skills[sid])) for sid in pack.own_skill_ids)


def said_text(example, locale: str) -> str:
    """What the phone's voice (or the example's clip) reads: the picture, the problem, then each step in words, like hints."""
    from ..i18n.speakable import to_speakable
    figure = example.get("figure")
    parts = []
    if figure:
        parts.append(str(figure["speak"][locale]) if figure.get("speak") else to_speakable(str(figure["alt"][locale]), locale))
    parts.append(str(example["speak"][locale]))
    parts += [to_speakable(str(step[locale]), locale) for step in example["steps"]]
    return " ".join(parts)


def clip_entries(pack, locale: str) -> list:
    """(key, text) of each worked example's clip: `<skill>.example<n>`, so a phone finds them from its sets' skills."""
    return [(f"{sid}.example{n}", said_text(example, locale))
            for sid in pack.own_skill_ids for n, example in enumerate(_examples(pack.skills[sid]), 1)]


def meta_entries(skill) -> list:
    """The ids of a skill's worked examples, for the locale-neutral meta document."""
    return [str(e["id"]) for e in _examples(skill)]


def text_entries(pack, locale: str, text_of, figure_of) -> dict:
    """Worked examples per skill in one locale: problem, simplified and speak forms, steps, figure."""
    out = {}
    for sid in pack.own_skill_ids:
        examples = []
        for example in _examples(pack.skills[sid]):
            entry = {"id": str(example["id"]), "problem": text_of(example["problem"], locale),
                     "simplified": text_of(example.get("simplified") or example["problem"], locale),
                     "speak": text_of(example["speak"], locale),
                     "steps": [text_of(s, locale) for s in example["steps"]]}
            figure = figure_of(example, locale)
            if figure:
                entry["figure"] = figure
            entry["said"] = said_text(example, locale)
            examples.append(entry)
        if examples:
            out[sid] = examples
    return out

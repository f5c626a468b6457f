"""`abhyas pack validate`: syntax, schema and meaning of a pack source, as file:line problems."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import item_checks as checks
from .expand import TemplateError, expand_template
from .figures import check_figure
from .source import PackSource, Problems, read_pack_source
from .worked_examples import check_worked_examples

PACK_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
DOTTED_ID = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
VERSION = re.compile(r"^\d+\.\d+\.\d+$")
REVIEW_STATES = ("source", "draft", "in_review", "reviewed")
META_FIELDS = {"id", "version", "title", "description", "publisher", "licence", "grades", "locales", "requires", "diagnostic"}
SKILL_FIELDS = {"id", "name", "prerequisites", "misconceptions", "description", "worked_examples"}
MISCONCEPTION_FIELDS = {"id", "name", "feedback", "remediation"}


@dataclass
class LoadedPack:
    """A pack source with templates expanded and the ids it can refer to."""
    source: PackSource
    locales: list
    items: list = field(default_factory=list)
    skills: dict = field(default_factory=dict)            # id -> skill block, this pack and required ones
    misconceptions: dict = field(default_factory=dict)    # id -> (skill id, block)
    item_ids: set = field(default_factory=set)            # this pack and required ones
    worked_example_ids: set = field(default_factory=set)  # this pack and required ones
    own_skill_ids: list = field(default_factory=list)


def load_pack(path: Path, problems: Problems, _seen=None) -> LoadedPack | None:
    """Read, expand and check a pack; problems found go into `problems`."""
    source = read_pack_source(Path(path), problems)
    if source is None:
        return None
    locales = _check_meta(source, problems)
    pack = LoadedPack(source=source, locales=locales)
    _seen = (_seen or set()) | {source.pack_id}
    for required in source.meta.get("requires") or []:
        if required in _seen:
            problems.add(source.meta, "requires", f"requires '{required}' makes a loop of packs requiring each other")
            continue
        sibling = source.path.parent / str(required)
        other = load_pack(sibling, Problems(), _seen) if (sibling / "pack.yaml").exists() else None
        if other is None:
            problems.add(source.meta, "requires", f"required pack '{required}' is not a sibling folder with a pack.yaml")
            continue
        pack.skills.update(other.skills)
        pack.misconceptions.update(other.misconceptions)
        pack.item_ids |= other.item_ids
        pack.worked_example_ids |= other.worked_example_ids
    _check_skills(pack, problems)
    _expand_and_check_items(pack, problems)
    _check_references(pack, problems)
    check_worked_examples(pack, problems)
    _check_graph(pack, problems)
    _check_extras(pack, problems)
    return pack


def validate_pack(path: Path) -> list:
    """All problems of the pack at `path`, in file order; empty when the pack is good."""
    problems = Problems()
    try:
        load_pack(Path(path), problems)
    except RecursionError:
        problems.add(None, None, "the pack nests too deeply to read")
    return sorted(set(problems), key=lambda p: (p.file, p.line, p.message))


def _check_meta(source: PackSource, problems: Problems) -> list:
    meta = source.meta
    checks.unknown_fields(meta, META_FIELDS, problems, "pack.yaml")
    for key in ("id", "version", "title", "publisher", "licence", "locales"):
        if key not in meta:
            problems.add(meta, None, f"pack.yaml has no '{key}'; add it (see content_packs/README.md)")
    pack_id = meta.get("id")
    if "id" in meta and (not isinstance(pack_id, str) or not PACK_ID.match(pack_id)):
        problems.add(meta, "id", "id must be lowercase letters, digits and dashes, e.g. fractions-6")
    elif isinstance(pack_id, str) and pack_id != source.path.name:
        problems.add(meta, "id", f"id '{pack_id}' differs from the folder name '{source.path.name}'; make them the same")
    if "version" in meta and not VERSION.match(str(meta.get("version"))):
        problems.add(meta, "version", "version must be MAJOR.MINOR.PATCH, e.g. 1.0.0 (quote it if YAML reads it as a number)")
    locales_block = meta.get("locales")
    locales = []
    if isinstance(locales_block, dict):
        for loc, info in locales_block.items():
            locales.append(str(loc))
            review = info.get("review") if isinstance(info, dict) else None
            if review not in REVIEW_STATES:
                problems.add(locales_block, loc, f"locale '{loc}' needs review: one of {', '.join(REVIEW_STATES)}")
    elif "locales" in meta:
        problems.add(meta, "locales", "locales must map each locale to its review status, e.g. hi: {review: draft}")
    if locales and "title" in meta:
        checks.check_locale_map(meta, "title", locales, problems, "pack.yaml")
    if "description" in meta and locales:
        checks.check_locale_map(meta, "description", locales, problems, "pack.yaml")
    for key in ("publisher", "licence"):
        if key in meta and not (isinstance(meta[key], str) and meta[key].strip()):
            problems.add(meta, key, f"{key} must be plain text")
    return locales or ["en"]


def _check_skills(pack: LoadedPack, problems: Problems) -> None:
    for skill in pack.source.skills:
        sid = skill.get("id")
        what = f"skill '{sid}'"
        checks.unknown_fields(skill, SKILL_FIELDS, problems, what)
        if not isinstance(sid, str) or not DOTTED_ID.match(sid):
            problems.add(skill, "id" if "id" in skill else None, "a skill needs id: lowercase words joined by dots, e.g. frac.add_unlike")
            continue
        if sid in pack.skills:
            problems.add(skill, "id", f"duplicate skill id '{sid}'; skill ids must be unique across packs")
            continue
        pack.skills[sid] = skill
        pack.own_skill_ids.append(sid)
        checks.check_locale_map(skill, "name", pack.locales, problems, what)
        prereqs = skill.get("prerequisites") or []
        if not isinstance(prereqs, list):
            problems.add(skill, "prerequisites", f"{what}: prerequisites must be a list of skill ids")
        mcs = skill.get("misconceptions") or []
        if not isinstance(mcs, list):
            problems.add(skill, "misconceptions", f"{what}: misconceptions must be a list")
            continue
        for mc in mcs:
            if not isinstance(mc, dict):
                problems.add(mcs, mcs.index(mc), f"{what}: each misconception needs id, name, feedback, remediation")
                continue
            mid = mc.get("id")
            mwhat = f"misconception '{mid}'"
            checks.unknown_fields(mc, MISCONCEPTION_FIELDS, problems, mwhat)
            if not isinstance(mid, str) or not DOTTED_ID.match(mid):
                problems.add(mc, "id" if "id" in mc else None, "a misconception needs id: lowercase words joined by dots")
                continue
            if mid in pack.misconceptions:
                problems.add(mc, "id", f"duplicate misconception id '{mid}'; ids must be unique across packs")
                continue
            pack.misconceptions[mid] = (sid, mc)
            checks.check_locale_map(mc, "name", pack.locales, problems, mwhat)
            checks.check_locale_map(mc, "feedback", pack.locales, problems, mwhat)
            remediation = mc.get("remediation")
            if not isinstance(remediation, list) or not remediation:
                problems.add(mc, "remediation" if "remediation" in mc else None,
                             f"{mwhat} needs remediation: a list of at least one item id that helps")


def _expand_and_check_items(pack: LoadedPack, problems: Problems) -> None:
    expanded = []
    for template in pack.source.templates:
        tid = template.get("id")
        checks.unknown_fields(template, checks.TEMPLATE_FIELDS, problems, f"template '{tid}'")
        if not isinstance(tid, str) or not checks.ITEM_ID.match(tid):
            problems.add(template, "id" if "id" in template else None, "a template needs id: lowercase letters, digits and dashes")
            continue
        try:
            expanded.extend(expand_template(template, pack.source.pack_id))
        except TemplateError as exc:
            problems.add(template, exc.key if exc.key in template else None, f"template '{tid}': {exc}")
    for item in list(pack.source.items) + expanded:
        iid = item.get("id")
        what = f"item '{iid}'"
        if "template" not in item:
            checks.unknown_fields(item, checks.ITEM_FIELDS, problems, what)
        if not isinstance(iid, str) or not checks.ITEM_ID.match(iid):
            problems.add(item, "id" if "id" in item else None, "an item needs id: lowercase letters, digits and dashes, e.g. frac-add-001")
            continue
        if iid in pack.item_ids:
            problems.add(item, "id", f"duplicate item id '{iid}'; item ids must be unique across packs")
            continue
        pack.item_ids.add(iid)
        pack.items.append(item)
        skill = item.get("skill")
        if skill not in pack.skills:
            problems.add(item, "skill" if "skill" in item else None, f"{what}: unknown skill '{skill}'; define it in skills.yaml")
        checks.check_numbers(item, problems, what)
        for key in ("text", "simplified", "speak"):
            checks.check_locale_map(item, key, pack.locales, problems, what)
        checks.check_speakable(item, "speak", pack.locales, problems, what)
        checks.check_steps(item, "hints", pack.locales, problems, what, 2, 3)
        checks.check_steps(item, "solution", pack.locales, problems, what, 1, 12)
        for i, choice in enumerate(item.get("choices") or []):
            if isinstance(choice, dict) and isinstance(choice.get("text"), dict):
                checks.check_text_map(choice["text"], (item["choices"], i), pack.locales, problems, f"choice {i + 1} of {what}")
        checks.check_answer(item, problems, what, _misconceptions_reachable(pack, skill), set(pack.misconceptions))
        checks.check_computed_answer(item, problems, what)
        check_figure(item, pack.locales, problems, f"template '{item['template']}'" if item.get("template") else what)


def _ancestors(pack: LoadedPack, skill_id: str) -> set:
    seen, stack = set(), [skill_id]
    while stack:
        current = stack.pop()
        if current in seen or current not in pack.skills:
            continue
        seen.add(current)
        prereqs = pack.skills[current].get("prerequisites") or []
        stack.extend(p for p in prereqs if isinstance(p, str)) if isinstance(prereqs, list) else None
    return seen


def _misconceptions_reachable(pack: LoadedPack, skill_id) -> set:
    skills = _ancestors(pack, skill_id) if isinstance(skill_id, str) else set()
    return {mid for mid, (sid, _mc) in pack.misconceptions.items() if sid in skills}


def _check_references(pack: LoadedPack, problems: Problems) -> None:
    for sid in pack.own_skill_ids:
        skill = pack.skills[sid]
        prereqs = skill.get("prerequisites") or []
        for i, prereq in enumerate(prereqs if isinstance(prereqs, list) else []):
            if prereq not in pack.skills:
                problems.add(prereqs, i, f"skill '{sid}': unknown prerequisite '{prereq}'; define it or add its pack to requires")
        for mc in skill.get("misconceptions") or []:
            remediation = mc.get("remediation") if isinstance(mc, dict) else None
            for i, iid in enumerate(remediation if isinstance(remediation, list) else []):
                if iid not in pack.item_ids:
                    problems.add(remediation, i, f"misconception '{mc.get('id')}': unknown remediation item '{iid}'")
    diagnostic = pack.source.meta.get("diagnostic")
    if diagnostic is not None:
        if not isinstance(diagnostic, list) or not 6 <= len(diagnostic) <= 10:
            problems.add(pack.source.meta, "diagnostic", "diagnostic must list 6 to 10 item ids spanning the skills")
        for i, iid in enumerate(diagnostic if isinstance(diagnostic, list) else []):
            if iid not in pack.item_ids:
                problems.add(diagnostic, i, f"diagnostic: unknown item '{iid}'")


def _check_graph(pack: LoadedPack, problems: Problems) -> None:
    """Prerequisites must form a graph without cycles; report each cycle once, as a path."""
    state, reported = {}, set()

    def visit(sid, path):
        state[sid] = "open"
        prereqs = pack.skills[sid].get("prerequisites") or []
        for prereq in prereqs if isinstance(prereqs, list) else []:
            if prereq not in pack.skills:
                continue
            if state.get(prereq) == "open":
                cycle = path[path.index(prereq):] + [prereq]
                key = frozenset(cycle)
                if key not in reported and any(s in pack.own_skill_ids for s in cycle):
                    reported.add(key)
                    where = pack.skills[sid]
                    problems.add(where, "prerequisites", f"prerequisite cycle {' -> '.join(cycle)}; remove one of these prerequisites")
            elif prereq not in state:
                visit(prereq, path + [prereq])
        state[sid] = "done"

    for sid in pack.own_skill_ids:
        if sid not in state:
            visit(sid, [sid])


def _check_extras(pack: LoadedPack, problems: Problems) -> None:
    ids = set()
    for block, what, fields in ((pack.source.reflections, "reflection", ("text",)),
                                (pack.source.glossary, "glossary term", ("term", "definition"))):
        for entry in block:
            eid = entry.get("id")
            if not isinstance(eid, str) or (what, eid) in ids:
                problems.add(entry, "id" if "id" in entry else None, f"each {what} needs a unique id")
                continue
            ids.add((what, eid))
            for key in fields:
                checks.check_locale_map(entry, key, pack.locales, problems, f"{what} '{eid}'")
            if what == "reflection":
                kind = entry.get("kind", "text")
                if kind not in ("scale", "choice", "text"):
                    problems.add(entry, "kind", f"reflection '{eid}': kind must be scale, choice or text")
                options = entry.get("options") or []
                if kind != "text" and (not isinstance(options, list) or len(options) < 2):
                    problems.add(entry, "options" if "options" in entry else None, f"reflection '{eid}': a {kind} prompt needs at least 2 options")
                for i, option in enumerate(options if isinstance(options, list) else []):
                    checks.check_text_map(option, (options, i), pack.locales, problems, f"option {i + 1} of reflection '{eid}'")

"""`abhyas pack stats`: how complete a pack is, counted per item across all its locales."""
from __future__ import annotations

from pathlib import Path

import brotli

from .build import PackBuildError
from .compile import items_document, meta_document, text_document
from .files import canonical_json
from .source import Problems
from .validate import load_pack
from .worked_examples import worked_example_count

SUMMED = ("skills", "items", "misconceptions", "items_simplified", "items_speakable", "items_with_hints",
          "items_with_worked_solution", "items_with_misconceptions", "items_with_figures", "worked_examples",
          "bytes_raw", "bytes_br", "problems")


def _complete(value, locales) -> bool:
    return isinstance(value, dict) and all(str(value.get(loc, "")).strip() for loc in locales)


def _steps_complete(steps, locales, low) -> bool:
    return isinstance(steps, list) and len(steps) >= low and all(_complete(s, locales) for s in steps)


def pack_stats(path: Path) -> dict:
    """Counts of skills, items and their completeness; sizes of the built text documents."""
    problems = Problems()
    pack = load_pack(Path(path), problems)
    if pack is None:
        raise PackBuildError(sorted(set(problems), key=lambda p: (p.file, p.line)))
    locales = pack.locales
    items = pack.items
    documents = [meta_document(pack), items_document(pack)] + [text_document(pack, loc) for loc in locales] \
        if not problems else []
    raw = [canonical_json(d) for d in documents]
    return {
        "pack": pack.source.pack_id,
        "version": str(pack.source.meta.get("version")),
        "skills": len(pack.own_skill_ids),
        "items": len(items),
        "locales": locales,
        "misconceptions": sum(len(pack.skills[s].get("misconceptions") or []) for s in pack.own_skill_ids),
        "items_simplified": sum(_complete(i.get("simplified"), locales) for i in items),
        "items_speakable": sum(_complete(i.get("speak"), locales) for i in items),
        "items_with_hints": sum(_steps_complete(i.get("hints"), locales, 2) for i in items),
        "items_with_worked_solution": sum(_steps_complete(i.get("solution"), locales, 1) for i in items),
        "items_with_misconceptions": sum(bool(i.get("wrong")) for i in items),
        "items_with_figures": sum(bool(i.get("figure")) for i in items),
        "worked_examples": worked_example_count(pack),
        "bytes_raw": sum(len(r) for r in raw),
        "bytes_br": sum(len(brotli.compress(r, quality=11)) for r in raw),
        "problems": len(problems),
    }


def is_pack_folder(path: Path) -> bool:
    """A folder with a pack.yaml is one pack; otherwise it may hold many."""
    return (Path(path) / "pack.yaml").is_file()


def all_packs_stats(path: Path) -> dict:
    """Stats of every pack folder under `path`, and a total: sums, the locales all packs share, the largest unit."""
    folders = sorted(p for p in Path(path).iterdir() if is_pack_folder(p))
    if not folders:
        raise PackBuildError([f"{path}: no pack.yaml here or in any folder below it"])
    packs = [pack_stats(folder) for folder in folders]
    total = {key: sum(p[key] for p in packs) for key in SUMMED}
    shared = [loc for loc in packs[0]["locales"] if all(loc in p["locales"] for p in packs)]
    total.update({"units": len(packs), "locales": shared, "max_bytes_br": max(p["bytes_br"] for p in packs)})
    return {"packs": packs, "total": total}

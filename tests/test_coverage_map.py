"""The coverage map in content_packs/README.md matches the packs that exist."""
from __future__ import annotations

import re
from pathlib import Path

CONTENT = Path(__file__).resolve().parent.parent / "content_packs"
HEADING = "## Coverage: NCERT chapters of classes 5–8"
STATUSES = ("covered", "partly", "not yet")


def coverage_rows(readme: str) -> list:
    """(class, chapter, status, [pack ids]) for each row of the map's table."""
    section = readme.split(HEADING, 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("| ") else []
        if len(cells) == 5 and cells[0].isdigit():
            packs = [p.strip() for p in cells[3].split(",") if p.strip()]
            rows.append((int(cells[0]), cells[1], cells[2], packs))
    return rows


def map_problems(readme: str, pack_ids: set) -> list:
    """What in the map is untrue of the packs in the folder."""
    rows = coverage_rows(readme)
    found = []
    for cls, chapter, status, packs in rows:
        where = f"class {cls} {chapter}"
        if status not in STATUSES:
            found.append(f"{where}: status '{status}' must be one of {', '.join(STATUSES)}")
        elif status == "not yet" and packs:
            found.append(f"{where}: 'not yet' names packs {packs}; say covered or partly")
        elif status != "not yet" and not packs:
            found.append(f"{where}: '{status}' names no pack")
        found += [f"{where}: names '{p}', which is not a pack in content_packs/" for p in packs if p not in pack_ids]
    named = {p for *_, packs in rows for p in packs}
    found += [f"pack '{p}' is named in no row of the coverage map; add it to the chapters it teaches"
              for p in sorted(pack_ids - named)]
    return found


def test_the_map_lists_the_59_chapters_of_classes_5_to_8():
    rows = coverage_rows((CONTENT / "README.md").read_text(encoding="utf-8"))
    per_class = {cls: sum(1 for r in rows if r[0] == cls) for cls in (5, 6, 7, 8)}
    assert per_class == {5: 14, 6: 14, 7: 15, 8: 16}
    numbers = [int(re.match(r"(\d+)\.", r[1]).group(1)) for r in rows]
    assert numbers == list(range(1, 15)) + list(range(1, 15)) + list(range(1, 16)) + list(range(1, 17))


def test_the_map_is_true_of_the_packs():
    pack_ids = {p.name for p in CONTENT.iterdir() if (p / "pack.yaml").exists()}
    assert map_problems((CONTENT / "README.md").read_text(encoding="utf-8"), pack_ids) == []


def test_an_untrue_map_is_caught():
    readme = (f"{HEADING}\n\n| class | chapter | status | packs | notes |\n| --- | --- | --- | --- | --- |\n"
              "| 6 | 1. Knowing Our Numbers | not yet | numbers-6 |  |\n"
              "| 6 | 2. Whole Numbers | covered |  |  |\n"
              "| 6 | 6. Integers | covered | integers-6, ghost-6 |  |\n\n## Next\n")
    assert map_problems(readme, {"integers-6", "numbers-6", "decimals-6"}) == [
        "class 6 1. Knowing Our Numbers: 'not yet' names packs ['numbers-6']; say covered or partly",
        "class 6 2. Whole Numbers: 'covered' names no pack",
        "class 6 6. Integers: names 'ghost-6', which is not a pack in content_packs/",
        "pack 'decimals-6' is named in no row of the coverage map; add it to the chapters it teaches",
    ]

"""Reading a pack's source folder into plain structures, collecting problems as file:line."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .yamlsource import PackYAMLError, SourceList, SourceMap, load_yaml


@dataclass(frozen=True)
class Problem:
    """One thing an author must fix, and where."""
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Problems(list):
    """The problems found so far, in the order they were found."""

    def add(self, where, key_or_index, message: str) -> None:
        """Record a problem at a key of a mapping or an element of a list."""
        file = getattr(where, "file", "") or "?"
        if key_or_index is None:
            line = getattr(where, "line", 1)
        else:
            line = where.line_of(key_or_index) if hasattr(where, "line_of") else getattr(where, "line", 1)
        self.append(Problem(file, line or 1, message))


@dataclass
class PackSource:
    """Everything one pack folder holds, each piece still carrying its file and line."""
    path: Path
    meta: SourceMap
    skills: list = field(default_factory=list)
    items: list = field(default_factory=list)
    templates: list = field(default_factory=list)
    reflections: list = field(default_factory=list)
    glossary: list = field(default_factory=list)

    @property
    def pack_id(self) -> str:
        """The pack's id as written, or the folder name."""
        value = self.meta.get("id") if isinstance(self.meta, dict) else None
        return value if isinstance(value, str) else self.path.name


def display_path(path: Path) -> str:
    """A path as an author would type it: relative to the working folder when inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def _load_list(path: Path, problems: Problems, what: str) -> list:
    try:
        data = load_yaml(path, display_path(path))
    except PackYAMLError as exc:
        problems.append(Problem(exc.file, exc.line, exc.message))
        return []
    if data is None:
        return []
    if not isinstance(data, SourceList):
        empty = SourceMap()
        empty.file, empty.line, empty.key_lines = display_path(path), 1, {}
        problems.add(empty, None, f"{path.name} must be a list of {what}, each starting with '- id:'")
        return []
    bad = [i for i, entry in enumerate(data) if not isinstance(entry, SourceMap)]
    for i in bad:
        problems.add(data, i, f"each entry of {path.name} must be a block of fields starting with 'id:'")
    return [entry for entry in data if isinstance(entry, SourceMap)]


def read_pack_source(path: Path, problems: Problems) -> PackSource | None:
    """Read a pack folder; None (with a problem recorded) when pack.yaml is unusable."""
    path = Path(path)
    meta_path = path / "pack.yaml"
    if not path.is_dir():
        problems.append(Problem(display_path(path), 1, "no such pack folder; give the folder that holds pack.yaml"))
        return None
    if not meta_path.exists():
        problems.append(Problem(display_path(meta_path), 1, "pack.yaml is missing; every pack starts with one (see content_packs/README.md)"))
        return None
    try:
        meta = load_yaml(meta_path, display_path(meta_path))
    except PackYAMLError as exc:
        problems.append(Problem(exc.file, exc.line, exc.message))
        return None
    if not isinstance(meta, SourceMap):
        problems.append(Problem(display_path(meta_path), 1, "pack.yaml must be a block of fields (id:, version:, ...)"))
        return None
    source = PackSource(path=path, meta=meta)
    skills_path = path / "skills.yaml"
    if skills_path.exists():
        source.skills = _load_list(skills_path, problems, "skills")
    else:
        problems.add(meta, None, "skills.yaml is missing next to pack.yaml; a pack needs at least one skill")
    for sub, target in (("items", source.items), ("templates", source.templates)):
        for file in sorted((path / sub).glob("*.yaml")) if (path / sub).is_dir() else []:
            target.extend(_load_list(file, problems, sub))
    for name, attr in (("reflections.yaml", "reflections"), ("glossary.yaml", "glossary")):
        if (path / name).exists():
            setattr(source, attr, _load_list(path / name, problems, attr))
    return source

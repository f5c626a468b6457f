"""The service worker as one script: its ES modules joined in dependency order, each in its own scope.

On Slow 3G a request costs two seconds and HTTP/1.1 opens six connections, so a worker made
of twenty modules, discovered level by level, takes many round trips to install. The
modules stay separate in the source (and node's tests import them as they are); the
server serves them joined, with the shell's version, precache list and UI catalogs inside.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

IMPORT = re.compile(r'^import\s+(?:\{([^}]*)\}|\*\s+as\s+(\w+))\s+from\s+"\./(?:sw/)?([a-z0-9_]+)\.js";[ \t]*$', re.M)
EXPORT = re.compile(r"^export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+(\w+)", re.M)
ENTRY = "sw"
GENERATED = "version"


class BundleError(ValueError):
    """A module the joiner cannot handle (an import form or a cycle it does not support)."""


def _imports(source: str) -> list[tuple[str, str | None, str | None]]:
    return [(m.group(3), m.group(1), m.group(2)) for m in IMPORT.finditer(source)]


def _order(folder: Path) -> list[str]:
    """Module names reachable from sw.js, dependencies first."""
    order, visiting = [], set()

    def visit(name: str) -> None:
        if name in order or name == GENERATED:
            return
        if name in visiting:
            raise BundleError(f"import cycle through {name}.js")
        visiting.add(name)
        for dep, _names, _star in _imports((folder / f"{name}.js").read_text(encoding="utf-8")):
            visit(dep)
        visiting.discard(name)
        order.append(name)

    visit(ENTRY)
    return order


def _binding(dep: str, names: str | None, star: str | None) -> str:
    if star:
        return f"const {star} = __mod_{dep};"
    parts = []
    for name in (n.strip() for n in names.split(",") if n.strip()):
        original, _, alias = (p.strip() for p in name.partition(" as "))
        parts.append(f"{original}: {alias}" if alias else original)
    return f"const {{ {', '.join(parts)} }} = __mod_{dep};"


def _module(name: str, source: str) -> str:
    leftover = re.search(r"^\s*(import|export)\b(?!\s+(?:async\s+)?(?:function|const|let|class))", IMPORT.sub("", source), re.M)
    if leftover:
        raise BundleError(f"{name}.js: unsupported '{leftover.group(1)}' form")
    body = IMPORT.sub(lambda m: _binding(m.group(3), m.group(1), m.group(2)), source)
    exported = EXPORT.findall(body)
    body = re.sub(r"^export\s+", "", body, flags=re.M)
    return (f"// ---- {name}.js ----\nconst __mod_{name} = (() => {{\n{body}\n"
            f"return {{ {', '.join(exported)} }};\n}})();\n")


@lru_cache(maxsize=8)
def _joined(folder: str, version: str, shell: tuple, catalogs: str) -> str:
    path = Path(folder)
    head = ("// Abhyas service worker, joined from app/service_worker/*.js by app/student/bundle.py.\n"
            f"const __mod_{GENERATED} = {{ VERSION: {json.dumps(version)}, SHELL: {json.dumps(list(shell))} }};\n"
            f"self.ABHYAS_CATALOGS = {catalogs};\n")
    return head + "".join(_module(name, (path / f"{name}.js").read_text(encoding="utf-8")) for name in _order(path))


def service_worker_script(folder: Path, version: str, shell: list, catalogs: dict) -> str:
    """The whole worker as one script for this shell version (joined once per version)."""
    return _joined(str(folder), version, tuple(shell), json.dumps(catalogs, ensure_ascii=False, sort_keys=True))

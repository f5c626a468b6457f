"""The house's shape: no import circle between parts or files, and an adaptive core without Flask.

Imports are read with `ast`, at the top of a file and inside functions alike: a circle hidden in a
function still ties two parts together.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app"
WEB_FRAMEWORK = ("flask", "werkzeug", "jinja2", "markupsafe", "itsdangerous")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict:
    """{module name: path} for every Python file under app/."""
    return {_module_name(path): path for path in APP.rglob("*.py")}


def _imports(name: str, path: Path, modules: dict) -> tuple[set, set]:
    """(app modules this file imports, top-level names of everything else it imports)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    ours, others = set(), set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            # `from pkg import name`: the module pkg.name when there is one, else pkg itself.
            targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in modules else source for alias in node.names]
        else:
            continue
        for target in targets:
            if target in modules:
                ours.add(target)
            elif target.split(".")[0] == "app":
                parent = target
                while parent and parent not in modules:
                    parent = parent.rpartition(".")[0]
                ours.add(parent)
            else:
                others.add(target.split(".")[0])
    ours.discard(name)
    return ours, others


def _graph() -> tuple[dict, dict]:
    modules = _modules()
    edges, externals = {}, {}
    for name, path in modules.items():
        edges[name], externals[name] = _imports(name, path, modules)
    return edges, externals


def _circles(edges: dict) -> list:
    """Strongly connected components with more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def _part(module: str) -> str:
    """The part a module belongs to: app.<part> for packages, the module itself for app/<module>.py."""
    return ".".join(module.split(".")[:2])


def test_the_graph_sees_function_level_and_relative_imports():
    """The reader itself: a lazy import inside a function and `from .. import x` both count."""
    edges, externals = _graph()
    assert "app.ops.demo" in edges["app.cli"]  # imported inside cmd_demo
    assert "app.auth.csrf" in edges["app.teacher"]  # `from ..auth import csrf` inside init_app
    assert "app.planning.replay" in edges["app.planning.refresh"]
    assert "flask" in externals["app.sync.views"]


def test_no_circle_between_files():
    """No two modules import each other, directly or round a longer loop."""
    edges, _ = _graph()
    assert _circles(edges) == []


def test_no_circle_between_parts():
    """Parts (app/<part>/ and app/<module>.py) depend one way; the app factory, which wires all, is left out."""
    edges, _ = _graph()
    parts: dict = {}
    for module, targets in edges.items():
        if module == "app":
            continue
        for target in targets:
            if target != "app" and _part(target) != _part(module):
                parts.setdefault(_part(module), set()).add(_part(target))
    assert _circles(parts) == []


def test_adaptive_core_never_reaches_flask():
    """app/adaptive imports no web framework, not even through another module of ours."""
    edges, externals = _graph()
    seen, todo = set(), [m for m in edges if m.startswith("app.adaptive")]
    while todo:
        module = todo.pop()
        if module not in seen:
            seen.add(module)
            todo.extend(edges[module])
    framework = {module: sorted(externals[module] & set(WEB_FRAMEWORK)) for module in seen}
    assert {module: names for module, names in framework.items() if names} == {}
    assert any(m.startswith("app.adaptive.") for m in seen)

"""The service worker's JavaScript copies pass against the same golden vectors as Python."""
import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_golden_files_are_fresh():
    """The committed JSON is exactly what the Python implementation produces today."""
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "golden" / "make_golden.py"), "--check"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_suite_passes_on_the_golden_vectors():
    out = subprocess.run(["node", "--test", "tests/js/"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "# fail 0" in out.stdout


def test_adaptive_core_never_imports_flask():
    for path in (ROOT / "app" / "adaptive").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "flask" for n in names), path

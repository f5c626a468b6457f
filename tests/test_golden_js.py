"""The service worker's JavaScript copies pass against the same golden vectors as Python."""
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


"""Run every benchmark in turn and print its figures (`make bench`)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def run(title: str, command: list) -> None:
    """Run one benchmark, echoing what it prints."""
    print(f"\n== {title}: {' '.join(command)}", flush=True)
    result = subprocess.run(command, cwd=ROOT)
    if result.returncode != 0:
        print(f"(exited {result.returncode})", flush=True)


def main() -> None:
    """Knowledge tracing, sync ingest, the teacher's overview, the student app's load."""
    python = sys.executable
    run("knowledge tracing", [python, str(HERE / "kt_eval.py")])
    run("sync ingest", [python, "-m", "app", "bench", "sync", "--json"])
    for script in ("teacher_overview.py", "student_load.py"):
        if (HERE / script).exists():
            run(script[:-3].replace("_", " "), [python, str(HERE / script)])


if __name__ == "__main__":
    main()

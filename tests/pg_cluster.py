"""A throwaway PostgreSQL cluster for the tests: initdb in a temp folder, pg_ctl on a free port, stopped after.

Runs the server as an unprivileged user (PostgreSQL refuses root): as the caller, or under root as `nobody`.
Also a command for scripts: `python tests/pg_cluster.py start FOLDER` prints the URL; `... stop FOLDER` stops it.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

SUPERUSER = "abhyas"
# A test cluster holds nothing worth keeping: durability off makes CREATE DATABASE and each commit fast.
SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off", "max_connections": "300",
            "shared_buffers": "64MB", "listen_addresses": "'127.0.0.1'"}


def bin_dir() -> Path:
    """Where Debian's PostgreSQL server programs are (not on PATH)."""
    found = shutil.which("pg_ctl") or next(iter(sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), reverse=True)), None)
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run `make test-deps` (Debian's postgresql package)")
    return Path(found).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(args: list[str]) -> list[str]:
    # PostgreSQL will not run as root; under root (a container, CI) the cluster belongs to `nobody`.
    return ["runuser", "-u", "nobody", "--", *args] if os.geteuid() == 0 else args


class Cluster:
    """One running cluster: `url(db)` for a database in it, `stop()` to end it and delete its folder."""

    def __init__(self, folder: Path, port: int):
        self.folder, self.port = folder, port

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls, folder: Path | None = None) -> Cluster:
        """initdb (trust, local only) and start the server on a free port; its socket stays in the folder."""
        folder = Path(folder or tempfile.mkdtemp(prefix="abhyas-pg-"))
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "nobody")
        data, bin_path, port = folder / "data", bin_dir(), _free_port()
        subprocess.run(_as_server_user([str(bin_path / "initdb"), "-D", str(data), "-A", "trust", "-U", SUPERUSER,
                                        "-E", "UTF8", "--locale=C", "--no-sync"]), check=True, capture_output=True)
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        subprocess.run(_as_server_user([str(bin_path / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                                        "-o", f"-p {port} -k {folder} {options}", "start"]), check=True, capture_output=True)
        return cls(folder, port)

    def stop(self) -> None:
        """Stop the server at once and delete its folder."""
        subprocess.run(_as_server_user([str(bin_dir() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "immediate",
                                        "-w", "stop"]), capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)


def main(argv: list[str]) -> int:
    """start FOLDER: print the postgres database's URL; stop FOLDER: stop the cluster there."""
    if len(argv) != 2 or argv[0] not in ("start", "stop"):
        print("usage: pg_cluster.py start|stop FOLDER", file=sys.stderr)
        return 2
    folder = Path(argv[1]).resolve()
    if argv[0] == "start":
        cluster = Cluster.start(folder)
        (folder / "port").write_text(str(cluster.port))
        print(cluster.url())
    else:
        Cluster(folder, int((folder / "port").read_text())).stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

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

    def __init__(self, folder: Path, port: int, password: str | None = None):
        self.folder, self.port, self.password = folder, port, password

    def url(self, database: str = "postgres", password: str | None = None) -> str:
        """A database's URL, with the cluster's password (or the one given) when it asks for one."""
        secret = password or self.password
        return f"postgresql://{SUPERUSER}{':' + secret if secret else ''}@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls, folder: Path | None = None, password: str | None = None) -> Cluster:
        """initdb (trust, or a password when given; local only) and start the server on a free port.

        The folder (by default a new one under the temp dir) must be reachable by the server's user: under root,
        not inside pytest's tmp_path, which only root may enter.
        """
        folder = Path(folder or tempfile.mkdtemp(prefix="abhyas-pg-"))
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, "nobody")
        data, bin_path, port = folder / "data", bin_dir(), _free_port()
        auth = ["-A", "trust"]
        if password:
            (folder / "pwfile").write_text(password)
            if os.geteuid() == 0:
                shutil.chown(folder / "pwfile", "nobody")
            auth = ["-A", "scram-sha-256", f"--pwfile={folder / 'pwfile'}"]
        subprocess.run(_as_server_user([str(bin_path / "initdb"), "-D", str(data), *auth, "-U", SUPERUSER,
                                        "-E", "UTF8", "--locale=C", "--no-sync"]), check=True, capture_output=True)
        options = " ".join(f"-c {k}={v}" for k, v in SETTINGS.items())
        subprocess.run(_as_server_user([str(bin_path / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w",
                                        "-o", f"-p {port} -k {folder} {options}", "start"]), check=True, capture_output=True)
        return cls(folder, port, password)

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

"""`abhyas serve`: the app behind gunicorn, a production WSGI server (never Flask's dev server)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from gunicorn.app.base import BaseApplication


class AbhyasServer(BaseApplication):
    """Gunicorn configured in code, so `abhyas serve` needs no config file."""

    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        """Copy our options into gunicorn's settings."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        """Build the app in each worker (after fork, so SQLite connections are never shared)."""
        from . import create_app
        return create_app()


def _start_retention(_arbiter) -> None:
    """Gunicorn's when_ready hook: blank typed answers past retention now and daily."""
    from .privacy.retention import start
    start(os.environ.get("ABHYAS_DB") or None)


_audio_job = None


def _start_audio(content_dir: Path):
    """A when_ready hook that also starts the background audio job, once the first pages can be served."""
    def when_ready(arbiter) -> None:
        global _audio_job
        _start_retention(arbiter)
        from .packs.audio_background import start_in_background
        from .paths import packs_dir
        arbiter.log.info("serving; rendering read-aloud audio for %s in the background", content_dir)
        print(f"serving now; read-aloud audio for {content_dir} follows in the background (a line per pack)",
              file=sys.stderr, flush=True)
        _audio_job = start_in_background(content_dir, packs_dir())
    return when_ready


def _stop_audio(_arbiter) -> None:
    """Gunicorn's on_exit hook: a server stopping stops its audio job too."""
    if _audio_job is not None and _audio_job.poll() is None:
        _audio_job.terminate()


def serve(host: str = "127.0.0.1", port: int | None = None, db_path: str | None = None, workers: int | None = None,
          audio_from: Path | None = None) -> None:
    """Serve until interrupted: gthread workers, one SQLite writer per process behind WAL; audio_from: render audio after start."""
    if db_path:  # a postgresql:// URL or a SQLite file, for this process and the workers it forks
        from .store import is_url
        if is_url(db_path):
            os.environ["ABHYAS_DATABASE_URL"] = str(db_path)
        else:
            os.environ.pop("ABHYAS_DATABASE_URL", None)
            os.environ["ABHYAS_DB"] = str(db_path)
    port = port or int(os.environ.get("PORT", "8000"))
    from . import create_app
    create_app()  # migrate and publish packs once, before workers fork
    options = {
        "bind": f"{host}:{port}",
        "workers": workers or int(os.environ.get("ABHYAS_WORKERS", "2")),
        "worker_class": "gthread",
        "threads": int(os.environ.get("ABHYAS_THREADS", "8")),
        "timeout": 30,
        "graceful_timeout": 5,
        "keepalive": 5,
        "accesslog": os.environ.get("ABHYAS_ACCESS_LOG") or None,
        "errorlog": "-",
        "loglevel": os.environ.get("ABHYAS_LOG_LEVEL", "warning"),
        "proxy_protocol": False,
        "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # The retention job runs in the master, once per server rather than once per worker.
        "when_ready": _start_audio(Path(audio_from)) if audio_from else _start_retention,
        "on_exit": _stop_audio,
    }
    AbhyasServer(options).run()

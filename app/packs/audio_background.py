"""Read-aloud audio after the server is up: each pack's clips rendered in turn, published as they are ready.

`make run` builds the text packs and serves at once; this job (a process the server starts)
then renders every pack's audio, logs a line per pack, keeps a status file the admin and
publisher pages read, and publishes each pack's manifest again with its audio section. Phones
use their own voice until the clips exist, then fetch them.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

STATUS_FILE = "audio_status.json"


def status_path(packs_dir: Path) -> Path:
    """Where the background job says how far it got (beside the built packs)."""
    return Path(packs_dir) / STATUS_FILE


def read_status(packs_dir: Path) -> dict | None:
    """The job's last word: {"state": "building"|"done"|"failed", "done", "total", "current", "packs": [...]}; None if it never ran."""
    try:
        return json.loads(status_path(packs_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _write_status(packs_dir: Path, status: dict) -> None:
    path = status_path(packs_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temp.write_text(json.dumps(status, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, path)


def pack_folders(content_dir: Path) -> list:
    """The pack sources in a content folder, in name order."""
    return sorted(p for p in Path(content_dir).iterdir() if (p / "pack.yaml").is_file())


def build_all_audio(content_dir: Path, packs_dir: Path, database: str | None = None, log=print) -> dict:
    """Render and publish every pack's audio in turn; return the final status. One pack failing does not stop the rest."""
    from ..db import connect
    from ..paths import keys_dir
    from .audio import audio_summary
    from .build import build_pack
    from .registry import publish, trusted_keys_for
    folders = pack_folders(content_dir)
    status = {"state": "building", "done": 0, "total": len(folders), "current": None, "packs": [], "started": time.time()}
    _write_status(packs_dir, status)
    for number, folder in enumerate(folders, 1):
        status["current"] = folder.name
        _write_status(packs_dir, status)
        started = time.monotonic()
        try:
            manifest = build_pack(folder, packs_dir, audio=True)
            if database is not None:
                db = connect(database)
                try:
                    publish(db, manifest, Path(packs_dir) / "files", trusted_keys_for(db, keys_dir()))
                finally:
                    db.close()
            summary = audio_summary(manifest).replace("\n", "; ")
            status["packs"].append({"pack": folder.name, "ok": True, "seconds": round(time.monotonic() - started, 1)})
            log(f"audio {number}/{len(folders)}: {folder.name} ready in {time.monotonic() - started:.0f} s ({summary})")
        except Exception as exc:  # noqa: BLE001 - one pack's failure is reported, the others still get audio
            status["packs"].append({"pack": folder.name, "ok": False, "error": str(exc)[:200]})
            log(f"audio {number}/{len(folders)}: {folder.name} failed: {exc}")
        status["done"] = number
        _write_status(packs_dir, status)
    status.update(state="done" if all(p["ok"] for p in status["packs"]) else "failed", current=None, ended=time.time())
    _write_status(packs_dir, status)
    return status


def start_in_background(content_dir: Path, packs_dir: Path) -> subprocess.Popen:
    """Start the audio job as a low-priority child process of the server; its log lines go to the server's stderr."""
    command = [sys.executable, "-m", "app", "pack", "build-audio", str(content_dir), "--out", str(packs_dir), "--publish"]
    return subprocess.Popen(command, preexec_fn=lambda: os.nice(10), stdout=sys.stderr, stderr=sys.stderr)  # noqa: PLW1509

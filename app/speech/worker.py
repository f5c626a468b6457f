"""The one process that talks to espeak-ng: text in, a verified WAV file out.

pyttsx3 is not thread-safe and its espeak driver can initialise libespeak-ng only once per
process, so all synthesis happens in a single dedicated worker (see render.py). Its
runAndWait() can also return before the WAV is on disk, so each file is waited for and
checked before the worker reports it.
"""
from __future__ import annotations

import contextlib
import io
import os
import subprocess
import time
import wave
from pathlib import Path

from .voices import espeak_binary

_engine = None
_engine_error: str | None = None
_rate = 150
_current_voice = None


def init_worker(rate: int = 150) -> None:
    """Start pyttsx3 with the espeak-ng driver once for this process (pool initializer)."""
    global _engine, _engine_error, _rate
    _rate = rate
    try:
        import pyttsx3

        _engine = pyttsx3.init("espeak")
        # pyttsx3 sets 200 words a minute; children need slower, clearer speech.
        _engine.setProperty("rate", rate)
    except Exception as error:  # libespeak-ng missing or not loadable: use the CLI
        _engine = None
        _engine_error = f"{type(error).__name__}: {error}"


def render_wav(job: dict) -> dict:
    """Render job {'text', 'voice', 'wav'} to a WAV file; return the path and the engine used."""
    wav_path = Path(job["wav"])
    wav_path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        wav_path.unlink()  # a stale file must not pass for fresh output
    engine_used = "pyttsx3"
    problem = _engine_error
    if _engine is not None:
        try:
            _render_with_pyttsx3(job["text"], job["voice"], wav_path)
            wait_for_wav(wav_path, timeout=job.get("wait_seconds", 10))
        except Exception as error:
            problem = f"{type(error).__name__}: {error}"
        else:
            return {"wav": str(wav_path), "engine": engine_used, "seconds": wav_seconds(wav_path)}
    # Fallback when pyttsx3 cannot drive espeak-ng here: the espeak-ng program, same process.
    _render_with_cli(job["text"], job["voice"], wav_path)
    wait_for_wav(wav_path, timeout=job.get("wait_seconds", 10))
    return {"wav": str(wav_path), "engine": "espeak-ng-cli", "fallback_reason": problem,
            "seconds": wav_seconds(wav_path)}


def wait_for_wav(path: Path, timeout: float = 10.0) -> None:
    """Wait until `path` is a complete WAV with audio frames, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    last_size = -1
    while time.monotonic() < deadline:
        if path.exists():
            size = path.stat().st_size
            # A stable size over one poll means the writer has finished.
            if size > 44 and size == last_size and _wav_frames(path) > 0:
                return
            last_size = size
        time.sleep(0.02)
    raise TimeoutError(f"no complete WAV at {path} after {timeout:.0f}s")


def wav_seconds(path: Path) -> float:
    """Length of a WAV file in seconds."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def _wav_frames(path: Path) -> int:
    try:
        with wave.open(str(path), "rb") as wav:
            return wav.getnframes()
    except (wave.Error, EOFError, OSError):
        return 0


def _render_with_pyttsx3(text: str, voice: str, wav_path: Path) -> None:
    global _current_voice
    if voice != _current_voice:
        _engine.setProperty("voice", voice)
        _current_voice = voice
    _engine.save_to_file(text, str(wav_path))
    # The espeak driver prints "Audio saved to ..." on stdout; keep the worker's output clean.
    with contextlib.redirect_stdout(io.StringIO()):
        _engine.runAndWait()


def _render_with_cli(text: str, voice: str, wav_path: Path) -> None:
    binary = espeak_binary()
    if not binary:
        raise RuntimeError("espeak-ng not found: install it (apt-get install espeak-ng)")
    # Text goes on stdin so a leading "-" is never taken for an option.
    result = subprocess.run([binary, "-v", voice, "-s", str(_rate), "-w", str(wav_path), "--stdin"],
                            input=text, capture_output=True, text=True, timeout=60, check=False,
                            env={**os.environ, "LANG": "C.UTF-8"})
    if result.returncode != 0:
        raise RuntimeError(f"espeak-ng failed: {result.stderr.strip()[:300]}")

"""Render an audio pack: (key, text, locale) entries to verified Ogg Opus files."""
from __future__ import annotations

import hashlib
import multiprocessing
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from app.i18n.speakable import to_speakable

from .opus import encode_opus, opus_info
from .voices import espeak_voice, voice_available
from .worker import init_worker, render_wav, wav_seconds

KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
DEFAULT_RATE = 150  # words a minute; espeak-ng's 175 is quick for a 10-year-old


class AudioError(Exception):
    """An audio pack entry that could not be rendered or failed verification."""


def plausible_seconds(text: str) -> tuple[float, float]:
    """The range of durations that speech for `text` can sensibly have at DEFAULT_RATE."""
    # Calibrated on espeak-ng at 150 wpm: about 0.07 s a character for prose in all five
    # voices; digits can expand a lot ("1234567" is "twelve lakh thirty-four thousand ...").
    digits = sum(ch.isdigit() for ch in text)
    others = len(text) - digits
    return 0.25 + 0.02 * others, 1.5 + 0.15 * others + 0.5 * digits


def render_audio_pack(entries, out_dir, rate: int = DEFAULT_RATE, timeout: float = 60.0,
                      speakable: bool = True) -> list[dict]:
    """Speak each (key, text, locale) to out_dir/<locale>/<key>.opus; return what was written."""
    jobs = _plan(entries, Path(out_dir), speakable)
    if not jobs:
        return []
    results = []
    # spawn, not fork: the worker must own a fresh libespeak-ng, not a copy of ours.
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="abhyas-wav-") as wav_dir, \
            context.Pool(processes=1, initializer=init_worker, initargs=(rate,)) as pool, \
            ThreadPoolExecutor(max_workers=2) as encoders:
        pending = []
        for index, job in enumerate(jobs):
            job["wav"] = str(Path(wav_dir) / f"{index}.wav")
            pending.append((job, pool.apply_async(render_wav, (job,))))
        encodes = []
        for job, async_result in pending:
            try:
                rendered = async_result.get(timeout=timeout)
            except multiprocessing.TimeoutError as error:
                pool.terminate()
                raise AudioError(f"{job['locale']}/{job['key']}: speech timed out "
                                 f"after {timeout:.0f}s") from error
            except Exception as error:
                pool.terminate()
                raise AudioError(f"{job['locale']}/{job['key']}: {error}") from error
            encodes.append(encoders.submit(_encode_and_verify, job, rendered))
        for future in encodes:
            results.append(future.result())
    return results


def _plan(entries, out_dir: Path, speakable: bool) -> list[dict]:
    jobs = []
    seen = set()
    for entry in entries:
        try:
            key, text, locale = entry
        except (TypeError, ValueError) as error:
            raise ValueError(f"audio entry {entry!r} is not (key, text, locale)") from error
        if not KEY_PATTERN.match(str(key)):
            raise ValueError(f"audio key {key!r} must be letters, digits, '.', '_' or '-'")
        if (key, locale) in seen:
            raise ValueError(f"audio key {key!r} appears twice for locale {locale!r}")
        seen.add((key, locale))
        if not str(text or "").strip():
            raise ValueError(f"audio entry {key!r} ({locale}) has no text")
        if not voice_available(locale):
            raise AudioError(f"no espeak-ng voice for locale {locale!r}: "
                             "install espeak-ng (apt-get install espeak-ng)")
        spoken = to_speakable(text, locale) if speakable else str(text)
        jobs.append({"key": key, "locale": locale, "text": spoken,
                     "voice": espeak_voice(locale),
                     "out": str(out_dir / locale / f"{key}.opus")})
    return jobs


def _encode_and_verify(job: dict, rendered: dict) -> dict:
    out = Path(job["out"])
    serial = int(hashlib.sha256(f"{job['locale']}/{job['key']}".encode()).hexdigest()[:7], 16)
    encode_opus(Path(rendered["wav"]), out, serial=serial)
    info = opus_info(out)
    label = f"{job['locale']}/{job['key']}"
    if info["channels"] != 1:
        raise AudioError(f"{label}: expected mono Opus, got {info['channels']} channels")
    spoken_seconds = wav_seconds(Path(rendered["wav"]))
    if abs(info["seconds"] - spoken_seconds) > 0.05:
        raise AudioError(f"{label}: Opus lasts {info['seconds']:.2f}s but the speech "
                         f"lasted {spoken_seconds:.2f}s")
    low, high = plausible_seconds(job["text"])
    if not low <= info["seconds"] <= high:
        raise AudioError(f"{label}: {info['seconds']:.2f}s of audio is implausible for "
                         f"{len(job['text'])} characters (expected {low:.1f}-{high:.1f}s)")
    return {"key": job["key"], "locale": job["locale"], "path": str(out),
            "bytes": info["bytes"], "seconds": round(info["seconds"], 3),
            "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
            "text": job["text"], "engine": rendered["engine"]}

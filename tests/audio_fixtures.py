"""Audio packs without a speech engine: each (locale, text) "renders" to fixed bytes, so builds stay fast and exact."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest


def body_of(manifest: Path) -> dict:
    """A built manifest's signed body."""
    return json.loads(json.loads(Path(manifest).read_text())["body"])


def audio_index(out: Path, entry: dict) -> dict:
    """An audio index document of a build folder, from its manifest entry."""
    return json.loads((Path(out) / entry["path"]).read_bytes())


@pytest.fixture
def fake_audio(monkeypatch, tmp_path):
    """Swap the espeak-ng/Opus render for stand-in bytes named by (locale, text), as the real cache is."""
    folder = tmp_path / "fake-audio"
    folder.mkdir()

    def render(entries, _cache_dir):
        clips = []
        for key, text, locale in entries:
            digest = hashlib.sha256(f"{locale}\0{text}".encode()).hexdigest()
            path = folder / f"{digest}.opus"
            if not path.exists():
                path.write_bytes(b"OggS-fake\0" + f"{locale}:{text}".encode())
            clips.append({"key": key, "locale": locale, "path": path, "seconds": round(len(text) / 12, 3)})
        return clips

    monkeypatch.setattr("app.packs.audio.render_with_cache", render)
    return folder

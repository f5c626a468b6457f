"""Audio packs: every item's speakable text, hints and misconception feedback, per locale, as Opus."""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from ..paths import PROJECT_ROOT
from .build import canonical_json, write_content_file


def audio_entries(pack) -> list:
    """(key, text, locale) for everything a student may hear: item text, hints, feedback."""
    entries = []
    for locale in pack.locales:
        for item in pack.items:
            entries.append((f"{item['id']}.speak", str(item["speak"][locale]), locale))
            for number, hint in enumerate(item.get("hints") or [], 1):
                entries.append((f"{item['id']}.hint{number}", str(hint[locale]), locale))
        for sid in pack.own_skill_ids:
            for mc in pack.skills[sid].get("misconceptions") or []:
                entries.append((f"{mc['id']}.feedback", str(mc["feedback"][locale]), locale))
    return entries


AUDIO_RECIPE = "espeak-ng/opus16/v1"  # change it when the voice settings change, to re-render every clip


def _cache_key(text: str, locale: str) -> str:
    return hashlib.sha256(f"{AUDIO_RECIPE}\0{locale}\0{text}".encode()).hexdigest()


def audio_cache_dir() -> Path:
    """Rendered clips by (recipe, locale, text): $ABHYAS_AUDIO_CACHE, else build/audio-cache in the project."""
    return Path(os.environ.get("ABHYAS_AUDIO_CACHE") or PROJECT_ROOT / "build" / "audio-cache")


def render_with_cache(entries: list, cache_dir: Path) -> list:
    """Render only clips whose (text, locale) was never rendered; rebuilding a pack stays fast."""
    from ..speech import render_audio_pack
    cache_dir.mkdir(parents=True, exist_ok=True)
    missing = [(_cache_key(text, loc), text, loc) for _key, text, loc in entries
               if not (cache_dir / f"{_cache_key(text, loc)}.json").exists()]
    unique = list({(k, loc): (k, t, loc) for k, t, loc in missing}.values())
    with tempfile.TemporaryDirectory(prefix="abhyas-audio-") as folder:
        for clip in render_audio_pack(unique, Path(folder)):
            (cache_dir / f"{clip['key']}.opus").write_bytes(Path(clip["path"]).read_bytes())
            (cache_dir / f"{clip['key']}.json").write_text(json.dumps({"seconds": clip["seconds"]}))
    clips = []
    for key, text, locale in entries:
        cached = _cache_key(text, locale)
        clips.append({"key": key, "locale": locale, "path": cache_dir / f"{cached}.opus",
                      "seconds": json.loads((cache_dir / f"{cached}.json").read_text())["seconds"]})
    return clips


def build_audio_files(pack, files_dir: Path) -> dict:
    """Render (or reuse), content-address and index the audio; return the manifest's `audio` section."""
    rendered = render_with_cache(audio_entries(pack), audio_cache_dir())
    files, locales = [], {}
    by_locale: dict = {}
    for clip in rendered:
        entry = write_content_file(files_dir, Path(clip["path"]).read_bytes(), suffix=".opus", compress=False)
        by_locale.setdefault(clip["locale"], {})[clip["key"]] = {"sha256": entry["sha256"], "seconds": clip["seconds"]}
        files.append(dict(entry, role="audio", locale=clip["locale"]))
    for locale, index in sorted(by_locale.items()):
        doc = write_content_file(files_dir, canonical_json({"pack": pack.source.pack_id, "locale": locale, "clips": index}))
        files.append(dict(doc, role="audio-index", locale=locale))
        clip_bytes = sum({f["sha256"]: f["bytes"] for f in files if f["role"] == "audio" and f["locale"] == locale}.values())
        locales[locale] = {"index": doc["path"], "clips": len(index), "bytes": clip_bytes + doc["bytes_br"]}
    unique = {f["sha256"]: f for f in files}
    return {"format": "opus", "bitrate_kbps": 16, "locales": locales, "files": list(unique.values())}


def audio_summary(manifest_path: Path) -> str:
    """One line per locale: clips and size of its audio pack, as the build prints them."""
    body = json.loads(json.loads(Path(manifest_path).read_text())["body"])
    return "\n".join(f"audio {loc}: {info['clips']} clips, {info['bytes'] / 1024:.0f} KB"
                     for loc, info in body.get("audio", {}).get("locales", {}).items())

"""Audio packs: every item's speakable text, hints and misconception feedback, per locale, as Opus."""
from __future__ import annotations

import json
import tempfile
from pathlib import Path

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


def build_audio_files(pack, files_dir: Path) -> dict:
    """Render, content-address and index the audio; return the manifest's `audio` section."""
    from ..speech import render_audio_pack
    with tempfile.TemporaryDirectory(prefix="abhyas-audio-") as folder:
        rendered = render_audio_pack(audio_entries(pack), Path(folder))
        files, locales = [], {}
        by_locale: dict = {}
        for clip in rendered:
            entry = write_content_file(files_dir, Path(clip["path"]).read_bytes(), suffix=".opus", compress=False)
            by_locale.setdefault(clip["locale"], {})[clip["key"]] = {"sha256": entry["sha256"], "seconds": clip["seconds"]}
            files.append(dict(entry, role="audio", locale=clip["locale"]))
        for locale, index in sorted(by_locale.items()):
            doc = write_content_file(files_dir, canonical_json({"pack": pack.source.pack_id, "locale": locale, "clips": index}))
            files.append(dict(doc, role="audio-index", locale=locale))
            clip_bytes = sum(f["bytes"] for f in files if f["role"] == "audio" and f["locale"] == locale)
            locales[locale] = {"index": doc["path"], "clips": len(index), "bytes": clip_bytes + doc["bytes_br"]}
    unique = {f["sha256"]: f for f in files}
    return {"format": "opus", "bitrate_kbps": 16, "locales": locales, "files": list(unique.values())}


def audio_summary(manifest_path: Path) -> str:
    """One line per locale: clips and size of its audio pack, as the build prints them."""
    body = json.loads(json.loads(Path(manifest_path).read_text())["body"])
    return "\n".join(f"audio {loc}: {info['clips']} clips, {info['bytes'] / 1024:.0f} KB"
                     for loc, info in body.get("audio", {}).get("locales", {}).items())

"""Audio packs: every item's speakable text, hints and misconception feedback, per locale, as Opus."""
from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from pathlib import Path

from ..paths import PROJECT_ROOT
from .files import canonical_json, write_content_file
from .signing import TrustError


def audio_entries(pack) -> list:
    """(key, text, locale) for everything a student may hear: item text, hints, feedback, worked examples."""
    entries = []
    for locale in pack.locales:
        for item in pack.items:
            entries.append((f"{item['id']}.speak", spoken_item(item, locale), locale))
            for number, hint in enumerate(item.get("hints") or [], 1):
                entries.append((f"{item['id']}.hint{number}", str(hint[locale]), locale))
        for sid in pack.own_skill_ids:
            for mc in pack.skills[sid].get("misconceptions") or []:
                entries.append((f"{mc['id']}.feedback", str(mc["feedback"][locale]), locale))
        from .worked_examples import clip_entries
        entries += [(key, text, locale) for key, text in clip_entries(pack, locale)]
    return entries


def spoken_item(item, locale: str) -> str:
    """What the read-aloud clip says: the figure's description first (as the phone's own voice does), then the question."""
    from ..i18n.speakable import to_speakable
    figure = item.get("figure")
    if not figure:
        return str(item["speak"][locale])
    described = figure["speak"][locale] if figure.get("speak") else to_speakable(str(figure["alt"][locale]), locale)
    return f"{described} {item['speak'][locale]}"


AUDIO_RECIPE = "espeak-ng/opus16/v1"  # change it when the voice settings change, to re-render every clip
AUDIO_INDEX_FORMAT = 2  # 2: each clip carries its path and bytes; the manifest lists no clips
CLIP_PATH = re.compile(r"^files/[0-9a-f]{64}\.(opus|ogg)$")


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
    """Render (or reuse), content-address and index the audio; return the manifest's `audio` section.

    The manifest lists only one index file per locale (~1,100 clips a pack would make it
    ~300 KB); each index lists its clips with their SHA-256, path and size. The index's own
    SHA-256 is in the signed manifest, so every clip stays checkable from the signature.
    """
    rendered = render_with_cache(audio_entries(pack), audio_cache_dir())
    by_locale: dict = {}
    for clip in rendered:
        entry = write_content_file(files_dir, Path(clip["path"]).read_bytes(), suffix=".opus", compress=False)
        by_locale.setdefault(clip["locale"], {})[clip["key"]] = {
            "sha256": entry["sha256"], "path": entry["path"], "bytes": entry["bytes"], "seconds": clip["seconds"]}
    files, locales = [], {}
    for locale, clips in sorted(by_locale.items()):
        doc = write_content_file(files_dir, canonical_json(
            {"format": AUDIO_INDEX_FORMAT, "pack": pack.source.pack_id, "locale": locale, "clips": clips}))
        clip_bytes = sum({c["sha256"]: c["bytes"] for c in clips.values()}.values())
        files.append(dict(doc, role="audio-index", locale=locale, clips=len(clips), clip_bytes=clip_bytes))
        locales[locale] = {"index": doc["path"], "clips": len(clips), "clip_bytes": clip_bytes,
                           "bytes": clip_bytes + doc["bytes_br"]}
    return {"format": "opus", "bitrate_kbps": 16, "locales": locales, "files": files}


def audio_index_entries(body: dict) -> list:
    """The manifest's per-locale audio index files (their hashes are signed with the manifest)."""
    return [f for f in body.get("audio", {}).get("files", []) if f.get("role") == "audio-index"]


def clips_of_index(index: dict) -> list:
    """An audio index document's clips as file entries ({sha256, path, bytes}), each once, in key order."""
    found = {}
    try:
        for key, clip in sorted((index.get("clips") or {}).items()):
            sha = clip["sha256"]
            # Format-1 indexes (manifest format 1) gave only the hash: the path follows from it.
            path = clip.get("path") or f"files/{sha}.opus"
            if not CLIP_PATH.match(path) or Path(path).stem != sha:
                raise TrustError(f"audio index: clip {key} has a path that is not its hash")
            found.setdefault(sha, {"sha256": sha, "path": path, "bytes": clip.get("bytes")})
    except (AttributeError, KeyError, TypeError):
        raise TrustError("an audio index is damaged") from None
    return list(found.values())


def audio_clip_entries(body: dict, read_index) -> list:
    """Every clip the manifest's audio indexes list, each once; read_index(entry) gives an index's checked bytes.

    A format-1 manifest listed its clips itself (role "audio"); they are included too.
    """
    found = {f["sha256"]: f for f in body.get("audio", {}).get("files", []) if f.get("role") == "audio"}
    for entry in audio_index_entries(body):
        try:
            index = json.loads(read_index(entry))
        except ValueError:
            raise TrustError(f"{Path(entry['path']).name}: an audio index that is not JSON") from None
        for clip in clips_of_index(index):
            found.setdefault(clip["sha256"], clip)
    return list(found.values())


def audio_summary(manifest_path: Path) -> str:
    """One line per locale: clips and size of its audio pack, as the build prints them."""
    body = json.loads(json.loads(Path(manifest_path).read_text())["body"])
    return "\n".join(f"audio {loc}: {info['clips']} clips, {info['bytes'] / 1024:.0f} KB"
                     for loc, info in body.get("audio", {}).get("locales", {}).items())

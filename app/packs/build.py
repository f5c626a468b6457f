"""`abhyas pack build`: content-addressed, pre-compressed files and a signed manifest."""
from __future__ import annotations

from pathlib import Path

from .audio import build_audio_files
from .compile import (
    ROMANISABLE,
    items_document,
    meta_document,
    roman_document,
    text_document,
)
from .files import atomic_write, canonical_json, write_content_file
from .signing import instance_key, sign_manifest
from .source import Problems
from .validate import load_pack


class PackBuildError(Exception):
    """A pack that cannot be built; carries the validator's problems."""

    def __init__(self, problems):
        self.problems = problems
        first = problems[0] if problems else "unknown problem"
        more = f" (and {len(problems) - 1} more; run abhyas pack validate)" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")

    @property
    def user_message(self) -> str:
        """The one-line reason shown to a person."""
        return str(self)


def build_pack(source_dir: Path, out_dir: Path, key_path=None, audio: bool = False) -> Path:
    """Validate and build a pack into out_dir; return the signed manifest's path."""
    problems = Problems()
    pack = load_pack(Path(source_dir), problems)
    if problems or pack is None:
        raise PackBuildError(sorted(set(problems), key=lambda p: (p.file, p.line)) or ["pack.yaml unusable"])
    files_dir = Path(out_dir) / "files"
    entries = [dict(write_content_file(files_dir, canonical_json(meta_document(pack))), role="meta"),
               dict(write_content_file(files_dir, canonical_json(items_document(pack))), role="items")]
    for locale in pack.locales:
        text_doc = text_document(pack, locale)
        entries.append(dict(write_content_file(files_dir, canonical_json(text_doc)), role="text", locale=locale))
        if locale in ROMANISABLE:
            roman = write_content_file(files_dir, canonical_json(roman_document(text_doc)))
            entries.append(dict(roman, role="roman", locale=locale))
    meta = pack.source.meta
    body = {
        "format": 2,  # 2: audio lists per-locale index files only; each index lists its clips
        "pack": pack.source.pack_id,
        "version": str(meta["version"]),
        "publisher": meta["publisher"],
        "title": {k: str(v) for k, v in meta["title"].items()},
        "locales": {loc: {"review": info.get("review"), **({"note": info["note"]} if info.get("note") else {})}
                    for loc, info in meta["locales"].items()},
        "requires": list(meta.get("requires") or []),
        "files": entries,
        "bytes": sum(e["bytes"] for e in entries),
        "bytes_br": sum(e["bytes_br"] for e in entries),
    }
    if audio:
        body["audio"] = build_audio_files(pack, files_dir)
    manifest_bytes = sign_manifest(body, Path(key_path) if key_path else instance_key(str(meta["publisher"])))
    manifest_dir = Path(out_dir) / pack.source.pack_id / str(meta["version"])
    manifest_dir.mkdir(parents=True, exist_ok=True)
    manifest = manifest_dir / "manifest.json"
    atomic_write(manifest, manifest_bytes)
    return manifest

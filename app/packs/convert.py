"""`abhyas pack convert-script`: a pack's text carried between Brahmic scripts, as a draft locale."""
from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from ..i18n.transliterate import ScriptConversionError, convert_script


def _convert_maps(value, source: str, target: str):
    """Add `target` text beside every `source` text in a locale map, recursively."""
    if isinstance(value, dict):
        out = {k: _convert_maps(v, source, target) for k, v in value.items()}
        if isinstance(value.get(source), str) and target not in value:
            out[target] = convert_script(value[source], source, target)
        return out
    if isinstance(value, list):
        return [_convert_maps(v, source, target) for v in value]
    return value


def convert_pack_script(pack_dir: Path, source: str, target: str, out_dir: Path) -> Path:
    """Write a copy of the pack with a new `target` locale converted from `source`; refuse Tamil."""
    if "ta" in (source, target):
        raise ScriptConversionError("Tamil script cannot be converted faithfully to or from other Brahmic scripts; "
                                    "translate instead")
    pack_dir, out_dir = Path(pack_dir), Path(out_dir)
    if out_dir.exists():
        raise FileExistsError(f"{out_dir} exists; choose a new folder")
    shutil.copytree(pack_dir, out_dir)
    for path in sorted(out_dir.rglob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "pack.yaml":
            locales = data.setdefault("locales", {})
            if source not in locales:
                raise ScriptConversionError(f"the pack has no '{source}' locale to convert from")
            locales[target] = {"review": "draft",
                               "note": f"Converted by script from {source}; a native speaker must review it"}
            data = {k: (_convert_maps(v, source, target) if k != "locales" else v) for k, v in data.items()}
        else:
            data = _convert_maps(data, source, target)
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120), encoding="utf-8")
    return out_dir

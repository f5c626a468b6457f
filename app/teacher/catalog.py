"""What the teacher reads: the adaptive catalog plus names of skills, misconceptions, items and prompts."""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app

from ..db import get_db
from ..packs.blobs import fill
from ..packs.registry import latest_manifests, load_catalog

_labels_cache: dict = {}


def catalog() -> dict:
    """The adaptive catalog of the newest published packs (cached by the registry)."""
    return load_catalog(get_db(), Path(current_app.config["PACKS_DIR"]) / "files")


def _text_doc(db, files_dir: Path, body: dict, locale: str):
    by_locale = {entry.get("locale"): entry for entry in body["files"] if entry["role"] == "text"}
    entry = by_locale.get(locale) or by_locale.get("en") or next(iter(by_locale.values()), None)
    if entry is None:
        return None
    name = Path(entry["path"]).name
    return json.loads((files_dir / name).read_bytes()) if fill(db, files_dir, name) else None


def labels(locale: str = "en") -> dict:
    """Names in the teacher's language (English where a pack lacks it): skills, misconceptions, items, prompts."""
    db = get_db()
    files_dir = Path(current_app.config["PACKS_DIR"]) / "files"
    manifests = latest_manifests(db)
    key = (str(files_dir), locale, tuple(sorted((pid, body["version"]) for pid, (_t, body) in manifests.items())))
    if key in _labels_cache:
        return _labels_cache[key]
    out = {"skills": {}, "misconceptions": {}, "items": {}, "choices": {}, "reflections": {}, "packs": {}}
    for pid, (_text, body) in sorted(manifests.items()):
        titles = body.get("title") or {}
        out["packs"][pid] = titles.get(locale) or titles.get("en") or pid
        doc = _text_doc(db, files_dir, body, locale)
        if not doc:
            continue
        out["skills"].update(doc.get("skills", {}))
        out["misconceptions"].update({k: v.get("name", k) for k, v in doc.get("misconceptions", {}).items()})
        out["items"].update({k: v.get("text", k) for k, v in doc.get("items", {}).items()})
        out["choices"].update({k: v["choices"] for k, v in doc.get("items", {}).items() if v.get("choices")})
        out["reflections"].update(doc.get("reflections", {}))
    if len(_labels_cache) > 20:
        _labels_cache.clear()
    _labels_cache[key] = out
    return out


def class_skills(db, class_id: int, cat: dict) -> list:
    """The skills of the units assigned to the class in prerequisite order (all skills when none assigned)."""
    from ..adaptive.graph import topological_order
    packs = [row[0] for row in db.execute("SELECT pack_id FROM assignments WHERE class_id = ? ORDER BY pack_id",
                                          [class_id])]
    wanted = [s for p in packs for s in cat["packs"].get(p, {}).get("skills", [])] if packs else list(cat["skills"])
    order = {s: i for i, s in enumerate(topological_order(cat))}
    return sorted(set(wanted), key=lambda s: (order.get(s, 10 ** 6), s))


def answer_text(names: dict, item: str, response) -> str:
    """What a student answered, as the teacher reads it: a choice's text rather than its key."""
    choices = names["choices"].get(item)
    if choices and isinstance(response, str):
        key = response.strip().lower()
        if key in choices:
            return choices[key]
        # A key the item never offered (an old phone, a tampered answer): say so rather than show the key.
        from ..i18n.web import gettext as _
        return _("an answer that is not one of the choices")
    return "" if response is None else str(response)

"""The catalogue as people read it: each pack's newest version, its history, trust, and which classes have it."""
from __future__ import annotations

from pathlib import Path

from ..packs.publishing import catalogue
from ..packs.registry import trusted_keys_for


def human_bytes(n) -> str:
    """A byte count as a phone user reads it: 930 B, 31 KB, 4.2 MB."""
    n = int(n or 0)
    if n < 1000:
        return f"{n} B"
    if n < 1_000_000:
        return f"{n / 1000:.0f} KB"
    return f"{n / 1_000_000:.1f} MB"


def versions(db, pack_id: str) -> list:
    """Every published version of a pack, newest first, with when and by whom."""
    rows = db.execute("SELECT p.version, p.publisher, p.published_at, coalesce(u.display_name, u.username) "
                      "FROM packs p LEFT JOIN users u ON u.id = p.published_by WHERE p.pack_id = ?", [pack_id]).fetchall()
    listed = [dict(zip(("version", "publisher", "published_at", "by"), r)) for r in rows]
    return sorted(listed, key=lambda v: tuple(int(x) for x in v["version"].split(".")), reverse=True)


def catalogue_view(db, packs_dir: Path, keys_dir: Path, teacher_id: int | None = None) -> list:
    """The catalogue with, per pack: its versions, whether its key is still trusted, and the teacher's classes."""
    trusted = trusted_keys_for(db, Path(keys_dir))
    key_of = {r[0]: r[1] for r in db.execute("SELECT pack_id, key_id FROM packs")}
    classes = []
    if teacher_id is not None:
        classes = [{"id": r[0], "name": r[1]} for r in
                   db.execute("SELECT id, name FROM classes WHERE teacher_id = ? ORDER BY created_at", [teacher_id])]
    assigned: dict = {}
    for class_id, pack_id in db.execute("SELECT a.class_id, a.pack_id FROM assignments a JOIN classes c "
                                        "ON c.id = a.class_id WHERE c.teacher_id = ?", [teacher_id or -1]):
        assigned.setdefault(pack_id, set()).add(class_id)
    listing = []
    for entry in catalogue(db, Path(packs_dir) / "files"):
        newest = db.execute("SELECT key_id FROM packs WHERE pack_id = ? AND version = ?",
                            [entry["pack"], entry["version"]]).fetchone()
        key_id = newest[0] if newest else key_of.get(entry["pack"])
        listing.append(dict(entry, key_id=key_id, trusted=key_id in trusted, versions=versions(db, entry["pack"]),
                            classes=[dict(c, assigned=c["id"] in assigned.get(entry["pack"], set())) for c in classes]))
    return listing

"""Assigning a published unit to a class from the catalogue (class settings can also tick and untick units)."""
from __future__ import annotations

import time

from flask import abort, redirect, request, url_for

from ..db import get_db, write
from ..i18n.web import gettext as _
from ..packs.registry import latest_manifests
from ..planning.decisions import record_override
from .blueprint import bp, current_user, owned_class, teacher_required


@bp.post("/assign")
@teacher_required
def assign_unit():
    """Give one of the teacher's classes a published unit; the change is recorded like any other."""
    try:
        class_id = int(request.form.get("class_id", ""))
    except ValueError:
        abort(404)
    klass = owned_class(class_id)
    pack = request.form.get("pack", "")
    db = get_db()
    if pack not in latest_manifests(db):
        abort(404)
    current = sorted(row[0] for row in db.execute("SELECT pack_id FROM assignments WHERE class_id = ?", [class_id]))
    if pack not in current:
        with write(db):
            db["assignments"].insert({"class_id": class_id, "pack_id": pack, "assigned_at": time.time()})
            record_override(db, current_user()["id"], None, class_id, "units", None, current, sorted(current + [pack]),
                            request.form.get("reason", "").strip()[:200] or _("Assigned from the catalogue"))
    return redirect(url_for("publisher.catalogue", assigned=f"{pack} → {klass['name']}") + f"#pack-{pack}")

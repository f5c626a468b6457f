"""The class overview: who needs what, and why, at a glance."""
from __future__ import annotations

import threading
from collections import OrderedDict

from flask import render_template, request
from markupsafe import Markup, escape

from ..db import get_db
from ..i18n.web import get_locale, gettext as _
from ..planning.decisions import mastery_overrides, student_settings
from . import insights, tallied, timefmt, todo
from .blueprint import bp, class_context, owned_class, teacher_required
from .catalog import catalog, class_skills, labels
from .snapshot import load_snapshot, load_students

GROUPS_SHOWN = 6
RISKY_SHOWN = 5


def mastery_band(p: float | None, attempts: int, threshold: float) -> str:
    """A symbol class for a mastery cell (the page shows the number and a symbol, not colour alone)."""
    if p is None or not attempts:
        return ""
    if p >= threshold:
        return "m3"
    return "m2" if p >= 0.6 else "m1"


def current_tiers(snap, settings: dict) -> dict:
    """Per student: the tier in force (teacher override first, else the newest set's) and whether overridden."""
    out = {}
    for s in snap.students:
        override = settings.get(s["id"], {}).get("tier")
        sets = snap.sets.get(s["id"], [])
        latest = sets[-1]["tier"] if sets else None
        out[s["id"]] = {"tier": override["value"] if override else latest, "override": override}
    return out


_memo_lock = threading.Lock()
_class_memo: OrderedDict = OrderedDict()     # per class version: groups, item statistics
_student_memo_store: OrderedDict = OrderedDict()  # per student: behaviour levels and flags
CLASS_MEMOS, STUDENT_MEMOS = 64, 4096


def _remember(store: OrderedDict, limit: int, key, compute):
    """The value stored under key, else compute and store it (least recently used entries go first)."""
    with _memo_lock:
        if key in store:
            store.move_to_end(key)
            return store[key]
    value = compute()
    with _memo_lock:
        store[key] = value
        while len(store) > limit:
            store.popitem(last=False)
    return value


def _student_memo(snap):
    """A memo for per-student results, per database (the key names the student and what they did)."""
    if snap.version is None:
        return None
    path = snap.version[0]
    return lambda key, compute: _remember(_student_memo_store, STUDENT_MEMOS, (path,) + key, compute)


def _memo(snap, name: str, compute):
    """Reuse a result computed from the same events (the snapshot's version) on the same day; else compute it.

    Events never change once stored, so a class whose phones have not synced since the last
    view gets the same groups and item statistics without recounting.
    """
    if snap.version is None:
        return compute()
    return _remember(_class_memo, CLASS_MEMOS, (snap.version, int(snap.now // 86400), name), compute)


def tier_text(tier) -> str:
    """A tier as the teacher reads it: "Tier 2", "Enrichment", "Maintenance", or an en dash."""
    if tier in (None, ""):
        return "–"
    if str(tier) == "enrichment":
        return _("Enrichment")
    if str(tier) == "maintenance":
        return _("Maintenance")
    return _("Tier %(n)s", n=tier)


def table_body(snap, skills: list, matrix: dict, threshold: float, completion: dict, tiers: dict) -> Markup:
    """The mastery table's rows as HTML, built here in one pass: 60 students × 15 skills is the page's
    hot loop, and a template would spend most of the page's time on it (bench/teacher_overview.py)."""
    out = []
    for s in snap.students:
        sid = s["id"]
        tier = tiers[sid]
        parts = [f'<tr><th scope="row"><a href="/teacher/students/{sid}">{escape(s["name"])}</a></th>'
                 f'<td{" class=ov" if tier["override"] else ""}>{escape(tier_text(tier["tier"]))}</td>']
        row = matrix[sid]
        for skill in skills:
            cell = row.get(skill)
            if cell and (cell["attempts"] or cell["override"]):
                css = mastery_band(cell["p"], 1, threshold) + (" ov" if cell["override"] else "")
                parts.append(f'<td class="{css}">{int(round(cell["p"] * 100))}</td>')
            else:
                parts.append("<td>–</td>")
        c = completion[sid]
        parts.append(f"<td>{c['completed']}/{c['released']}</td><td>{escape(timefmt.ago(snap.last_sync.get(sid)))}</td></tr>")
        out.append("".join(parts))
    return Markup("\n".join(out))


def overview_data(db, klass: dict) -> dict:
    """Everything the overview renders, from one snapshot of the class."""
    cat = catalog()
    names = labels(get_locale())
    skills = class_skills(db, klass["id"], cat)
    snap = load_snapshot(db, klass["id"], days=insights.RECENT_DAYS)
    ids = [s["id"] for s in snap.students]
    overrides = mastery_overrides(db, ids)
    matrix = insights.mastery_matrix(db, ids, skills, overrides)
    threshold = klass["mastery_threshold"]
    signals = insights.outreach(snap, cat, levels=insights.behaviour(snap, cat, memo=_student_memo(snap)))
    from ..planning.away import class_pause, excused
    away = excused(db, ids, snap.now)
    pause = class_pause(klass, snap.now)
    flagged = sorted((s for s in snap.students if signals[s["id"]]["flags"] and s["id"] not in away and not pause),
                     key=lambda s: (-len(signals[s["id"]]["flags"]), s["name"]))
    tiers = current_tiers(snap, student_settings(db, ids))
    out = {
        "snap": snap, "skills": skills, "names": names, "threshold": threshold,
        "table_body": table_body(snap, skills, matrix, threshold, insights.completion(snap), tiers),
        "summary": insights.skill_summary(matrix, skills, threshold),
        "all_groups": _memo(snap, "groups", lambda: insights.misconception_groups(snap, cat)),
        "signals": signals, "flagged": flagged, "excused": away, "pause": pause,
        "risky": insights.risky_items(_memo(snap, "items", lambda: insights.item_statistics(snap, cat)),
                                      RISKY_SHOWN),
    }
    out["groups"] = out["all_groups"][:GROUPS_SHOWN]
    return out


@bp.get("/classes/<int:class_id>")
@teacher_required
def overview(class_id):
    """Class overview: mastery per skill, misconception groups, outreach, risky items, completion, sync."""
    klass = owned_class(class_id)
    db = get_db()
    data, context = overview_data(db, klass), class_context(klass)
    from ..i18n.explain import signal_lines
    from .readable import flag_label
    steps = todo.next_steps(klass, context["waiting"], data["flagged"], data["signals"], data["all_groups"],
                            data["names"], flag_label, signal_lines)
    return render_template("teacher/overview.html", steps=steps, **data, **context)


@bp.get("/classes/<int:class_id>/misconceptions/<mc>")
@teacher_required
def misconception(class_id, mc):
    """One misconception group: who still shows it, who resolved it, typical wrong answers and where."""
    klass = owned_class(class_id)
    db = get_db()
    cat = catalog()
    snap = load_snapshot(db, klass["id"], days=insights.RECENT_DAYS)
    group = next((g for g in insights.misconception_groups(snap, cat) if g["misconception"] == mc), None)
    info = cat.get("misconceptions", {}).get(mc)
    if info is None and group is None:
        from flask import abort
        abort(404)
    return render_template("teacher/misconception.html", mc=mc, group=group, info=info or {},
                           names=labels(get_locale()), students_by_id=snap.by_id(), **class_context(klass))


@bp.get("/classes/<int:class_id>/items")
@teacher_required
def item_report(class_id):
    """The items of the class's units it answered (another unit's with ?unit=PACK): facility, discrimination,
    median time, most common wrong answer."""
    klass = owned_class(class_id)
    db = get_db()
    cat = catalog()
    unit = request.args.get("unit")
    if unit is not None and unit not in cat["packs"]:
        from flask import abort
        abort(404)
    # A year holds every unit the class went through (~1,800 items, a 364 KB page): one unit's worth at a time.
    skills = set(cat["packs"][unit]["skills"] if unit else class_skills(db, klass["id"], cat))
    only = sorted(i for i, item in cat["items"].items() if item.get("skill") in skills)
    students = load_students(db, klass["id"])
    evidence = tallied.item_evidence(db, klass["id"], students, cat["items"], only)
    # The rest score behind discrimination counts every item's first answer, not only the ones shown.
    totals = tallied.first_try_totals(db, klass["id"], [s["id"] for s in students])
    stats = insights.statistics_from(evidence, cat, totals)
    risky = {s["item"]: s["reasons"] for s in insights.risky_items(stats)}
    stats.sort(key=lambda s: (s["item"] not in risky, s["facility"], s["item"]))
    assigned = {r[0] for r in db.execute("SELECT pack_id FROM assignments WHERE class_id = ?", [klass["id"]])}
    names = labels(get_locale())
    others = sorted((p for p in cat["packs"] if p not in assigned), key=lambda p: (names["packs"].get(p, p), p))
    return render_template("teacher/items.html", stats=stats, risky=risky, names=names, unit=unit,
                           other_units=others, **class_context(klass))

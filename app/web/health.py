"""GET /healthz for a load balancer: the database answers, its schema is current, there is room to write."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from urllib.parse import quote

from flask import Blueprint, current_app, jsonify

from ..db import MIGRATIONS, get_db
from .openapi import register_paths
from .operator_log import ops_counts

bp = Blueprint("health", __name__)
HEALTH = {"type": "object", "properties": {
    "database": {"type": "string"}, "schema": {"type": ["integer", "null"]}, "schema_expected": {"type": "integer"},
    "headroom_bytes": {"type": ["integer", "null"]}, "events": {"type": "object"}}}
register_paths({"/healthz": {"get": {
    "summary": "For a load balancer: the database answers, its schema is current, there is room to write",
    "responses": {"200": {"description": "can serve", "content": {"application/json": {"schema": HEALTH}}},
                  "503": {"description": "cannot serve, and why", "content": {"application/json": {"schema": HEALTH}}}}}}})
# Below this much free space a sync might fail half-way through a busy hour: stop taking traffic first.
MIN_FREE_BYTES = 64 * 1024 * 1024


def _headroom(db) -> int:
    """Bytes the database can still grow by: the smaller of free disk space and SQLite's own page limit."""
    free = shutil.disk_usage(Path(current_app.config["DATABASE"]).parent).free
    page_size, page_count, max_pages = (db.execute(f"PRAGMA {name}").fetchone()[0]
                                        for name in ("page_size", "page_count", "max_page_count"))
    return min(free, (max_pages - page_count) * page_size)


def _probe(path: str) -> int:
    """Open the database file afresh (never create it) and read its header; return its schema version.

    A fresh connection, not the serving one: a file that vanished or was overwritten shows here at once.
    """
    probe = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=rw", uri=True, timeout=2)
    try:
        probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return probe.execute("PRAGMA user_version").fetchone()[0]
    finally:
        probe.close()


@bp.get("/healthz")
def healthz():
    """200 with the database's state when the server can serve; 503 with the reason when it cannot."""
    latest = MIGRATIONS[-1][0]
    report = {"database": "ok", "schema": None, "schema_expected": latest, "headroom_bytes": None,
              "events": ops_counts()}
    try:
        report["schema"] = _probe(current_app.config["DATABASE"])
        report["headroom_bytes"] = _headroom(get_db())
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is the answer itself
        report["database"] = f"unreachable: {exc}"
        return jsonify(report), 503
    problems = []
    if report["schema"] != latest:
        problems.append(f"schema {report['schema']}, expected {latest}")
    if report["headroom_bytes"] < current_app.config.get("MIN_FREE_BYTES", MIN_FREE_BYTES):
        problems.append("almost no room left to write")
    if problems:
        report["database"] = "; ".join(problems)
        return jsonify(report), 503
    return jsonify(report)


def init_app(app) -> None:
    """Register /healthz."""
    app.register_blueprint(bp)

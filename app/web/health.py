"""GET /healthz for a load balancer: the database answers, its schema is current, there is room to write."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from ..db import MIGRATIONS, get_db
from ..store.open import probe_version
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


@bp.get("/healthz")
def healthz():
    """200 with the database's state when the server can serve; 503 with the reason when it cannot."""
    latest = MIGRATIONS[-1][0]
    report = {"database": "ok", "schema": None, "schema_expected": latest, "headroom_bytes": None,
              "events": ops_counts()}
    try:
        # A fresh connection, not the serving one: a file that vanished or a server that went away shows at once.
        report["schema"] = probe_version(current_app.config["DATABASE"])
        report["headroom_bytes"] = get_db().headroom()
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is the answer itself
        report["database"] = f"unreachable: {exc}"
        return jsonify(report), 503
    problems = []
    if report["schema"] != latest:
        problems.append(f"schema {report['schema']}, expected {latest}")
    # PostgreSQL's disk is its server's (headroom None): its operator watches it, not this check.
    if report["headroom_bytes"] is not None and report["headroom_bytes"] < current_app.config.get("MIN_FREE_BYTES", MIN_FREE_BYTES):
        problems.append("almost no room left to write")
    if problems:
        report["database"] = "; ".join(problems)
        return jsonify(report), 503
    return jsonify(report)


def init_app(app) -> None:
    """Register /healthz."""
    app.register_blueprint(bp)

"""Sync API views: join, sync, and the OpenAPI document that describes them."""
from __future__ import annotations

import time
from pathlib import Path

from flask import Blueprint, current_app, jsonify, request

from ..auth.ratelimit import RateLimiter
from ..db import get_db
from ..packs.registry import latest_manifests, load_catalog, published_manifest
from ..planning.refresh import refresh_student
from ..web.operator_log import ops_event
from ..web.proxy import client_address
from .bodies import decode_json_body
from .compression import compress_json_reply
from .devices import device_for_token
from .errors import ApiError
from .join import join_class
from .openapi import openapi_document
from .progress import student_view
from .reconcile import reconcile_batch

bp = Blueprint("sync", __name__, url_prefix="/api/v1")
bp.after_request(compress_json_reply)


@bp.after_request
def log_refused_sync(response):
    """One operator line for every sync the server refused (bad token, too many, full disk, unreadable body)."""
    if request.endpoint == "sync.sync" and response.status_code >= 400:
        reason = (response.get_json(silent=True) or {}).get("error", "")
        ops_event("sync_refused", status=response.status_code, reason=str(reason)[:200])
    return response


def install_limits(app) -> None:
    """Per-app rate limiters; a phone flushing a week's backlog sends ~30 batches in a row."""
    app.config.setdefault("SYNC_RATE", (1.0, 40))
    app.config.setdefault("JOIN_RATE", (0.5, 20))
    app.extensions["abhyas_limits"] = {"sync": RateLimiter(*app.config["SYNC_RATE"]),
                                       "join": RateLimiter(*app.config["JOIN_RATE"])}


def too_many(kind: str, key: str):
    """A 429 with Retry-After when `key` has used up its bucket, else None."""
    allowed, wait = current_app.extensions["abhyas_limits"][kind].allow(key)
    if allowed:
        return None
    response = problem(429, "too many requests; wait and try again")
    response.headers["Retry-After"] = str(max(1, int(wait + 0.5)))
    return response


def problem(status: int, reason: str, **extra):
    """A JSON error reply with a reason a phone (and its developer) can act on."""
    response = jsonify({"error": reason, **extra})
    response.status_code = status
    return response


@bp.errorhandler(ApiError)
def refused(exc: ApiError):
    """Every refusal of the API: its status and its reason as JSON."""
    return problem(exc.status, exc.reason)


def _client_key() -> str:
    """Who is asking, for rate limits: the real client address (through our own proxy only).

    Not the phone's install id: a guesser could rotate that at will.
    """
    return client_address()


@bp.post("/join")
def join():
    """Exchange a class code and PIN for a device token, with what a first sync would answer."""
    limited = too_many("join", _client_key())
    if limited:
        return limited
    body = decode_json_body(request.get_data(cache=False), request.headers.get("Content-Encoding"))
    if not isinstance(body, dict) or not isinstance(body.get("class_code"), str) or not isinstance(body.get("pin"), str):
        return problem(400, "send JSON {\"class_code\": \"...\", \"pin\": \"...\"}")
    if len(body["class_code"]) > 20 or len(body["pin"]) > 12:
        return problem(400, "class code or PIN is too long")
    label = body.get("label") if isinstance(body.get("label"), str) else None
    db = get_db()
    joined = join_class(db, body["class_code"], body["pin"], _client_key(), label)
    # The first sync's answer rides along: on a 2-second line the phone shows a question one round trip sooner.
    catalog = load_catalog(db, Path(current_app.config["PACKS_DIR"]) / "files")
    ahead = whats_next(db, joined["student"]["id"], catalog, _known_packs(body), time.time(), changed=False)
    ahead["student"] = {**ahead.get("student", {}), **joined["student"]}  # the join's carries the student's id
    return jsonify({**ahead, **joined})


def _known_packs(payload) -> dict:
    """The {pack: version} a phone says it holds, or {} when it says nothing usable."""
    packs = payload.get("packs") if isinstance(payload, dict) else None
    if not isinstance(packs, dict):
        return {}
    return {pack: version for pack, version in packs.items() if isinstance(version, str) and len(version) <= 40}


def whats_next(db, student_id: int, catalog: dict, known_packs: dict, now: float, changed: bool,
               more: bool = False) -> dict:
    """Mastery, sets, settings and packs to fetch for one student: the part of a reply that looks ahead."""
    reply = {"server_time": int(now * 1000)}
    try:
        refresh_student(db, student_id, catalog, now, changed=changed, more=more)
    except Exception as exc:  # noqa: BLE001 - what was stored stays stored: the phone must get its acks whatever happens next
        current_app.logger.exception("refreshing student %s failed; progress next sync", student_id)
        ops_event("progress_error", student=student_id, error=type(exc).__name__, detail=str(exc)[:200])
        reply["progress_error"] = "progress will update on the next sync"
    reply.update(student_view(db, student_id, catalog), packs=packs_to_fetch(db, known_packs))
    return reply


def _bearer_device():
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    return device_for_token(get_db(), token)


@bp.post("/sync")
def sync():
    """Store a batch of events once each; reply with acks, refusals, mastery, sets and packs to fetch."""
    device = _bearer_device()
    if device is None:
        return problem(401, "missing, unknown or revoked device token; join the class again")
    limited = too_many("sync", f"device:{device['device_id']}")
    if limited:
        return limited
    payload = decode_json_body(request.get_data(cache=False), request.headers.get("Content-Encoding"))
    db = get_db()
    catalog = load_catalog(db, Path(current_app.config["PACKS_DIR"]) / "files")
    now = time.time()
    result = reconcile_batch(db, device, payload, catalog["items"], now)
    reply = {"acked": result["acked"], "rejected": result["rejected"], "duplicates": len(result["duplicates"])}
    # `more`: the phone has further batches queued behind this one (a flush after days offline).
    more = isinstance(payload, dict) and payload.get("more") is True
    reply.update(whats_next(db, device["student_id"], catalog, _known_packs(payload), now, changed=bool(result["stored"]),
                            more=more))
    return jsonify(reply)


def packs_to_fetch(db, known: dict) -> list:
    """Packs whose newest version the phone lacks (it reports {pack: version}), with the bytes the update costs."""
    wanted = []
    for pid, (_text, body) in sorted(latest_manifests(db).items()):
        held = known.get(pid)
        if held == body["version"]:
            continue
        old = published_manifest(db, pid, held) if held else None
        old_hashes = {f["sha256"] for f in old[1]["files"]} if old else set()
        new_files = [f for f in body["files"] if f["sha256"] not in old_hashes]
        wanted.append({"pack": pid, "version": body["version"], "from_version": held,
                       "manifest": f"/packs/{pid}/{body['version']}/manifest.json",
                       "files_to_fetch": [f["sha256"] for f in new_files],
                       "download_bytes_br": sum(f["bytes_br"] for f in new_files)})
    return wanted


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document for every JSON route."""
    return jsonify(openapi_document(current_app))
